/* catcher.c: the bytes of Rocket's default error pages, and the Accept rule that
 * picks JSON or HTML. Both variants are byte-exact: errors.md §3. */
#include "catcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rocket.h"

static const struct {
	int code;
	const char *reason;
	const char *description;
} pages[] = {
	/* REAL: Rocket v0.5.1 core/lib/src/catcher/catcher.rs default_handler_fn! rows
	 * (code, reason, description), compared line by line */
	{400, "Bad Request", "The request could not be understood by the server due to malformed syntax."},
	{401, "Unauthorized", "The request requires user authentication."},
	{402, "Payment Required", "The request could not be processed due to lack of payment."},
	{403, "Forbidden", "The server refused to authorize the request."},
	{404, "Not Found", "The requested resource could not be found."},
	{405, "Method Not Allowed", "The request method is not supported for the requested resource."},
	{406, "Not Acceptable", "The requested resource is capable of generating only content not acceptable according to the Accept headers sent in the request."},
	{407, "Proxy Authentication Required", "Authentication with the proxy is required."},
	{408, "Request Timeout", "The server timed out waiting for the request."},
	{409, "Conflict", "The request could not be processed because of a conflict in the request."},
	{410, "Gone", "The resource requested is no longer available and will not be available again."},
	{411, "Length Required", "The request did not specify the length of its content, which is required by the requested resource."},
	{412, "Precondition Failed", "The server does not meet one of the preconditions specified in the request."},
	{413, "Payload Too Large", "The request is larger than the server is willing or able to process."},
	{414, "URI Too Long", "The URI provided was too long for the server to process."},
	{415, "Unsupported Media Type", "The request entity has a media type which the server or resource does not support."},
	{416, "Range Not Satisfiable", "The portion of the requested file cannot be supplied by the server."},
	{417, "Expectation Failed", "The server cannot meet the requirements of the Expect request-header field."},
	{418, "I'm a teapot", "I was requested to brew coffee, and I am a teapot."},
	{421, "Misdirected Request", "The server cannot produce a response for this request."},
	{422, "Unprocessable Entity", "The request was well-formed but was unable to be followed due to semantic errors."},
	{426, "Upgrade Required", "Switching to the protocol in the Upgrade header field is required."},
	{428, "Precondition Required", "The server requires the request to be conditional."},
	{429, "Too Many Requests", "Too many requests have been received recently."},
	{431, "Request Header Fields Too Large", "The server is unwilling to process the request because either an individual header field, or all the header fields collectively, are too large."},
	{451, "Unavailable For Legal Reasons", "The requested resource is unavailable due to a legal demand to deny access to this resource."},
	{500, "Internal Server Error", "The server encountered an internal error while processing this request."},
	{501, "Not Implemented", "The server either does not recognize the request method, or it lacks the ability to fulfill the request."},
	{503, "Service Unavailable", "The server is currently unavailable."},
	{504, "Gateway Timeout", "The server did not receive a timely response from an upstream server."},
	{510, "Not Extended", "Further extensions to the request are required for the server to fulfill it."},
};

/* REAL: Rocket v0.5.1 catcher.rs default_handler -
 * `req.accept().map(|a| a.preferred())`, then `is_json()` (application/json, any
 * case, parameters ignored). No Accept header, or one that does not parse: HTML. */
bool catcher_prefers_json(const char *accept)
{
	struct media_type mt;
	return rocket_accept_preferred(accept, &mt) == 0 && rocket_media_is(&mt, "application", "json");
}

char *catcher_page(int code, bool json, const char **ctype)
{
	/* REAL: the `code => ... "Unknown Error"` arm for codes without a page */
	const char *reason = "Unknown Error", *desc = "An unknown error has occurred.";
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (pages[i].code == code) {
			reason = pages[i].reason;
			desc = pages[i].description;
		}
	char *out = NULL;
	int n;
	if (json) {
		*ctype = "application/json";
		n = asprintf(&out,
			     "{\n  \"error\": {\n    \"code\": %d,\n    \"reason\": \"%s\",\n"
			     "    \"description\": \"%s\"\n  }\n}",
			     code, reason, desc);
	} else {
		*ctype = "text/html; charset=utf-8";
		n = asprintf(&out,
			     "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			     "    <meta charset=\"utf-8\">\n"
			     "    <meta name=\"color-scheme\" content=\"light dark\">\n"
			     "    <title>%d %s</title>\n</head>\n<body align=\"center\">\n"
			     "    <div role=\"main\" align=\"center\">\n"
			     "        <h1>%d: %s</h1>\n        <p>%s</p>\n        <hr />\n"
			     "    </div>\n    <div role=\"contentinfo\" align=\"center\">\n"
			     "        <small>Rocket</small>\n    </div>\n</body>\n</html>",
			     code, reason, code, reason, desc);
	}
	return n < 0 ? NULL : out;
}

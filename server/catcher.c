/* catcher.c: the bytes of Rocket's default error pages, and the Accept rule that
 * picks JSON or HTML. Both variants are byte-exact: errors.md §3. */
#include "catcher.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	int code;
	const char *reason;
	const char *description;
} pages[] = {
	/* REAL: Rocket v0.5.1 core/http/src/status.rs reasons, catcher.rs descriptions */
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
	{417, "Expectation Failed", "The server cannot meet the requirements of the expect request-header field."},
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

/* One media range of an Accept value: type/subtype and its q (-1 when absent). */
struct range {
	char type[64], sub[64];
	double q;
};

static void trim(const char **s, const char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

/* Parses "type/sub;param=x;q=0.5". Returns 0, or -1 when unparsable. */
static int parse_range(const char *s, const char *e, struct range *r)
{
	trim(&s, &e);
	const char *semi = memchr(s, ';', (size_t)(e - s));
	const char *me = semi ? semi : e;
	trim(&s, &me);
	const char *slash = memchr(s, '/', (size_t)(me - s));
	if (!slash || slash == s || slash + 1 >= me)
		return -1;
	size_t tl = (size_t)(slash - s), sl = (size_t)(me - slash - 1);
	if (tl >= sizeof(r->type) || sl >= sizeof(r->sub))
		return -1;
	memcpy(r->type, s, tl);
	r->type[tl] = 0;
	memcpy(r->sub, slash + 1, sl);
	r->sub[sl] = 0;
	for (size_t i = 0; i < tl; i++)
		if (isspace((unsigned char)r->type[i]))
			return -1;
	r->q = -1;
	while (semi) {
		const char *ps = semi + 1;
		semi = memchr(ps, ';', (size_t)(e - ps));
		const char *pe = semi ? semi : e;
		trim(&ps, &pe);
		if (pe - ps > 2 && (ps[0] == 'q' || ps[0] == 'Q') && ps[1] == '=') {
			char buf[32];
			size_t n = (size_t)(pe - ps - 2);
			if (n >= sizeof(buf))
				return -1;
			memcpy(buf, ps + 2, n);
			buf[n] = 0;
			char *end;
			double q = strtod(buf, &end);
			if (*end)
				return -1;
			r->q = q;
		}
	}
	return 0;
}

static int specificity(const struct range *r)
{
	if (strcmp(r->type, "*") == 0)
		return 0;
	if (strcmp(r->sub, "*") == 0)
		return 1;
	return 2;
}

/* REAL: Rocket v0.5.1 Accept::preferred - the first entry wins unless a later one
 * has no q while the current one has one, a strictly higher q, or is more specific. */
bool catcher_prefers_json(const char *accept)
{
	if (!accept)
		return false;
	struct range best, cur;
	bool have = false;
	const char *s = accept;
	for (;;) {
		const char *comma = strchr(s, ',');
		const char *e = comma ? comma : s + strlen(s);
		if (parse_range(s, e, &cur) != 0)
			return false;
		if (!have) {
			best = cur;
			have = true;
		} else {
			double bq = best.q < 0 ? 1.0 : best.q, cq = cur.q < 0 ? 1.0 : cur.q;
			if ((best.q >= 0 && cur.q < 0) || cq > bq || specificity(&cur) > specificity(&best))
				best = cur;
		}
		if (!comma)
			break;
		s = comma + 1;
	}
	return have && strcasecmp(best.type, "application") == 0 && strcasecmp(best.sub, "json") == 0;
}

char *catcher_page(int code, bool json, const char **ctype)
{
	const char *reason = "Unknown", *desc = "An unknown error has occurred.";
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

/* test_catcher.c: unit tests for server/catcher.c - Rocket 0.5.1's default error
 * pages, byte for byte, and the Accept rule that picks the JSON or the HTML page.
 * EVIDENCE-OF: spec errors.md §3 (pages, triples), §5 (Accept edges); REAL: Rocket
 * v0.5.1 core/http/src/header/accept.rs Accept::preferred. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catcher.h"
#include "suite.h"

/* errors.md §3, the 401 pages exactly as printed there (no trailing newline). */
static const char page_401_json[] = "{\n"
				    "  \"error\": {\n"
				    "    \"code\": 401,\n"
				    "    \"reason\": \"Unauthorized\",\n"
				    "    \"description\": \"The request requires user authentication.\"\n"
				    "  }\n"
				    "}";

static const char page_401_html[] = "<!DOCTYPE html>\n"
				    "<html lang=\"en\">\n"
				    "<head>\n"
				    "    <meta charset=\"utf-8\">\n"
				    "    <meta name=\"color-scheme\" content=\"light dark\">\n"
				    "    <title>401 Unauthorized</title>\n"
				    "</head>\n"
				    "<body align=\"center\">\n"
				    "    <div role=\"main\" align=\"center\">\n"
				    "        <h1>401: Unauthorized</h1>\n"
				    "        <p>The request requires user authentication.</p>\n"
				    "        <hr />\n"
				    "    </div>\n"
				    "    <div role=\"contentinfo\" align=\"center\">\n"
				    "        <small>Rocket</small>\n"
				    "    </div>\n"
				    "</body>\n"
				    "</html>";

START_TEST(page_401_exact)
{
	const char *ctype = NULL;
	char *json = catcher_page(401, true, &ctype);
	ck_assert_str_eq(json, page_401_json);
	ck_assert_str_eq(ctype, "application/json");
	char *html = catcher_page(401, false, &ctype);
	ck_assert_str_eq(html, page_401_html);
	ck_assert_str_eq(ctype, "text/html; charset=utf-8");
	free(json);
	free(html);
}
END_TEST

/* errors.md §3: the code / reason / description triples this API uses. */
static const struct {
	int code;
	const char *reason, *description;
} triples[] = {
	{400, "Bad Request", "The request could not be understood by the server due to malformed syntax."},
	{401, "Unauthorized", "The request requires user authentication."},
	{404, "Not Found", "The requested resource could not be found."},
	{413, "Payload Too Large", "The request is larger than the server is willing or able to process."},
	{422, "Unprocessable Entity", "The request was well-formed but was unable to be followed due to semantic errors."},
	{500, "Internal Server Error", "The server encountered an internal error while processing this request."},
};

/* Both variants of each page, rebuilt from the 401 templates above. */
START_TEST(page_per_code)
{
	char want_json[1024], want_html[2048];
	const char *ctype;
	snprintf(want_json, sizeof(want_json),
		 "{\n  \"error\": {\n    \"code\": %d,\n    \"reason\": \"%s\",\n    \"description\": \"%s\"\n  }\n}",
		 triples[_i].code, triples[_i].reason, triples[_i].description);
	snprintf(want_html, sizeof(want_html),
		 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n    <meta charset=\"utf-8\">\n"
		 "    <meta name=\"color-scheme\" content=\"light dark\">\n    <title>%d %s</title>\n</head>\n"
		 "<body align=\"center\">\n    <div role=\"main\" align=\"center\">\n        <h1>%d: %s</h1>\n"
		 "        <p>%s</p>\n        <hr />\n    </div>\n    <div role=\"contentinfo\" align=\"center\">\n"
		 "        <small>Rocket</small>\n    </div>\n</body>\n</html>",
		 triples[_i].code, triples[_i].reason, triples[_i].code, triples[_i].reason, triples[_i].description);
	char *json = catcher_page(triples[_i].code, true, &ctype);
	char *html = catcher_page(triples[_i].code, false, &ctype);
	ck_assert_str_eq(json, want_json);
	ck_assert_str_eq(html, want_html);
	free(json);
	free(html);
}
END_TEST

/* /cors/<status> can ask for any code: unknown ones get Rocket's fallback text. */
START_TEST(page_other_codes)
{
	const char *ctype;
	char *p = catcher_page(418, true, &ctype);
	ck_assert_ptr_nonnull(strstr(p, "\"reason\": \"I'm a teapot\""));
	free(p);
	p = catcher_page(599, true, &ctype);
	ck_assert_ptr_nonnull(strstr(p, "\"code\": 599"));
	free(p);
}
END_TEST

/* ---- which page: the preferred Accept media type ------------------------------- */

static const struct {
	const char *accept;
	bool json;
} accepts[] = {
	{NULL, false},                               /* no Accept: HTML */
	{"", false},
	{"application/json", true},                  /* stoat.py */
	{"*/*", false},                              /* stoat.js, browsers */
	{"text/html", false},
	{"application/json, */*", true},
	{"*/*, application/json", true},             /* the more specific type wins */
	{"*/*;q=1, application/json;q=0.1", true},   /* ... even with a lower q */
	{"application/json;q=0.5, text/html;q=0.9", false},
	{"text/html;q=0.5, application/json;q=0.9", true},
	{"text/html;q=0.5, application/json", true}, /* no q beats a q */
	{"application/json;q=0.5, text/html", false},
	{"text/html, application/json", false},      /* equal: the first stays */
	{"application/json, text/html", true},
	{"text/*, application/json", true},
	{"application/*", false},
	{"application/json; charset=utf-8", true},   /* parameters ignored */
	{"Application/JSON", true},                  /* media types are case-insensitive */
	{"application/jsonx", false},
	{"garbage", false},                          /* unparsable: HTML */
	{"application/json, garbage", false},
};

START_TEST(accept_preference)
{
	ck_assert_msg(catcher_prefers_json(accepts[_i].accept) == accepts[_i].json, "Accept: %s -> want %s",
		      accepts[_i].accept ? accepts[_i].accept : "(none)", accepts[_i].json ? "JSON" : "HTML");
}
END_TEST

static Suite *catcher_suite(void)
{
	Suite *s = suite_create("catcher");
	TCase *tc = tcase_create("pages");
	tcase_add_test(tc, page_401_exact);
	tcase_add_loop_test(tc, page_per_code, 0, sizeof(triples) / sizeof(triples[0]));
	tcase_add_test(tc, page_other_codes);
	suite_add_tcase(s, tc);
	tc = tcase_create("accept");
	tcase_add_loop_test(tc, accept_preference, 0, sizeof(accepts) / sizeof(accepts[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(catcher_suite());
}

/* test_rocket.c: unit tests for server/rocket.c - Rocket 0.5.1's media types and
 * Accept preference, the _method override, Server and Shield, and rocket_cors'
 * origins and request/response rules as crates/delta/src/main.rs configures them.
 * The URL parser behind the origins: test_url.c.
 * EVIDENCE-OF: spec errors.md §3, §5, §6; root-and-ratelimits.md §3.
 * REAL: Rocket v0.5.1 core/http/src/{header/accept.rs, parse/accept.rs,
 * parse/media_type.rs, method.rs}, core/lib/src/{server.rs, shield/shield.rs};
 * rocket_cors rev 072d9035 src/{lib.rs, headers.rs, fairing.rs}. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rocket.h"
#include "suite.h"

/* ---- Accept ------------------------------------------------------------------------------ */

static const struct {
	const char *accept;
	const char *preferred; /* "top/sub", or NULL when the header does not parse */
} accepts[] = {
	{"application/json", "application/json"},
	{"*/*", "*/*"},
	{"application/json, */*", "application/json"},
	{"*/*, application/json", "application/json"},          /* more specific */
	{"*/*;q=1, application/json;q=0.1", "application/json"}, /* specificity beats q */
	{"text/html, application/json", "text/html"},           /* first of equals */
	{"application/json;q=0.9, text/html", "text/html"},     /* no q beats a q */
	{"text/html;q=0.1, application/json;q=0.2", "application/json"},
	{"text/*, text/html", "text/html"},
	{"text/html; level=1; q=0.1, application/json; q=0.5", "text/html"}, /* q not first: no weight */
	{"application/json; q=0.50001, text/html;q=0.9", "application/json"}, /* over 5 chars: no weight */
	{"APPLICATION/JSON; charset=utf-8", "APPLICATION/JSON"},
	{"  text/html ,application/json  ", "text/html"},
	{"application/json;q=2", NULL},                          /* > 1 */
	{"application/json;q=-1", NULL},                         /* < 0 */
	{"application/json;q=abc", NULL},
	{"application/json;q=inf", NULL},
	{"application/json,", NULL},                             /* an item must follow ',' */
	{"application/json;", NULL},                             /* a param must follow ';' */
	{"application/json ;q=1", NULL},
	{"", NULL},
	{"json", NULL},
	{"text/html;a=\"x;y\", application/json;q=\"0.1\"", "text/html"},
};

START_TEST(accept_preferred)
{
	struct media_type mt;
	int rc = rocket_accept_preferred(accepts[_i].accept, &mt);
	if (!accepts[_i].preferred) {
		ck_assert_int_eq(rc, -1);
		return;
	}
	ck_assert_int_eq(rc, 0);
	char got[128];
	snprintf(got, sizeof(got), "%.*s/%.*s", (int)mt.top_len, mt.top, (int)mt.sub_len, mt.sub);
	ck_assert_str_eq(got, accepts[_i].preferred);
}
END_TEST

START_TEST(media_type_parse)
{
	struct media_type mt;
	ck_assert_int_eq(rocket_media_type("application/x-www-form-urlencoded", 33, &mt), 0);
	ck_assert(rocket_media_is(&mt, "application", "x-www-form-urlencoded"));
	ck_assert_int_eq(rocket_media_type("Text/Plain;charset=UTF-8", 24, &mt), 0);
	ck_assert(rocket_media_is(&mt, "text", "plain"));
	ck_assert_int_eq(rocket_media_type("text/", 5, &mt), -1);
	ck_assert_int_eq(rocket_media_type("text/plain x", 12, &mt), -1);
}
END_TEST

/* ---- methods --------------------------------------------------------------------------------- */

START_TEST(methods)
{
	ck_assert(rocket_method_standard("PATCH"));
	ck_assert(rocket_method_standard("CONNECT"));
	ck_assert(!rocket_method_standard("get"));
	ck_assert(!rocket_method_standard("PROPFIND"));
	ck_assert_str_eq(rocket_method_parse("pAtCh", 5), "PATCH");
	ck_assert_ptr_null(rocket_method_parse("FETCH", 5));
}
END_TEST

static const struct {
	const char *method, *content_type, *body, *want;
} overrides[] = {
	{"POST", "application/x-www-form-urlencoded", "_method=delete", "DELETE"},
	{"POST", "application/x-www-form-urlencoded; charset=utf-8", "_method=PATCH&a=1", "PATCH"},
	{"POST", "application/x-www-form-urlencoded", "&&_method=get&", "GET"},
	{"POST", "application/x-www-form-urlencoded", "_method=get", "GET"},
	{"POST", "application/x-www-form-urlencoded", "_method=put", "PUT"}, /* exactly the 11 bytes needed */
	{"POST", "application/x-www-form-urlencoded", "_method=pu", NULL},
	{"POST", "application/x-www-form-urlencoded", "_method=options", NULL}, /* cut at 14 bytes */
	{"POST", "application/x-www-form-urlencoded", "a=1&_method=get", NULL}, /* first field only */
	{"POST", "application/x-www-form-urlencoded", "_method=p%61tch", NULL}, /* not decoded */
	{"POST", "application/json", "_method=delete", NULL},
	{"POST", NULL, "_method=delete", NULL},
	{"PUT", "application/x-www-form-urlencoded", "_method=delete", NULL},
};

START_TEST(method_override)
{
	struct request rq = {0};
	rq.method = overrides[_i].method;
	rq.content_type = overrides[_i].content_type;
	rq.body = overrides[_i].body;
	rq.body_len = strlen(overrides[_i].body);
	const char *m = rocket_method_override(&rq);
	if (overrides[_i].want)
		ck_assert_str_eq(m, overrides[_i].want);
	else
		ck_assert_ptr_null(m);
}
END_TEST

/* ---- Server and Shield ------------------------------------------------------------------------ */

START_TEST(server_and_shield)
{
	struct reply rp;
	reply_init(&rp);
	reply_header(&rp, "X-Frame-Options", "DENY"); /* Shield never overwrites */
	rocket_server_shield(&rp);
	ck_assert_str_eq(reply_get_header(&rp, "server"), "Rocket");
	ck_assert_str_eq(reply_get_header(&rp, "x-content-type-options"), "nosniff");
	ck_assert_str_eq(reply_get_header(&rp, "x-frame-options"), "DENY");
	ck_assert_str_eq(reply_get_header(&rp, "permissions-policy"), "interest-cohort=()");
	ck_assert_int_eq(rp.nheaders, 4);
	reply_release(&rp);
}
END_TEST

/* ---- CORS ------------------------------------------------------------------------------------- */

/* The rocket_cors layer over url_origin (url.h; the parser's own cases are in
 * test_url.c): "null" in any case, a tuple origin re-serialised, an opaque one
 * echoed as given, a failure. */
static const struct {
	const char *origin, *echo; /* echo NULL: url::Url::parse fails */
} origins[] = {
	{"null", "null"},
	{"NULL", "null"},
	{"HTTP://App.Example:8080/path?q#f", "http://app.example:8080"},
	{"file:///etc", "file:///etc"},             /* opaque: echoed as given */
	{"chrome-extension://abc", "chrome-extension://abc"},
	{"blob:https://a.com/uuid", "https://a.com"},
	{"foo", NULL},
	{"", NULL},
};

START_TEST(origin_serialisation)
{
	char out[512];
	int rc = rocket_cors_origin(origins[_i].origin, out, sizeof(out));
	if (origins[_i].echo) {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(out, origins[_i].echo);
	} else {
		ck_assert_int_eq(rc, -1);
	}
}
END_TEST

START_TEST(cors_request_kinds)
{
	struct request rq = {0};
	struct cors c;
	rq.method = "GET";
	rocket_cors_request(&rq, &c);
	ck_assert_int_eq(c.kind, CORS_NONE);
	rq.origin = "https://app.example";
	rocket_cors_request(&rq, &c);
	ck_assert_int_eq(c.kind, CORS_ACTUAL);
	rq.method = "OPTIONS";
	rocket_cors_request(&rq, &c);
	ck_assert_int_eq(c.kind, CORS_FAILED); /* no Access-Control-Request-Method */
	ck_assert(!c.origin_bad);
	rq.ac_request_method = "delete";
	rocket_cors_request(&rq, &c);
	ck_assert_int_eq(c.kind, CORS_PREFLIGHT);
	rq.ac_request_method = "FETCH";
	rocket_cors_request(&rq, &c);
	ck_assert_int_eq(c.kind, CORS_FAILED);
	rq.origin = "foo";
	rq.method = "GET";
	rocket_cors_request(&rq, &c);
	ck_assert_int_eq(c.kind, CORS_FAILED);
	ck_assert(c.origin_bad);
}
END_TEST

START_TEST(cors_reply_headers)
{
	struct request rq = {0};
	struct reply rp;
	struct cors c;
	rq.method = "OPTIONS";
	rq.origin = "https://app.example";
	rq.ac_request_method = "POST";
	rq.ac_request_headers = "X-Session-Token, content-type , x-session-token";
	reply_init(&rp);
	rocket_cors_request(&rq, &c);
	rocket_options_catch_all(&rq, &rp); /* the route merges once... */
	rocket_cors_reply(&rq, &c, &rp);    /* ...the fairing again */
	ck_assert_int_eq(rp.status, 200);
	ck_assert_str_eq(reply_get_header(&rp, "access-control-allow-origin"), "https://app.example");
	ck_assert_str_eq(reply_get_header(&rp, "access-control-allow-headers"), "X-Session-Token, content-type");
	ck_assert_ptr_nonnull(strstr(reply_get_header(&rp, "access-control-allow-methods"), "PATCH"));
	ck_assert_ptr_null(reply_get_header(&rp, "access-control-expose-headers"));
	int vary = 0;
	for (int i = 0; i < rp.nheaders; i++)
		vary += strcmp(rp.headers[i].name, "vary") == 0;
	ck_assert_int_eq(vary, 2);
	reply_release(&rp);

	/* an actual request: expose headers, one Vary, no methods */
	rq.method = "GET";
	reply_init(&rp);
	rocket_cors_request(&rq, &c);
	rocket_cors_reply(&rq, &c, &rp);
	ck_assert_ptr_nonnull(strstr(reply_get_header(&rp, "access-control-expose-headers"), "X-Ratelimit-Bucket"));
	ck_assert_ptr_null(reply_get_header(&rp, "access-control-allow-methods"));
	reply_release(&rp);

	/* an Origin that does not parse: status 500, no CORS header */
	rq.origin = "foo";
	reply_init(&rp);
	rp.status = 400;
	rocket_cors_request(&rq, &c);
	rocket_cors_reply(&rq, &c, &rp);
	ck_assert_int_eq(rp.status, 500);
	ck_assert_int_eq(rp.nheaders, 0);
	reply_release(&rp);
}
END_TEST

START_TEST(cors_status_route)
{
	static const struct {
		const char *param;
		int page;
	} rows[] = {{"418", 418}, {"400", 400}, {"205", 205}, {"+404", 404}, {"999", 500},
		    {"abc", 500}, {"65536", 500}, {"0", 500}, {"", 500}};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct request rq = {0};
		struct reply rp;
		reply_init(&rp);
		rq.id = rows[i].param;
		rq.id_len = strlen(rows[i].param);
		rocket_cors_status(&rq, &rp);
		ck_assert_int_eq(rp.catcher, rows[i].page);
		reply_release(&rp);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rocket");
	TCase *tc = tcase_create("media");
	tcase_add_loop_test(tc, accept_preferred, 0, sizeof(accepts) / sizeof(accepts[0]));
	tcase_add_test(tc, media_type_parse);
	suite_add_tcase(s, tc);
	tc = tcase_create("methods");
	tcase_add_test(tc, methods);
	tcase_add_loop_test(tc, method_override, 0, sizeof(overrides) / sizeof(overrides[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("headers");
	tcase_add_test(tc, server_and_shield);
	suite_add_tcase(s, tc);
	tc = tcase_create("cors");
	tcase_add_loop_test(tc, origin_serialisation, 0, sizeof(origins) / sizeof(origins[0]));
	tcase_add_test(tc, cors_request_kinds);
	tcase_add_test(tc, cors_reply_headers);
	tcase_add_test(tc, cors_status_route);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

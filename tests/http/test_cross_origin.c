/* test_cross_origin.c: the control API is not a cross-site door
 * (server/control_origin.h). No /_mock answer carries a CORS grant; a /_mock request
 * that can change something, sent with an Origin that is not the server's own, is
 * refused with 403 and changes nothing (state, faults, journal re-read after it);
 * the server's own origins (http:// plus the Host it is reached at, --public-url) and
 * requests without an Origin pass; the emulated API keeps the real server's CORS; with
 * --no-control /_mock is an unknown path of the real server, CORS included. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "suite.h"

static struct server srv;

static void start(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
static void stop(void) { ck_assert_int_eq(server_stop(&srv), 0); }

/* The answer to method path with an Origin (NULL: none), a Host (NULL: curl's) and a
 * Content-Type (NULL: none). */
static void ask(const struct server *s, const char *method, const char *path, const char *origin, const char *host,
		 const char *ctype, const char *body, struct resp *r)
{
	char o[512], h[512], c[256];
	const char *hs[4] = {NULL};
	int n = 0;
	if (origin) {
		snprintf(o, sizeof(o), "Origin: %s", origin);
		hs[n++] = o;
	}
	if (host) {
		snprintf(h, sizeof(h), "Host: %s", host);
		hs[n++] = h;
	}
	if (ctype) {
		snprintf(c, sizeof(c), "Content-Type: %s", ctype);
		hs[n++] = c;
	}
	ck_assert_int_eq(http(s, method, path, hs, body, r), 0);
}

/* The status of a body-less request with that Origin and Host. */
static long status_of(const struct server *s, const char *method, const char *path, const char *origin,
		      const char *host)
{
	struct resp r;
	ask(s, method, path, origin, host, NULL, NULL, &r);
	long status = r.status;
	resp_release(&r);
	return status;
}

/* No header of the CORS family at all. */
static void expect_no_grant(const struct resp *r, const char *what)
{
	static const char *const names[] = {"access-control-allow-origin", "access-control-allow-methods",
					    "access-control-allow-headers", "access-control-expose-headers",
					    "access-control-allow-credentials", "vary"};
	char v[256];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(!resp_header(r, names[i], v, sizeof(v)), "%s: %s: %s", what, names[i], v);
}

/* Everything a write could change, as text: the state, the faults, the journal. */
static char *everything(void)
{
	static const char *const reads[] = {"/_mock/state", "/_mock/faults", "/_mock/requests"};
	size_t len = 0;
	char *all = calloc(1, 1);
	for (size_t i = 0; i < 3; i++) {
		struct resp r;
		ask(&srv, "GET", reads[i], NULL, NULL, NULL, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		all = realloc(all, len + r.len + 2);
		memcpy(all + len, r.body, r.len);
		len += r.len;
		all[len++] = '\n';
		all[len] = 0;
		resp_release(&r);
	}
	return all;
}

/* A state a reset, an import or a fault change would visibly undo. */
static void make_changes(void)
{
	struct resp r;
	ask(&srv, "POST", "/_mock/faults", NULL, NULL, NULL, "{\"path\":\"/nowhere\",\"drop\":true,\"times\":0}", &r);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	ck_assert_int_eq(http_as(&srv, "PATCH", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION,
				 "{\"name\":\"Changed\"}", &r), 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
}

/* Every kind of write the control API has (and one to no route), as a page on
 * another site can send it: a form post (text/plain, urlencoded, the `_method`
 * override) or fetch() in no-cors mode. */
static const struct {
	const char *method, *path, *ctype, *body;
} writes[] = {
	{"POST", "/_mock/reset", "text/plain", ""},
	{"POST", "/0.8/_mock/reset", "text/plain", ""},
	{"POST", "/_mock//reset/", NULL, NULL},
	{"PUT", "/_mock/state", "application/json", "{}"},
	{"POST", "/_mock/users", "text/plain", "{\"username\":\"mallory\"}"},
	{"POST", "/_mock/faults", "text/plain", "{\"path\":\"*\",\"drop\":true,\"times\":0}"},
	{"POST", "/_mock/faults", "application/x-www-form-urlencoded", "_method=DELETE"},
	{"DELETE", "/_mock/faults", NULL, NULL},
	{"DELETE", "/_mock/faults/fault-1", NULL, NULL},
	{"DELETE", "/_mock/requests", NULL, NULL},
	{"PATCH", "/_mock/nowhere", "application/json", "{}"},
};
#define NWRITES (sizeof(writes) / sizeof(writes[0]))

START_TEST(a_write_from_another_origin_is_refused_and_changes_nothing)
{
	char other_scheme[64], other_port[64], other_host[64];
	snprintf(other_scheme, sizeof(other_scheme), "https://127.0.0.1:%u", srv.port);
	snprintf(other_port, sizeof(other_port), "http://127.0.0.1:%u", srv.port + 1);
	snprintf(other_host, sizeof(other_host), "http://localhost:%u", srv.port);
	const char *const foreign[] = {
		"https://evil.example", "null", "foo", "file://", other_scheme, other_port, other_host,
		"http://127.0.0.1", /* no port: port 80 */
	};
	make_changes();
	char *before = everything();
	for (size_t o = 0; o < sizeof(foreign) / sizeof(foreign[0]); o++) {
		for (size_t i = 0; i < NWRITES; i++) {
			struct resp r;
			ask(&srv, writes[i].method, writes[i].path, foreign[o], NULL, writes[i].ctype, writes[i].body, &r);
			ck_assert_msg(r.status == 403, "%s %s from %s: %ld %s", writes[i].method, writes[i].path, foreign[o],
				      r.status, r.body);
			ck_assert_str_eq(r.content_type, "application/json");
			ck_assert_str_eq(jstr(r.json, "type"), "CrossOriginRefused");
			ck_assert_str_eq(jstr(r.json, "location"), "stoat-mock/_mock");
			expect_no_grant(&r, foreign[o]);
			resp_release(&r);
		}
	}
	char *after = everything();
	ck_assert_str_eq(after, before);
	free(after);
	free(before);

	/* the whole answer once */
	struct resp r;
	ask(&srv, "POST", "/_mock/reset", "https://evil.example", NULL, "text/plain", "", &r);
	char want[1024];
	snprintf(want, sizeof(want),
		 "{\"type\":\"CrossOriginRefused\",\"error\":\"Origin 'https://evil.example' is not one of this server's "
		 "own (http://127.0.0.1:%u): the control API takes changes only from its own pages and from clients "
		 "that send no Origin; behind a proxy, set --public-url\",\"location\":\"stoat-mock/_mock\"}",
		 srv.port);
	ck_assert_str_eq(r.body, want);
	resp_release(&r);
}
END_TEST

START_TEST(no_answer_of_the_control_api_grants_another_origin)
{
	static const char *const reads[] = {"/_mock/health", "/_mock/state", "/_mock/faults", "/_mock/requests",
					    "/_mock/", "/_mock/ui/app.js", "/_mock/ui/snapshot", "/_mock/nowhere"};
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		struct resp r;
		ask(&srv, "GET", reads[i], "https://evil.example", NULL, NULL, NULL, &r);
		ck_assert_msg(r.status == 200 || strcmp(reads[i], "/_mock/nowhere") == 0, "%s: %ld", reads[i], r.status);
		expect_no_grant(&r, reads[i]);
		resp_release(&r);
	}
	/* a preflight gets the catch-all's empty 200 without the grant, so the browser
	 * sends no request that needs one */
	for (size_t i = 0; i < NWRITES; i++) {
		struct resp r;
		const char *hs[] = {"Origin: https://evil.example", "Access-Control-Request-Method: DELETE",
				    "Access-Control-Request-Headers: content-type", NULL};
		ck_assert_int_eq(http(&srv, "OPTIONS", writes[i].path, hs, NULL, &r), 0);
		ck_assert_int_eq(r.status, 200);
		ck_assert_uint_eq(r.len, 0);
		expect_no_grant(&r, writes[i].path);
		resp_release(&r);
	}
	/* an unparsable Origin is no longer the CORS fairing's 500 on /_mock either */
	struct resp r;
	ask(&srv, "GET", "/_mock/health", "foo", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	expect_no_grant(&r, "Origin: foo");
	resp_release(&r);
}
END_TEST

START_TEST(the_servers_own_origin_and_no_origin_pass)
{
	char own[64], own_upper[64], host_local[64], own_local[64];
	snprintf(own, sizeof(own), "http://127.0.0.1:%u", srv.port);
	snprintf(own_upper, sizeof(own_upper), "HTTP://127.0.0.1:%u", srv.port);
	snprintf(host_local, sizeof(host_local), "localhost:%u", srv.port);
	snprintf(own_local, sizeof(own_local), "http://localhost:%u", srv.port);
	static const char *const fault = "{\"path\":\"/nowhere\",\"delay_ms\":1}";
	const struct {
		const char *origin, *host;
	} own_cases[] = {
		{NULL, NULL},                        /* curl, a test suite: no Origin */
		{own, NULL},                         /* the dashboard, loaded from 127.0.0.1:PORT */
		{own_upper, NULL},                   /* compared serialised: scheme in lower case */
		{own_local, host_local},             /* loaded from localhost:PORT */
		{"http://mock.test:80", "mock.test"}, /* default port dropped on both sides */
		{"http://[::1]:8080", "[0:0::1]:8080"}, /* IPv6 text normalised */
	};
	for (size_t i = 0; i < sizeof(own_cases) / sizeof(own_cases[0]); i++) {
		struct resp r;
		ask(&srv, "POST", "/_mock/faults", own_cases[i].origin, own_cases[i].host, "application/json", fault, &r);
		ck_assert_msg(r.status == 200, "%s via %s: %ld %s", own_cases[i].origin, own_cases[i].host, r.status,
			      r.body);
		expect_no_grant(&r, "own origin");
		resp_release(&r);
		ck_assert_int_eq(status_of(&srv, "DELETE", "/_mock/faults", own_cases[i].origin, own_cases[i].host), 204);
	}
	/* a Host that would make "http://" + it another URL is nobody's */
	ck_assert_int_eq(status_of(&srv, "POST", "/_mock/reset", "http://evil.example", "evil.example/@127.0.0.1"), 403);
	ck_assert_int_eq(status_of(&srv, "POST", "/_mock/reset", "http://evil.example", "evil.example@127.0.0.1"), 403);
	/* the safe methods pass from anywhere (the browser keeps the answer from the page) */
	ck_assert_int_eq(status_of(&srv, "HEAD", "/_mock/state", "https://evil.example", NULL), 200);
}
END_TEST

START_TEST(public_url_is_an_own_origin)
{
	static const char *const args[] = {"--public-url", "https://Mock.Example:8443/stoat", "--quiet", NULL};
	struct server s;
	ck_assert_int_eq(server_start(&s, args), 0);
	ck_assert_int_eq(status_of(&s, "POST", "/_mock/reset", "https://mock.example:8443", "internal:9000"), 204);
	struct resp r;
	ask(&s, "POST", "/_mock/reset", "http://mock.example:8443", "internal:9000", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_str_eq(jstr(r.json, "error"),
			 "Origin 'http://mock.example:8443' is not one of this server's own (http://internal:9000, "
			 "https://mock.example:8443): the control API takes changes only from its own pages and from "
			 "clients that send no Origin; behind a proxy, set --public-url");
	resp_release(&r);
	ck_assert_int_eq(server_stop(&s), 0);
}
END_TEST

START_TEST(the_emulated_api_keeps_the_real_cors)
{
	struct resp r;
	const char *get[] = {"Origin: https://evil.example", "x-session-token: " ALICE_SESSION, NULL};
	ck_assert_int_eq(http(&srv, "GET", "/bots/@me", get, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	char v[256];
	ck_assert_str_eq(resp_header(&r, "access-control-allow-origin", v, sizeof(v)), "https://evil.example");
	ck_assert_str_eq(resp_header(&r, "vary", v, sizeof(v)), "Origin");
	resp_release(&r);
	/* a write from another origin: rocket_cors allows every origin, so it runs */
	const char *patch[] = {"Origin: https://evil.example", "x-session-token: " ALICE_SESSION,
			       "Content-Type: text/plain", NULL};
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, patch, "{\"name\":\"FromAfar\"}", &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "user.username"), "FromAfar");
	ck_assert_str_eq(resp_header(&r, "access-control-allow-origin", v, sizeof(v)), "https://evil.example");
	resp_release(&r);
	const char *pre[] = {"Origin: https://evil.example", "Access-Control-Request-Method: PATCH", NULL};
	ck_assert_int_eq(http(&srv, "OPTIONS", "/bots/" HELPER_ID, pre, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(resp_header(&r, "access-control-allow-origin", v, sizeof(v)), "https://evil.example");
	ck_assert_ptr_nonnull(resp_header(&r, "access-control-allow-methods", v, sizeof(v)));
	resp_release(&r);
	/* an unparsable Origin: still the fairing's 500 outside /_mock */
	const char *bad[] = {"Origin: foo", NULL};
	ck_assert_int_eq(http(&srv, "GET", "/", bad, NULL, &r), 0);
	ck_assert_int_eq(r.status, 500);
	resp_release(&r);
}
END_TEST

START_TEST(without_control_mock_paths_are_the_real_servers_unknown_paths)
{
	static const char *const args[] = {"--no-control", "--quiet", NULL};
	struct server s;
	ck_assert_int_eq(server_start(&s, args), 0);
	struct resp r;
	ask(&s, "POST", "/_mock/reset", "https://evil.example", NULL, "text/plain", "", &r);
	ck_assert_int_eq(r.status, 404);
	char v[256];
	ck_assert_str_eq(resp_header(&r, "access-control-allow-origin", v, sizeof(v)), "https://evil.example");
	resp_release(&r);
	ck_assert_int_eq(server_stop(&s), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cross_origin");
	TCase *tc = tcase_create("cross_origin");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, start, stop);
	tcase_add_test(tc, a_write_from_another_origin_is_refused_and_changes_nothing);
	tcase_add_test(tc, no_answer_of_the_control_api_grants_another_origin);
	tcase_add_test(tc, the_servers_own_origin_and_no_origin_pass);
	tcase_add_test(tc, public_url_is_an_own_origin);
	tcase_add_test(tc, the_emulated_api_keeps_the_real_cors);
	tcase_add_test(tc, without_control_mock_paths_are_the_real_servers_unknown_paths);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_not_emulated.c: the routes of the real API stoat-mock does not emulate, over
 * HTTP, for what the golden table (tests/wire/50-not-emulated.txt) cannot show: the
 * journal's record of such a request, that a fault still applies before it, that it
 * writes nothing, and that every row of server/generated/not_emulated.c answers 501
 * naming itself. EVIDENCE-OF: issue 18 item 1. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "routes.h"
#include "suite.h"

static struct server srv;

static void start(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
static void stop(void) { ck_assert_int_eq(server_stop(&srv), 0); }

static void expect(const char *method, const char *path, const char *token, const char *body, long status,
		   const char *want)
{
	struct resp r;
	ck_assert_int_eq(http_as(&srv, method, path, token ? "x-session-token" : NULL, token, body, &r), 0);
	ck_assert_msg(r.status == status, "%s %s: %ld %s", method, path, r.status, r.body);
	if (want)
		ck_assert_str_eq(r.body, want);
	resp_release(&r);
}

/* The journal: route "not_emulated", status 501, the body as sent, never a token. */
START_TEST(journal_marks_them)
{
	expect("DELETE", "/_mock/requests", NULL, NULL, 204, NULL);
	expect("POST", "/channels/x/messages", ALICE_SESSION, "{\"content\":\"hi\"}", 501,
	       "{\"type\":\"NotEmulated\",\"route\":\"POST /channels/{target}/messages\",\"location\":\"stoat-mock\"}");
	expect("GET", "/nope", NULL, NULL, 404, NULL);
	struct resp r;
	ck_assert_int_eq(http(&srv, "GET", "/_mock/requests", NULL, NULL, &r), 0);
	ck_assert_int_eq(cJSON_GetArraySize(jget(r.json, "requests")), 2);
	ck_assert_str_eq(jstr(r.json, "requests.0.route"), "not_emulated");
	ck_assert_str_eq(jstr(r.json, "requests.0.path"), "/channels/x/messages");
	ck_assert_str_eq(jstr(r.json, "requests.0.auth"), "session");
	ck_assert_int_eq(jget(r.json, "requests.0.status")->valueint, 501);
	ck_assert_str_eq(jstr(r.json, "requests.0.body"), "{\"content\":\"hi\"}");
	ck_assert(cJSON_IsNull(jget(r.json, "requests.1.route"))); /* unknown path: no route */
	ck_assert_int_eq(jget(r.json, "requests.1.status")->valueint, 404);
	resp_release(&r);
}
END_TEST

/* A fault is tried before routing: it answers instead of the 501. */
START_TEST(a_fault_applies_first)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, "POST", "/_mock/faults", NULL,
			      "{\"path\":\"/servers/*\",\"error\":{\"type\":\"InternalError\"}}", &r), 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	expect("GET", "/servers/x", ALICE_SESSION, NULL, 500,
	       "{\"type\":\"InternalError\",\"location\":\"stoat-mock/_mock/faults/fault-1\"}");
	expect("GET", "/servers/x", ALICE_SESSION, NULL, 501,
	       "{\"type\":\"NotEmulated\",\"route\":\"GET /servers/{target}\",\"location\":\"stoat-mock\"}");
}
END_TEST

/* Every row of the generated table, with a request built from its own pattern. */
START_TEST(every_row_names_itself)
{
	const struct route_absent *a = &route_absent_rows[_i];
	char path[512] = "", want[512];
	for (const char *p = a->path; *p;) {
		size_t n = strcspn(p, "/");
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%.*s", (int)n, *p == ':' ? "x1" : p);
		p += n + (p[n] == '/');
	}
	snprintf(want, sizeof(want), "{\"type\":\"NotEmulated\",\"route\":\"%s\",\"location\":\"stoat-mock\"}", a->name);
	expect(a->method, path, NULL, strcmp(a->method, "GET") ? "{}" : NULL, 501, want);
}
END_TEST

/* Nothing a 501 request carries changes the state. */
START_TEST(nothing_is_written)
{
	struct resp before, after;
	ck_assert_int_eq(http(&srv, "GET", "/_mock/state", NULL, NULL, &before), 0);
	expect("PATCH", "/users/@me", ALICE_SESSION, "{\"display_name\":\"Changed\"}", 501, NULL);
	expect("DELETE", "/servers/01J1SERVER0000000000000001", ALICE_SESSION, NULL, 501, NULL);
	ck_assert_int_eq(http(&srv, "GET", "/_mock/state", NULL, NULL, &after), 0);
	ck_assert_str_eq(after.body, before.body);
	resp_release(&before);
	resp_release(&after);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("not_emulated");
	TCase *tc = tcase_create("not_emulated");
	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_add_test(tc, journal_marks_them);
	tcase_add_test(tc, a_fault_applies_first);
	tcase_add_loop_test(tc, every_row_names_itself, 0, (int)route_absent_count);
	tcase_add_test(tc, nothing_is_written);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

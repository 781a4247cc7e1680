/* test_answers.c: http.c reuses the libmicrohttpd response of an answer that is
 * byte for byte equal to a recent one. These tests make sure that reuse can never
 * be seen: an answer whose body or any header changed is always sent as it is now,
 * also after more distinct answers than the server keeps. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "suite.h"

#define KEPT 16 /* ANSWERS_KEPT in server/http.c */

static struct server srv;

static void up(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
static void down(void) { server_stop(&srv); }

static void set_url(int i)
{
	char body[128];
	struct resp r;
	snprintf(body, sizeof(body), "{\"interactions_url\":\"https://helper.example/hook/%d\"}", i);
	ck_assert_int_eq(http_as(&srv, "PATCH", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION, body, &r), 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
}

static void expect_url(int i)
{
	char want[64];
	struct resp r;
	snprintf(want, sizeof(want), "https://helper.example/hook/%d", i);
	ck_assert_int_eq(http_as(&srv, "GET", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "bot.interactions_url"), want);
	ck_assert_str_eq(jstr(r.json, "bot._id"), HELPER_ID);
	resp_release(&r);
}

START_TEST(changed_state_is_never_answered_from_an_earlier_response)
{
	/* more distinct answers than are kept, each read twice (the second read is
	 * equal to the first, so it may be a reused response) */
	for (int i = 0; i < KEPT + 8; i++) {
		set_url(i);
		expect_url(i);
		expect_url(i);
	}
	/* back to values answered long ago (evicted) and recently (possibly kept) */
	set_url(0);
	expect_url(0);
	set_url(KEPT + 7);
	expect_url(KEPT + 7);
	set_url(3);
	expect_url(3);
}
END_TEST

START_TEST(equal_answers_are_equal_on_the_wire)
{
	struct resp first;
	ck_assert_int_eq(http_as(&srv, "GET", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION, NULL, &first), 0);
	ck_assert_int_eq(first.status, 200);
	char len[32], server[32];
	ck_assert_ptr_nonnull(resp_header(&first, "content-length", len, sizeof(len)));
	for (int i = 0; i < 40; i++) {
		struct resp r;
		/* other answers in between, so the list turns over */
		ck_assert_int_eq(http(&srv, "GET", i % 2 ? "/bots/" HELPER_ID : "/nowhere", NULL, NULL, &r), 0);
		ck_assert_int_eq(r.status, i % 2 ? 401 : 404);
		resp_release(&r);
		ck_assert_int_eq(http_as(&srv, "GET", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION, NULL, &r), 0);
		ck_assert_int_eq(r.status, 200);
		ck_assert_str_eq(r.body, first.body);
		ck_assert_str_eq(r.content_type, "application/json");
		char l[32];
		ck_assert_str_eq(resp_header(&r, "content-length", l, sizeof(l)), len);
		ck_assert_str_eq(resp_header(&r, "server", server, sizeof(server)), "Rocket");
		resp_release(&r);
	}
	/* HEAD of the same route: no body, the GET answer's length */
	struct resp h;
	ck_assert_int_eq(http_as(&srv, "HEAD", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION, NULL, &h), 0);
	ck_assert_int_eq(h.status, 200);
	ck_assert_uint_eq(h.len, 0);
	char l[32];
	ck_assert_str_eq(resp_header(&h, "content-length", l, sizeof(l)), len);
	resp_release(&h);
	resp_release(&first);
}
END_TEST

START_TEST(a_changed_header_is_a_different_answer)
{
	/* same body each time, but the rate limiter counts down in a header */
	struct server rl;
	const char *args[] = {"--rate-limits", NULL};
	ck_assert_int_eq(server_start(&rl, args), 0);
	long last = -1;
	for (int i = 0; i < 6; i++) {
		struct resp r;
		char v[32];
		ck_assert_int_eq(http_as(&rl, "GET", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION, NULL, &r), 0);
		ck_assert_int_eq(r.status, 200);
		ck_assert_str_eq(jstr(r.json, "bot._id"), HELPER_ID);
		ck_assert_ptr_nonnull(resp_header(&r, "x-ratelimit-remaining", v, sizeof(v)));
		long now = strtol(v, NULL, 10);
		if (last >= 0)
			ck_assert_int_eq(now, last - 1);
		last = now;
		resp_release(&r);
	}
	server_stop(&rl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("answers");
	TCase *tc = tcase_create("answers");
	tcase_add_checked_fixture(tc, up, down);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, changed_state_is_never_answered_from_an_earlier_response);
	tcase_add_test(tc, equal_answers_are_equal_on_the_wire);
	tcase_add_test(tc, a_changed_header_is_a_different_answer);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

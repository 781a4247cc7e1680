/* test_bots_create.c: POST /bots/create where the fixture must be generated when the
 * test runs, which a golden table cannot hold: a name whose every discriminator is in
 * use (about 10 000 users, in mixed case), and owners whose ULIDs are relative to now
 * (one hour old: the limit of 2 bots; 73 hours: 5; 30 s in the future: the real
 * server's panic). Every other create case is data: tests/wire/25-create.txt (the
 * error rows in check order, the success body, the limit of 5, what is stored).
 * REAL: crates/delta/src/routes/bots/create.rs, bots/model.rs Bot::create,
 * users/model.rs User::create, User::limits. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

#define LOC_MAX_BOTS "crates/core/database/src/models/bots/model.rs:88:24"
#define LOC_TAKEN "crates/core/database/src/models/users/model.rs:401:24"

static struct server srv;
static char fixture_file[64]; /* written by each tcase's fixture writer */

static void up(void)
{
	const char *args[] = {"--fixtures", fixture_file, NULL};
	ck_assert_int_eq(server_start(&srv, args), 0);
}
static void down(void) { server_stop(&srv); }

/* One request with an optional auth header ("x-session-token: ..."), Accept and body. */
static void req(const char *method, const char *path, const char *auth, const char *accept, const char *body,
		struct resp *r)
{
	const char *h[3] = {NULL, NULL, NULL};
	int n = 0;
	if (auth)
		h[n++] = auth;
	if (accept)
		h[n++] = accept;
	ck_assert_int_eq(http(&srv, method, path, h, body, r), 0);
}

/* Status, Content-Type and the exact bytes of the body. */
static void expect(const struct resp *r, long status, const char *ctype, const char *body)
{
	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(r->content_type, ctype);
	ck_assert_str_eq(r->body ? r->body : "", body);
}

static char *error_body(const char *type, const char *location)
{
	static char b[512];
	snprintf(b, sizeof(b), "{\"type\":\"%s\",\"location\":\"%s\"}", type, location);
	return b;
}

/* GET /bots/@me as a session: the owner's whole list. */
static char *owned(const char *auth)
{
	struct resp r;
	req("GET", "/bots/@me", auth, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	char *s = strdup(r.body);
	resp_release(&r);
	return s;
}

#define CAROL "x-session-token: " CAROL_SESSION
#define JSON_ACCEPT "Accept: application/json"

/* ---- fixtures written for one test ---------------------------------------------- */

static const char B32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* A ULID whose time is ms, with a 16-digit tail (digits are Crockford too). */
static void ulid_at(long long ms, unsigned long long tail, char out[27])
{
	for (int i = 9; i >= 0; i--, ms /= 32)
		out[i] = B32[ms % 32];
	snprintf(out + 10, 17, "%016llu", tail);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool discriminator_candidate(int d)
{
	return d >= 2 && d <= 9998 && d != 123 && d != 1234 && d != 1488 && !(d % 1111 == 0 && d <= 8888);
}

/* Writes the bundled fixtures plus `extra_users` (a ",{...}" list) into fixture_file. */
static void write_fixtures(void (*extra_users)(FILE *))
{
	snprintf(fixture_file, sizeof(fixture_file), "/tmp/stoat-create-%d.json", (int)getpid());
	FILE *f = fopen(fixture_file, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "{\"users\":[{\"_id\":\"" ALICE_ID "\",\"username\":\"alice\",\"discriminator\":\"0001\","
		   "\"sessions\":[{\"token\":\"" ALICE_SESSION "\"}]},{\"_id\":\"" CAROL_ID "\",\"username\":\"carol\","
		   "\"discriminator\":\"0003\",\"sessions\":[{\"token\":\"" CAROL_SESSION "\"}]}");
	extra_users(f);
	fprintf(f, "],\"bots\":[{\"_id\":\"" HELPER_ID "\",\"owner\":\"" ALICE_ID "\",\"username\":\"HelperBot\","
		   "\"discriminator\":\"4821\",\"token\":\"" HELPER_TOKEN "\"}]}");
	fclose(f);
}

static void crowd_users(FILE *f)
{
	unsigned long long n = 0;
	for (int d = 0; d <= 9999; d++) {
		if (!discriminator_candidate(d))
			continue;
		char id[27];
		ulid_at(1700000000000LL, ++n, id);
		fprintf(f, ",{\"_id\":\"%s\",\"username\":\"%s\",\"discriminator\":\"%04d\"}", id, d % 2 ? "crowded" : "CROWDED", d);
	}
}

static void crowd_up(void)
{
	write_fixtures(crowd_users);
	up();
}
static void crowd_down(void)
{
	down();
	unlink(fixture_file);
	fixture_file[0] = 0;
}

START_TEST(username_taken_when_every_discriminator_is_used)
{
	struct resp r;
	req("POST", "/bots/create", CAROL, NULL, "{\"name\":\"Crowded\"}", &r);
	expect(&r, 409, "application/json", error_body("UsernameTaken", LOC_TAKEN));
	resp_release(&r);
	char *carol = owned(CAROL);
	ck_assert_str_eq(carol, "{\"bots\":[],\"users\":[]}");
	free(carol);
	/* another name is fine */
	req("POST", "/bots/create", CAROL, NULL, "{\"name\":\"Roomy\"}", &r);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
}
END_TEST

#define FRESH_SESSION "fresh-session"
#define OLDER_SESSION "older-session"
static void new_users(FILE *f)
{
	char fresh[27], older[27];
	ulid_at(now_ms() - 3600LL * 1000, 1, fresh);            /* 1 h old: a new user */
	ulid_at(now_ms() - 73 * 3600LL * 1000, 2, older);       /* 73 h old: no longer new */
	fprintf(f, ",{\"_id\":\"%s\",\"username\":\"fresh\",\"discriminator\":\"0042\",\"sessions\":[{\"token\":\"" FRESH_SESSION "\"}]}", fresh);
	fprintf(f, ",{\"_id\":\"%s\",\"username\":\"older\",\"discriminator\":\"0043\",\"sessions\":[{\"token\":\"" OLDER_SESSION "\"}]}", older);
	/* 30 s ahead: the loader allows a minute of clock skew; the real server panics */
	char future[27];
	ulid_at(now_ms() + 30000, 3, future);
	fprintf(f, ",{\"_id\":\"%s\",\"username\":\"future\",\"discriminator\":\"0044\",\"sessions\":[{\"token\":\"future-session\"}]}", future);
}
static void new_users_up(void)
{
	write_fixtures(new_users);
	up();
}

START_TEST(two_bots_for_an_owner_under_72_hours_old)
{
	struct resp r;
	const char *fresh = "x-session-token: " FRESH_SESSION, *older = "x-session-token: " OLDER_SESSION;
	for (int i = 0; i < 2; i++) {
		req("POST", "/bots/create", fresh, NULL, i ? "{\"name\":\"NewTwo\"}" : "{\"name\":\"NewOne\"}", &r);
		ck_assert_int_eq(r.status, 200);
		resp_release(&r);
	}
	req("POST", "/bots/create", fresh, NULL, "{\"name\":\"NewThree\"}", &r);
	expect(&r, 400, "application/json", error_body("ReachedMaximumBots", LOC_MAX_BOTS));
	resp_release(&r);
	struct resp l;
	req("GET", "/bots/@me", fresh, NULL, NULL, &l);
	ck_assert_ptr_nonnull(jget(l.json, "bots.1"));
	ck_assert_ptr_null(jget(l.json, "bots.2"));
	resp_release(&l);
	/* 73 hours: the default limit of 5 */
	for (int i = 0; i < 5; i++) {
		char body[64];
		snprintf(body, sizeof(body), "{\"name\":\"Old%d\"}", i);
		req("POST", "/bots/create", older, NULL, body, &r);
		ck_assert_int_eq(r.status, 200);
		resp_release(&r);
	}
	req("POST", "/bots/create", older, NULL, "{\"name\":\"Old5\"}", &r);
	expect(&r, 400, "application/json", error_body("ReachedMaximumBots", LOC_MAX_BOTS));
	resp_release(&r);
}
END_TEST

START_TEST(an_owner_id_from_the_future_is_a_500)
{
	/* REAL: User::limits - SystemTime::elapsed fails, .expect("time went backwards")
	 * panics, Rocket answers its 500 page */
	struct resp r;
	req("POST", "/bots/create", "x-session-token: future-session", JSON_ACCEPT, "{\"name\":\"Early\"}", &r);
	expect(&r, 500, "application/json",
	       "{\n  \"error\": {\n    \"code\": 500,\n    \"reason\": \"Internal Server Error\",\n    \"description\": "
	       "\"The server encountered an internal error while processing this request.\"\n  }\n}");
	resp_release(&r);
	char *list = owned("x-session-token: future-session");
	ck_assert_str_eq(list, "{\"bots\":[],\"users\":[]}");
	free(list);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bots_create");
	TCase *crowd = tcase_create("crowded name");
	tcase_add_checked_fixture(crowd, crowd_up, crowd_down);
	tcase_set_timeout(crowd, 30);
	tcase_add_test(crowd, username_taken_when_every_discriminator_is_used);
	suite_add_tcase(s, crowd);

	TCase *young = tcase_create("new users");
	tcase_add_checked_fixture(young, new_users_up, crowd_down);
	tcase_set_timeout(young, 30);
	tcase_add_test(young, two_bots_for_an_owner_under_72_hours_old);
	tcase_add_test(young, an_owner_id_from_the_future_is_a_500);
	suite_add_tcase(s, young);

	return suite_run(s);
}

/* test_bots_create.c: POST /bots/create over HTTP - every error row of bots-api.md §3
 * and §9 with its status, type, location and whole body, the checks' order, the
 * success body, and what is stored afterwards (nothing, after an error).
 * REAL: crates/delta/src/routes/bots/create.rs, bots/model.rs Bot::create,
 * users/model.rs User::create. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

#define LOC_VALIDATION "crates/delta/src/routes/bots/create.rs:20:9"
#define LOC_IS_BOT "crates/core/database/src/models/bots/model.rs:84:24"
#define LOC_MAX_BOTS "crates/core/database/src/models/bots/model.rs:88:24"
#define LOC_BLOCKED "crates/core/database/src/models/users/model.rs:310:24"
#define LOC_TAKEN "crates/core/database/src/models/users/model.rs:401:24"
#define LOC_SESSION "crates/core/database/src/models/users/rocket.rs:41:51"

static struct server srv;
static char fixture_file[64]; /* set by a tcase's own fixture writer */

static void up(void)
{
	const char *args[] = {"--fixtures", fixture_file, NULL};
	ck_assert_int_eq(server_start(&srv, fixture_file[0] ? args : NULL), 0);
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

/* GET /bots/@me as a session: the owner's whole list, to compare before and after. */
static char *owned(const char *auth)
{
	struct resp r;
	req("GET", "/bots/@me", auth, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	char *s = strdup(r.body);
	resp_release(&r);
	return s;
}

#define ALICE "x-session-token: " ALICE_SESSION
#define CAROL "x-session-token: " CAROL_SESSION
#define HELPER_BOT "x-bot-token: " HELPER_TOKEN
#define JSON_ACCEPT "Accept: application/json"

/* ---- the error rows, in the real server's check order ------------------------------ */

static const struct row {
	const char *what, *auth, *accept, *body;
	long status;
	const char *ctype, *want;
} rows[] = {
	/* 1. the user guard runs before the body is read */
	{"no token", NULL, NULL, "{\"name\":\"Bot\"}", 401, "application/json",
	 "{\"type\":\"InvalidSession\",\"location\":\"" LOC_SESSION "\"}"},
	{"unknown session", "x-session-token: nope", NULL, "{\"name\":\"Bot\"}", 401, "application/json",
	 "{\"type\":\"InvalidSession\",\"location\":\"" LOC_SESSION "\"}"},
	{"unknown bot token", "x-bot-token: nope", NULL, "{\"name\":\"Bot\"}", 401,
	 "application/json", "{\"type\":\"InvalidSession\",\"location\":\"" LOC_SESSION "\"}"},
	{"no token and a malformed body: 401 first", NULL, NULL, "{", 401, "application/json",
	 "{\"type\":\"InvalidSession\",\"location\":\"" LOC_SESSION "\"}"},
	/* 2. the JSON data guard: Rocket's catcher pages */
	{"malformed JSON, JSON page", ALICE, JSON_ACCEPT, "{\"name\":", 400, "application/json",
	 "{\n  \"error\": {\n    \"code\": 400,\n    \"reason\": \"Bad Request\",\n    \"description\": \"The request "
	 "could not be understood by the server due to malformed syntax.\"\n  }\n}"},
	{"empty body", ALICE, JSON_ACCEPT, "", 400, "application/json",
	 "{\n  \"error\": {\n    \"code\": 400,\n    \"reason\": \"Bad Request\",\n    \"description\": \"The request "
	 "could not be understood by the server due to malformed syntax.\"\n  }\n}"},
	{"name missing", ALICE, JSON_ACCEPT, "{}", 422, "application/json",
	 "{\n  \"error\": {\n    \"code\": 422,\n    \"reason\": \"Unprocessable Entity\",\n    \"description\": \"The "
	 "request was well-formed but was unable to be followed due to semantic errors.\"\n  }\n}"},
	{"name null", ALICE, JSON_ACCEPT, "{\"name\":null}", 422, "application/json",
	 "{\n  \"error\": {\n    \"code\": 422,\n    \"reason\": \"Unprocessable Entity\",\n    \"description\": \"The "
	 "request was well-formed but was unable to be followed due to semantic errors.\"\n  }\n}"},
	{"name a number", ALICE, JSON_ACCEPT, "{\"name\":5}", 422, "application/json",
	 "{\n  \"error\": {\n    \"code\": 422,\n    \"reason\": \"Unprocessable Entity\",\n    \"description\": \"The "
	 "request was well-formed but was unable to be followed due to semantic errors.\"\n  }\n}"},
	/* 3. validation, before IsBot */
	{"name too short", ALICE, NULL, "{\"name\":\"a\"}", 400, "application/json",
	 "{\"type\":\"FailedValidation\",\"error\":\"name: Validation error: length [{\\\"min\\\": Number(2), "
	 "\\\"max\\\": Number(32), \\\"value\\\": String(\\\"a\\\")}]\",\"location\":\"" LOC_VALIDATION "\"}"},
	{"name with a space", ALICE, NULL, "{\"name\":\"bot bot\"}", 400, "application/json",
	 "{\"type\":\"FailedValidation\",\"error\":\"name: Validation error: regex [{\\\"value\\\": "
	 "String(\\\"bot bot\\\")}]\",\"location\":\"" LOC_VALIDATION "\"}"},
	{"length and regex at once", ALICE, NULL, "{\"name\":\"!\"}", 400, "application/json",
	 "{\"type\":\"FailedValidation\",\"error\":\"name: Validation error: length [{\\\"min\\\": Number(2), "
	 "\\\"max\\\": Number(32), \\\"value\\\": String(\\\"!\\\")}], Validation error: regex [{\\\"value\\\": "
	 "String(\\\"!\\\")}]\",\"location\":\"" LOC_VALIDATION "\"}"},
	{"33 characters", ALICE, NULL, "{\"name\":\"abcdefghijabcdefghijabcdefghijabc\"}", 400, "application/json",
	 "{\"type\":\"FailedValidation\",\"error\":\"name: Validation error: length [{\\\"min\\\": Number(2), "
	 "\\\"max\\\": Number(32), \\\"value\\\": String(\\\"abcdefghijabcdefghijabcdefghijabc\\\")}]\",\"location\":\"" LOC_VALIDATION "\"}"},
	{"a bot with an invalid name: validation first", HELPER_BOT, NULL, "{\"name\":\"a\"}", 400, "application/json",
	 "{\"type\":\"FailedValidation\",\"error\":\"name: Validation error: length [{\\\"min\\\": Number(2), "
	 "\\\"max\\\": Number(32), \\\"value\\\": String(\\\"a\\\")}]\",\"location\":\"" LOC_VALIDATION "\"}"},
	/* 4. IsBot */
	{"a bot", HELPER_BOT, NULL, "{\"name\":\"Child\"}", 400, "application/json",
	 "{\"type\":\"IsBot\",\"location\":\"" LOC_IS_BOT "\"}"},
	{"a bot with a blocked name: IsBot before the name checks", HELPER_BOT, NULL, "{\"name\":\"admin\"}", 400,
	 "application/json", "{\"type\":\"IsBot\",\"location\":\"" LOC_IS_BOT "\"}"},
	/* 5. blocked names and patterns (on the sanitised name) */
	{"admin", ALICE, NULL, "{\"name\":\"admin\"}", 400, "application/json",
	 "{\"type\":\"InvalidUsername\",\"location\":\"" LOC_BLOCKED "\"}"},
	{"Stoat, any case", ALICE, NULL, "{\"name\":\"StOaT\"}", 400, "application/json",
	 "{\"type\":\"InvalidUsername\",\"location\":\"" LOC_BLOCKED "\"}"},
	{"revolt", ALICE, NULL, "{\"name\":\"revolt\"}", 400, "application/json",
	 "{\"type\":\"InvalidUsername\",\"location\":\"" LOC_BLOCKED "\"}"},
	{"full-width admin, cured to admin", ALICE, NULL, "{\"name\":\"\xef\xbc\xa1\xef\xbd\x84\xef\xbd\x8d\xef\xbd\x89\xef\xbd\x8e\"}",
	 400, "application/json", "{\"type\":\"InvalidUsername\",\"location\":\"" LOC_BLOCKED "\"}"},
	{"contains discord.gg", ALICE, NULL, "{\"name\":\"mydiscord.ggbot\"}", 400, "application/json",
	 "{\"type\":\"InvalidUsername\",\"location\":\"" LOC_BLOCKED "\"}"},
	{"contains stt.gg", ALICE, NULL, "{\"name\":\"stt.gg\"}", 400, "application/json",
	 "{\"type\":\"InvalidUsername\",\"location\":\"" LOC_BLOCKED "\"}"},
	{"contains stoat.chat", ALICE, NULL, "{\"name\":\"x.stoat.chat\"}", 400, "application/json",
	 "{\"type\":\"InvalidUsername\",\"location\":\"" LOC_BLOCKED "\"}"},
	{"contains rvlt.gg", ALICE, NULL, "{\"name\":\"RVLT.GG\"}", 400, "application/json",
	 "{\"type\":\"InvalidUsername\",\"location\":\"" LOC_BLOCKED "\"}"},
};

START_TEST(error_row)
{
	const struct row *t = &rows[_i];
	char *before_alice = owned(ALICE);
	struct resp r;
	req("POST", "/bots/create", t->auth, t->accept, t->body, &r);
	if (r.status != t->status || strcmp(r.body ? r.body : "", t->want) != 0)
		fprintf(stderr, "row '%s': got %ld %s\n", t->what, r.status, r.body);
	expect(&r, t->status, t->ctype, t->want);
	resp_release(&r);
	/* nothing was created */
	char *after_alice = owned(ALICE);
	ck_assert_str_eq(after_alice, before_alice);
	char *carol = owned(CAROL);
	ck_assert_str_eq(carol, "{\"bots\":[],\"users\":[]}");
	free(before_alice);
	free(after_alice);
	free(carol);
}
END_TEST

START_TEST(catcher_pages_are_html_without_json_accept)
{
	struct resp r;
	req("POST", "/bots/create", ALICE, NULL, "{}", &r);
	ck_assert_int_eq(r.status, 422);
	ck_assert_str_eq(r.content_type, "text/html; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(r.body, "<title>422 Unprocessable Entity</title>"));
	resp_release(&r);
	req("POST", "/bots/create", ALICE, NULL, "not json", &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_ptr_nonnull(strstr(r.body, "<h1>400: Bad Request</h1>"));
	resp_release(&r);
}
END_TEST

START_TEST(body_over_one_mib_is_413)
{
	size_t n = 1024 * 1024 + 64;
	char *body = malloc(n + 1);
	memset(body, 'a', n);
	memcpy(body, "{\"name\":\"", 9);
	memcpy(body + n - 2, "\"}", 2);
	body[n] = 0;
	struct resp r;
	req("POST", "/bots/create", ALICE, JSON_ACCEPT, body, &r);
	ck_assert_int_eq(r.status, 413);
	ck_assert_str_eq(jstr(r.json, "error.reason"), "Payload Too Large");
	resp_release(&r);
	free(body);
}
END_TEST

/* ---- success --------------------------------------------------------------------- */

static bool is_ulid(const char *s)
{
	return s && strlen(s) == 26 && strspn(s, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") == 26;
}

START_TEST(creates_a_private_bot_with_its_user_as_self)
{
	struct resp r;
	req("POST", "/bots/create", CAROL, NULL, "{\"name\":\"CarolBot\",\"ignored\":1}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, "application/json");
	const char *id = jstr(r.json, "_id"), *token = jstr(r.json, "token"), *disc = jstr(r.json, "user.discriminator");
	ck_assert(is_ulid(id));
	ck_assert_uint_eq(strlen(token), 64);
	ck_assert_uint_eq(strspn(token, "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), 64);
	ck_assert_uint_eq(strlen(disc), 4);
	int d = atoi(disc);
	ck_assert(d >= 2 && d <= 9998 && d != 1234 && d != 123 && d != 1488 && d % 1111 != 0);
	/* the whole body, with the generated values put back */
	char want[1024];
	snprintf(want, sizeof(want),
		 "{\"_id\":\"%s\",\"owner\":\"" CAROL_ID "\",\"token\":\"%s\",\"public\":false,\"user\":{\"_id\":\"%s\","
		 "\"username\":\"CarolBot\",\"discriminator\":\"%s\",\"bot\":{\"owner\":\"" CAROL_ID "\"},"
		 "\"relationship\":\"User\",\"online\":false}}",
		 id, token, id, disc);
	ck_assert_str_eq(r.body, want);

	/* stored: listed, fetchable with the same token, and the token authenticates */
	char path[64], auth[128];
	struct resp l, f, me;
	req("GET", "/bots/@me", CAROL, NULL, NULL, &l);
	ck_assert_str_eq(jstr(l.json, "bots.0._id"), id);
	ck_assert_ptr_null(jget(l.json, "bots.1"));
	snprintf(path, sizeof(path), "/bots/%s", id);
	req("GET", path, CAROL, NULL, NULL, &f);
	ck_assert_int_eq(f.status, 200);
	ck_assert_str_eq(jstr(f.json, "bot.token"), token);
	ck_assert_str_eq(jstr(f.json, "user.relationship"), "None");
	snprintf(auth, sizeof(auth), "x-bot-token: %s", token);
	req("GET", "/users/@me", auth, NULL, NULL, &me);
	ck_assert_int_eq(me.status, 200);
	ck_assert_str_eq(jstr(me.json, "_id"), id);
	ck_assert_str_eq(jstr(me.json, "bot.owner"), CAROL_ID);
	resp_release(&r);
	resp_release(&l);
	resp_release(&f);
	resp_release(&me);
}
END_TEST

START_TEST(names_are_sanitised_and_share_no_discriminator)
{
	struct resp a, b, c;
	/* full-width letters cure to lower-case ASCII (decancer, as main does) */
	req("POST", "/bots/create", CAROL, NULL, "{\"name\":\"\xef\xbc\xa8\xef\xbd\x85\xef\xbd\x8c\xef\xbd\x90\"}", &a);
	ck_assert_int_eq(a.status, 200);
	ck_assert_str_eq(jstr(a.json, "user.username"), "help");
	/* the same name in another case: in use is case-insensitive */
	req("POST", "/bots/create", CAROL, NULL, "{\"name\":\"HELP\"}", &b);
	ck_assert_int_eq(b.status, 200);
	ck_assert_str_ne(jstr(b.json, "user.discriminator"), jstr(a.json, "user.discriminator"));
	/* a JSON array is read by position, as serde does */
	req("POST", "/bots/create", CAROL, NULL, "[\"ArrayBot\"]", &c);
	ck_assert_int_eq(c.status, 200);
	ck_assert_str_eq(jstr(c.json, "user.username"), "ArrayBot");
	resp_release(&a);
	resp_release(&b);
	resp_release(&c);
}
END_TEST

START_TEST(five_bots_for_an_established_owner)
{
	/* Alice (ULID from 2024) owns 2: three more, then ReachedMaximumBots */
	const char *names[] = {"{\"name\":\"Three\"}", "{\"name\":\"Four\"}", "{\"name\":\"Five\"}"};
	struct resp r;
	for (int i = 0; i < 3; i++) {
		req("POST", "/bots/create", ALICE, NULL, names[i], &r);
		ck_assert_int_eq(r.status, 200);
		resp_release(&r);
	}
	char *before = owned(ALICE);
	req("POST", "/bots/create", ALICE, NULL, "{\"name\":\"Six\"}", &r);
	expect(&r, 400, "application/json", error_body("ReachedMaximumBots", LOC_MAX_BOTS));
	resp_release(&r);
	char *after = owned(ALICE);
	ck_assert_str_eq(after, before);
	/* deleting one frees a slot */
	req("DELETE", "/bots/" HELPER_ID, ALICE, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	resp_release(&r);
	req("POST", "/bots/create", ALICE, NULL, "{\"name\":\"Six\"}", &r);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	free(before);
	free(after);
}
END_TEST

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
	TCase *tc = tcase_create("create");
	tcase_add_checked_fixture(tc, up, down);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, error_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, catcher_pages_are_html_without_json_accept);
	tcase_add_test(tc, body_over_one_mib_is_413);
	tcase_add_test(tc, creates_a_private_bot_with_its_user_as_self);
	tcase_add_test(tc, names_are_sanitised_and_share_no_discriminator);
	tcase_add_test(tc, five_bots_for_an_established_owner);
	suite_add_tcase(s, tc);

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

/* test_bots_fetch.c: the three reading routes over HTTP - GET /bots/@me, GET /bots/{id}
 * and GET /bots/{id}/invite (bots-api.md §4, §6, §8.1): whole bodies against the
 * fixtures, omission rules and key order, every error row with its location, and the
 * auth rules (required, IsBot before the lookup, optional on the public view).
 * REAL: crates/delta/src/routes/bots/fetch_owned.rs, fetch.rs, fetch_public.rs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

#define LOC_BOT_NOT_FOUND "crates/core/database/src/models/bots/ops/mongodb.rs:19:62"
#define LOC_FETCH_IS_BOT "crates/delta/src/routes/bots/fetch.rs:17:20"
#define LOC_FETCH_NOT_OWNER "crates/delta/src/routes/bots/fetch.rs:22:20"
#define LOC_PUBLIC_NOT_FOUND "crates/delta/src/routes/bots/fetch_public.rs:20:20"
#define LOC_SESSION "crates/core/database/src/models/users/rocket.rs:41:51"

#define ALICE "x-session-token: " ALICE_SESSION
#define BOB "x-session-token: " BOB_SESSION
#define CAROL "x-session-token: " CAROL_SESSION
#define HELPER_BOT "x-bot-token: " HELPER_TOKEN
#define PUBLIC_BOT "x-bot-token: " PUBLIC_TOKEN
#define NO_SUCH_BOT "01J0H3HPB0T5T0KEN00000ZZZZ"

/* The fixtures' bots and users, as the wire shows them. */
#define HELPER_OAUTH2                                                                                        \
	"\"oauth2\":{\"public\":false,\"secret\":\"" HELPER_SECRET "\",\"redirects\":[\"https://helper.example/" \
	"callback\"],\"allowed_scopes\":{\"read:identify\":{\"allow\":\"Know who you are\",\"deny\":\"Stay "    \
	"anonymous\"}}}"
#define HELPER_BOT_JSON \
	"{\"_id\":\"" HELPER_ID "\",\"owner\":\"" ALICE_ID "\",\"token\":\"" HELPER_TOKEN "\",\"public\":false," HELPER_OAUTH2 "}"
#define PUBLIC_BOT_JSON                                                                                      \
	"{\"_id\":\"" PUBLIC_ID "\",\"owner\":\"" ALICE_ID "\",\"token\":\"" PUBLIC_TOKEN "\",\"public\":true,"   \
	"\"analytics\":true,\"interactions_url\":\"https://public.example/interactions\"}"
#define BOT_USER_JSON(id, name, disc, rel)                                                                 \
	"{\"_id\":\"" id "\",\"username\":\"" name "\",\"discriminator\":\"" disc "\",\"bot\":{\"owner\":\"" \
	ALICE_ID "\"},\"relationship\":\"" rel "\",\"online\":false}"

static struct server srv;
static char fixture_file[64];

static void up(void)
{
	const char *args[] = {"--fixtures", fixture_file, NULL};
	ck_assert_int_eq(server_start(&srv, fixture_file[0] ? args : NULL), 0);
}
static void down(void)
{
	server_stop(&srv);
	if (fixture_file[0])
		unlink(fixture_file);
	fixture_file[0] = 0;
}

static void req(const char *method, const char *path, const char *auth, const char *body, struct resp *r)
{
	const char *h[2] = {auth, NULL};
	ck_assert_int_eq(http(&srv, method, path, auth ? h : NULL, body, r), 0);
}

static void expect(const struct resp *r, long status, const char *body)
{
	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(r->content_type, "application/json");
	ck_assert_str_eq(r->body ? r->body : "", body);
}

/* ---- every answer of the three routes, as a table ---------------------------------- */

static const struct row {
	const char *what, *path, *auth;
	long status;
	const char *want;
} rows[] = {
	/* GET /bots/@me */
	{"@me: the owner's bots then users, both by id, users as self", "/bots/@me", ALICE, 200,
	 "{\"bots\":[" HELPER_BOT_JSON "," PUBLIC_BOT_JSON "],\"users\":[" BOT_USER_JSON(HELPER_ID, "HelperBot", "4821", "User")
	 "," BOT_USER_JSON(PUBLIC_ID, "PublicBot", "7310", "User") "]}"},
	{"@me: someone who owns none", "/bots/@me", BOB, 200, "{\"bots\":[],\"users\":[]}"},
	{"@me: a bot caller owns none (no IsBot)", "/bots/@me", HELPER_BOT, 200, "{\"bots\":[],\"users\":[]}"},
	{"@me: percent-encoded @ is the same route", "/bots/%40me", BOB, 200, "{\"bots\":[],\"users\":[]}"},
	{"@me: empty segments are ignored", "//bots//@me/", BOB, 200, "{\"bots\":[],\"users\":[]}"},
	{"@me: under /0.8", "/0.8/bots/@me", BOB, 200, "{\"bots\":[],\"users\":[]}"},
	{"@me: no token", "/bots/@me", NULL, 401, "{\"type\":\"InvalidSession\",\"location\":\"" LOC_SESSION "\"}"},
	{"@me: unknown bot token", "/bots/@me", "x-bot-token: " ALICE_SESSION, 401,
	 "{\"type\":\"InvalidSession\",\"location\":\"" LOC_SESSION "\"}"},
	/* GET /bots/{id} */
	{"fetch: own private bot, user with no perspective", "/bots/" HELPER_ID, ALICE, 200,
	 "{\"bot\":" HELPER_BOT_JSON ",\"user\":" BOT_USER_JSON(HELPER_ID, "HelperBot", "4821", "None") "}"},
	{"fetch: own public bot", "/bots/" PUBLIC_ID, ALICE, 200,
	 "{\"bot\":" PUBLIC_BOT_JSON ",\"user\":" BOT_USER_JSON(PUBLIC_ID, "PublicBot", "7310", "None") "}"},
	{"fetch: under /0.8", "/0.8/bots/" PUBLIC_ID, ALICE, 200,
	 "{\"bot\":" PUBLIC_BOT_JSON ",\"user\":" BOT_USER_JSON(PUBLIC_ID, "PublicBot", "7310", "None") "}"},
	{"fetch: no such bot", "/bots/" NO_SUCH_BOT, ALICE, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_BOT_NOT_FOUND "\"}"},
	{"fetch: someone else's bot (public or not)", "/bots/" PUBLIC_ID, BOB, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_FETCH_NOT_OWNER "\"}"},
	{"fetch: a percent-encoded NUL names no bot", "/bots/" HELPER_ID "%00", ALICE, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_BOT_NOT_FOUND "\"}"},
	{"fetch: a bot caller, its own id", "/bots/" HELPER_ID, HELPER_BOT, 400,
	 "{\"type\":\"IsBot\",\"location\":\"" LOC_FETCH_IS_BOT "\"}"},
	{"fetch: a bot caller, IsBot before the lookup", "/bots/" NO_SUCH_BOT, PUBLIC_BOT, 400,
	 "{\"type\":\"IsBot\",\"location\":\"" LOC_FETCH_IS_BOT "\"}"},
	{"fetch: GET /bots/create is this route, id \"create\"", "/bots/create", ALICE, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_BOT_NOT_FOUND "\"}"},
	{"fetch: no token", "/bots/" HELPER_ID, NULL, 401, "{\"type\":\"InvalidSession\",\"location\":\"" LOC_SESSION "\"}"},
	/* GET /bots/{id}/invite */
	{"public view: a public bot, anonymous", "/bots/" PUBLIC_ID "/invite", NULL, 200,
	 "{\"_id\":\"" PUBLIC_ID "\",\"username\":\"PublicBot\",\"description\":\"A public bot anyone can invite.\"}"},
	{"public view: a public bot, another user", "/bots/" PUBLIC_ID "/invite", CAROL, 200,
	 "{\"_id\":\"" PUBLIC_ID "\",\"username\":\"PublicBot\",\"description\":\"A public bot anyone can invite.\"}"},
	{"public view: a public bot, a bot caller", "/bots/" PUBLIC_ID "/invite", HELPER_BOT, 200,
	 "{\"_id\":\"" PUBLIC_ID "\",\"username\":\"PublicBot\",\"description\":\"A public bot anyone can invite.\"}"},
	{"public view: an invalid token is anonymous, never 401", "/bots/" PUBLIC_ID "/invite", "x-session-token: nope", 200,
	 "{\"_id\":\"" PUBLIC_ID "\",\"username\":\"PublicBot\",\"description\":\"A public bot anyone can invite.\"}"},
	{"public view: the owner sees a private bot (no token, no secret)", "/bots/" HELPER_ID "/invite", ALICE, 200,
	 "{\"_id\":\"" HELPER_ID "\",\"username\":\"HelperBot\"}"},
	{"public view: no such bot", "/bots/" NO_SUCH_BOT "/invite", ALICE, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_BOT_NOT_FOUND "\"}"},
	{"public view: a private bot, anonymous", "/bots/" HELPER_ID "/invite", NULL, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_PUBLIC_NOT_FOUND "\"}"},
	{"public view: a private bot, invalid token", "/bots/" HELPER_ID "/invite", "x-bot-token: nope", 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_PUBLIC_NOT_FOUND "\"}"},
	{"public view: a private bot, another user", "/bots/" HELPER_ID "/invite", BOB, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_PUBLIC_NOT_FOUND "\"}"},
	{"public view: a private bot, the bot itself", "/bots/" HELPER_ID "/invite", HELPER_BOT, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_PUBLIC_NOT_FOUND "\"}"},
};

START_TEST(answer_row)
{
	const struct row *t = &rows[_i];
	struct resp r;
	req("GET", t->path, t->auth, NULL, &r);
	if (r.status != t->status || strcmp(r.body ? r.body : "", t->want) != 0)
		fprintf(stderr, "row '%s': got %ld %s\n", t->what, r.status, r.body);
	expect(&r, t->status, t->want);
	resp_release(&r);
}
END_TEST

START_TEST(reading_changes_nothing)
{
	/* the same list before and after every kind of read, errors included */
	struct resp a, x, b;
	req("GET", "/bots/@me", ALICE, NULL, &a);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		req("GET", rows[i].path, rows[i].auth, NULL, &x);
		resp_release(&x);
	}
	req("GET", "/bots/@me", ALICE, NULL, &b);
	ck_assert_str_eq(b.body, a.body);
	resp_release(&a);
	resp_release(&b);
}
END_TEST

START_TEST(owned_lists_are_sorted_by_id_and_aligned)
{
	struct resp r;
	for (int i = 0; i < 3; i++) {
		req("POST", "/bots/create", ALICE, i == 0 ? "{\"name\":\"Zeta\"}" : i == 1 ? "{\"name\":\"Alpha\"}" : "{\"name\":\"Mid\"}", &r);
		ck_assert_int_eq(r.status, 200);
		resp_release(&r);
	}
	req("GET", "/bots/@me", ALICE, NULL, &r);
	const cJSON *bots = jget(r.json, "bots"), *users = jget(r.json, "users");
	ck_assert_int_eq(cJSON_GetArraySize(bots), 5);
	ck_assert_int_eq(cJSON_GetArraySize(users), 5);
	for (int i = 0; i < 5; i++) {
		const char *b = cJSON_GetObjectItem(cJSON_GetArrayItem(bots, i), "_id")->valuestring;
		const char *u = cJSON_GetObjectItem(cJSON_GetArrayItem(users, i), "_id")->valuestring;
		ck_assert_str_eq(b, u);
		ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(users, i), "relationship")->valuestring, "User");
		if (i)
			ck_assert(strcmp(cJSON_GetObjectItem(cJSON_GetArrayItem(bots, i - 1), "_id")->valuestring, b) < 0);
	}
	resp_release(&r);
}
END_TEST

START_TEST(deleted_bot_is_gone_from_every_reading_route)
{
	struct resp r;
	req("DELETE", "/bots/" PUBLIC_ID, ALICE, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	resp_release(&r);
	req("GET", "/bots/" PUBLIC_ID, ALICE, NULL, &r);
	expect(&r, 404, "{\"type\":\"NotFound\",\"location\":\"" LOC_BOT_NOT_FOUND "\"}");
	resp_release(&r);
	req("GET", "/bots/" PUBLIC_ID "/invite", NULL, NULL, &r);
	expect(&r, 404, "{\"type\":\"NotFound\",\"location\":\"" LOC_BOT_NOT_FOUND "\"}");
	resp_release(&r);
	req("GET", "/bots/@me", ALICE, NULL, &r);
	expect(&r, 200, "{\"bots\":[" HELPER_BOT_JSON "],\"users\":[" BOT_USER_JSON(HELPER_ID, "HelperBot", "4821", "User") "]}");
	resp_release(&r);
	req("GET", "/bots/@me", PUBLIC_BOT, NULL, &r);
	expect(&r, 401, "{\"type\":\"InvalidSession\",\"location\":\"" LOC_SESSION "\"}");
	resp_release(&r);
}
END_TEST

/* ---- every optional field set: wire order and the PublicBot's avatar ------------- */

#define FULL_ID "01J0H5FV11B0T0000000000CCC"
#define FULL_TOKEN "Fu11b0tT0kenFu11b0tT0kenFu11b0tT0kenFu11b0tT0kenFu11b0tT0ken0000"
#define AVATAR                                                                                                     \
	"{\"_id\":\"av4t4r1d\",\"tag\":\"avatars\",\"filename\":\"a.png\",\"metadata\":{\"type\":\"Image\",\"width\":" \
	"64,\"height\":64},\"content_type\":\"image/png\",\"size\":1234}"

static void full_up(void)
{
	snprintf(fixture_file, sizeof(fixture_file), "/tmp/stoat-fetch-%d.json", (int)getpid());
	FILE *f = fopen(fixture_file, "w");
	ck_assert_ptr_nonnull(f);
	/* the bot's user is listed in "users" so that the bot's "flags" stay the bot's */
	fputs("{\"users\":[{\"_id\":\"" ALICE_ID "\",\"username\":\"alice\",\"discriminator\":\"0001\",\"sessions\":[{"
	      "\"token\":\"" ALICE_SESSION "\"}]},{\"_id\":\"" FULL_ID "\",\"bot\":{\"owner\":\"" ALICE_ID "\"},"
	      "\"username\":\"FullBot\",\"discriminator\":\"0777\",\"display_name\":\"Full\",\"avatar\":" AVATAR ","
	      "\"badges\":1,\"status\":{\"text\":\"working\",\"presence\":\"Invisible\"},\"profile\":{\"content\":"
	      "\"Does it all\"}}],\"bots\":[{\"_id\":\"" FULL_ID "\",\"owner\":\"" ALICE_ID "\","
	      "\"token\":\"" FULL_TOKEN "\",\"public\":true,\"analytics\":true,\"discoverable\":true,"
	      "\"interactions_url\":\"https://i\",\"terms_of_service_url\":\"https://t\",\"privacy_policy_url\":\"https://p\","
	      "\"oauth2\":{\"public\":true,\"secret\":null,\"redirects\":[],\"allowed_scopes\":{}},\"flags\":3}]}",
	      f);
	fclose(f);
	up();
}

START_TEST(every_optional_field_in_wire_order)
{
	struct resp r;
	req("GET", "/bots/" FULL_ID, ALICE, NULL, &r);
	/* Bot: _id owner token public analytics discoverable interactions_url
	 * terms_of_service_url privacy_policy_url oauth2 flags; an Invisible presence is
	 * dropped from status, and the user shows no profile */
	expect(&r, 200,
	       "{\"bot\":{\"_id\":\"" FULL_ID "\",\"owner\":\"" ALICE_ID "\",\"token\":\"" FULL_TOKEN "\",\"public\":true,"
	       "\"analytics\":true,\"discoverable\":true,\"interactions_url\":\"https://i\",\"terms_of_service_url\":"
	       "\"https://t\",\"privacy_policy_url\":\"https://p\",\"oauth2\":{\"public\":true,\"secret\":null,"
	       "\"redirects\":[],\"allowed_scopes\":{}},\"flags\":3},\"user\":{\"_id\":\"" FULL_ID "\",\"username\":"
	       "\"FullBot\",\"discriminator\":\"0777\",\"display_name\":\"Full\",\"avatar\":" AVATAR ",\"badges\":1,"
	       "\"status\":{\"text\":\"working\"},\"bot\":{\"owner\":\"" ALICE_ID "\"},\"relationship\":\"None\","
	       "\"online\":false}}");
	resp_release(&r);
	/* PublicBot: the avatar is the file id, the description the profile content */
	req("GET", "/bots/" FULL_ID "/invite", NULL, NULL, &r);
	expect(&r, 200, "{\"_id\":\"" FULL_ID "\",\"username\":\"FullBot\",\"avatar\":\"av4t4r1d\",\"description\":\"Does it all\"}");
	resp_release(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bots_fetch");
	TCase *tc = tcase_create("fetch");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_loop_test(tc, answer_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, reading_changes_nothing);
	tcase_add_test(tc, owned_lists_are_sorted_by_id_and_aligned);
	tcase_add_test(tc, deleted_bot_is_gone_from_every_reading_route);
	suite_add_tcase(s, tc);
	TCase *full = tcase_create("every field");
	tcase_add_checked_fixture(full, full_up, down);
	tcase_add_test(full, every_optional_field_in_wire_order);
	suite_add_tcase(s, full);
	return suite_run(s);
}

/* test_bots_delete.c: DELETE /bots/{id} over HTTP against a fresh server per test.
 * After a delete: the bot is gone from every bots route, its token no longer
 * authenticates, and its user is kept, marked deleted the way the real server
 * marks it. Failed deletes change nothing.
 * EVIDENCE-OF: spec bots-api.md §7, §9; auth-and-users.md §4.
 * REAL: crates/delta/src/routes/bots/delete.rs, Bot::delete,
 * crates/core/database/src/models/users/model.rs mark_deleted. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

#define LOC_BOT_NOT_FOUND "crates/core/database/src/models/bots/ops/mongodb.rs:19:62"
#define LOC_DELETE_NOT_OWNER "crates/delta/src/routes/bots/delete.rs:23:20"
#define NOT_FOUND_ABSENT "{\"type\":\"NotFound\",\"location\":\"" LOC_BOT_NOT_FOUND "\"}"
#define NOT_FOUND_NOT_OWNER "{\"type\":\"NotFound\",\"location\":\"" LOC_DELETE_NOT_OWNER "\"}"
#define INVALID_SESSION "{\"type\":\"InvalidSession\",\"location\":\"crates/core/database/src/models/users/rocket.rs:41:51\"}"

#define HELPER_OAUTH2                                                                                       \
	"{\"public\":false,\"secret\":\"" HELPER_SECRET "\",\"redirects\":[\"https://helper.example/callback\"]," \
	"\"allowed_scopes\":{\"read:identify\":{\"allow\":\"Know who you are\",\"deny\":\"Stay anonymous\"}}}"
#define HELPER_BOT \
	"{\"_id\":\"" HELPER_ID "\",\"owner\":\"" ALICE_ID "\",\"token\":\"" HELPER_TOKEN "\",\"public\":false,\"oauth2\":" HELPER_OAUTH2 "}"
#define PUBLIC_BOT                                                                                            \
	"{\"_id\":\"" PUBLIC_ID "\",\"owner\":\"" ALICE_ID "\",\"token\":\"" PUBLIC_TOKEN "\",\"public\":true,"   \
	"\"analytics\":true,\"interactions_url\":\"https://public.example/interactions\"}"
#define BOT_USER(id, name, disc, rel)                                                                      \
	"{\"_id\":\"" id "\",\"username\":\"" name "\",\"discriminator\":\"" disc "\",\"bot\":{\"owner\":\"" \
	ALICE_ID "\"},\"relationship\":\"" rel "\",\"online\":false}"
/* auth-and-users.md §4: name, discriminator 0000, flags exactly 2 */
#define DELETED_USER(id)                                                                                     \
	"{\"_id\":\"" id "\",\"username\":\"Deleted User " id "\",\"discriminator\":\"0000\",\"flags\":2,"      \
	"\"bot\":{\"owner\":\"" ALICE_ID "\"},\"relationship\":\"None\",\"online\":false}"

static struct server srv;
static char fancy_fixture[64];

static void up(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
/* exit status 0: a clean stop (under the sanitizers, also no leak) */
static void down(void) { ck_assert_int_eq(server_stop(&srv), 0); }
static void up_fancy(void)
{
	const char *args[] = {"--fixtures", fancy_fixture, NULL};
	ck_assert_int_eq(server_start(&srv, args), 0);
}

static void request_as(const char *method, const char *path, const char *hname, const char *token,
		       const char *body, struct resp *r)
{
	ck_assert_int_eq(http_as(&srv, method, path, hname, token, body, r), 0);
}

static void expect(const struct resp *r, long status, const char *body)
{
	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(r->content_type, "application/json");
	ck_assert_str_eq(r->body, body);
}

/* 204: no body, no content type. */
static void expect_no_content(const struct resp *r)
{
	ck_assert_int_eq(r->status, 204);
	ck_assert_uint_eq(r->len, 0);
	ck_assert_str_eq(r->content_type, "");
}

static void expect_get(const char *path, const char *session, long status, const char *body)
{
	struct resp r;
	request_as("GET", path, "x-session-token", session, NULL, &r);
	expect(&r, status, body);
	resp_release(&r);
}

/* GET /users/@me with a bot token: 200 when it authenticates, 401 when not. */
static void expect_bot_token(const char *token, bool works)
{
	struct resp r;
	request_as("GET", "/users/@me", "x-bot-token", token, NULL, &r);
	ck_assert_int_eq(r.status, works ? 200 : 401);
	if (!works)
		ck_assert_str_eq(r.body, INVALID_SESSION);
	resp_release(&r);
}

/* Nothing deleted: both bots, their users and their tokens as loaded. */
static void expect_untouched(void)
{
	expect_get("/bots/" HELPER_ID, ALICE_SESSION, 200,
		   "{\"bot\":" HELPER_BOT ",\"user\":" BOT_USER(HELPER_ID, "HelperBot", "4821", "None") "}");
	expect_get("/bots/" PUBLIC_ID, ALICE_SESSION, 200,
		   "{\"bot\":" PUBLIC_BOT ",\"user\":" BOT_USER(PUBLIC_ID, "PublicBot", "7310", "None") "}");
	expect_bot_token(HELPER_TOKEN, true);
	expect_bot_token(PUBLIC_TOKEN, true);
}

/* Puts the bot in alice's server (bob is a member too): GET /users/{id} needs a
 * mutual connection, even for the bot's owner (REAL: permissions/src/impl.rs
 * calculate_user_permissions), and memberships outlive the bot. */
static void join_alices_server(const char *bot_id)
{
	struct resp r;
	char path[128];
	snprintf(path, sizeof(path), "/bots/%s/invite", bot_id);
	request_as("POST", path, "x-session-token", ALICE_SESSION, "{\"server\":\"" SERVER_ID "\"}", &r);
	expect_no_content(&r);
	resp_release(&r);
}

/* 204 with an empty body, then: gone from GET and @me, token dead, user deleted. */
START_TEST(delete_bot)
{
	struct resp r;
	join_alices_server(HELPER_ID);
	expect_get("/users/" HELPER_ID, ALICE_SESSION, 200, BOT_USER(HELPER_ID, "HelperBot", "4821", "None"));
	request_as("DELETE", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION, NULL, &r);
	expect_no_content(&r);
	resp_release(&r);

	expect_get("/bots/" HELPER_ID, ALICE_SESSION, 404, NOT_FOUND_ABSENT);
	expect_get("/bots/@me", ALICE_SESSION, 200,
		   "{\"bots\":[" PUBLIC_BOT "],\"users\":[" BOT_USER(PUBLIC_ID, "PublicBot", "7310", "User") "]}");
	expect_bot_token(HELPER_TOKEN, false);
	expect_bot_token(PUBLIC_TOKEN, true);
	/* the user record stays, as "Deleted User <id>", for those who share a server */
	expect_get("/users/" HELPER_ID, ALICE_SESSION, 200, DELETED_USER(HELPER_ID));
	expect_get("/users/" HELPER_ID, BOB_SESSION, 200, DELETED_USER(HELPER_ID));
	expect_get("/users/" HELPER_ID, CAROL_SESSION, 403,
		   "{\"type\":\"MissingPermission\",\"permission\":\"Access\","
		   "\"location\":\"crates/core/permissions/src/models/mod.rs:69:17\"}");
}
END_TEST

/* Once deleted, every bots route answers NotFound (the lookup's location). */
START_TEST(deleted_bot_is_not_found_everywhere)
{
	struct resp r;
	join_alices_server(PUBLIC_ID);
	request_as("DELETE", "/bots/" PUBLIC_ID, "x-session-token", ALICE_SESSION, NULL, &r);
	expect_no_content(&r);
	resp_release(&r);

	request_as("DELETE", "/bots/" PUBLIC_ID, "x-session-token", ALICE_SESSION, NULL, &r);
	expect(&r, 404, NOT_FOUND_ABSENT);
	resp_release(&r);
	request_as("PATCH", "/bots/" PUBLIC_ID, "x-session-token", ALICE_SESSION, "{\"public\":true}", &r);
	expect(&r, 404, NOT_FOUND_ABSENT);
	resp_release(&r);
	request_as("PATCH", "/bots/" PUBLIC_ID, "x-session-token", ALICE_SESSION, "{}", &r);
	expect(&r, 404, NOT_FOUND_ABSENT);
	resp_release(&r);
	expect_get("/bots/" PUBLIC_ID, ALICE_SESSION, 404, NOT_FOUND_ABSENT);
	/* it was public: the invite page is gone too, for anyone */
	ck_assert_int_eq(http(&srv, "GET", "/bots/" PUBLIC_ID "/invite", NULL, NULL, &r), 0);
	expect(&r, 404, NOT_FOUND_ABSENT);
	resp_release(&r);
	request_as("POST", "/bots/" PUBLIC_ID "/invite", "x-session-token", ALICE_SESSION,
		   "{\"server\":\"" SERVER_ID "\"}", &r);
	expect(&r, 404, NOT_FOUND_ABSENT);
	resp_release(&r);
	expect_bot_token(PUBLIC_TOKEN, false);
	expect_get("/users/" PUBLIC_ID, ALICE_SESSION, 200, DELETED_USER(PUBLIC_ID));
	/* the other bot is untouched */
	expect_get("/bots/@me", ALICE_SESSION, 200,
		   "{\"bots\":[" HELPER_BOT "],\"users\":[" BOT_USER(HELPER_ID, "HelperBot", "4821", "User") "]}");
}
END_TEST

/* Deleting both leaves the owner with empty lists. */
START_TEST(delete_all)
{
	struct resp r;
	request_as("DELETE", "/bots/" PUBLIC_ID, "x-session-token", ALICE_SESSION, NULL, &r);
	expect_no_content(&r);
	resp_release(&r);
	request_as("DELETE", "/0.8/bots/" HELPER_ID, "X-Session-Token", ALICE_SESSION, NULL, &r); /* /0.8 too */
	expect_no_content(&r);
	resp_release(&r);
	expect_get("/bots/@me", ALICE_SESSION, 200, "{\"bots\":[],\"users\":[]}");
}
END_TEST

START_TEST(not_owner)
{
	struct resp r;
	request_as("DELETE", "/bots/" HELPER_ID, "x-session-token", BOB_SESSION, NULL, &r);
	expect(&r, 404, NOT_FOUND_NOT_OWNER);
	resp_release(&r);
	request_as("DELETE", "/bots/" PUBLIC_ID, "x-session-token", CAROL_SESSION, NULL, &r);
	expect(&r, 404, NOT_FOUND_NOT_OWNER);
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* A bot caller never owns a bot, not even itself. */
START_TEST(bot_caller)
{
	struct resp r;
	request_as("DELETE", "/bots/" HELPER_ID, "x-bot-token", HELPER_TOKEN, NULL, &r);
	expect(&r, 404, NOT_FOUND_NOT_OWNER);
	resp_release(&r);
	request_as("DELETE", "/bots/" PUBLIC_ID, "x-bot-token", HELPER_TOKEN, NULL, &r);
	expect(&r, 404, NOT_FOUND_NOT_OWNER);
	resp_release(&r);
	/* x-bot-token decides even beside the owner's session */
	const char *both[] = {"x-session-token: " ALICE_SESSION, "x-bot-token: " PUBLIC_TOKEN, NULL};
	ck_assert_int_eq(http(&srv, "DELETE", "/bots/" HELPER_ID, both, NULL, &r), 0);
	expect(&r, 404, NOT_FOUND_NOT_OWNER);
	resp_release(&r);
	request_as("DELETE", "/bots/01NOSUCHB0T000000000000000", "x-bot-token", HELPER_TOKEN, NULL, &r);
	expect(&r, 404, NOT_FOUND_ABSENT);
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* Unknown ids, @me (an id on DELETE) and a user's id are absent bots. */
START_TEST(absent)
{
	struct resp r;
	static const char *const paths[] = {"/bots/01NOSUCHB0T000000000000000", "/bots/@me", "/bots/" ALICE_ID,
					    "/bots/%40me", "/bots/" HELPER_ID "x"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		request_as("DELETE", paths[i], "x-session-token", ALICE_SESSION, NULL, &r);
		expect(&r, 404, NOT_FOUND_ABSENT);
		resp_release(&r);
	}
	expect_untouched();
}
END_TEST

START_TEST(no_caller)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, "DELETE", "/bots/" HELPER_ID, NULL, NULL, &r), 0);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
	request_as("DELETE", "/bots/" HELPER_ID, "x-session-token", "no-such-session", NULL, &r);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
	const char *both[] = {"x-bot-token: no-such-token", "x-session-token: " ALICE_SESSION, NULL};
	ck_assert_int_eq(http(&srv, "DELETE", "/bots/" HELPER_ID, both, NULL, &r), 0);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* A body on DELETE is ignored, even one that is not JSON (stoat.js sends {}). */
START_TEST(body_ignored)
{
	struct resp r;
	request_as("DELETE", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION, "{not json", &r);
	expect_no_content(&r);
	resp_release(&r);
	request_as("DELETE", "/bots/" PUBLIC_ID, "x-session-token", ALICE_SESSION, "{}", &r);
	expect_no_content(&r);
	resp_release(&r);
	expect_get("/bots/@me", ALICE_SESSION, 200, "{\"bots\":[],\"users\":[]}");
}
END_TEST

/* mark_deleted clears avatar, status and profile, sets flags to exactly 2 and
 * empties relations; display name, badges and bot.owner stay. */
#define FANCY_ID "01J0H5FANCYB0T000000000CCC"
#define FANCY_TOKEN "fancy-token-0000000000000000000000000000000000000000000000000000"

static void write_fancy_fixture(void)
{
	snprintf(fancy_fixture, sizeof(fancy_fixture), "/tmp/stoat-fancy-%d.json", (int)getpid());
	FILE *f = fopen(fancy_fixture, "w");
	if (!f) {
		perror(fancy_fixture);
		exit(EXIT_FAILURE);
	}
	fprintf(f,
		"{\"users\":[{\"_id\":\"%s\",\"username\":\"alice\",\"discriminator\":\"0001\","
		"\"sessions\":[{\"token\":\"%s\"}]}],"
		"\"bots\":[{\"_id\":\"%s\",\"owner\":\"%s\",\"username\":\"Fancy\",\"discriminator\":\"0777\","
		"\"token\":\"%s\",\"public\":true,\"display_name\":\"Fancy Bot\",\"pronouns\":\"it/its\","
		"\"avatar\":{\"_id\":\"av1\",\"tag\":\"avatars\",\"filename\":\"a.png\",\"metadata\":{\"type\":\"Image\","
		"\"width\":1,\"height\":1},\"content_type\":\"image/png\",\"size\":1},"
		"\"badges\":4,\"flags\":8,\"status\":{\"text\":\"busy bee\",\"presence\":\"Busy\"},"
		"\"profile\":{\"content\":\"about me\"},"
		"\"relations\":[{\"_id\":\"%s\",\"status\":\"Friend\"}]}],"
		"\"servers\":[{\"_id\":\"%s\",\"owner\":\"%s\",\"name\":\"S\","
		"\"members\":[{\"user\":\"%s\"},{\"user\":\"%s\"}]}]}",
		ALICE_ID, ALICE_SESSION, FANCY_ID, ALICE_ID, FANCY_TOKEN, ALICE_ID, SERVER_ID, ALICE_ID, ALICE_ID,
		FANCY_ID);
	if (fclose(f)) {
		perror(fancy_fixture);
		exit(EXIT_FAILURE);
	}
}

START_TEST(deleted_user_fields)
{
	struct resp r;
	/* before: everything shown (relations only as self, so not here) */
	expect_get("/users/" FANCY_ID, ALICE_SESSION, 200,
		   "{\"_id\":\"" FANCY_ID "\",\"username\":\"Fancy\",\"discriminator\":\"0777\","
		   "\"display_name\":\"Fancy Bot\",\"pronouns\":\"it/its\",\"avatar\":{\"_id\":\"av1\",\"tag\":\"avatars\","
		   "\"filename\":\"a.png\",\"metadata\":{\"type\":\"Image\",\"width\":1,\"height\":1},"
		   "\"content_type\":\"image/png\",\"size\":1},\"badges\":4,"
		   "\"status\":{\"text\":\"busy bee\",\"presence\":\"Busy\"},\"flags\":8,"
		   "\"bot\":{\"owner\":\"" ALICE_ID "\"},\"relationship\":\"None\",\"online\":false}");
	ck_assert_int_eq(http(&srv, "GET", "/bots/" FANCY_ID "/invite", NULL, NULL, &r), 0);
	expect(&r, 200, "{\"_id\":\"" FANCY_ID "\",\"username\":\"Fancy\",\"avatar\":\"av1\",\"description\":\"about me\"}");
	resp_release(&r);

	request_as("DELETE", "/bots/" FANCY_ID, "x-session-token", ALICE_SESSION, NULL, &r);
	expect_no_content(&r);
	resp_release(&r);
	expect_get("/users/" FANCY_ID, ALICE_SESSION, 200,
		   "{\"_id\":\"" FANCY_ID "\",\"username\":\"Deleted User " FANCY_ID "\",\"discriminator\":\"0000\","
		   "\"display_name\":\"Fancy Bot\",\"pronouns\":\"it/its\",\"badges\":4,\"flags\":2,"
		   "\"bot\":{\"owner\":\"" ALICE_ID "\"},\"relationship\":\"None\",\"online\":false}");
	expect_bot_token(FANCY_TOKEN, false);
	ck_assert_int_eq(http(&srv, "GET", "/bots/" FANCY_ID "/invite", NULL, NULL, &r), 0);
	expect(&r, 404, NOT_FOUND_ABSENT);
	resp_release(&r);
}
END_TEST

static Suite *delete_suite(void)
{
	Suite *s = suite_create("bots_delete");
	TCase *tc = tcase_create("delete");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_test(tc, delete_bot);
	tcase_add_test(tc, deleted_bot_is_not_found_everywhere);
	tcase_add_test(tc, delete_all);
	tcase_add_test(tc, not_owner);
	tcase_add_test(tc, bot_caller);
	tcase_add_test(tc, absent);
	tcase_add_test(tc, no_caller);
	tcase_add_test(tc, body_ignored);
	suite_add_tcase(s, tc);
	tc = tcase_create("mark_deleted");
	tcase_add_checked_fixture(tc, up_fancy, down);
	tcase_add_test(tc, deleted_user_fields);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	write_fancy_fixture();
	int status = suite_run(delete_suite());
	unlink(fancy_fixture);
	return status;
}

/* test_bots_invite.c: POST /bots/{id}/invite over HTTP (bots-api.md §8.2) - the body's
 * untagged {server} | {group} decoding, every error row in the real server's order
 * with status, type, extra fields and location, the 204, and what is stored: a member
 * or recipient after success, nothing after a refusal.
 * REAL: crates/delta/src/routes/bots/invite.rs, permissions/src/impl.rs,
 * server_members/model.rs Member::create, channels/model.rs add_user_to_group. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

#define LOC_SESSION "crates/core/database/src/models/users/rocket.rs:41:51"
#define LOC_BOT_NOT_FOUND "crates/core/database/src/models/bots/ops/mongodb.rs:19:62"
#define LOC_IS_BOT "crates/delta/src/routes/bots/invite.rs:27:20"
#define LOC_PRIVATE "crates/delta/src/routes/bots/invite.rs:32:20"
#define LOC_SERVER_NOT_FOUND "crates/core/database/src/models/servers/ops/mongodb.rs:21:62"
#define LOC_CHANNEL_NOT_FOUND "crates/core/database/src/models/channels/ops/mongodb.rs:23:70"
#define LOC_MISSING_PERMISSION "crates/core/permissions/src/models/mod.rs:80:17"
#define LOC_BANNED "crates/core/database/src/models/server_members/model.rs:115:24"
#define LOC_ALREADY_IN_SERVER "crates/core/database/src/models/server_members/model.rs:119:24"
#define LOC_ALREADY_IN_GROUP "crates/core/database/src/models/channels/model.rs:350:28"
#define LOC_GROUP_TOO_LARGE "crates/core/database/src/models/channels/model.rs:355:28"
#define LOC_INVALID_OPERATION "crates/core/database/src/models/channels/model.rs:400:22"

#define ALICE "x-session-token: " ALICE_SESSION
#define BOB "x-session-token: " BOB_SESSION
#define CAROL "x-session-token: " CAROL_SESSION
#define DANA "x-session-token: dana-session" /* privileged, in nothing */
#define HELPER_BOT "x-bot-token: " HELPER_TOKEN
#define JSON_ACCEPT "Accept: application/json"

#define NO_SUCH_ID "01J1N0SVCH000000000000ZZZZ"
#define BAN_SERVER_ID "01J1SERVER0000000000000003" /* Alice's; PublicBot banned, HelperBot a member */
#define STRICT_GROUP_ID "01J1GR0VP00000000000000002" /* Alice's; permissions 0; Bob a recipient */
#define BIG_GROUP_ID "01J1GR0VP00000000000000003" /* Alice's; 100 recipients incl. PublicBot */
#define DANA_ID "01HZ8DANA00000000000000000"
#define ERIN "x-session-token: erin-session" /* in Alice's server with InviteOthers only */
#define FAY "x-session-token: fay-session"   /* in Alice's server with ViewChannel + InviteOthers */

static struct server srv;
static char fixture_file[64];

/* The bundled fixtures, plus a privileged user, a server that bans PublicBot, a group
 * whose permissions grant nothing, and a full group with PublicBot in it. */
static void up(void)
{
	snprintf(fixture_file, sizeof(fixture_file), "/tmp/stoat-invite-%d.json", (int)getpid());
	FILE *f = fopen(fixture_file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"users\":["
	      "{\"_id\":\"" ALICE_ID "\",\"username\":\"alice\",\"discriminator\":\"0001\",\"sessions\":[{\"token\":\"" ALICE_SESSION "\"}]},"
	      "{\"_id\":\"" BOB_ID "\",\"username\":\"bob\",\"discriminator\":\"0002\",\"sessions\":[{\"token\":\"" BOB_SESSION "\"}]},"
	      "{\"_id\":\"" CAROL_ID "\",\"username\":\"carol\",\"discriminator\":\"0003\",\"sessions\":[{\"token\":\"" CAROL_SESSION "\"}]},"
	      "{\"_id\":\"" DANA_ID "\",\"username\":\"dana\",\"discriminator\":\"0004\",\"privileged\":true,\"sessions\":[{\"token\":\"dana-session\"}]},"
	      "{\"_id\":\"01HZ8ER1N0000000000000000E\",\"username\":\"erin\",\"discriminator\":\"0005\",\"sessions\":[{\"token\":\"erin-session\"}]},"
	      "{\"_id\":\"01HZ8FAY00000000000000000F\",\"username\":\"fay\",\"discriminator\":\"0006\",\"sessions\":[{\"token\":\"fay-session\"}]}",
	      f);
	for (int i = 0; i < 97; i++)
		fprintf(f, ",{\"_id\":\"01HA0000000000000000000%03d\",\"username\":\"filler\",\"discriminator\":\"%04d\"}", i, 100 + i);
	fputs("],\"bots\":["
	      "{\"_id\":\"" HELPER_ID "\",\"owner\":\"" ALICE_ID "\",\"username\":\"HelperBot\",\"discriminator\":\"4821\",\"token\":\"" HELPER_TOKEN "\"},"
	      "{\"_id\":\"" PUBLIC_ID "\",\"owner\":\"" ALICE_ID "\",\"username\":\"PublicBot\",\"discriminator\":\"7310\",\"token\":\"" PUBLIC_TOKEN "\",\"public\":true}],"
	      "\"servers\":["
	      "{\"_id\":\"" SERVER_ID "\",\"owner\":\"" ALICE_ID "\",\"name\":\"A\",\"members\":[\"" ALICE_ID "\",\"" BOB_ID "\","
	      "{\"user\":\"01HZ8ER1N0000000000000000E\",\"permissions\":33554432},"
	      "{\"user\":\"01HZ8FAY00000000000000000F\",\"permissions\":34603008}]},"
	      "{\"_id\":\"" BOB_SERVER_ID "\",\"owner\":\"" BOB_ID "\",\"name\":\"B\",\"members\":[\"" BOB_ID "\",{\"user\":\"" ALICE_ID "\",\"permissions\":2}]},"
	      "{\"_id\":\"" BAN_SERVER_ID "\",\"owner\":\"" ALICE_ID "\",\"name\":\"C\",\"members\":[\"" ALICE_ID "\",\"" HELPER_ID "\"],\"bans\":[\"" PUBLIC_ID "\"]}],"
	      "\"channels\":["
	      "{\"_id\":\"" GROUP_ID "\",\"channel_type\":\"Group\",\"name\":\"G\",\"owner\":\"" ALICE_ID "\",\"recipients\":[\"" ALICE_ID "\",\"" BOB_ID "\"]},"
	      "{\"_id\":\"" STRICT_GROUP_ID "\",\"channel_type\":\"Group\",\"name\":\"S\",\"owner\":\"" ALICE_ID "\",\"permissions\":0,\"recipients\":[\"" ALICE_ID "\",\"" BOB_ID "\"]},"
	      "{\"_id\":\"" TEXT_CHANNEL_ID "\",\"channel_type\":\"TextChannel\",\"server\":\"" SERVER_ID "\",\"name\":\"general\"},"
	      "{\"_id\":\"" BIG_GROUP_ID "\",\"channel_type\":\"Group\",\"name\":\"Big\",\"owner\":\"" ALICE_ID "\",\"recipients\":[\"" ALICE_ID "\",\"" BOB_ID "\",\"" PUBLIC_ID "\"",
	      f);
	for (int i = 0; i < 97; i++)
		fprintf(f, ",\"01HA0000000000000000000%03d\"", i);
	fputs("]}]}", f);
	fclose(f);
	const char *args[] = {"--fixtures", fixture_file, NULL};
	ck_assert_int_eq(server_start(&srv, args), 0);
}
static void down(void)
{
	server_stop(&srv);
	unlink(fixture_file);
}

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

static void invite(const char *auth, const char *bot, const char *body, struct resp *r)
{
	char path[96];
	snprintf(path, sizeof(path), "/bots/%s/invite", bot);
	req("POST", path, auth, NULL, body, r);
}

/* 204: no body and no Content-Type */
static void expect_204(const char *auth, const char *bot, const char *body)
{
	struct resp r;
	invite(auth, bot, body, &r);
	if (r.status != 204)
		fprintf(stderr, "invite %s %s: got %ld %s\n", bot, body, r.status, r.body);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(r.content_type, "");
	ck_assert_uint_eq(r.len, 0);
	resp_release(&r);
}

#define S(id) "{\"server\":\"" id "\"}"
#define G(id) "{\"group\":\"" id "\"}"
#define ERR(type, loc) "{\"type\":\"" type "\",\"location\":\"" loc "\"}"
#define PERM(which) "{\"type\":\"MissingPermission\",\"permission\":\"" which "\",\"location\":\"" LOC_MISSING_PERMISSION "\"}"
#define PAGE_422                                                                                              \
	"{\n  \"error\": {\n    \"code\": 422,\n    \"reason\": \"Unprocessable Entity\",\n    \"description\": \"The " \
	"request was well-formed but was unable to be followed due to semantic errors.\"\n  }\n}"
#define PAGE_400                                                                                             \
	"{\n  \"error\": {\n    \"code\": 400,\n    \"reason\": \"Bad Request\",\n    \"description\": \"The request " \
	"could not be understood by the server due to malformed syntax.\"\n  }\n}"

static const struct row {
	const char *what, *auth, *bot, *body;
	long status;
	const char *want;
} rows[] = {
	/* the user guard, before the body */
	{"no token", NULL, PUBLIC_ID, S(SERVER_ID), 401, ERR("InvalidSession", LOC_SESSION)},
	{"no token and a malformed body", NULL, PUBLIC_ID, "{", 401, ERR("InvalidSession", LOC_SESSION)},
	{"unknown bot token", "x-bot-token: nope", PUBLIC_ID, S(SERVER_ID), 401, ERR("InvalidSession", LOC_SESSION)},
	/* the body: untagged {server} | {group}, before the handler */
	{"malformed JSON", ALICE, PUBLIC_ID, "{\"server\":", 400, PAGE_400},
	{"an array longer than any variant", ALICE, PUBLIC_ID, "[\"" SERVER_ID "\",1]", 422, PAGE_422},
	{"neither key", ALICE, PUBLIC_ID, "{}", 422, PAGE_422},
	{"an array", ALICE, PUBLIC_ID, "[\"" SERVER_ID "\"]", 422, PAGE_422},
	{"a string", ALICE, PUBLIC_ID, "\"" SERVER_ID "\"", 422, PAGE_422},
	{"server not a string", ALICE, PUBLIC_ID, "{\"server\":1}", 422, PAGE_422},
	{"group null", ALICE, PUBLIC_ID, "{\"group\":null}", 422, PAGE_422},
	{"a bot caller with a bad body: 422 first", HELPER_BOT, PUBLIC_ID, "{}", 422, PAGE_422},
	/* 1. IsBot, before the bot lookup */
	{"a bot caller", HELPER_BOT, PUBLIC_ID, S(SERVER_ID), 400, ERR("IsBot", LOC_IS_BOT)},
	{"a bot caller, no such bot", HELPER_BOT, NO_SUCH_ID, S(NO_SUCH_ID), 400, ERR("IsBot", LOC_IS_BOT)},
	/* 2. the bot */
	{"no such bot", ALICE, NO_SUCH_ID, S(SERVER_ID), 404, ERR("NotFound", LOC_BOT_NOT_FOUND)},
	/* 3. private and not the owner: 403, not 404; before the destination */
	{"someone else's private bot", BOB, HELPER_ID, S(BOB_SERVER_ID), 403, ERR("BotIsPrivate", LOC_PRIVATE)},
	{"someone else's private bot, no such server", BOB, HELPER_ID, S(NO_SUCH_ID), 403, ERR("BotIsPrivate", LOC_PRIVATE)},
	/* 5. server */
	{"no such server", ALICE, PUBLIC_ID, S(NO_SUCH_ID), 404, ERR("NotFound", LOC_SERVER_NOT_FOUND)},
	{"a group id as a server", ALICE, PUBLIC_ID, S(GROUP_ID), 404, ERR("NotFound", LOC_SERVER_NOT_FOUND)},
	{"not a member", CAROL, PUBLIC_ID, S(SERVER_ID), 403, PERM("ManageServer")},
	{"a member without ManageServer", BOB, PUBLIC_ID, S(SERVER_ID), 403, PERM("ManageServer")},
	{"not a member of a server that bans the bot: permission first", CAROL, PUBLIC_ID, S(BAN_SERVER_ID), 403,
	 PERM("ManageServer")},
	{"banned", ALICE, PUBLIC_ID, S(BAN_SERVER_ID), 403, ERR("Banned", LOC_BANNED)},
	{"already a member", ALICE, HELPER_ID, S(BAN_SERVER_ID), 409, ERR("AlreadyInServer", LOC_ALREADY_IN_SERVER)},
	{"server wins over group", ALICE, HELPER_ID, "{\"server\":\"" BAN_SERVER_ID "\",\"group\":\"" GROUP_ID "\"}", 409,
	 ERR("AlreadyInServer", LOC_ALREADY_IN_SERVER)},
	/* 6. group */
	{"no such channel", ALICE, PUBLIC_ID, G(NO_SUCH_ID), 404, ERR("NotFound", LOC_CHANNEL_NOT_FOUND)},
	{"a server id as a group", ALICE, PUBLIC_ID, G(SERVER_ID), 404, ERR("NotFound", LOC_CHANNEL_NOT_FOUND)},
	{"not a recipient", CAROL, PUBLIC_ID, G(GROUP_ID), 403, PERM("InviteOthers")},
	{"a recipient of a group granting nothing", BOB, PUBLIC_ID, G(STRICT_GROUP_ID), 403, PERM("InviteOthers")},
	{"a text channel of a server one is not in", CAROL, PUBLIC_ID, G(TEXT_CHANNEL_ID), 403, PERM("InviteOthers")},
	{"a text channel, a member without the permission", BOB, PUBLIC_ID, G(TEXT_CHANNEL_ID), 403, PERM("InviteOthers")},
	{"a text channel, InviteOthers without ViewChannel is nothing", ERIN, PUBLIC_ID, G(TEXT_CHANNEL_ID), 403,
	 PERM("InviteOthers")},
	{"a text channel, a member with ViewChannel + InviteOthers: not a group", FAY, PUBLIC_ID, G(TEXT_CHANNEL_ID), 400,
	 ERR("InvalidOperation", LOC_INVALID_OPERATION)},
	{"a text channel with the permission: not a group", ALICE, PUBLIC_ID, G(TEXT_CHANNEL_ID), 400,
	 ERR("InvalidOperation", LOC_INVALID_OPERATION)},
	{"a text channel, privileged caller: not a group", DANA, PUBLIC_ID, G(TEXT_CHANNEL_ID), 400,
	 ERR("InvalidOperation", LOC_INVALID_OPERATION)},
	{"already a recipient, checked before the size", ALICE, PUBLIC_ID, G(BIG_GROUP_ID), 409,
	 ERR("AlreadyInGroup", LOC_ALREADY_IN_GROUP)},
	{"a group of 100", ALICE, HELPER_ID, G(BIG_GROUP_ID), 403,
	 "{\"type\":\"GroupTooLarge\",\"max\":100,\"location\":\"" LOC_GROUP_TOO_LARGE "\"}"},
	{"a non-string server beside a group is a group invite", CAROL, PUBLIC_ID,
	 "{\"server\":123,\"group\":\"" GROUP_ID "\"}", 403, PERM("InviteOthers")},
};

START_TEST(error_row)
{
	const struct row *t = &rows[_i];
	struct resp r;
	char path[96];
	snprintf(path, sizeof(path), "/bots/%s/invite", t->bot);
	req("POST", path, t->auth, JSON_ACCEPT, t->body, &r);
	if (r.status != t->status || strcmp(r.body ? r.body : "", t->want) != 0)
		fprintf(stderr, "row '%s': got %ld %s\n", t->what, r.status, r.body);
	ck_assert_int_eq(r.status, t->status);
	ck_assert_str_eq(r.content_type, "application/json");
	ck_assert_str_eq(r.body, t->want);
	resp_release(&r);
}
END_TEST

START_TEST(refusals_store_nothing)
{
	struct resp r;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		invite(rows[i].auth, rows[i].bot, rows[i].body, &r);
		ck_assert_int_ge(r.status, 400);
		resp_release(&r);
	}
	/* every destination a refused request named can still take the bots */
	expect_204(ALICE, PUBLIC_ID, S(SERVER_ID));
	expect_204(ALICE, HELPER_ID, S(SERVER_ID));
	expect_204(ALICE, HELPER_ID, S(BOB_SERVER_ID));
	expect_204(ALICE, PUBLIC_ID, G(GROUP_ID));
	expect_204(ALICE, HELPER_ID, G(GROUP_ID));
	expect_204(ALICE, PUBLIC_ID, G(STRICT_GROUP_ID));
}
END_TEST

START_TEST(server_invite_is_stored)
{
	struct resp r;
	/* Bob, a member, cannot see the bot's user before: no mutual connection */
	req("GET", "/users/" HELPER_ID, BOB, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	resp_release(&r);
	expect_204(ALICE, HELPER_ID, S(SERVER_ID));
	invite(ALICE, HELPER_ID, S(SERVER_ID), &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert_str_eq(r.body, ERR("AlreadyInServer", LOC_ALREADY_IN_SERVER));
	resp_release(&r);
	req("GET", "/users/" HELPER_ID, BOB, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "relationship"), "None");
	resp_release(&r);
}
END_TEST

START_TEST(group_invite_is_stored)
{
	struct resp r;
	expect_204(ALICE, HELPER_ID, "{\"server\":null,\"group\":\"" GROUP_ID "\",\"extra\":true}");
	invite(ALICE, HELPER_ID, G(GROUP_ID), &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert_str_eq(r.body, ERR("AlreadyInGroup", LOC_ALREADY_IN_GROUP));
	resp_release(&r);
	/* Bob, a recipient, now shares the group with the bot */
	req("GET", "/users/" HELPER_ID, BOB, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
}
END_TEST

START_TEST(who_may_invite)
{
	/* anyone may invite someone else's public bot where they have the permission */
	expect_204(BOB, PUBLIC_ID, S(BOB_SERVER_ID));
}
END_TEST

START_TEST(callers_with_the_permission)
{
	struct resp r;
	/* the server's owner; a member granted ManageServer; a privileged user in nothing */
	expect_204(ALICE, HELPER_ID, S(SERVER_ID));
	expect_204(ALICE, HELPER_ID, S(BOB_SERVER_ID));
	expect_204(DANA, PUBLIC_ID, S(SERVER_ID));
	/* a recipient with the default group permissions (InviteOthers included) */
	expect_204(BOB, PUBLIC_ID, G(GROUP_ID));
	/* the owner of a group whose permissions grant nothing keeps every permission */
	expect_204(ALICE, HELPER_ID, G(STRICT_GROUP_ID));
	/* the owner of a private bot; text bodies with any Content-Type are JSON */
	const char *h[] = {ALICE, "Content-Type: text/plain;charset=UTF-8", NULL};
	ck_assert_int_eq(http(&srv, "POST", "/0.8/bots/" HELPER_ID "/invite", h, G(GROUP_ID), &r), 0);
	ck_assert_int_eq(r.status, 204);
	resp_release(&r);
}
END_TEST

START_TEST(a_deleted_bot_cannot_be_invited)
{
	struct resp r;
	req("DELETE", "/bots/" HELPER_ID, ALICE, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	resp_release(&r);
	invite(ALICE, HELPER_ID, S(SERVER_ID), &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, ERR("NotFound", LOC_BOT_NOT_FOUND));
	resp_release(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bots_invite");
	TCase *tc = tcase_create("invite");
	tcase_add_checked_fixture(tc, up, down);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, error_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, refusals_store_nothing);
	tcase_add_test(tc, server_invite_is_stored);
	tcase_add_test(tc, group_invite_is_stored);
	tcase_add_test(tc, who_may_invite);
	tcase_add_test(tc, callers_with_the_permission);
	tcase_add_test(tc, a_deleted_bot_cannot_be_invited);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

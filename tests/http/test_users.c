/* test_users.c: GET /users/@me and GET /users/{id} over HTTP (auth-and-users.md §2),
 * whole bodies: the three renderings, who gets Access (else 403 MissingPermission),
 * who sees a status (ViewProfile), the bot rules, and the 401s.
 * REAL (main 99b3ea14): crates/delta/src/routes/users/fetch_self.rs, fetch_user.rs;
 * permissions/src/impl.rs calculate_user_permissions; database/src/util/permissions.rs;
 * util/bridge/v0.rs User::into, into_self. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

#define LOC_SESSION "crates/core/database/src/models/users/rocket.rs:41:51"
#define LOC_USER_NOT_FOUND "crates/core/database/src/models/users/ops/mongodb.rs:23:62"
#define LOC_MISSING_PERMISSION "crates/core/permissions/src/models/mod.rs:69:17"
#define NO_ACCESS "{\"type\":\"MissingPermission\",\"permission\":\"Access\",\"location\":\"" LOC_MISSING_PERMISSION "\"}"
#define UNAUTHORIZED "{\"type\":\"InvalidSession\",\"location\":\"" LOC_SESSION "\"}"

/* tess has a status; the callers meet her in different ways */
#define TESS_ID "01HZ9TESS00000000000000000"
#define SHY_ID "01HZ9SHY000000000000000000" /* status text + Invisible presence */
#define TESS_STATUS "\"status\":{\"text\":\"on holiday\",\"presence\":\"Busy\"}"
#define TESS(rel, status) \
	"{\"_id\":\"" TESS_ID "\",\"username\":\"tess\",\"discriminator\":\"0100\"," status "\"relationship\":\"" rel "\",\"online\":false}"
#define SEEN TESS_STATUS ","
#define HIDDEN ""

#define ALICE "x-session-token: " ALICE_SESSION
#define BOB "x-session-token: " BOB_SESSION
#define CAROL "x-session-token: " CAROL_SESSION
#define HELPER_BOT "x-bot-token: " HELPER_TOKEN

static struct server srv;
static char fixture_file[64];
static const char *extra_args[4];

/* caller -> (relations entry for tess, meets her in a server, in a group, privileged) */
static const struct caller {
	const char *name, *id, *rel;
	bool server, group, privileged;
} callers[] = {
	{"stranger", "01HZ9C000000000000000000S1", NULL, false, false, false},
	{"friend", "01HZ9C000000000000000000S2", "Friend", false, false, false},
	{"blocked", "01HZ9C000000000000000000S3", "Blocked", false, false, false},
	{"blockedother", "01HZ9C000000000000000000S4", "BlockedOther", false, false, false},
	{"incoming", "01HZ9C000000000000000000S5", "Incoming", false, false, false},
	{"outgoing", "01HZ9C000000000000000000S6", "Outgoing", false, false, false},
	{"servermate", "01HZ9C000000000000000000S7", NULL, true, false, false},
	{"groupmate", "01HZ9C000000000000000000S8", NULL, false, true, false},
	{"incomingmate", "01HZ9C000000000000000000S9", "Incoming", true, false, false},
	{"blockedmate", "01HZ9C000000000000000000SA", "Blocked", true, false, false},
	{"privileged", "01HZ9C000000000000000000SB", NULL, false, false, true},
};
#define NCALLERS (sizeof(callers) / sizeof(callers[0]))

static void write_fixture(void)
{
	snprintf(fixture_file, sizeof(fixture_file), "/tmp/stoat-users-%d.json", (int)getpid());
	FILE *f = fopen(fixture_file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"users\":["
	      "{\"_id\":\"" ALICE_ID "\",\"username\":\"alice\",\"discriminator\":\"0001\",\"display_name\":\"Alice\","
	      "\"relations\":[{\"_id\":\"" BOB_ID "\",\"status\":\"Friend\"},{\"_id\":\"" SHY_ID "\",\"status\":\"Friend\"}],"
	      "\"status\":{\"text\":\"hi\",\"presence\":\"Online\"},\"sessions\":[{\"token\":\"" ALICE_SESSION "\"}]},"
	      "{\"_id\":\"" BOB_ID "\",\"username\":\"bob\",\"discriminator\":\"0002\",\"relations\":[{\"_id\":\"" ALICE_ID
	      "\",\"status\":\"Friend\"}],\"sessions\":[{\"token\":\"" BOB_SESSION "\"}]},"
	      "{\"_id\":\"" CAROL_ID "\",\"username\":\"carol\",\"discriminator\":\"0003\",\"sessions\":[{\"token\":\"" CAROL_SESSION "\"}]},"
	      "{\"_id\":\"" TESS_ID "\",\"username\":\"tess\",\"discriminator\":\"0100\"," TESS_STATUS "},"
	      "{\"_id\":\"" SHY_ID "\",\"username\":\"shy\",\"discriminator\":\"0101\",\"badges\":4,"
	      "\"status\":{\"text\":\"away\",\"presence\":\"Invisible\"}}",
	      f);
	for (size_t i = 0; i < NCALLERS; i++) {
		fprintf(f, ",{\"_id\":\"%s\",\"username\":\"%s\",\"discriminator\":\"%04zu\"", callers[i].id, callers[i].name, 200 + i);
		if (callers[i].rel)
			fprintf(f, ",\"relations\":[{\"_id\":\"" TESS_ID "\",\"status\":\"%s\"}]", callers[i].rel);
		if (callers[i].privileged)
			fputs(",\"privileged\":true", f);
		fprintf(f, ",\"sessions\":[{\"token\":\"%s-session\"}]}", callers[i].name);
	}
	fputs("],\"bots\":[{\"_id\":\"" HELPER_ID "\",\"owner\":\"" ALICE_ID "\",\"username\":\"HelperBot\","
	      "\"discriminator\":\"4821\",\"token\":\"" HELPER_TOKEN "\",\"status\":{\"text\":\"beep\"}}],"
	      "\"servers\":[{\"_id\":\"" SERVER_ID "\",\"owner\":\"" ALICE_ID "\",\"name\":\"A\",\"members\":[\"" ALICE_ID
	      "\",\"" BOB_ID "\"]},{\"_id\":\"01J1SERVER00000000000000T5\",\"owner\":\"" TESS_ID "\",\"name\":\"T\",\"members\":[\"" TESS_ID "\"",
	      f);
	for (size_t i = 0; i < NCALLERS; i++)
		if (callers[i].server)
			fprintf(f, ",\"%s\"", callers[i].id);
	fputs("]}],\"channels\":[{\"_id\":\"01J1GR0VP0000000000000T555\",\"channel_type\":\"Group\",\"name\":\"t\",\"owner\":\"" TESS_ID
	      "\",\"recipients\":[\"" TESS_ID "\"",
	      f);
	for (size_t i = 0; i < NCALLERS; i++)
		if (callers[i].group)
			fprintf(f, ",\"%s\"", callers[i].id);
	fputs("]}]}", f);
	fclose(f);
}

static void up(void)
{
	write_fixture();
	const char *args[8] = {"--fixtures", fixture_file};
	int n = 2;
	for (int i = 0; extra_args[i]; i++)
		args[n++] = extra_args[i];
	args[n] = NULL;
	ck_assert_int_eq(server_start(&srv, args), 0);
}
static void down(void)
{
	server_stop(&srv);
	unlink(fixture_file);
}
static void rocket_up(void)
{
	extra_args[0] = "--auth-errors";
	extra_args[1] = "rocket";
	up();
}

static void get(const char *path, const char *auth, const char *auth2, struct resp *r)
{
	const char *h[3] = {auth, auth2, NULL};
	ck_assert_int_eq(http(&srv, "GET", path, auth ? h : NULL, NULL, r), 0);
}

static void expect(const struct resp *r, long status, const char *body)
{
	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(r->content_type, "application/json");
	ck_assert_str_eq(r->body ? r->body : "", body);
}

/* ---- GET /users/@me and /users/{id} without the tess matrix ------------------------ */

#define ALICE_SELF                                                                                              \
	"{\"_id\":\"" ALICE_ID "\",\"username\":\"alice\",\"discriminator\":\"0001\",\"display_name\":\"Alice\","  \
	"\"relations\":[{\"_id\":\"" BOB_ID "\",\"status\":\"Friend\"},{\"_id\":\"" SHY_ID "\",\"status\":\"Friend\"}]," \
	"\"status\":{\"text\":\"hi\",\"presence\":\"Online\"},\"relationship\":\"User\",\"online\":false}"
#define HELPER_USER(rel)                                                                                    \
	"{\"_id\":\"" HELPER_ID "\",\"username\":\"HelperBot\",\"discriminator\":\"4821\",\"status\":{\"text\":" \
	"\"beep\"},\"bot\":{\"owner\":\"" ALICE_ID "\"},\"relationship\":\"" rel "\",\"online\":false}"

static const struct row {
	const char *what, *path, *auth, *auth2;
	long status;
	const char *want;
} rows[] = {
	{"@me: a user, as self with relations and status", "/users/@me", ALICE, NULL, 200, ALICE_SELF},
	{"@me: under /0.8", "/0.8/users/@me", ALICE, NULL, 200, ALICE_SELF},
	{"@me: a bot, its own user", "/users/@me", HELPER_BOT, NULL, 200, HELPER_USER("User")},
	{"@me: the bot token alone decides, even beside a session", "/users/@me", HELPER_BOT, CAROL, 200, HELPER_USER("User")},
	{"@me: an unknown bot token beside a valid session", "/users/@me", "x-bot-token: nope", ALICE, 401, UNAUTHORIZED},
	{"@me: no token", "/users/@me", NULL, NULL, 401, UNAUTHORIZED},
	{"@me: an unknown session", "/users/@me", "x-session-token: nope", NULL, 401, UNAUTHORIZED},
	{"@me: an empty bot token counts as present", "/users/@me", "x-bot-token;" /* curl: sends an empty value */, ALICE, 401, UNAUTHORIZED},
	{"id: oneself, as self", "/users/" ALICE_ID, ALICE, NULL, 200, ALICE_SELF},
	{"id: a friend, their relations not shown", "/users/" BOB_ID, ALICE, NULL, 200,
	 "{\"_id\":\"" BOB_ID "\",\"username\":\"bob\",\"discriminator\":\"0002\",\"relationship\":\"Friend\",\"online\":false}"},
	{"id: a friend whose presence is Invisible: status without it", "/users/" SHY_ID, ALICE, NULL, 200,
	 "{\"_id\":\"" SHY_ID "\",\"username\":\"shy\",\"discriminator\":\"0101\",\"badges\":4,\"status\":{\"text\":\"away\"},"
	 "\"relationship\":\"Friend\",\"online\":false}"},
	{"id: a server mate (Bob sees Alice as a friend)", "/users/" ALICE_ID, BOB, NULL, 200,
	 "{\"_id\":\"" ALICE_ID "\",\"username\":\"alice\",\"discriminator\":\"0001\",\"display_name\":\"Alice\","
	 "\"status\":{\"text\":\"hi\",\"presence\":\"Online\"},\"relationship\":\"Friend\",\"online\":false}"},
	{"id: a stranger", "/users/" ALICE_ID, CAROL, NULL, 403, NO_ACCESS},
	{"id: no such user", "/users/01HZZZZZZZZZZZZZZZZZZZZZZZ", ALICE, NULL, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_USER_NOT_FOUND "\"}"},
	{"id: a percent-encoded NUL", "/users/" ALICE_ID "%00", BOB, NULL, 404,
	 "{\"type\":\"NotFound\",\"location\":\"" LOC_USER_NOT_FOUND "\"}"},
	{"id: no token", "/users/" ALICE_ID, NULL, NULL, 401, UNAUTHORIZED},
	{"id: a bot user, fetched by a stranger", "/users/" HELPER_ID, CAROL, NULL, 403, NO_ACCESS},
	{"id: a bot user, fetched by its owner sharing nothing with it", "/users/" HELPER_ID, ALICE, NULL, 403, NO_ACCESS},
	{"id: a bot fetching its owner, sharing nothing", "/users/" ALICE_ID, HELPER_BOT, NULL, 403, NO_ACCESS},
	{"id: a bot fetching itself", "/users/" HELPER_ID, HELPER_BOT, NULL, 200, HELPER_USER("User")},
};

START_TEST(answer_row)
{
	const struct row *t = &rows[_i];
	struct resp r;
	get(t->path, t->auth, t->auth2, &r);
	if (r.status != t->status || strcmp(r.body ? r.body : "", t->want) != 0)
		fprintf(stderr, "row '%s': got %ld %s\n", t->what, r.status, r.body);
	expect(&r, t->status, t->want);
	resp_release(&r);
}
END_TEST

/* ---- who may see tess, and her status ------------------------------------------------ */

static const struct seen {
	const char *caller;
	long status;
	const char *want;
} matrix[] = {
	{"stranger", 403, NO_ACCESS},
	{"friend", 200, TESS("Friend", SEEN)},             /* Friend: every permission */
	{"blocked", 200, TESS("Blocked", HIDDEN)},         /* Access only */
	{"blockedother", 200, TESS("BlockedOther", HIDDEN)},
	{"incoming", 200, TESS("Incoming", HIDDEN)},       /* Access, no ViewProfile */
	{"outgoing", 200, TESS("Outgoing", HIDDEN)},
	{"servermate", 200, TESS("None", SEEN)},           /* mutual: Access + ViewProfile */
	{"groupmate", 200, TESS("None", SEEN)},
	{"incomingmate", 200, TESS("Incoming", SEEN)},     /* mutual wins over Incoming */
	{"blockedmate", 200, TESS("Blocked", HIDDEN)},     /* Blocked returns before mutual */
	{"privileged", 200, TESS("None", SEEN)},
};

START_TEST(who_sees_tess)
{
	const struct seen *t = &matrix[_i];
	char auth[96];
	snprintf(auth, sizeof(auth), "x-session-token: %s-session", t->caller);
	struct resp r;
	get("/users/" TESS_ID, auth, NULL, &r);
	if (r.status != t->status || strcmp(r.body ? r.body : "", t->want) != 0)
		fprintf(stderr, "caller '%s': got %ld %s\n", t->caller, r.status, r.body);
	expect(&r, t->status, t->want);
	resp_release(&r);
}
END_TEST

START_TEST(a_shared_server_opens_a_bot_user_and_its_deletion_keeps_it)
{
	struct resp r;
	const char *h[] = {ALICE, NULL};
	ck_assert_int_eq(http(&srv, "POST", "/bots/" HELPER_ID "/invite", h, "{\"server\":\"" SERVER_ID "\"}", &r), 0);
	ck_assert_int_eq(r.status, 204);
	resp_release(&r);
	/* the owner and a server mate now share a server with it: relationship None */
	get("/users/" HELPER_ID, ALICE, NULL, &r);
	expect(&r, 200, HELPER_USER("None"));
	resp_release(&r);
	get("/users/" HELPER_ID, BOB, NULL, &r);
	expect(&r, 200, HELPER_USER("None"));
	resp_release(&r);
	get("/users/" ALICE_ID, HELPER_BOT, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "relationship"), "None");
	resp_release(&r);
	/* deleted: the user stays as Deleted User, still a member, still visible */
	ck_assert_int_eq(http(&srv, "DELETE", "/bots/" HELPER_ID, h, NULL, &r), 0);
	ck_assert_int_eq(r.status, 204);
	resp_release(&r);
	get("/users/" HELPER_ID, BOB, NULL, &r);
	expect(&r, 200,
	       "{\"_id\":\"" HELPER_ID "\",\"username\":\"Deleted User " HELPER_ID "\",\"discriminator\":\"0000\","
	       "\"flags\":2,\"bot\":{\"owner\":\"" ALICE_ID "\"},\"relationship\":\"None\",\"online\":false}");
	resp_release(&r);
	get("/users/@me", HELPER_BOT, NULL, &r);
	expect(&r, 401, UNAUTHORIZED);
	resp_release(&r);
}
END_TEST

/* ---- --auth-errors rocket ------------------------------------------------------------ */

START_TEST(rocket_401_pages)
{
	struct resp r;
	const char *h[] = {"Accept: application/json", NULL};
	ck_assert_int_eq(http(&srv, "GET", "/users/@me", h, NULL, &r), 0);
	expect(&r, 401,
	       "{\n  \"error\": {\n    \"code\": 401,\n    \"reason\": \"Unauthorized\",\n    \"description\": \"The request "
	       "requires user authentication.\"\n  }\n}");
	resp_release(&r);
	get("/users/" ALICE_ID, "x-session-token: nope", NULL, &r);
	ck_assert_int_eq(r.status, 401);
	ck_assert_str_eq(r.content_type, "text/html; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(r.body, "<h1>401: Unauthorized</h1>"));
	resp_release(&r);
	/* application errors keep their JSON */
	get("/users/" ALICE_ID, CAROL, NULL, &r);
	expect(&r, 403, NO_ACCESS);
	resp_release(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("users");
	TCase *tc = tcase_create("users");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_loop_test(tc, answer_row, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_loop_test(tc, who_sees_tess, 0, (int)(sizeof(matrix) / sizeof(matrix[0])));
	tcase_add_test(tc, a_shared_server_opens_a_bot_user_and_its_deletion_keeps_it);
	suite_add_tcase(s, tc);
	TCase *rocket = tcase_create("rocket 401");
	tcase_add_checked_fixture(rocket, rocket_up, down);
	tcase_add_test(rocket, rocket_401_pages);
	suite_add_tcase(s, rocket);
	return suite_run(s);
}

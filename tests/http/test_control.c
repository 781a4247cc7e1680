/* test_control.c: the /_mock control API over HTTP: health, reset, state export and
 * import, fresh accounts, each fault kind, the request journal.
 * One server for the file; every test starts from POST /_mock/reset (itself under
 * test in reset_*). Seeded determinism and --no-control: test_control_seed.c. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

static struct server srv;

static void start(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
static void stop(void) { ck_assert_int_eq(server_stop(&srv), 0); /* under ASan: no leak at exit */ }

/* ---- helpers ------------------------------------------------------------------------ */

static void reset(void)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, "POST", "/_mock/reset", NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 204);
	ck_assert_uint_eq(r.len, 0);
	resp_release(&r);
}

/* body of a request that must answer `status` */
static char *call(const char *method, const char *path, const char *hdr, const char *token, const char *body,
		  long status)
{
	struct resp r;
	ck_assert_int_eq(http_as(&srv, method, path, hdr, token, body, &r), 0);
	if (r.status != status)
		ck_abort_msg("%s %s: status %ld, want %ld: %s", method, path, r.status, status, r.body);
	char *b = r.body;
	r.body = NULL;
	resp_release(&r);
	return b;
}

static char *alice(const char *method, const char *path, const char *body, long status)
{
	return call(method, path, "x-session-token", ALICE_SESSION, body, status);
}

static char *control(const char *method, const char *path, const char *body, long status)
{
	return call(method, path, NULL, NULL, body, status);
}

/* The exact family-A body of a control error. */
static void expect_body(const char *method, const char *path, const char *body, long status, const char *want)
{
	char *got = control(method, path, body, status);
	ck_assert_str_eq(got, want);
	free(got);
}

/* POST /_mock/faults, returns the id (caller frees). */
static char *add_fault(const char *spec)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, "POST", "/_mock/faults", NULL, spec, &r), 0);
	if (r.status != 200)
		ck_abort_msg("fault %s: %ld %s", spec, r.status, r.body);
	ck_assert_str_eq(r.content_type, "application/json");
	ck_assert_int_eq(cJSON_GetArraySize(r.json), 1);
	char *id = strdup(jstr(r.json, "id"));
	resp_release(&r);
	return id;
}

static double ms_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

/* ---- health ------------------------------------------------------------------------- */

START_TEST(health_answers_ok_version_uptime)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, "GET", "/_mock/health", NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, "application/json");
	ck_assert_int_eq(cJSON_GetArraySize(r.json), 3);
	ck_assert_str_eq(jstr(r.json, "status"), "ok");
	const char *v = jstr(r.json, "version");
	int a, b, c;
	ck_assert_msg(v && sscanf(v, "%d.%d.%d", &a, &b, &c) == 3, "version %s", v ? v : "(none)");
	const cJSON *up = jget(r.json, "uptime_ms");
	ck_assert(cJSON_IsNumber(up) && up->valuedouble >= 0);
	ck_assert_str_eq(cJSON_GetArrayItem(r.json, 0)->string, "status");
	ck_assert_str_eq(cJSON_GetArrayItem(r.json, 2)->string, "uptime_ms");
	/* the same under /0.8 */
	struct resp r2;
	ck_assert_int_eq(http(&srv, "GET", "/0.8/_mock/health", NULL, NULL, &r2), 0);
	ck_assert_int_eq(r2.status, 200);
	resp_release(&r);
	resp_release(&r2);
}
END_TEST

/* ---- reset -------------------------------------------------------------------------- */

START_TEST(reset_restores_the_fixture_bot_byte_for_byte)
{
	char *state0 = control("GET", "/_mock/state", NULL, 200);
	char *before = alice("GET", "/bots/" HELPER_ID, NULL, 200);
	free(alice("PATCH", "/bots/" HELPER_ID,
		   "{\"name\":\"Renamed\",\"public\":true,\"remove\":[\"Token\",\"Oauth2\"]}", 200));
	free(alice("POST", "/bots/" PUBLIC_ID "/invite", "{\"server\":\"" SERVER_ID "\"}", 204));
	free(alice("DELETE", "/bots/" PUBLIC_ID, NULL, 204));
	char *edited = alice("GET", "/bots/" HELPER_ID, NULL, 200);
	ck_assert_str_ne(edited, before);
	reset();
	char *after = alice("GET", "/bots/" HELPER_ID, NULL, 200);
	ck_assert_str_eq(after, before);
	/* the deleted bot is back with its token, and the whole state is the start-up one */
	free(call("GET", "/users/@me", "x-bot-token", PUBLIC_TOKEN, NULL, 200));
	char *state1 = control("GET", "/_mock/state", NULL, 200);
	ck_assert_str_eq(state1, state0);
	free(state0);
	free(state1);
	free(before);
	free(edited);
	free(after);
}
END_TEST

START_TEST(reset_clears_faults_and_journal)
{
	free(add_fault("{\"path\":\"/nowhere\",\"drop\":true,\"times\":0}"));
	free(alice("GET", "/bots/@me", NULL, 200));
	char *j = control("GET", "/_mock/requests", NULL, 200);
	ck_assert_ptr_nonnull(strstr(j, "/bots/@me"));
	free(j);
	reset();
	expect_body("GET", "/_mock/faults", NULL, 200, "{\"faults\":[]}");
	expect_body("GET", "/_mock/requests", NULL, 200, "{\"requests\":[]}");
}
END_TEST

START_TEST(reset_is_fast)
{
	/* the budget is 1 ms per reset with the bundled fixtures, over HTTP on loopback;
	 * a loose bound here (sanitizer builds are slower), the figure in the README ("Testing with stoat-mock") */
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 100; i++)
		reset();
	double per = ms_since(&t0) / 100;
	ck_assert_msg(per < 20, "reset took %.3f ms", per);
}
END_TEST

/* ---- state -------------------------------------------------------------------------- */

/* GET state, PUT it back, GET again: the same bytes. Returns the first export. */
static char *round_trip(void)
{
	char *s1 = control("GET", "/_mock/state", NULL, 200);
	free(control("PUT", "/_mock/state", s1, 204));
	char *s2 = control("GET", "/_mock/state", NULL, 200);
	ck_assert_str_eq(s2, s1);
	free(s2);
	return s1;
}

START_TEST(state_export_of_the_fixtures_round_trips)
{
	char *s = round_trip();
	cJSON *doc = cJSON_Parse(s);
	/* sections in the loader's order, everything the fixtures hold */
	ck_assert_str_eq(cJSON_GetArrayItem(doc, 0)->string, "users");
	ck_assert_str_eq(cJSON_GetArrayItem(doc, 3)->string, "channels");
	ck_assert_int_eq(cJSON_GetArraySize(jget(doc, "users")), 3);
	ck_assert_str_eq(jstr(doc, "users.0.sessions.0.token"), ALICE_SESSION);
	ck_assert_str_eq(jstr(doc, "users.0.sessions.0.name"), "alice's laptop");
	ck_assert_str_eq(jstr(doc, "users.0.relations.0.status"), "Friend");
	ck_assert_int_eq(cJSON_GetArraySize(jget(doc, "bots")), 2);
	ck_assert_str_eq(jstr(doc, "bots.0.username"), "HelperBot");
	ck_assert_str_eq(jstr(doc, "bots.0.discriminator"), "4821");
	ck_assert_str_eq(jstr(doc, "bots.0.token"), HELPER_TOKEN);
	ck_assert_str_eq(jstr(doc, "bots.0.oauth2.secret"), HELPER_SECRET);
	ck_assert_str_eq(jstr(doc, "bots.1.description"), "A public bot anyone can invite.");
	ck_assert_str_eq(jstr(doc, "bots.1.interactions_url"), "https://public.example/interactions");
	ck_assert(cJSON_IsTrue(jget(doc, "bots.1.analytics")));
	ck_assert_str_eq(jstr(doc, "servers.1.members.1.user"), ALICE_ID);
	ck_assert_int_eq(jget(doc, "servers.1.members.1.permissions")->valueint, 2);
	ck_assert_str_eq(jstr(doc, "channels.0.recipients.1"), BOB_ID);
	ck_assert_str_eq(jstr(doc, "channels.1.server"), SERVER_ID);
	cJSON_Delete(doc);
	free(s);
	/* and the imported state serves the API */
	free(call("GET", "/users/@me", "x-bot-token", HELPER_TOKEN, NULL, 200));
}
END_TEST

START_TEST(state_export_after_edits_round_trips)
{
	/* a new account, its bot, an invite to a server and a group, a rename, a
	 * deleted bot (its user stays, as "Deleted User") */
	char *u = control("POST", "/_mock/users", "{\"username\":\"dave\"}", 200);
	cJSON *uj = cJSON_Parse(u);
	char *dave_token = strdup(jstr(uj, "token"));
	char *dave_id = strdup(jstr(uj, "user._id"));
	char *bot = call("POST", "/bots/create", "x-session-token", dave_token, "{\"name\":\"DaveBot\"}", 200);
	cJSON *bj = cJSON_Parse(bot);
	char *bot_token = strdup(jstr(bj, "token"));
	free(alice("POST", "/bots/" PUBLIC_ID "/invite", "{\"server\":\"" SERVER_ID "\"}", 204));
	free(alice("POST", "/bots/" PUBLIC_ID "/invite", "{\"group\":\"" GROUP_ID "\"}", 204));
	free(alice("PATCH", "/bots/" HELPER_ID, "{\"name\":\"Helper2\",\"interactions_url\":\"https://x.example\"}", 200));
	free(alice("DELETE", "/bots/" HELPER_ID, NULL, 204));

	char *s = round_trip();
	cJSON *doc = cJSON_Parse(s);
	/* the deleted bot's user is a user with bot.owner and no bot entry, in creation
	 * order: the fixture bots' users come after the fixture users */
	ck_assert_str_eq(jstr(doc, "users.3._id"), HELPER_ID);
	ck_assert_str_eq(jstr(doc, "users.3.bot.owner"), ALICE_ID);
	ck_assert_int_eq(jget(doc, "users.3.flags")->valueint, 2);
	ck_assert_str_eq(jstr(doc, "users.3.username"), "Deleted User " HELPER_ID);
	/* the new human with its session */
	ck_assert_str_eq(jstr(doc, "users.4._id"), dave_id);
	ck_assert_str_eq(jstr(doc, "users.4.sessions.0.token"), dave_token);
	ck_assert_str_eq(jstr(doc, "users.4.sessions.0.name"), "stoat-mock");
	ck_assert_int_eq(cJSON_GetArraySize(jget(doc, "bots")), 2);
	ck_assert_str_eq(jstr(doc, "bots.0._id"), PUBLIC_ID);
	ck_assert_str_eq(jstr(doc, "bots.1.username"), "DaveBot");
	ck_assert_str_eq(jstr(doc, "bots.1.token"), bot_token);
	ck_assert_str_eq(jstr(doc, "servers.0.members.2.user"), PUBLIC_ID);
	ck_assert_str_eq(jstr(doc, "channels.0.recipients.2"), PUBLIC_ID);
	cJSON_Delete(doc);
	/* the imported tokens work */
	free(call("GET", "/users/@me", "x-session-token", dave_token, NULL, 200));
	free(call("GET", "/users/@me", "x-bot-token", bot_token, NULL, 200));
	free(call("GET", "/users/@me", "x-bot-token", HELPER_TOKEN, NULL, 401));
	free(s);
	free(u);
	free(bot);
	free(dave_token);
	free(dave_id);
	free(bot_token);
	cJSON_Delete(uj);
	cJSON_Delete(bj);
}
END_TEST

/* Every kind of stored field, a bot user with a session (exported under "users"),
 * bot flags, bans, extra keys of a server: export, import, export is the identity. */
static const char RICH[] =
	"{\"users\":["
	"{\"_id\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"username\":\"alice\",\"discriminator\":\"0001\",\"display_name\":\"Alice\",\"pronouns\":\"she/her\",\"avatar\":{\"_id\":\"av1\",\"tag\":\"avatars\",\"filename\":\"a.png\",\"metadata\":{\"type\":\"Image\",\"width\":1,\"height\":1},\"content_type\":\"image/png\",\"size\":10},\"relations\":[],\"badges\":256,\"status\":{\"text\":\"\",\"presence\":\"Invisible\"},\"flags\":1,\"privileged\":true,\"profile\":{\"content\":\"hello\",\"background\":{\"_id\":\"bg1\",\"tag\":\"backgrounds\"}},\"sessions\":[{\"token\":\"s1\",\"_id\":\"01HZ5W2X8A1B3C4D5E6F7G8S01\",\"name\":\"one\"},{\"token\":\"s2\",\"_id\":\"01HZ5W2X8A1B3C4D5E6F7G8S02\"}]},"
	"{\"_id\":\"01HZ6A7B8C9D0E1F2G3H4J5K6M\",\"username\":\"bob\",\"discriminator\":\"0002\"},"
	"{\"_id\":\"01J0H5SESSB0T0000000000CCC\",\"username\":\"SessBot\",\"discriminator\":\"0005\",\"bot\":{\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\"},\"sessions\":[{\"token\":\"botsess\",\"_id\":\"01J0H5SESSB0T0000000000S01\",\"name\":\"\"}]}"
	"],\"bots\":["
	"{\"_id\":\"01J0H5SESSB0T0000000000CCC\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"token\":\"t3\",\"public\":false},"
	"{\"_id\":\"01J0H3HPB0T5T0KEN000000AAA\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"token\":\"t1\",\"public\":true,\"discoverable\":true,\"terms_of_service_url\":\"https://tos\",\"privacy_policy_url\":\"https://pp\",\"interactions_url\":\"\",\"flags\":4,\"oauth2\":{\"public\":true,\"redirects\":[\"https://a\",\"https://b\"]},\"username\":\"Helper\",\"avatar\":{\"_id\":\"botav\"},\"description\":\"desc\",\"profile\":{\"background\":{\"_id\":\"bbg\"}},\"badges\":1,\"display_name\":\"H\"},"
	"{\"_id\":\"01J0H4PVB1CB0T000000000BBB\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"token\":\"t2\",\"flags\":2,\"username\":\"Flagged\"}"
	"],\"servers\":["
	"{\"_id\":\"01J1SERVER0000000000000001\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"name\":\"S\",\"default_permissions\":33,\"description\":\"extra keys are kept\",\"members\":[\"01HZ6A7B8C9D0E1F2G3H4J5K6M\",{\"user\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"permissions\":7}],\"bans\":[\"01J0H4PVB1CB0T000000000BBB\"]}"
	"],\"channels\":["
	"{\"_id\":\"01J1GR0VP00000000000000001\",\"channel_type\":\"Group\",\"name\":\"G\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"permissions\":12,\"recipients\":[\"01HZ5W2X8A1B3C4D5E6F7G8H9J\"]},"
	"{\"_id\":\"01J1TXTCHANNE0000000000001\",\"channel_type\":\"TextChannel\",\"server\":\"01J1SERVER0000000000000001\",\"name\":\"general\"}"
	"]}";

START_TEST(state_rich_document_round_trips)
{
	free(control("PUT", "/_mock/state", RICH, 204));
	char *s = round_trip();
	cJSON *doc = cJSON_Parse(s);
	ck_assert_str_eq(jstr(doc, "users.0.pronouns"), "she/her");
	ck_assert_str_eq(jstr(doc, "users.0.avatar.filename"), "a.png");
	ck_assert_str_eq(jstr(doc, "users.0.status.presence"), "Invisible");
	ck_assert_str_eq(jstr(doc, "users.0.profile.background._id"), "bg1");
	ck_assert_str_eq(jstr(doc, "users.0.sessions.1.token"), "s2");
	ck_assert_str_eq(jstr(doc, "users.2.username"), "SessBot");
	ck_assert_str_eq(jstr(doc, "users.2.sessions.0.token"), "botsess");
	ck_assert_str_eq(jstr(doc, "bots.0._id"), "01J0H5SESSB0T0000000000CCC");
	ck_assert_ptr_null(jget(doc, "bots.0.username"));
	ck_assert_str_eq(jstr(doc, "bots.1.description"), "desc");
	ck_assert_str_eq(jstr(doc, "bots.1.profile.background._id"), "bbg");
	ck_assert(cJSON_IsNull(jget(doc, "bots.1.oauth2.secret")));
	ck_assert_int_eq(jget(doc, "bots.2.flags")->valueint, 2);
	ck_assert_str_eq(jstr(doc, "servers.0.description"), "extra keys are kept");
	ck_assert_str_eq(jstr(doc, "servers.0.bans.0"), "01J0H4PVB1CB0T000000000BBB");
	ck_assert_int_eq(jget(doc, "channels.0.permissions")->valueint, 12);
	cJSON_Delete(doc);
	free(s);
	free(call("GET", "/users/@me", "x-session-token", "botsess", NULL, 200));
}
END_TEST

START_TEST(state_put_of_a_bad_document_changes_nothing)
{
	static const struct {
		const char *body, *want;
	} cases[] = {
		{"{\"bots\":[{\"_id\":\"nope\"}]}",
		 "{\"type\":\"FailedValidation\",\"error\":\"$.bots[0]._id: 'nope' is not a ULID (26 Crockford base32 "
		 "characters)\",\"location\":\"stoat-mock/_mock/state\"}"},
		{"{\"users\":[],\"bots\":[{\"_id\":\"01J0H3HPB0T5T0KEN000000AAA\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\","
		 "\"token\":\"t\",\"username\":\"X\"}]}",
		 "{\"type\":\"FailedValidation\",\"error\":\"$.bots[0].owner: no user with _id '01HZ5W2X8A1B3C4D5E6F7G8H9J' "
		 "(list owners in \\\"users\\\" first)\",\"location\":\"stoat-mock/_mock/state\"}"},
		{"{\"people\":[]}",
		 "{\"type\":\"FailedValidation\",\"error\":\"$.people: unknown section (expected users, bots, servers, "
		 "channels)\",\"location\":\"stoat-mock/_mock/state\"}"},
		{"{\"users\":", "{\"type\":\"FailedValidation\",\"error\":\"body: not valid JSON (near byte 8)\","
				"\"location\":\"stoat-mock/_mock/state\"}"},
		{"[]", "{\"type\":\"FailedValidation\",\"error\":\"body: expected a JSON object\","
		       "\"location\":\"stoat-mock/_mock/state\"}"},
	};
	char *before = control("GET", "/_mock/state", NULL, 200);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_body("PUT", "/_mock/state", cases[i].body, 400, cases[i].want);
		char *after = control("GET", "/_mock/state", NULL, 200);
		ck_assert_str_eq(after, before);
		free(after);
	}
	/* a new bot after a refused import still comes last in the export */
	char *created = alice("POST", "/bots/create", "{\"name\":\"After\"}", 200);
	char *s = control("GET", "/_mock/state", NULL, 200);
	cJSON *doc = cJSON_Parse(s);
	ck_assert_str_eq(jstr(doc, "bots.2.username"), "After");
	cJSON_Delete(doc);
	free(s);
	free(created);
	free(before);
}
END_TEST

START_TEST(state_put_replaces_the_state_and_reset_returns_to_the_fixtures)
{
	free(control("PUT", "/_mock/state",
		     "{\"users\":[{\"_id\":\"01HZ9ZED0000000000000000ZZ\",\"username\":\"zed\",\"discriminator\":\"0042\","
		     "\"sessions\":[{\"token\":\"zed-session\"}]}]}",
		     204));
	char *me = call("GET", "/users/@me", "x-session-token", "zed-session", NULL, 200);
	ck_assert_str_eq(me, "{\"_id\":\"01HZ9ZED0000000000000000ZZ\",\"username\":\"zed\",\"discriminator\":\"0042\","
			     "\"relationship\":\"User\",\"online\":false}");
	free(me);
	free(call("GET", "/users/@me", "x-session-token", ALICE_SESSION, NULL, 401));
	reset();
	free(call("GET", "/users/@me", "x-session-token", "zed-session", NULL, 401));
	free(call("GET", "/users/@me", "x-session-token", ALICE_SESSION, NULL, 200));
}
END_TEST

/* ---- users -------------------------------------------------------------------------- */

START_TEST(users_creates_an_account_with_a_session)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, "POST", "/_mock/users", NULL, "{\"username\":\"Dave\"}", &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, "application/json");
	ck_assert_int_eq(cJSON_GetArraySize(r.json), 2);
	const cJSON *user = jget(r.json, "user");
	const char *id = jstr(user, "_id"), *token = jstr(r.json, "token");
	const char *disc = jstr(user, "discriminator");
	ck_assert_uint_eq(strlen(id), 26);
	ck_assert_uint_eq(strlen(token), 64);
	ck_assert_uint_eq(strspn(token, "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), 64);
	ck_assert_uint_eq(strlen(disc), 4);
	ck_assert_uint_eq(strspn(disc, "0123456789"), 4);
	char want[256];
	snprintf(want, sizeof(want),
		 "{\"_id\":\"%s\",\"username\":\"Dave\",\"discriminator\":\"%s\",\"relationship\":\"User\",\"online\":false}",
		 id, disc);
	char *printed = cJSON_PrintUnformatted(user);
	ck_assert_str_eq(printed, want);
	/* the session works, and the account is a real user of the API */
	char *me = call("GET", "/users/@me", "x-session-token", token, NULL, 200);
	ck_assert_str_eq(me, want);
	/* a fresh account is a new user: 2 bots at most */
	free(call("POST", "/bots/create", "x-session-token", token, "{\"name\":\"DaveBot1\"}", 200));
	free(call("POST", "/bots/create", "x-session-token", token, "{\"name\":\"DaveBot2\"}", 200));
	free(call("POST", "/bots/create", "x-session-token", token, "{\"name\":\"DaveBot3\"}", 400));
	/* the same name again gets another discriminator */
	char *again = control("POST", "/_mock/users", "{\"username\":\"dave\"}", 200);
	cJSON *aj = cJSON_Parse(again);
	ck_assert_str_eq(jstr(aj, "user.username"), "dave");
	ck_assert_str_ne(jstr(aj, "user.discriminator"), disc);
	cJSON_Delete(aj);
	free(again);
	free(printed);
	free(me);
	resp_release(&r);
}
END_TEST

START_TEST(users_refuses_bad_usernames)
{
	static const struct {
		const char *body, *error;
	} cases[] = {
		{"{\"username\":\"a\"}",
		 "username: Validation error: length [{\"min\": Number(2), \"max\": Number(32), \"value\": String(\"a\")}]"},
		{"{\"username\":\"bob bob\"}", "username: Validation error: regex [{\"value\": String(\"bob bob\")}]"},
		{"{\"username\":\"admin\"}", "username: 'admin' is a blocked name (the real server answers InvalidUsername)"},
		{"{}", "username: required string is missing"},
		{"{\"username\":7}", "username: required string is missing"},
		{"{\"username\":\"eve\",\"password\":\"x\"}", "password: unknown field (expected username)"},
		{"", "body: expected a JSON object, got nothing"},
		{"{\"username\":\"eve\"", "body: not valid JSON (near byte 16)"},
	};
	char *before = control("GET", "/_mock/state", NULL, 200);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resp r;
		ck_assert_int_eq(http(&srv, "POST", "/_mock/users", NULL, cases[i].body, &r), 0);
		ck_assert_int_eq(r.status, 400);
		ck_assert_str_eq(r.content_type, "application/json");
		ck_assert_str_eq(jstr(r.json, "type"), "FailedValidation");
		ck_assert_str_eq(jstr(r.json, "error"), cases[i].error);
		ck_assert_str_eq(jstr(r.json, "location"), "stoat-mock/_mock/users");
		ck_assert_int_eq(cJSON_GetArraySize(r.json), 3);
		resp_release(&r);
	}
	char *after = control("GET", "/_mock/state", NULL, 200);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

/* ---- faults ------------------------------------------------------------------------- */

START_TEST(fault_error_on_patch_leaves_the_bot_unchanged)
{
	char *id = add_fault("{\"method\":\"PATCH\",\"path\":\"/bots/*\",\"error\":{\"type\":\"DatabaseError\","
			     "\"operation\":\"update_one\",\"collection\":\"bots\"}}");
	char *before = alice("GET", "/bots/" HELPER_ID, NULL, 200);
	char *state = control("GET", "/_mock/state", NULL, 200);
	struct resp r;
	ck_assert_int_eq(http_as(&srv, "PATCH", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION,
				 "{\"name\":\"Renamed\",\"remove\":[\"Token\"]}", &r),
			 0);
	ck_assert_int_eq(r.status, 500);
	ck_assert_str_eq(r.content_type, "application/json");
	char want[256];
	snprintf(want, sizeof(want),
		 "{\"type\":\"DatabaseError\",\"operation\":\"update_one\",\"collection\":\"bots\","
		 "\"location\":\"stoat-mock/_mock/faults/%s\"}",
		 id);
	ck_assert_str_eq(r.body, want);
	resp_release(&r);
	char *after = alice("GET", "/bots/" HELPER_ID, NULL, 200);
	ck_assert_str_eq(after, before);
	char *state2 = control("GET", "/_mock/state", NULL, 200);
	ck_assert_str_eq(state2, state);
	/* once by default: the next PATCH goes through, and the fault is gone */
	free(alice("PATCH", "/bots/" HELPER_ID, "{\"name\":\"Renamed\"}", 200));
	expect_body("GET", "/_mock/faults", NULL, 200, "{\"faults\":[]}");
	free(id);
	free(before);
	free(after);
	free(state);
	free(state2);
}
END_TEST

START_TEST(fault_error_types_and_fields)
{
	static const struct {
		const char *error;
		long status;
		const char *body;
	} cases[] = {
		{"{\"type\":\"NotFound\",\"location\":\"crates/x.rs:1:2\"}", 404,
		 "{\"type\":\"NotFound\",\"location\":\"crates/x.rs:1:2\"}"},
		{"{\"type\":\"MissingPermission\",\"permission\":\"InviteOthers\",\"location\":\"l\"}", 403,
		 "{\"type\":\"MissingPermission\",\"permission\":\"InviteOthers\",\"location\":\"l\"}"},
		{"{\"type\":\"ReachedMaximumBots\",\"location\":\"l\"}", 400, "{\"type\":\"ReachedMaximumBots\",\"location\":\"l\"}"},
		{"{\"type\":\"GroupTooLarge\",\"max\":100,\"location\":\"l\"}", 403,
		 "{\"type\":\"GroupTooLarge\",\"max\":100,\"location\":\"l\"}"},
		{"{\"type\":\"DiscriminatorChangeRatelimited\",\"location\":\"l\"}", 429,
		 "{\"type\":\"DiscriminatorChangeRatelimited\",\"location\":\"l\"}"},
		{"{\"type\":\"DatabaseError\",\"location\":\"l\"}", 500,
		 "{\"type\":\"DatabaseError\",\"operation\":\"find_one\",\"collection\":\"bots\",\"location\":\"l\"}"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char spec[512];
		snprintf(spec, sizeof(spec), "{\"path\":\"/bots/@me\",\"error\":%s}", cases[i].error);
		free(add_fault(spec));
		char *got = alice("GET", "/bots/@me", NULL, cases[i].status);
		ck_assert_str_eq(got, cases[i].body);
		free(got);
	}
}
END_TEST

START_TEST(fault_matches_method_path_and_token_only)
{
	free(add_fault("{\"method\":\"get\",\"path\":\"/users/*\",\"token\":\"" BOB_SESSION "\",\"times\":0,"
		       "\"error\":{\"type\":\"InternalError\",\"location\":\"l\"}}"));
	/* another caller, another method, another path: untouched */
	free(alice("GET", "/users/@me", NULL, 200));
	free(call("GET", "/bots/@me", "x-session-token", BOB_SESSION, NULL, 200));
	free(call("HEAD", "/users/@me", "x-session-token", BOB_SESSION, NULL, 200));
	/* bob on /users/..., also under /0.8 and with doubled slashes */
	free(call("GET", "/users/@me", "x-session-token", BOB_SESSION, NULL, 500));
	free(call("GET", "/0.8/users/" ALICE_ID, "x-session-token", BOB_SESSION, NULL, 500));
	free(call("GET", "//users//%40me/", "x-session-token", BOB_SESSION, NULL, 500));
	/* a token given as x-bot-token matches too */
	free(add_fault("{\"token\":\"" HELPER_TOKEN "\",\"error\":{\"type\":\"NotFound\",\"location\":\"l\"}}"));
	free(call("GET", "/", "x-bot-token", HELPER_TOKEN, NULL, 404));
	free(call("GET", "/", "x-bot-token", HELPER_TOKEN, NULL, 200));
}
END_TEST

START_TEST(fault_prefix_0_8_in_the_pattern)
{
	free(add_fault("{\"path\":\"/0.8/bots/@me\",\"times\":2,\"error\":{\"type\":\"NotFound\",\"location\":\"l\"}}"));
	free(alice("GET", "/bots/@me", NULL, 404));
	free(alice("GET", "/0.8/bots/@me", NULL, 404));
	free(alice("GET", "/bots/@me", NULL, 200));
}
END_TEST

START_TEST(fault_times_list_and_remove)
{
	char *a = add_fault("{\"path\":\"/bots/@me\",\"times\":2,\"error\":{\"type\":\"NotFound\",\"location\":\"l\"}}");
	char *b = add_fault("{\"method\":\"GET\",\"path\":\"/users/*\",\"times\":null,\"token\":\"tok\",\"delay_ms\":5}");
	char want[1024];
	snprintf(want, sizeof(want),
		 "{\"faults\":[{\"id\":\"%s\",\"path\":\"/bots/@me\",\"times\":2,\"remaining\":2,\"hits\":0,"
		 "\"error\":{\"type\":\"NotFound\",\"location\":\"l\"}},"
		 "{\"id\":\"%s\",\"method\":\"GET\",\"path\":\"/users/*\",\"token\":\"tok\",\"times\":0,"
		 "\"remaining\":null,\"hits\":0,\"delay_ms\":5}]}",
		 a, b);
	expect_body("GET", "/_mock/faults", NULL, 200, want);
	free(alice("GET", "/bots/@me", NULL, 404));
	snprintf(want, sizeof(want),
		 "{\"faults\":[{\"id\":\"%s\",\"path\":\"/bots/@me\",\"times\":2,\"remaining\":1,\"hits\":1,"
		 "\"error\":{\"type\":\"NotFound\",\"location\":\"l\"}},"
		 "{\"id\":\"%s\",\"method\":\"GET\",\"path\":\"/users/*\",\"token\":\"tok\",\"times\":0,"
		 "\"remaining\":null,\"hits\":0,\"delay_ms\":5}]}",
		 a, b);
	expect_body("GET", "/_mock/faults", NULL, 200, want);
	free(alice("GET", "/bots/@me", NULL, 404));
	free(alice("GET", "/bots/@me", NULL, 200));
	/* used up: gone, and removing it is NotFound */
	char path[128];
	snprintf(path, sizeof(path), "/_mock/faults/%s", a);
	expect_body("DELETE", path, NULL, 404, "{\"type\":\"NotFound\",\"location\":\"stoat-mock/_mock/faults\"}");
	snprintf(path, sizeof(path), "/_mock/faults/%s", b);
	free(control("DELETE", path, NULL, 204));
	expect_body("GET", "/_mock/faults", NULL, 200, "{\"faults\":[]}");
	/* an unlimited one stays until DELETE /_mock/faults */
	free(add_fault("{\"path\":\"/bots/@me\",\"times\":0,\"error\":{\"type\":\"NotFound\",\"location\":\"l\"}}"));
	for (int i = 0; i < 5; i++)
		free(alice("GET", "/bots/@me", NULL, 404));
	free(control("DELETE", "/_mock/faults", NULL, 204));
	free(alice("GET", "/bots/@me", NULL, 200));
	free(a);
	free(b);
}
END_TEST

/* GET /bots/@me from a second thread; records when it ended (zero if it failed) */
static void *slow_request(void *arg)
{
	struct resp r;
	if (http_as(&srv, "GET", "/bots/@me", "x-session-token", ALICE_SESSION, NULL, &r) == 0 && r.status == 200)
		clock_gettime(CLOCK_MONOTONIC, (struct timespec *)arg);
	resp_release(&r);
	return NULL;
}

START_TEST(fault_delay_answers_late_and_runs_the_route)
{
	free(add_fault("{\"method\":\"PATCH\",\"path\":\"/bots/*\",\"delay_ms\":300}"));
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *edited = alice("PATCH", "/bots/" HELPER_ID, "{\"name\":\"Slow\"}", 200);
	double took = ms_since(&t0);
	ck_assert_msg(took >= 290, "answered after %.1f ms", took);
	ck_assert_ptr_nonnull(strstr(edited, "\"username\":\"Slow\""));
	free(edited);
	/* a delayed answer does not hold up others: a request sent meanwhile is quick */
	free(add_fault("{\"path\":\"/bots/@me\",\"delay_ms\":1000}"));
	pthread_t slow;
	struct timespec done = {0};
	ck_assert_int_eq(pthread_create(&slow, NULL, slow_request, &done), 0);
	usleep(100 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	free(alice("GET", "/users/@me", NULL, 200));
	took = ms_since(&t0);
	pthread_join(slow, NULL);
	ck_assert_msg(took < 500, "a request behind a delayed one took %.1f ms", took);
	ck_assert_msg(done.tv_sec != 0, "the delayed request failed");
	/* with an error: the error, late */
	free(add_fault("{\"path\":\"/bots/@me\",\"delay_ms\":250,\"error\":{\"type\":\"NotFound\",\"location\":\"l\"}}"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *nf = alice("GET", "/bots/@me", NULL, 404);
	took = ms_since(&t0);
	ck_assert_msg(took >= 240, "late error after %.1f ms", took);
	ck_assert_str_eq(nf, "{\"type\":\"NotFound\",\"location\":\"l\"}");
	free(nf);
	/* the journal shows the delay */
	char *j = control("GET", "/_mock/requests?path=/bots/@me", NULL, 200);
	ck_assert_ptr_nonnull(strstr(j, "\"delay_ms\":250"));
	free(j);
}
END_TEST

START_TEST(fault_drop_closes_without_an_answer)
{
	char *id = add_fault("{\"path\":\"/users/@me\",\"drop\":true}");
	char *before = control("GET", "/_mock/state", NULL, 200);
	struct resp r;
	ck_assert_int_eq(http_as(&srv, "GET", "/users/@me", "x-session-token", ALICE_SESSION, NULL, &r), -1);
	ck_assert_int_eq(r.status, 0);
	resp_release(&r);
	free(alice("GET", "/users/@me", NULL, 200));
	/* a dropped write changes nothing */
	free(add_fault("{\"method\":\"POST\",\"path\":\"/bots/create\",\"drop\":true}"));
	ck_assert_int_eq(http_as(&srv, "POST", "/bots/create", "x-session-token", ALICE_SESSION,
				 "{\"name\":\"Dropped\"}", &r),
			 -1);
	resp_release(&r);
	char *after = control("GET", "/_mock/state", NULL, 200);
	ck_assert_str_eq(after, before);
	/* journal: status 0 and the fault */
	char *j = control("GET", "/_mock/requests?path=/users/@me", NULL, 200);
	cJSON *doc = cJSON_Parse(j);
	ck_assert_int_eq(jget(doc, "requests.0.status")->valueint, 0);
	ck_assert_str_eq(jstr(doc, "requests.0.fault"), id);
	ck_assert_int_eq(jget(doc, "requests.1.status")->valueint, 200);
	ck_assert_ptr_null(jget(doc, "requests.1.fault"));
	cJSON_Delete(doc);
	free(j);
	free(id);
	free(before);
	free(after);
}
END_TEST

START_TEST(faults_never_match_the_control_api)
{
	free(add_fault("{\"path\":\"*\",\"times\":0,\"error\":{\"type\":\"InternalError\",\"location\":\"l\"}}"));
	free(add_fault("{\"path\":\"/_mock/*\",\"times\":0,\"drop\":true}"));
	free(control("GET", "/", NULL, 500));
	free(control("GET", "/nowhere", NULL, 500));
	free(control("GET", "/_mock/health", NULL, 200));
	free(control("GET", "/0.8/_mock/faults", NULL, 200));
	free(control("GET", "/_mock/requests", NULL, 200));
	free(control("DELETE", "/_mock/faults", NULL, 204));
	free(control("GET", "/", NULL, 200));
}
END_TEST

START_TEST(faults_refuse_bad_documents)
{
	static const struct {
		const char *spec, *error;
	} cases[] = {
		{"{\"path\":\"/bots/*\"}", "body: a fault needs error, delay_ms or drop"},
		{"{\"path\":\"/bots/*\",\"drop\":true,\"paht\":\"/x\"}",
		 "paht: unknown field (expected method, path, token, times, error, delay_ms, drop)"},
		{"{\"method\":\"FETCH\",\"drop\":true}",
		 "method: 'FETCH' is not GET, PUT, POST, DELETE, OPTIONS, HEAD, TRACE, CONNECT or PATCH"},
		{"{\"path\":5,\"drop\":true}", "path: expected a non-empty string"},
		{"{\"token\":\"\",\"drop\":true}", "token: expected a non-empty string"},
		{"{\"times\":-1,\"drop\":true}", "times: expected a non-negative integer (0 or null: until removed)"},
		{"{\"times\":1.5,\"drop\":true}", "times: expected a non-negative integer (0 or null: until removed)"},
		{"{\"delay_ms\":0}", "delay_ms: expected an integer from 1 to 600000"},
		{"{\"delay_ms\":600001}", "delay_ms: expected an integer from 1 to 600000"},
		{"{\"drop\":\"yes\"}", "drop: expected true or false"},
		{"{\"drop\":true,\"delay_ms\":10}",
		 "drop: drop and delay_ms cannot be combined (to test a timeout, use a delay_ms longer than the "
		 "client's timeout)"},
		{"{\"drop\":true,\"error\":{\"type\":\"NotFound\"}}",
		 "drop: a dropped request gets no answer, so it cannot have an error too"},
		{"{\"error\":\"NotFound\"}", "error: expected an object {\"type\": ..., fields...}"},
		{"{\"error\":{}}", "error.type: required string is missing"},
		{"{\"error\":{\"type\":\"Teapot\"}}", "error.type: 'Teapot' is not an error type of the real server (errors.def)"},
		{"{\"error\":{\"type\":\"NotFound\",\"operation\":\"x\"}}",
		 "error.operation: NotFound has no such field (its fields: location)"},
		{"{\"error\":{\"type\":\"DatabaseError\",\"table\":\"x\"}}",
		 "error.table: DatabaseError has no such field (its fields: operation, collection, location)"},
		{"{\"error\":{\"type\":\"DatabaseError\",\"operation\":1}}", "error.operation: expected a string"},
		{"{\"error\":{\"type\":\"GroupTooLarge\",\"max\":\"100\"}}", "error.max: expected a non-negative integer"},
		{"{\"error\":{\"type\":\"NotFound\",\"location\":3}}", "error.location: expected a string"},
		{"[1]", "body: expected a JSON object"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resp r;
		ck_assert_int_eq(http(&srv, "POST", "/_mock/faults", NULL, cases[i].spec, &r), 0);
		if (r.status != 400 || !jstr(r.json, "error") || strcmp(jstr(r.json, "error"), cases[i].error) != 0)
			ck_abort_msg("%s: %ld %s", cases[i].spec, r.status, r.body);
		ck_assert_str_eq(jstr(r.json, "type"), "FailedValidation");
		ck_assert_str_eq(jstr(r.json, "location"), "stoat-mock/_mock/faults");
		resp_release(&r);
	}
	expect_body("GET", "/_mock/faults", NULL, 200, "{\"faults\":[]}");
}
END_TEST

/* ---- journal ------------------------------------------------------------------------ */

START_TEST(journal_records_requests_in_order)
{
	free(alice("GET", "/bots/@me", NULL, 200));
	free(alice("PATCH", "/0.8/bots/" HELPER_ID, "{\"name\":\"Journaled\"}", 200));
	free(call("GET", "/users/@me", "x-bot-token", HELPER_TOKEN, NULL, 200));
	free(call("GET", "/?x=1", "x-oauth2-token", "jwt", NULL, 200));
	free(control("GET", "/nowhere", NULL, 404));
	free(control("GET", "/_mock/nowhere", NULL, 404)); /* control: not journaled */
	char *j = control("GET", "/_mock/requests", NULL, 200);
	cJSON *doc = cJSON_Parse(j);
	const cJSON *reqs = jget(doc, "requests");
	ck_assert_int_eq(cJSON_GetArraySize(reqs), 5);
	static const struct {
		const char *method, *path, *route, *auth;
		int status;
	} want[] = {
		{"GET", "/bots/@me", "bots.fetch_owned", "session", 200},
		{"PATCH", "/0.8/bots/" HELPER_ID, "bots.edit", "session", 200},
		{"GET", "/users/@me", "users.fetch_self", "bot", 200},
		{"GET", "/", "root", "oauth2", 200},
		{"GET", "/nowhere", NULL, "none", 404},
	};
	for (int i = 0; i < 5; i++) {
		const cJSON *e = cJSON_GetArrayItem(reqs, i);
		ck_assert_str_eq(jstr(e, "method"), want[i].method);
		ck_assert_str_eq(jstr(e, "path"), want[i].path);
		if (want[i].route)
			ck_assert_str_eq(jstr(e, "route"), want[i].route);
		else
			ck_assert(cJSON_IsNull(jget(e, "route")));
		ck_assert_str_eq(jstr(e, "auth"), want[i].auth);
		ck_assert_int_eq(jget(e, "status")->valueint, want[i].status);
		ck_assert(cJSON_IsNumber(jget(e, "duration_us")) && jget(e, "duration_us")->valuedouble >= 0);
		const char *t = jstr(e, "time");
		ck_assert_msg(t && strlen(t) == 24 && t[10] == 'T' && t[23] == 'Z', "time %s", t ? t : "(none)");
	}
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(reqs, 1), "body"), "{\"name\":\"Journaled\"}");
	ck_assert(cJSON_IsNull(jget(cJSON_GetArrayItem(reqs, 0), "body")));
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(reqs, 3), "query"), "x=1");
	/* key order of an entry */
	static const char *const keys[] = {"time",   "method",      "path", "query",   "route",        "auth",
					   "status", "duration_us", "body", "headers", "response_body"};
	const cJSON *e1 = cJSON_GetArrayItem(reqs, 1);
	ck_assert_int_eq(cJSON_GetArraySize(e1), 11);
	for (int k = 0; k < 11; k++)
		ck_assert_str_eq(cJSON_GetArrayItem(e1, k)->string, keys[k]);
	cJSON_Delete(doc);
	free(j);

	/* filters: method (any case), path with a wildcard (encoded or not), both */
	static const struct {
		const char *query;
		int n;
	} filters[] = {
		{"?method=patch", 1}, {"?path=/bots/*", 2}, {"?path=%2Fusers%2F%2A", 1}, {"?method=GET&path=/bots/*", 1},
		{"?path=/", 1},       {"?path=*", 5},       {"?method=&path=", 5},       {"?method=DELETE", 0},
	};
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/_mock/requests%s", filters[i].query);
		char *f = control("GET", path, NULL, 200);
		cJSON *fd = cJSON_Parse(f);
		ck_assert_msg(cJSON_GetArraySize(jget(fd, "requests")) == filters[i].n, "%s: %s", filters[i].query, f);
		cJSON_Delete(fd);
		free(f);
	}
	expect_body("GET", "/_mock/requests?status=200", NULL, 400,
		    "{\"type\":\"FailedValidation\",\"error\":\"query: unknown parameter 'status' (expected method, path, route)\","
		    "\"location\":\"stoat-mock/_mock/requests\"}");
	free(control("DELETE", "/_mock/requests", NULL, 204));
	expect_body("GET", "/_mock/requests", NULL, 200, "{\"requests\":[]}");
}
END_TEST

START_TEST(journal_never_holds_a_token)
{
	/* every fixture token in a header, a token in a body, tokens in responses */
	static const char *const sessions[] = {ALICE_SESSION, BOB_SESSION, CAROL_SESSION};
	for (int i = 0; i < 3; i++) {
		free(call("GET", "/users/@me", "x-session-token", sessions[i], NULL, 200));
		free(call("GET", "/bots/@me", "x-session-token", sessions[i], NULL, 200));
	}
	free(call("GET", "/users/@me", "x-bot-token", HELPER_TOKEN, NULL, 200));
	free(call("GET", "/users/@me", "x-bot-token", PUBLIC_TOKEN, NULL, 200));
	free(call("GET", "/bots/" PUBLIC_ID "/invite", "x-bot-token", PUBLIC_TOKEN, NULL, 200));
	free(call("PATCH", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION,
		  "{\"name\":\"alice-session\",\"interactions_url\":\"https://x.example/alice-session\"}", 200));
	char *created = alice("POST", "/bots/create", "{\"name\":\"Tokened\"}", 200);
	cJSON *cj = cJSON_Parse(created);
	char *new_token = strdup(jstr(cj, "token"));
	char *rotated = alice("PATCH", "/bots/" HELPER_ID, "{\"remove\":[\"Token\"]}", 200);
	cJSON *rj = cJSON_Parse(rotated);
	char *user = control("POST", "/_mock/users", "{\"username\":\"tokenless\"}", 200);
	cJSON *uj = cJSON_Parse(user);
	free(call("GET", "/users/@me", "x-session-token", jstr(uj, "token"), NULL, 200));
	free(control("GET", "/_mock/state", NULL, 200));

	char *j = control("GET", "/_mock/requests", NULL, 200);
	const char *const tokens[] = {ALICE_SESSION, BOB_SESSION, CAROL_SESSION, HELPER_TOKEN, PUBLIC_TOKEN,
				      HELPER_SECRET, new_token, jstr(rj, "token"), jstr(uj, "token")};
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		ck_assert_msg(strstr(j, tokens[i]) == NULL, "token %s in the journal: %s", tokens[i], j);
	/* the body with the caller's own token is kept, redacted */
	ck_assert_ptr_nonnull(strstr(j, "{\\\"name\\\":\\\"[redacted]\\\""));
	ck_assert_ptr_nonnull(strstr(j, "\"auth\":\"bot\""));
	free(j);
	free(created);
	free(rotated);
	free(user);
	free(new_token);
	cJSON_Delete(cj);
	cJSON_Delete(rj);
	cJSON_Delete(uj);
}
END_TEST

START_TEST(journal_bounds_the_body)
{
	size_t n = 10000;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	memcpy(big, "{\"name\":\"", 9);
	big[n - 2] = '"';
	big[n - 1] = '}';
	big[n] = 0;
	free(alice("PATCH", "/bots/" HELPER_ID, big, 400));
	/* invalid UTF-8 and a NUL byte become U+FFFD, the JSON stays valid */
	struct resp r;
	ck_assert_int_eq(http_raw(&srv, "POST", "/bots/create", NULL, "x\xff\0y", 4, &r), 0);
	resp_release(&r);
	char *j = control("GET", "/_mock/requests", NULL, 200);
	cJSON *doc = cJSON_Parse(j);
	ck_assert_ptr_nonnull(doc);
	const cJSON *e = jget(doc, "requests.0");
	ck_assert_uint_eq(strlen(jstr(e, "body")), 4096);
	ck_assert(cJSON_IsTrue(jget(e, "body_truncated")));
	ck_assert_int_eq(jget(e, "body_bytes")->valueint, 10000);
	ck_assert_str_eq(jstr(doc, "requests.1.body"), "x\xEF\xBF\xBD\xEF\xBF\xBDy");
	cJSON_Delete(doc);
	free(j);
	free(big);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");
	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_add_checked_fixture(tc, reset, NULL);
	tcase_add_test(tc, health_answers_ok_version_uptime);
	tcase_add_test(tc, reset_restores_the_fixture_bot_byte_for_byte);
	tcase_add_test(tc, reset_clears_faults_and_journal);
	tcase_add_test(tc, reset_is_fast);
	tcase_add_test(tc, state_export_of_the_fixtures_round_trips);
	tcase_add_test(tc, state_export_after_edits_round_trips);
	tcase_add_test(tc, state_rich_document_round_trips);
	tcase_add_test(tc, state_put_of_a_bad_document_changes_nothing);
	tcase_add_test(tc, state_put_replaces_the_state_and_reset_returns_to_the_fixtures);
	tcase_add_test(tc, users_creates_an_account_with_a_session);
	tcase_add_test(tc, users_refuses_bad_usernames);
	tcase_add_test(tc, fault_error_on_patch_leaves_the_bot_unchanged);
	tcase_add_test(tc, fault_error_types_and_fields);
	tcase_add_test(tc, fault_matches_method_path_and_token_only);
	tcase_add_test(tc, fault_prefix_0_8_in_the_pattern);
	tcase_add_test(tc, fault_times_list_and_remove);
	tcase_add_test(tc, fault_delay_answers_late_and_runs_the_route);
	tcase_add_test(tc, fault_drop_closes_without_an_answer);
	tcase_add_test(tc, faults_never_match_the_control_api);
	tcase_add_test(tc, faults_refuse_bad_documents);
	tcase_add_test(tc, journal_records_requests_in_order);
	tcase_add_test(tc, journal_never_holds_a_token);
	tcase_add_test(tc, journal_bounds_the_body);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

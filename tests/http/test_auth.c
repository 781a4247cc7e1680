/* test_auth.c: the user guard over HTTP - which header decides, what a failed
 * authentication answers (InvalidSession JSON by default, Rocket's 401 page with
 * --auth-errors rocket), optional-user routes, and what each route does with a bot
 * caller.
 * EVIDENCE-OF: spec auth-and-users.md §1; errors.md §3; README decision 2.
 * REAL: crates/core/database/src/models/users/rocket.rs on main and feat/oauth2. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "suite.h"

#define INVALID_SESSION "{\"type\":\"InvalidSession\",\"location\":\"crates/core/database/src/models/users/rocket.rs:41:51\"}"
#define ALICE_SELF                                                                                         \
	"{\"_id\":\"" ALICE_ID "\",\"username\":\"alice\",\"discriminator\":\"0001\",\"display_name\":\"Alice\"," \
	"\"relations\":[{\"_id\":\"" BOB_ID "\",\"status\":\"Friend\"}],\"relationship\":\"User\",\"online\":false}"
#define HELPER_SELF                                                                                       \
	"{\"_id\":\"" HELPER_ID "\",\"username\":\"HelperBot\",\"discriminator\":\"4821\",\"bot\":{\"owner\":\"" \
	ALICE_ID "\"},\"relationship\":\"User\",\"online\":false}"

#define PAGE_401_JSON                                                                              \
	"{\n  \"error\": {\n    \"code\": 401,\n    \"reason\": \"Unauthorized\",\n    \"description\": " \
	"\"The request requires user authentication.\"\n  }\n}"
#define PAGE_401_HTML                                                                                      \
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n    <meta charset=\"utf-8\">\n"                            \
	"    <meta name=\"color-scheme\" content=\"light dark\">\n    <title>401 Unauthorized</title>\n"          \
	"</head>\n<body align=\"center\">\n    <div role=\"main\" align=\"center\">\n"                           \
	"        <h1>401: Unauthorized</h1>\n        <p>The request requires user authentication.</p>\n"       \
	"        <hr />\n    </div>\n    <div role=\"contentinfo\" align=\"center\">\n"                          \
	"        <small>Rocket</small>\n    </div>\n</body>\n</html>"

static struct server srv;

static void up(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
static void up_rocket(void)
{
	const char *args[] = {"--auth-errors", "rocket", NULL};
	ck_assert_int_eq(server_start(&srv, args), 0);
}
/* exit status 0: a clean stop (under the sanitizers, also no leak) */
static void down(void) { ck_assert_int_eq(server_stop(&srv), 0); }

static void expect(const struct resp *r, long status, const char *body)
{
	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(r->content_type, "application/json");
	ck_assert_str_eq(r->body, body);
}

/* GET /users/@me with the given headers (NULL-terminated). */
static void whoami(const char *const *headers, struct resp *r)
{
	ck_assert_int_eq(http(&srv, "GET", "/users/@me", headers, NULL, r), 0);
}

/* ---- which header decides ------------------------------------------------------- */

static const struct header_case {
	const char *why;
	const char *headers[4];
	const char *want; /* NULL: 401 */
} header_cases[] = {
	{"a session", {"x-session-token: " ALICE_SESSION}, ALICE_SELF},
	{"a bot token", {"x-bot-token: " HELPER_TOKEN}, HELPER_SELF},
	{"names are case-insensitive", {"X-SESSION-TOKEN: " ALICE_SESSION}, ALICE_SELF},
	{"stoat.py spelling", {"X-Bot-Token: " HELPER_TOKEN}, HELPER_SELF},
	{"no header", {NULL}, NULL},
	{"unknown session", {"x-session-token: nobody"}, NULL},
	{"values compare exactly", {"x-session-token: Alice-session"}, NULL},
	{"no prefix match", {"x-session-token: alice-sessio"}, NULL},
	{"unknown bot token", {"x-bot-token: nobody"}, NULL},
	{"a session token is not a bot token", {"x-bot-token: " ALICE_SESSION}, NULL},
	{"a bot token is not a session", {"x-session-token: " HELPER_TOKEN}, NULL},
	/* x-bot-token, when present, decides alone */
	{"bot beside session", {"x-session-token: " ALICE_SESSION, "x-bot-token: " HELPER_TOKEN}, HELPER_SELF},
	{"unknown bot beside session", {"x-bot-token: nobody", "x-session-token: " ALICE_SESSION}, NULL},
	{"empty bot header beside session", {"x-bot-token;", "x-session-token: " ALICE_SESSION}, NULL},
	/* a repeated header: the first one counts */
	{"first of two bot tokens", {"x-bot-token: " HELPER_TOKEN, "x-bot-token: nobody"}, HELPER_SELF},
	{"first of two bot tokens, unknown", {"x-bot-token: nobody", "x-bot-token: " HELPER_TOKEN}, NULL},
	{"first of two sessions", {"x-session-token: " ALICE_SESSION, "x-session-token: " BOB_SESSION}, ALICE_SELF},
	/* feat/oauth2: without a bot token, x-oauth2-token decides alone; no route here
	 * declares a scope, so it never yields a caller */
	{"oauth2 alone", {"x-oauth2-token: eyJhbGciOiJIUzI1NiJ9.e30.x"}, NULL},
	{"oauth2 beside session", {"x-oauth2-token: x", "x-session-token: " ALICE_SESSION}, NULL},
	{"bot beside oauth2", {"x-oauth2-token: x", "x-bot-token: " HELPER_TOKEN}, HELPER_SELF},
	{"unrelated headers", {"Authorization: Bearer " ALICE_SESSION, "x-user-token: " ALICE_SESSION}, NULL},
};

START_TEST(which_header_decides)
{
	const struct header_case *c = &header_cases[_i];
	struct resp r;
	whoami(c->headers, &r);
	ck_assert_msg(r.status == (c->want ? 200 : 401), "%s: status %ld", c->why, r.status);
	expect(&r, c->want ? 200 : 401, c->want ? c->want : INVALID_SESSION);
	resp_release(&r);
}
END_TEST

/* ---- every route that needs a user answers 401 the same way ------------------------- */

static const struct route_case {
	const char *method, *path, *body;
} user_routes[] = {
	{"GET", "/users/@me", NULL},
	{"GET", "/users/" BOB_ID, NULL},
	{"GET", "/bots/@me", NULL},
	{"GET", "/bots/" HELPER_ID, NULL},
	{"POST", "/bots/create", "{\"name\":\"NewBot\"}"},
	{"PATCH", "/bots/" HELPER_ID, "{\"public\":true}"},
	{"DELETE", "/bots/" HELPER_ID, NULL},
	{"POST", "/bots/" PUBLIC_ID "/invite", "{\"server\":\"" SERVER_ID "\"}"},
	{"GET", "/0.8/bots/@me", NULL},
	/* the guard runs before the body is read: even a broken body gets 401 */
	{"PATCH", "/bots/" HELPER_ID, "{broken"},
	{"POST", "/bots/create", "[1,2,3,4,5,6,7]"},
};

START_TEST(needs_user_documented_401)
{
	const struct route_case *c = &user_routes[_i];
	struct resp r;
	const char *none[] = {"Accept: text/html", NULL};
	ck_assert_int_eq(http(&srv, c->method, c->path, none, c->body, &r), 0);
	expect(&r, 401, INVALID_SESSION); /* JSON whatever the Accept */
	resp_release(&r);
	const char *bad[] = {"x-session-token: nobody", NULL};
	ck_assert_int_eq(http(&srv, c->method, c->path, bad, c->body, &r), 0);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
}
END_TEST

/* --auth-errors rocket: the deployed server's answer, Rocket's 401 page. */
START_TEST(needs_user_rocket_401)
{
	const struct route_case *c = &user_routes[_i];
	struct resp r;
	ck_assert_int_eq(http(&srv, c->method, c->path, NULL, c->body, &r), 0);
	ck_assert_int_eq(r.status, 401);
	ck_assert_str_eq(r.content_type, "text/html; charset=utf-8");
	ck_assert_str_eq(r.body, PAGE_401_HTML);
	resp_release(&r);
	const char *json[] = {"x-session-token: nobody", "Accept: application/json", NULL};
	ck_assert_int_eq(http(&srv, c->method, c->path, json, c->body, &r), 0);
	ck_assert_int_eq(r.status, 401);
	ck_assert_str_eq(r.content_type, "application/json");
	ck_assert_str_eq(r.body, PAGE_401_JSON);
	resp_release(&r);
	const char *star[] = {"x-bot-token: nobody", "Accept: */*", NULL}; /* stoat.js */
	ck_assert_int_eq(http(&srv, c->method, c->path, star, c->body, &r), 0);
	ck_assert_str_eq(r.body, PAGE_401_HTML);
	resp_release(&r);
}
END_TEST

/* In rocket mode a valid caller still gets through. */
START_TEST(rocket_mode_valid_caller)
{
	struct resp r;
	const char *h[] = {"x-session-token: " ALICE_SESSION, NULL};
	whoami(h, &r);
	expect(&r, 200, ALICE_SELF);
	resp_release(&r);
}
END_TEST

/* ---- optional user: GET /bots/{id}/invite never answers 401 ------------------------- */

START_TEST(optional_user_is_anonymous)
{
	static const char *const tokens[][2] = {
		{NULL, NULL}, {"x-session-token", "nobody"}, {"x-bot-token", "nobody"}, {"x-oauth2-token", "x"},
	};
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		struct resp r;
		ck_assert_int_eq(http_as(&srv, "GET", "/bots/" PUBLIC_ID "/invite", tokens[i][0], tokens[i][1], NULL, &r), 0);
		expect(&r, 200, "{\"_id\":\"" PUBLIC_ID "\",\"username\":\"PublicBot\",\"description\":\"A public bot anyone can invite.\"}");
		resp_release(&r);
		/* a private bot is hidden from anonymous callers */
		ck_assert_int_eq(http_as(&srv, "GET", "/bots/" HELPER_ID "/invite", tokens[i][0], tokens[i][1], NULL, &r), 0);
		expect(&r, 404, "{\"type\":\"NotFound\",\"location\":\"crates/delta/src/routes/bots/fetch_public.rs:20:20\"}");
		resp_release(&r);
	}
	/* ... but not from its owner */
	struct resp r;
	ck_assert_int_eq(http_as(&srv, "GET", "/bots/" HELPER_ID "/invite", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	expect(&r, 200, "{\"_id\":\"" HELPER_ID "\",\"username\":\"HelperBot\"}");
	resp_release(&r);
}
END_TEST

/* ---- a bot as the caller (auth-and-users.md §1.4) ------------------------------------ */

static const struct bot_case {
	const char *method, *path, *body;
	long status;
	const char *want;
} bot_cases[] = {
	{"GET", "/users/@me", NULL, 200, HELPER_SELF},
	{"GET", "/bots/@me", NULL, 200, "{\"bots\":[],\"users\":[]}"},
	/* IsBot before the lookup: even for an id that does not exist */
	{"GET", "/bots/01NOSUCHB0T000000000000000", NULL, 400,
	 "{\"type\":\"IsBot\",\"location\":\"crates/delta/src/routes/bots/fetch.rs:17:20\"}"},
	{"GET", "/bots/" HELPER_ID, NULL, 400, "{\"type\":\"IsBot\",\"location\":\"crates/delta/src/routes/bots/fetch.rs:17:20\"}"},
	{"POST", "/bots/create", "{\"name\":\"NewBot\"}", 400,
	 "{\"type\":\"IsBot\",\"location\":\"crates/core/database/src/models/bots/model.rs:84:24\"}"},
	{"PATCH", "/bots/" HELPER_ID, "{}", 404, "{\"type\":\"NotFound\",\"location\":\"crates/delta/src/routes/bots/edit.rs:29:20\"}"},
	{"DELETE", "/bots/" PUBLIC_ID, NULL, 404,
	 "{\"type\":\"NotFound\",\"location\":\"crates/delta/src/routes/bots/delete.rs:23:20\"}"},
	{"POST", "/bots/" PUBLIC_ID "/invite", "{\"server\":\"" SERVER_ID "\"}", 400,
	 "{\"type\":\"IsBot\",\"location\":\"crates/delta/src/routes/bots/invite.rs:27:20\"}"},
};

START_TEST(bot_caller)
{
	const struct bot_case *c = &bot_cases[_i];
	struct resp r;
	ck_assert_int_eq(http_as(&srv, c->method, c->path, "x-bot-token", HELPER_TOKEN, c->body, &r), 0);
	expect(&r, c->status, c->want);
	resp_release(&r);
	/* and nothing was changed by it */
	ck_assert_int_eq(http_as(&srv, "GET", "/bots/@me", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(cJSON_GetArraySize(jget(r.json, "bots")), 2);
	resp_release(&r);
}
END_TEST

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("documented");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_loop_test(tc, which_header_decides, 0, sizeof(header_cases) / sizeof(header_cases[0]));
	tcase_add_loop_test(tc, needs_user_documented_401, 0, sizeof(user_routes) / sizeof(user_routes[0]));
	tcase_add_test(tc, optional_user_is_anonymous);
	tcase_add_loop_test(tc, bot_caller, 0, sizeof(bot_cases) / sizeof(bot_cases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("rocket");
	tcase_add_checked_fixture(tc, up_rocket, down);
	tcase_add_loop_test(tc, needs_user_rocket_401, 0, sizeof(user_routes) / sizeof(user_routes[0]));
	tcase_add_test(tc, rocket_mode_valid_caller);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(auth_suite());
}

/* test_bots_edit.c: PATCH /bots/{id} over HTTP against a fresh server per test.
 *
 * Every test asserts the status, the whole body (only documented-variable values,
 * new tokens and secrets, are checked for their form and then filled into the
 * expected text) and the stored state afterwards (GET /bots/{id} as the owner).
 * EVIDENCE-OF: spec bots-api.md §5 (main) and §10 (feat/oauth2), §9 locations;
 * errors.md §3-§5; auth-and-users.md §1, §3. REAL: crates/delta/src/routes/bots/edit.rs
 * on main and on feat/oauth2, Bot::update and update_bot on feat/oauth2. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

/* ---- expected bodies ------------------------------------------------------------ */

#define TOKEN_ALPHABET "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

#define LOC_EDIT_VALIDATION "crates/delta/src/routes/bots/edit.rs:22:9"
#define LOC_EDIT_NOT_OWNER "crates/delta/src/routes/bots/edit.rs:29:20"
#define LOC_BOT_NOT_FOUND "crates/core/database/src/models/bots/ops/mongodb.rs:19:62"
#define LOC_USERNAME_BLOCKED "crates/core/database/src/models/users/model.rs:310:24"
#define LOC_USERNAME_TAKEN "crates/core/database/src/models/users/model.rs:401:24"
#define LOC_DISCRIMINATOR_RATELIMIT "crates/core/database/src/models/users/model.rs:417:32"
#define LOC_BOT_UPDATE_CONFLICT "crates/core/database/src/models/bots/ops/mongodb.rs:67:9"
#define INVALID_SESSION "{\"type\":\"InvalidSession\",\"location\":\"crates/core/database/src/models/users/rocket.rs:41:51\"}"

#define HELPER_SCOPES "{\"read:identify\":{\"allow\":\"Know who you are\",\"deny\":\"Stay anonymous\"}}"
#define HELPER_REDIRECTS "[\"https://helper.example/callback\"]"
#define HELPER_OAUTH2                                                                                 \
	"{\"public\":false,\"secret\":\"" HELPER_SECRET "\",\"redirects\":" HELPER_REDIRECTS            \
	",\"allowed_scopes\":" HELPER_SCOPES "}"

/* A Bot object without its closing brace: the token, then the rest of its keys. */
#define HELPER_OPEN(token, rest) "{\"_id\":\"" HELPER_ID "\",\"owner\":\"" ALICE_ID "\",\"token\":\"" token "\"" rest
#define PUBLIC_OPEN(token, rest) "{\"_id\":\"" PUBLIC_ID "\",\"owner\":\"" ALICE_ID "\",\"token\":\"" token "\"" rest
#define HELPER_REST ",\"public\":false,\"oauth2\":" HELPER_OAUTH2
#define PUBLIC_REST ",\"public\":true,\"analytics\":true,\"interactions_url\":\"https://public.example/interactions\""

#define BOT_USER(id, name, disc, rel)                                                                      \
	"{\"_id\":\"" id "\",\"username\":\"" name "\",\"discriminator\":\"" disc "\",\"bot\":{\"owner\":\"" \
	ALICE_ID "\"},\"relationship\":\"" rel "\",\"online\":false}"

/* BotWithUserResponse (edit): bot keys, then the user as self. */
#define EDITED(open_bot, id, name, disc) open_bot ",\"user\":" BOT_USER(id, name, disc, "User") "}"
/* FetchBotResponse (GET /bots/{id}): {bot, user} with no perspective. */
#define FETCHED(open_bot, id, name, disc) "{\"bot\":" open_bot "},\"user\":" BOT_USER(id, name, disc, "None") "}"

#define HELPER_EDITED EDITED(HELPER_OPEN(HELPER_TOKEN, HELPER_REST), HELPER_ID, "HelperBot", "4821")
#define HELPER_FETCHED FETCHED(HELPER_OPEN(HELPER_TOKEN, HELPER_REST), HELPER_ID, "HelperBot", "4821")
#define PUBLIC_FETCHED FETCHED(PUBLIC_OPEN(PUBLIC_TOKEN, PUBLIC_REST), PUBLIC_ID, "PublicBot", "7310")

#define FAILED_VALIDATION(text) \
	"{\"type\":\"FailedValidation\",\"error\":\"" text "\",\"location\":\"" LOC_EDIT_VALIDATION "\"}"
#define NAME_LENGTH(v)                                                                                     \
	"name: Validation error: length [{\\\"min\\\": Number(2), \\\"max\\\": Number(32), \\\"value\\\": " \
	"String(\\\"" v "\\\")}]"

/* Rocket's default catcher pages (errors.md §3). */
#define PAGE_JSON(code, reason, desc)                                                                   \
	"{\n  \"error\": {\n    \"code\": " #code ",\n    \"reason\": \"" reason "\",\n    \"description\": \"" \
	desc "\"\n  }\n}"
#define PAGE_HTML(code, reason, desc)                                                                         \
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n    <meta charset=\"utf-8\">\n"                           \
	"    <meta name=\"color-scheme\" content=\"light dark\">\n    <title>" #code " " reason "</title>\n"      \
	"</head>\n<body align=\"center\">\n    <div role=\"main\" align=\"center\">\n        <h1>" #code ": " \
	reason "</h1>\n        <p>" desc "</p>\n        <hr />\n    </div>\n"                                   \
	"    <div role=\"contentinfo\" align=\"center\">\n        <small>Rocket</small>\n    </div>\n</body>\n</html>"
#define DESC_400 "The request could not be understood by the server due to malformed syntax."
#define DESC_413 "The request is larger than the server is willing or able to process."
#define DESC_422 "The request was well-formed but was unable to be followed due to semantic errors."

/* ---- helpers ---------------------------------------------------------------------- */

static struct server srv;
static char crowded_fixture[64]; /* written once by main(), see write_crowded_fixture */

static void up(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
/* exit status 0: a clean stop (under the sanitizers, also no leak) */
static void down(void) { ck_assert_int_eq(server_stop(&srv), 0); }
static void up_crowded(void)
{
	const char *args[] = {"--fixtures", crowded_fixture, NULL};
	ck_assert_int_eq(server_start(&srv, args), 0);
}

static void path_of(char *buf, size_t size, const char *id) { snprintf(buf, size, "/bots/%s", id); }

/* PATCH /bots/{id} with one auth header (NULL name: none). */
static void edit_as(const char *hname, const char *token, const char *id, const char *body, struct resp *r)
{
	char path[256];
	path_of(path, sizeof(path), id);
	ck_assert_int_eq(http_as(&srv, "PATCH", path, hname, token, body, r), 0);
}

/* PATCH /bots/{id} as alice, the owner of both fixture bots. */
static void edit(const char *id, const char *body, struct resp *r)
{
	edit_as("x-session-token", ALICE_SESSION, id, body, r);
}

static void expect(const struct resp *r, long status, const char *body)
{
	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(r->content_type, "application/json");
	ck_assert_str_eq(r->body, body);
}

/* The stored bot, as the owner sees it: GET /bots/{id} must answer exactly want. */
static void expect_stored(const char *id, const char *want)
{
	struct resp r;
	char path[256];
	path_of(path, sizeof(path), id);
	ck_assert_int_eq(http_as(&srv, "GET", path, "x-session-token", ALICE_SESSION, NULL, &r), 0);
	expect(&r, 200, want);
	resp_release(&r);
}

/* Both fixture bots exactly as loaded: what a failed request must leave behind. */
static void expect_untouched(void)
{
	expect_stored(HELPER_ID, HELPER_FETCHED);
	expect_stored(PUBLIC_ID, PUBLIC_FETCHED);
}

static bool is_token(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, TOKEN_ALPHABET) == 64;
}

/* tmpl with every "<token>" and "<secret>" replaced; caller frees. */
static char *fill(const char *tmpl, const char *token, const char *secret)
{
	size_t cap = strlen(tmpl) + 1024, n = 0;
	char *out = malloc(cap);
	for (const char *p = tmpl; *p;) {
		const char *v = NULL;
		size_t skip = 0;
		if (strncmp(p, "<token>", 7) == 0)
			v = token, skip = 7;
		else if (strncmp(p, "<secret>", 8) == 0)
			v = secret, skip = 8;
		if (v) {
			ck_assert_ptr_nonnull(v);
			n += (size_t)snprintf(out + n, cap - n, "%s", v);
			p += skip;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = 0;
	return out;
}

static void expect_filled(const struct resp *r, long status, const char *tmpl, const char *token,
			  const char *secret)
{
	char *want = fill(tmpl, token, secret);
	expect(r, status, want);
	free(want);
}

static void expect_stored_filled(const char *id, const char *tmpl, const char *token, const char *secret)
{
	char *want = fill(tmpl, token, secret);
	expect_stored(id, want);
	free(want);
}

/* A catcher page, exact bytes and content type. */
static void expect_page(const struct resp *r, long status, bool json, const char *page)
{
	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(r->content_type, json ? "application/json" : "text/html; charset=utf-8");
	ck_assert_str_eq(r->body, page);
}

/* ---- every field -------------------------------------------------------------------- */

/* §5.2 step 6: nothing to change -> 200 with the bot as it is. */
START_TEST(empty_edit_changes_nothing)
{
	struct resp r;
	edit(HELPER_ID, "{}", &r);
	expect(&r, 200, HELPER_EDITED);
	resp_release(&r);
	/* null is absent, remove defaults to [] */
	edit(HELPER_ID, "{\"name\":null,\"public\":null,\"analytics\":null,\"interactions_url\":null,"
			"\"oauth2\":null,\"remove\":[]}", &r);
	expect(&r, 200, HELPER_EDITED);
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* A new name that is free at the current discriminator keeps it. */
START_TEST(rename_keeps_free_discriminator)
{
	struct resp r;
	edit(HELPER_ID, "{\"name\":\"Renamed_Bot-2.0\"}", &r);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, HELPER_REST), HELPER_ID, "Renamed_Bot-2.0", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_OPEN(HELPER_TOKEN, HELPER_REST), HELPER_ID, "Renamed_Bot-2.0", "4821"));
	/* the owner's list shows the new name too */
	ck_assert_int_eq(http_as(&srv, "GET", "/bots/@me", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "users.0._id"), HELPER_ID);
	ck_assert_str_eq(jstr(r.json, "users.0.username"), "Renamed_Bot-2.0");
	ck_assert_str_eq(jstr(r.json, "users.0.relationship"), "User");
	resp_release(&r);
}
END_TEST

/* The stored name is the cured one (auth-and-users.md §3.2): full-width letters
 * become lower-case ASCII; the same name ignoring case keeps the discriminator. */
START_TEST(rename_stores_cured_name)
{
	struct resp r;
	edit(HELPER_ID, "{\"name\":\"Ｈｅｌｐｅｒ\"}", &r);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, HELPER_REST), HELPER_ID, "helper", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_OPEN(HELPER_TOKEN, HELPER_REST), HELPER_ID, "helper", "4821"));
	edit(HELPER_ID, "{\"name\":\"HELPER\"}", &r);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, HELPER_REST), HELPER_ID, "HELPER", "4821"));
	resp_release(&r);
	/* non-Latin names pass validation and are stored as cured (CJK stays) */
	edit(HELPER_ID, "{\"name\":\"名前\"}", &r);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, HELPER_REST), HELPER_ID, "名前", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_OPEN(HELPER_TOKEN, HELPER_REST), HELPER_ID, "名前", "4821"));
}
END_TEST

/* public is always on the wire, false included. */
START_TEST(public_true_then_false)
{
	struct resp r;
	edit(HELPER_ID, "{\"public\":true}", &r);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":true,\"oauth2\":" HELPER_OAUTH2), HELPER_ID,
			       "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":true,\"oauth2\":" HELPER_OAUTH2),
					 HELPER_ID, "HelperBot", "4821"));
	edit(HELPER_ID, "{\"public\":false}", &r);
	expect(&r, 200, HELPER_EDITED);
	resp_release(&r);
	expect_stored(HELPER_ID, HELPER_FETCHED);
}
END_TEST

/* analytics:false makes the key disappear. */
START_TEST(analytics_true_then_false)
{
	struct resp r;
	edit(HELPER_ID, "{\"analytics\":true}", &r);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"analytics\":true,\"oauth2\":" HELPER_OAUTH2),
			       HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"analytics\":true,\"oauth2\":" HELPER_OAUTH2),
					 HELPER_ID, "HelperBot", "4821"));
	edit(PUBLIC_ID, "{\"analytics\":false}", &r);
	expect(&r, 200, EDITED(PUBLIC_OPEN(PUBLIC_TOKEN, ",\"public\":true,\"interactions_url\":\"https://public.example/interactions\""),
			       PUBLIC_ID, "PublicBot", "7310"));
	resp_release(&r);
	expect_stored(PUBLIC_ID, FETCHED(PUBLIC_OPEN(PUBLIC_TOKEN, ",\"public\":true,\"interactions_url\":\"https://public.example/interactions\""),
					 PUBLIC_ID, "PublicBot", "7310"));
}
END_TEST

/* interactions_url: 1..=2048 characters, no URL syntax check; placed before oauth2. */
START_TEST(interactions_url_set)
{
	struct resp r;
	edit(HELPER_ID, "{\"interactions_url\":\"not even a url\"}", &r);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"interactions_url\":\"not even a url\",\"oauth2\":" HELPER_OAUTH2),
			       HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"interactions_url\":\"not even a url\",\"oauth2\":" HELPER_OAUTH2),
					 HELPER_ID, "HelperBot", "4821"));
}
END_TEST

START_TEST(interactions_url_empty_is_400)
{
	struct resp r;
	edit(PUBLIC_ID, "{\"interactions_url\":\"\"}", &r);
	expect(&r, 400, FAILED_VALIDATION("interactions_url: Validation error: length [{\\\"min\\\": Number(1), "
					  "\\\"max\\\": Number(2048), \\\"value\\\": String(\\\"\\\")}]"));
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* 2048 characters pass, 2049 do not - counted in characters, not bytes. */
START_TEST(interactions_url_length_limit)
{
	static char body[2100 * 3], want[2100 * 3 + 512];
	struct resp r;
	char *p = body + sprintf(body, "{\"interactions_url\":\"");
	for (int i = 0; i < 2048; i++)
		p += sprintf(p, "é"); /* 2 bytes each: 4096 bytes */
	strcpy(p, "\"}");
	edit(HELPER_ID, body, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(strlen(jstr(r.json, "interactions_url")), 4096);
	resp_release(&r);

	p = body + sprintf(body, "{\"interactions_url\":\"");
	memset(p, 'u', 2049);
	strcpy(p + 2049, "\"}");
	edit(PUBLIC_ID, body, &r);
	snprintf(want, sizeof(want),
		 "{\"type\":\"FailedValidation\",\"error\":\"interactions_url: Validation error: length [{\\\"min\\\": "
		 "Number(1), \\\"max\\\": Number(2048), \\\"value\\\": String(\\\"%.2049s\\\")}]\",\"location\":\"%s\"}",
		 body + strlen("{\"interactions_url\":\""), LOC_EDIT_VALIDATION);
	expect(&r, 400, want);
	resp_release(&r);
	expect_stored(PUBLIC_ID, PUBLIC_FETCHED);
}
END_TEST

/* ---- every remove value ----------------------------------------------------------------- */

START_TEST(remove_interactions_url)
{
	struct resp r;
	edit(PUBLIC_ID, "{\"remove\":[\"InteractionsURL\"]}", &r);
	expect(&r, 200, EDITED(PUBLIC_OPEN(PUBLIC_TOKEN, ",\"public\":true,\"analytics\":true"), PUBLIC_ID,
			       "PublicBot", "7310"));
	resp_release(&r);
	expect_stored(PUBLIC_ID, FETCHED(PUBLIC_OPEN(PUBLIC_TOKEN, ",\"public\":true,\"analytics\":true"), PUBLIC_ID,
					 "PublicBot", "7310"));
	/* §5.3: removing what is not there is a 200 that changes nothing */
	edit(HELPER_ID, "{\"remove\":[\"InteractionsURL\"]}", &r);
	expect(&r, 200, HELPER_EDITED);
	resp_release(&r);
	expect_stored(HELPER_ID, HELPER_FETCHED);
}
END_TEST

/* A new 64-character token in the response; the old one stops at once, the new one
 * authenticates as the bot, and GET shows the same new token. */
START_TEST(remove_token_rotates)
{
	struct resp r;
	edit(HELPER_ID, "{\"remove\":[\"Token\"]}", &r);
	char *token = strdup(jstr(r.json, "token"));
	ck_assert(is_token(token));
	ck_assert_str_ne(token, HELPER_TOKEN);
	expect_filled(&r, 200, EDITED(HELPER_OPEN("<token>", HELPER_REST), HELPER_ID, "HelperBot", "4821"), token, NULL);
	resp_release(&r);
	expect_stored_filled(HELPER_ID, FETCHED(HELPER_OPEN("<token>", HELPER_REST), HELPER_ID, "HelperBot", "4821"),
			     token, NULL);

	ck_assert_int_eq(http_as(&srv, "GET", "/users/@me", "x-bot-token", HELPER_TOKEN, NULL, &r), 0);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
	ck_assert_int_eq(http_as(&srv, "GET", "/users/@me", "x-bot-token", token, NULL, &r), 0);
	expect(&r, 200, BOT_USER(HELPER_ID, "HelperBot", "4821", "User"));
	resp_release(&r);
	/* the other bot's token is untouched */
	ck_assert_int_eq(http_as(&srv, "GET", "/users/@me", "x-bot-token", PUBLIC_TOKEN, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	free(token);
}
END_TEST

/* feat/oauth2: Oauth2 unsets the settings. */
START_TEST(remove_oauth2)
{
	struct resp r;
	edit(HELPER_ID, "{\"remove\":[\"Oauth2\"]}", &r);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":false"), HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":false"), HELPER_ID, "HelperBot", "4821"));
	/* on a bot without settings: nothing to do, 200 */
	edit(PUBLIC_ID, "{\"remove\":[\"Oauth2\"]}", &r);
	expect(&r, 200, EDITED(PUBLIC_OPEN(PUBLIC_TOKEN, PUBLIC_REST), PUBLIC_ID, "PublicBot", "7310"));
	resp_release(&r);
	expect_stored(PUBLIC_ID, PUBLIC_FETCHED);
}
END_TEST

/* feat/oauth2 §10.4: Oauth2Secret shows a new secret in the response only; the
 * stored secret stays (update_bot has no path for it). Reproduced as the branch
 * does it: docs/fidelity.md. */
START_TEST(remove_oauth2_secret_response_only)
{
	struct resp r;
	edit(HELPER_ID, "{\"remove\":[\"Oauth2Secret\"]}", &r);
	const char *secret = jstr(r.json, "oauth2.secret");
	ck_assert(is_token(secret));
	ck_assert_str_ne(secret, HELPER_SECRET);
	expect_filled(&r, 200,
		      EDITED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"oauth2\":{\"public\":false,\"secret\":\"<secret>\","
						       "\"redirects\":" HELPER_REDIRECTS ",\"allowed_scopes\":" HELPER_SCOPES "}"),
			     HELPER_ID, "HelperBot", "4821"),
		      NULL, secret);
	resp_release(&r);
	expect_stored(HELPER_ID, HELPER_FETCHED);
}
END_TEST

/* Oauth2Secret has no effect on a public client or a bot without settings. */
START_TEST(remove_oauth2_secret_without_secret)
{
	struct resp r;
	edit(PUBLIC_ID, "{\"remove\":[\"Oauth2Secret\"]}", &r);
	expect(&r, 200, EDITED(PUBLIC_OPEN(PUBLIC_TOKEN, PUBLIC_REST), PUBLIC_ID, "PublicBot", "7310"));
	resp_release(&r);
	expect_stored(PUBLIC_ID, PUBLIC_FETCHED);

#define HELPER_PUBLIC_CLIENT                                                                                \
	HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"oauth2\":{\"public\":true,\"secret\":null,\"redirects\":" \
				  HELPER_REDIRECTS ",\"allowed_scopes\":" HELPER_SCOPES "}")
	edit(HELPER_ID, "{\"oauth2\":{\"public\":true}}", &r);
	expect(&r, 200, EDITED(HELPER_PUBLIC_CLIENT, HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	edit(HELPER_ID, "{\"remove\":[\"Oauth2Secret\"]}", &r);
	expect(&r, 200, EDITED(HELPER_PUBLIC_CLIENT, HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_PUBLIC_CLIENT, HELPER_ID, "HelperBot", "4821"));
}
END_TEST

/* With an oauth2 object in the same request, that object (computed from the state
 * before the removal) is what is stored and returned: Oauth2Secret does nothing. */
START_TEST(remove_oauth2_secret_with_oauth2_object)
{
	struct resp r;
	edit(HELPER_ID, "{\"oauth2\":{\"redirects\":[\"https://new\"]},\"remove\":[\"Oauth2Secret\"]}", &r);
#define HELPER_NEW_REDIRECT                                                                               \
	HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"oauth2\":{\"public\":false,\"secret\":\"" HELPER_SECRET \
				  "\",\"redirects\":[\"https://new\"],\"allowed_scopes\":" HELPER_SCOPES "}")
	expect(&r, 200, EDITED(HELPER_NEW_REDIRECT, HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_NEW_REDIRECT, HELPER_ID, "HelperBot", "4821"));
}
END_TEST

/* All four at once, plus fields: one update, every change visible. */
START_TEST(remove_everything_at_once)
{
	struct resp r;
	edit(PUBLIC_ID, "{\"public\":false,\"remove\":[\"Token\",\"InteractionsURL\",\"Oauth2\",\"Oauth2Secret\"]}", &r);
	const char *token = jstr(r.json, "token");
	ck_assert(is_token(token));
	expect_filled(&r, 200, EDITED(PUBLIC_OPEN("<token>", ",\"public\":false,\"analytics\":true"), PUBLIC_ID,
				      "PublicBot", "7310"),
		      token, NULL);
	expect_stored_filled(PUBLIC_ID, FETCHED(PUBLIC_OPEN("<token>", ",\"public\":false,\"analytics\":true"), PUBLIC_ID,
						"PublicBot", "7310"),
			     token, NULL);
	resp_release(&r);
}
END_TEST

/* ---- OAuth2 transitions (bots-api.md §10.3) ------------------------------------------ */

enum secret_want { SECRET_FRESH, SECRET_SAME, SECRET_NULL };

static const struct transition {
	const char *start; /* none, confidential, public */
	const char *sent;  /* the oauth2 object sent */
	bool want_public;
	enum secret_want secret;
} transitions[] = {
	{"none", "{}", false, SECRET_FRESH},
	{"none", "{\"public\":false}", false, SECRET_FRESH},
	{"none", "{\"public\":true}", true, SECRET_NULL},
	{"confidential", "{}", false, SECRET_SAME},
	{"confidential", "{\"public\":false}", false, SECRET_SAME},
	{"confidential", "{\"public\":true}", true, SECRET_NULL},
	{"public", "{}", true, SECRET_NULL},
	{"public", "{\"public\":false}", false, SECRET_FRESH},
	{"public", "{\"public\":true}", true, SECRET_NULL},
};

START_TEST(oauth2_transition)
{
	const struct transition *t = &transitions[_i];
	bool none = strcmp(t->start, "none") == 0;
	const char *id = none ? PUBLIC_ID : HELPER_ID;
	struct resp r;
	if (strcmp(t->start, "public") == 0) {
		edit(HELPER_ID, "{\"oauth2\":{\"public\":true}}", &r);
		ck_assert_int_eq(r.status, 200);
		ck_assert(cJSON_IsNull(jget(r.json, "oauth2.secret")));
		resp_release(&r);
	}
	char body[128];
	snprintf(body, sizeof(body), "{\"oauth2\":%s}", t->sent);
	edit(id, body, &r);
	ck_assert_int_eq(r.status, 200);

	const cJSON *secret = jget(r.json, "oauth2.secret");
	char secret_json[80];
	switch (t->secret) {
	case SECRET_FRESH:
		ck_assert(is_token(cJSON_GetStringValue(secret)));
		ck_assert_str_ne(secret->valuestring, HELPER_SECRET);
		snprintf(secret_json, sizeof(secret_json), "\"%s\"", secret->valuestring);
		break;
	case SECRET_SAME:
		snprintf(secret_json, sizeof(secret_json), "\"%s\"", HELPER_SECRET);
		break;
	case SECRET_NULL:
		ck_assert(cJSON_IsNull(secret));
		strcpy(secret_json, "null");
		break;
	}
	/* settings first created by an object without redirects or scopes start empty */
	char oauth2[512], bot[1024], want[2048];
	snprintf(oauth2, sizeof(oauth2), "{\"public\":%s,\"secret\":%s,\"redirects\":%s,\"allowed_scopes\":%s}",
		 t->want_public ? "true" : "false", secret_json, none ? "[]" : HELPER_REDIRECTS,
		 none ? "{}" : HELPER_SCOPES);
	if (none)
		snprintf(bot, sizeof(bot), PUBLIC_OPEN(PUBLIC_TOKEN, PUBLIC_REST ",\"oauth2\":%s"), oauth2);
	else
		snprintf(bot, sizeof(bot), HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"oauth2\":%s"), oauth2);
	snprintf(want, sizeof(want), "%s,\"user\":%s}", bot,
		 none ? BOT_USER(PUBLIC_ID, "PublicBot", "7310", "User") : BOT_USER(HELPER_ID, "HelperBot", "4821", "User"));
	expect(&r, 200, want);
	resp_release(&r);
	snprintf(want, sizeof(want), "{\"bot\":%s},\"user\":%s}", bot,
		 none ? BOT_USER(PUBLIC_ID, "PublicBot", "7310", "None") : BOT_USER(HELPER_ID, "HelperBot", "4821", "None"));
	expect_stored(id, want);
}
END_TEST

/* redirects: 1..=10 items, replaced wholesale; items are not checked. */
START_TEST(oauth2_redirects_count)
{
	struct resp r;
	edit(HELPER_ID, "{\"oauth2\":{\"redirects\":[]}}", &r);
	expect(&r, 400, FAILED_VALIDATION("oauth2.redirects: Validation error: length [{\\\"min\\\": Number(1), "
					  "\\\"max\\\": Number(10), \\\"value\\\": Array []}]"));
	resp_release(&r);
	edit(HELPER_ID, "{\"oauth2\":{\"redirects\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}}", &r);
	expect(&r, 400, FAILED_VALIDATION("oauth2.redirects: Validation error: length [{\\\"min\\\": Number(1), "
					  "\\\"max\\\": Number(10), \\\"value\\\": Array [String(\\\"1\\\"), String(\\\"2\\\"), "
					  "String(\\\"3\\\"), String(\\\"4\\\"), String(\\\"5\\\"), String(\\\"6\\\"), "
					  "String(\\\"7\\\"), String(\\\"8\\\"), String(\\\"9\\\"), String(\\\"10\\\"), "
					  "String(\\\"11\\\")]}]"));
	resp_release(&r);
	expect_untouched();

#define TEN "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"not a url\"]"
#define HELPER_TEN                                                                                      \
	HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"oauth2\":{\"public\":false,\"secret\":\"" HELPER_SECRET \
				  "\",\"redirects\":" TEN ",\"allowed_scopes\":" HELPER_SCOPES "}")
	edit(HELPER_ID, "{\"oauth2\":{\"redirects\":" TEN "}}", &r);
	expect(&r, 200, EDITED(HELPER_TEN, HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_TEN, HELPER_ID, "HelperBot", "4821"));

#define HELPER_ONE                                                                                      \
	HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"oauth2\":{\"public\":false,\"secret\":\"" HELPER_SECRET \
				  "\",\"redirects\":[\"x\",\"x\"],\"allowed_scopes\":" HELPER_SCOPES "}")
	edit(HELPER_ID, "{\"oauth2\":{\"redirects\":[\"x\",\"x\"]}}", &r); /* duplicates are kept */
	expect(&r, 200, EDITED(HELPER_ONE, HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_ONE, HELPER_ID, "HelperBot", "4821"));
}
END_TEST

/* allowed_scopes replaces the map; {} clears it; texts are never validated. */
START_TEST(oauth2_allowed_scopes)
{
	struct resp r;
#define HELPER_SCOPED(scopes)                                                                           \
	HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"oauth2\":{\"public\":false,\"secret\":\"" HELPER_SECRET \
				  "\",\"redirects\":" HELPER_REDIRECTS ",\"allowed_scopes\":" scopes "}")
	edit(HELPER_ID, "{\"oauth2\":{\"allowed_scopes\":{\"full\":{\"allow\":\"\",\"deny\":\"no\",\"extra\":1}}}}", &r);
	expect(&r, 200, EDITED(HELPER_SCOPED("{\"full\":{\"allow\":\"\",\"deny\":\"no\"}}"), HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_SCOPED("{\"full\":{\"allow\":\"\",\"deny\":\"no\"}}"), HELPER_ID,
					 "HelperBot", "4821"));
	edit(HELPER_ID, "{\"oauth2\":{\"allowed_scopes\":{}}}", &r);
	expect(&r, 200, EDITED(HELPER_SCOPED("{}"), HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_SCOPED("{}"), HELPER_ID, "HelperBot", "4821"));
	/* a duplicate scope key: the last one wins */
	edit(HELPER_ID, "{\"oauth2\":{\"allowed_scopes\":{\"events\":{\"allow\":\"1\",\"deny\":\"1\"},"
			"\"events\":{\"allow\":\"2\",\"deny\":\"2\"}}}}", &r);
	expect(&r, 200, EDITED(HELPER_SCOPED("{\"events\":{\"allow\":\"2\",\"deny\":\"2\"}}"), HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
}
END_TEST

/* Like the body, the oauth2 object and a reasoning may be positional arrays:
 * exactly [public, redirects, allowed_scopes] (fewer 422, more 400) and
 * [allow, deny] (errors.md §5 note, bots-api.md §10.2). */
START_TEST(oauth2_array_forms)
{
	struct resp r;
#define HELPER_ARRAY_FORM                                                                                  \
	HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"oauth2\":{\"public\":true,\"secret\":null,\"redirects\":" \
				  HELPER_REDIRECTS ",\"allowed_scopes\":{\"events\":{\"allow\":\"a\",\"deny\":\"d\"}}}")
	edit(HELPER_ID, "{\"oauth2\":[true,null,{\"events\":[\"a\",\"d\"]}]}", &r);
	expect(&r, 200, EDITED(HELPER_ARRAY_FORM, HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_ARRAY_FORM, HELPER_ID, "HelperBot", "4821"));
	edit(HELPER_ID, "{\"oauth2\":[false,null]}", &r);
	expect_page(&r, 422, false, PAGE_HTML(422, "Unprocessable Entity", DESC_422));
	resp_release(&r);
	edit(HELPER_ID, "{\"oauth2\":[false,null,null,null]}", &r);
	expect_page(&r, 400, false, PAGE_HTML(400, "Bad Request", DESC_400));
	resp_release(&r);
	edit(HELPER_ID, "{\"oauth2\":{\"allowed_scopes\":{\"events\":[\"a\"]}}}", &r);
	expect_page(&r, 422, false, PAGE_HTML(422, "Unprocessable Entity", DESC_422));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_ARRAY_FORM, HELPER_ID, "HelperBot", "4821"));
}
END_TEST

/* An unknown scope, or a reasoning without allow/deny, does not decode: 422. */
static const char *const bad_oauth2[] = {
	"{\"oauth2\":{\"allowed_scopes\":{\"read:everything\":{\"allow\":\"a\",\"deny\":\"d\"}}}}",
	"{\"oauth2\":{\"allowed_scopes\":{\"full\":{\"allow\":\"a\"}}}}",
	"{\"oauth2\":{\"allowed_scopes\":{\"full\":{\"allow\":1,\"deny\":\"d\"}}}}",
	"{\"oauth2\":{\"allowed_scopes\":[]}}",
	"{\"oauth2\":{\"redirects\":[1]}}",
	"{\"oauth2\":{\"redirects\":\"https://x\"}}",
	"{\"oauth2\":{\"public\":\"yes\"}}",
	"{\"oauth2\":true}",
	"{\"remove\":[\"oauth2\"]}",
	"{\"remove\":[\"oauth2secret\"]}",
};

START_TEST(oauth2_bad_shapes_are_422)
{
	struct resp r;
	const char *h[] = {"x-session-token: " ALICE_SESSION, "Accept: application/json", NULL};
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, h, bad_oauth2[_i], &r), 0);
	expect_page(&r, 422, true, PAGE_JSON(422, "Unprocessable Entity", DESC_422));
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* ---- set and remove the same field: 500, and nothing changed -------------------------- */

#define DATABASE_ERROR                                                                                      \
	"{\"type\":\"DatabaseError\",\"operation\":\"update_one_by_id\",\"collection\":\"bots\",\"location\":\"" \
	LOC_BOT_UPDATE_CONFLICT "\"}"

/* REAL: MongoDB refuses $set and $unset of one path (bots-api.md §5.4). The real
 * server keeps a rename made earlier in the request; the mock rolls the whole
 * request back (DIFF: docs/fidelity.md), so nothing changes at all. */
START_TEST(set_and_remove_interactions_url)
{
	struct resp r;
	edit(PUBLIC_ID, "{\"name\":\"Renamed\",\"public\":false,\"interactions_url\":\"https://x\","
			"\"remove\":[\"InteractionsURL\",\"Token\"]}", &r);
	expect(&r, 500, DATABASE_ERROR);
	resp_release(&r);
	expect_untouched();
	ck_assert_int_eq(http_as(&srv, "GET", "/users/@me", "x-bot-token", PUBLIC_TOKEN, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200); /* the token was not rotated either */
	resp_release(&r);
}
END_TEST

START_TEST(set_and_remove_oauth2)
{
	struct resp r;
	edit(HELPER_ID, "{\"name\":\"Renamed\",\"oauth2\":{\"public\":true},\"remove\":[\"Oauth2\"]}", &r);
	expect(&r, 500, DATABASE_ERROR);
	resp_release(&r);
	/* {} counts as an oauth2 object too */
	edit(HELPER_ID, "{\"oauth2\":{},\"remove\":[\"Oauth2\"]}", &r);
	expect(&r, 500, DATABASE_ERROR);
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* ---- error types ------------------------------------------------------------------------- */

/* FailedValidation comes before the lookup: a non-owner, an unknown id and a bot
 * caller all get 400, not 404. Every failing field is listed, in struct order. */
START_TEST(failed_validation_before_lookup)
{
	struct resp r;
	const char *body = "{\"name\":\"a\"}";
	const char *want = FAILED_VALIDATION(NAME_LENGTH("a"));
	edit_as("x-session-token", BOB_SESSION, HELPER_ID, body, &r);
	expect(&r, 400, want);
	resp_release(&r);
	edit("01NOSUCHB0T000000000000000", body, &r);
	expect(&r, 400, want);
	resp_release(&r);
	edit_as("x-bot-token", HELPER_TOKEN, HELPER_ID, body, &r);
	expect(&r, 400, want);
	resp_release(&r);
	edit(HELPER_ID, "{\"name\":\"!\",\"interactions_url\":\"\",\"oauth2\":{\"redirects\":[]}}", &r);
	expect(&r, 400, FAILED_VALIDATION(NAME_LENGTH("!") ", Validation error: regex [{\\\"value\\\": String(\\\"!\\\")}]"
				"\\ninteractions_url: Validation error: length [{\\\"min\\\": Number(1), \\\"max\\\": "
				"Number(2048), \\\"value\\\": String(\\\"\\\")}]"
				"\\noauth2.redirects: Validation error: length [{\\\"min\\\": Number(1), \\\"max\\\": "
				"Number(10), \\\"value\\\": Array []}]"));
	resp_release(&r);
	/* 33 characters; a newline at the end fails the pattern */
	edit(HELPER_ID, "{\"name\":\"abcdefghijklmnopqrstuvwxyz0123456\"}", &r);
	expect(&r, 400, FAILED_VALIDATION(NAME_LENGTH("abcdefghijklmnopqrstuvwxyz0123456")));
	resp_release(&r);
	edit(HELPER_ID, "{\"name\":\"ab\\n\"}", &r);
	expect(&r, 400, FAILED_VALIDATION("name: Validation error: regex [{\\\"value\\\": String(\\\"ab\\\\n\\\")}]"));
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* Blocked names, checked on the cured name: 400 InvalidUsername, nothing renamed. */
static const char *const blocked_names[] = {"admin", "Admin", "Ａｄｍｉｎ", "stoat", "REVOLT", "stt.gg", "mydiscord.ggbot",
					    "stoat.chat"};

START_TEST(invalid_username_blocked)
{
	struct resp r;
	char body[128];
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"public\":true}", blocked_names[_i]);
	edit(HELPER_ID, body, &r);
	expect(&r, 400, "{\"type\":\"InvalidUsername\",\"location\":\"" LOC_USERNAME_BLOCKED "\"}");
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* Not found: absent id, @me (an id here), someone else's bot, a bot caller. */
START_TEST(not_found)
{
	struct resp r;
	const char *absent = "{\"type\":\"NotFound\",\"location\":\"" LOC_BOT_NOT_FOUND "\"}";
	const char *not_owner = "{\"type\":\"NotFound\",\"location\":\"" LOC_EDIT_NOT_OWNER "\"}";
	edit("01NOSUCHB0T000000000000000", "{\"public\":true}", &r);
	expect(&r, 404, absent);
	resp_release(&r);
	edit("@me", "{\"public\":true}", &r);
	expect(&r, 404, absent);
	resp_release(&r);
	edit(ALICE_ID, "{\"public\":true}", &r); /* a user id is not a bot id */
	expect(&r, 404, absent);
	resp_release(&r);
	edit_as("x-session-token", BOB_SESSION, HELPER_ID, "{\"public\":true}", &r);
	expect(&r, 404, not_owner);
	resp_release(&r);
	edit_as("x-session-token", BOB_SESSION, HELPER_ID, "{\"name\":\"admin\"}", &r); /* ownership before names */
	expect(&r, 404, not_owner);
	resp_release(&r);
	/* a bot never owns a bot, not even itself */
	edit_as("x-bot-token", HELPER_TOKEN, HELPER_ID, "{\"public\":true}", &r);
	expect(&r, 404, not_owner);
	resp_release(&r);
	edit_as("x-bot-token", PUBLIC_TOKEN, "01NOSUCHB0T000000000000000", "{}", &r);
	expect(&r, 404, absent);
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* No caller: 401 InvalidSession (README decision 2), before the body is read. */
START_TEST(invalid_session)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, NULL, "{\"public\":true}", &r), 0);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
	edit_as("x-session-token", "no-such-session", HELPER_ID, "{\"public\":true}", &r);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
	edit_as("x-bot-token", "no-such-token", HELPER_ID, "{\"public\":true}", &r);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
	/* an unknown x-bot-token decides alone, even beside a valid session */
	const char *both[] = {"x-bot-token: no-such-token", "x-session-token: " ALICE_SESSION, NULL};
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, both, "{\"public\":true}", &r), 0);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
	/* auth comes before the body: a malformed body still gets 401 */
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, NULL, "{nope", &r), 0);
	expect(&r, 401, INVALID_SESSION);
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* Both headers valid: x-bot-token wins, so the caller is the bot (not the owner). */
START_TEST(bot_token_takes_precedence)
{
	struct resp r;
	const char *both[] = {"x-session-token: " ALICE_SESSION, "x-bot-token: " PUBLIC_TOKEN, NULL};
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, both, "{\"public\":true}", &r), 0);
	expect(&r, 404, "{\"type\":\"NotFound\",\"location\":\"" LOC_EDIT_NOT_OWNER "\"}");
	resp_release(&r);
	/* header names are case-insensitive */
	const char *upper[] = {"X-Session-Token: " ALICE_SESSION, NULL};
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, upper, "{}", &r), 0);
	expect(&r, 200, HELPER_EDITED);
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* Bob owns no bot: he cannot edit alice's, whatever he sends. */
START_TEST(ownership)
{
	struct resp r;
	edit_as("x-session-token", BOB_SESSION, PUBLIC_ID, "{\"remove\":[\"Token\"]}", &r);
	expect(&r, 404, "{\"type\":\"NotFound\",\"location\":\"" LOC_EDIT_NOT_OWNER "\"}");
	resp_release(&r);
	edit_as("x-session-token", BOB_SESSION, HELPER_ID, "{\"oauth2\":{\"public\":true}}", &r);
	expect(&r, 404, "{\"type\":\"NotFound\",\"location\":\"" LOC_EDIT_NOT_OWNER "\"}");
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* ---- names that collide (custom fixture) ------------------------------------------------ */

/* A ULID for the n-th generated user: a fixed 2024 time, n in the random part. */
static void fixture_id(char out[27], int n)
{
	static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	snprintf(out, 27, "01HZ800000000000000000%c%c%c%c", crockford[(n >> 15) & 31], crockford[(n >> 10) & 31],
		 crockford[(n >> 5) & 31], crockford[n & 31]);
}

/* REAL: users/model.rs DISCRIMINATOR_SEARCH_SPACE: 0002..9998 without these. */
static bool assignable(int d)
{
	static const int excluded[] = {123, 1234, 1111, 2222, 3333, 4444, 5555, 6666, 7777, 8888, 1488};
	if (d < 2 || d > 9998)
		return false;
	for (size_t i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++)
		if (excluded[i] == d)
			return false;
	return true;
}

/* alice (with a session) owning HelperBot#4821, plus
 *   "Full"  at every one of the 9986 assignable discriminators,
 *   "Taken" at all of them but 0042,
 *   "Clash" at 0042. */
static void write_crowded_fixture(void)
{
	snprintf(crowded_fixture, sizeof(crowded_fixture), "/tmp/stoat-crowded-%d.json", (int)getpid());
	FILE *f = fopen(crowded_fixture, "w");
	if (!f) {
		perror(crowded_fixture);
		exit(EXIT_FAILURE);
	}
	fprintf(f, "{\"users\":[{\"_id\":\"%s\",\"username\":\"alice\",\"discriminator\":\"0001\","
		   "\"sessions\":[{\"token\":\"%s\"}]}",
		ALICE_ID, ALICE_SESSION);
	int n = 0, full = 0;
	char id[27];
	for (int d = 0; d < 10000; d++) {
		if (!assignable(d))
			continue;
		fixture_id(id, n++);
		fprintf(f, ",{\"_id\":\"%s\",\"username\":\"Full\",\"discriminator\":\"%04d\"}", id, d);
		full++;
		if (d == 42)
			continue;
		fixture_id(id, n++);
		fprintf(f, ",{\"_id\":\"%s\",\"username\":\"Taken\",\"discriminator\":\"%04d\"}", id, d);
	}
	fixture_id(id, n++);
	fprintf(f, ",{\"_id\":\"%s\",\"username\":\"Clash\",\"discriminator\":\"0042\"}", id);
	fprintf(f, "],\"bots\":[{\"_id\":\"%s\",\"owner\":\"%s\",\"username\":\"HelperBot\",\"discriminator\":\"4821\","
		   "\"token\":\"%s\",\"public\":false}]}",
		HELPER_ID, ALICE_ID, HELPER_TOKEN);
	if (fclose(f) || full != 9986) {
		fprintf(stderr, "cannot write %s (%d names)\n", crowded_fixture, full);
		exit(EXIT_FAILURE);
	}
}

#define PLAIN_HELPER HELPER_OPEN(HELPER_TOKEN, ",\"public\":false")

/* Every discriminator of the name in use (case-insensitively): 409, no rename. */
START_TEST(username_taken)
{
	struct resp r;
	edit(HELPER_ID, "{\"name\":\"Full\"}", &r);
	expect(&r, 409, "{\"type\":\"UsernameTaken\",\"location\":\"" LOC_USERNAME_TAKEN "\"}");
	resp_release(&r);
	edit(HELPER_ID, "{\"name\":\"fULL\",\"public\":true}", &r);
	expect(&r, 409, "{\"type\":\"UsernameTaken\",\"location\":\"" LOC_USERNAME_TAKEN "\"}");
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(PLAIN_HELPER, HELPER_ID, "HelperBot", "4821"));
}
END_TEST

/* The current discriminator taken under the new name: a new one is drawn from the
 * free ones (here only 0042) - allowed once per 24 h; the second time is 429. */
START_TEST(discriminator_change_ratelimited)
{
	struct resp r;
	edit(HELPER_ID, "{\"name\":\"Taken\"}", &r);
	expect(&r, 200, EDITED(PLAIN_HELPER, HELPER_ID, "Taken", "0042"));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(PLAIN_HELPER, HELPER_ID, "Taken", "0042"));
	/* renaming within the same name (case only) is no change of discriminator */
	edit(HELPER_ID, "{\"name\":\"TAKEN\"}", &r);
	expect(&r, 200, EDITED(PLAIN_HELPER, HELPER_ID, "TAKEN", "0042"));
	resp_release(&r);
	/* "Clash" holds 0042: a second change within 24 h */
	edit(HELPER_ID, "{\"name\":\"Clash\",\"public\":true}", &r);
	expect(&r, 429, "{\"type\":\"DiscriminatorChangeRatelimited\",\"location\":\"" LOC_DISCRIMINATOR_RATELIMIT "\"}");
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(PLAIN_HELPER, HELPER_ID, "TAKEN", "0042"));
	/* a name free at 0042 needs no change and is still allowed */
	edit(HELPER_ID, "{\"name\":\"Another\"}", &r);
	expect(&r, 200, EDITED(PLAIN_HELPER, HELPER_ID, "Another", "0042"));
	resp_release(&r);
}
END_TEST

/* ---- body faults (errors.md §5) -------------------------------------------------------- */

/* Malformed JSON: 400, Rocket's page - HTML without Accept, JSON when preferred. */
START_TEST(malformed_json_is_400_page)
{
	struct resp r;
	edit(HELPER_ID, "{\"public\":true", &r);
	expect_page(&r, 400, false, PAGE_HTML(400, "Bad Request", DESC_400));
	resp_release(&r);
	const char *h[] = {"x-session-token: " ALICE_SESSION, "Accept: application/json", NULL};
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, h, "{\"public\":true,}", &r), 0);
	expect_page(&r, 400, true, PAGE_JSON(400, "Bad Request", DESC_400));
	resp_release(&r);
	const char *star[] = {"x-session-token: " ALICE_SESSION, "Accept: */*", NULL};
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, star, "", &r), 0); /* empty body */
	expect_page(&r, 400, false, PAGE_HTML(400, "Bad Request", DESC_400));
	resp_release(&r);
	edit(HELPER_ID, "{\"public\":true} {}", &r); /* trailing characters */
	expect_page(&r, 400, false, PAGE_HTML(400, "Bad Request", DESC_400));
	resp_release(&r);
	/* REAL: serde_json de.rs deserialize_enum - a remove item that is neither a
	 * string nor an object is ExpectedSomeValue, a Syntax error: 400, not 422 */
	edit(HELPER_ID, "{\"remove\":[null]}", &r);
	expect_page(&r, 400, false, PAGE_HTML(400, "Bad Request", DESC_400));
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* Well-formed JSON of the wrong shape: 422. */
static const char *const wrong_shapes[] = {
	"{\"public\":\"yes\"}",
	"{\"public\":1}",
	"{\"analytics\":\"true\"}",
	"{\"name\":5}",
	"{\"name\":[\"HelperBot\"]}",
	"{\"interactions_url\":true}",
	"{\"remove\":[\"token\"]}",       /* lower case */
	"{\"remove\":[\"Nothing\"]}",
	"{\"remove\":null}",              /* a Vec, not an Option */
	"{\"remove\":\"Token\"}",
	"{\"public\":true,\"public\":false}", /* duplicate field */
	"null",
	"5",
	"\"edit\"",
	"true",
	"[]",                             /* an array needs >= 4 positional fields */
};

START_TEST(wrong_shape_is_422)
{
	struct resp r;
	edit(HELPER_ID, wrong_shapes[_i], &r);
	expect_page(&r, 422, false, PAGE_HTML(422, "Unprocessable Entity", DESC_422));
	resp_release(&r);
	expect_untouched();
}
END_TEST

START_TEST(invalid_utf8_is_400)
{
	struct resp r;
	const char *h[] = {"x-session-token: " ALICE_SESSION, "Accept: application/json", NULL};
	const char body[] = "{\"name\":\"Bad\xff\xfe\"}";
	ck_assert_int_eq(http_raw(&srv, "PATCH", "/bots/" HELPER_ID, h, body, sizeof(body) - 1, &r), 0);
	expect_page(&r, 400, true, PAGE_JSON(400, "Bad Request", DESC_400));
	resp_release(&r);
	expect_untouched();
}
END_TEST

/* The JSON limit is 1 MiB: exactly 1 048 576 bytes pass, one more is 413. */
START_TEST(body_limit)
{
	const size_t limit = 1024 * 1024;
	char *body = malloc(limit + 16);
	struct resp r;
	const char *h[] = {"x-session-token: " ALICE_SESSION, "Accept: application/json", NULL};
	/* {"padding":"xxx...","public":true} of exactly `limit` bytes */
	const char *head = "{\"padding\":\"", *tail = "\",\"public\":true}";
	memset(body, 'x', limit + 1);
	memcpy(body, head, strlen(head));
	memcpy(body + limit - strlen(tail), tail, strlen(tail));
	ck_assert_int_eq(http_raw(&srv, "PATCH", "/bots/" HELPER_ID, h, body, limit, &r), 0);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":true,\"oauth2\":" HELPER_OAUTH2), HELPER_ID,
			       "HelperBot", "4821"));
	resp_release(&r);
	/* one byte more: 413 and nothing changes */
	memset(body, 'x', limit + 1);
	memcpy(body, head, strlen(head));
	memcpy(body + limit + 1 - strlen("\",\"public\":false}"), "\",\"public\":false}", strlen("\",\"public\":false}"));
	ck_assert_int_eq(http_raw(&srv, "PATCH", "/bots/" HELPER_ID, h, body, limit + 1, &r), 0);
	expect_page(&r, 413, true, PAGE_JSON(413, "Payload Too Large", DESC_413));
	resp_release(&r);
	/* over the limit, with the first MiB cut inside a character: not UTF-8, 400 */
	char *p = body + sprintf(body, "{\"ab\":\""); /* 7 bytes: a 2-byte é straddles the limit */
	while ((size_t)(p - body) < limit + 2)
		p += sprintf(p, "é");
	ck_assert_int_eq(http_raw(&srv, "PATCH", "/bots/" HELPER_ID, h, body, limit + 1, &r), 0);
	expect_page(&r, 400, true, PAGE_JSON(400, "Bad Request", DESC_400));
	resp_release(&r);
	expect_stored(HELPER_ID, FETCHED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":true,\"oauth2\":" HELPER_OAUTH2),
					 HELPER_ID, "HelperBot", "4821"));
	free(body);
}
END_TEST

/* Unknown fields are ignored; the Content-Type is not looked at; /0.8 works. */
START_TEST(lenient_parts)
{
	struct resp r;
	edit(HELPER_ID, "{\"colour\":\"red\",\"Public\":true,\"nested\":{\"a\":[1,2]},\"analytics\":true}", &r);
#define HELPER_ANALYTICS HELPER_OPEN(HELPER_TOKEN, ",\"public\":false,\"analytics\":true,\"oauth2\":" HELPER_OAUTH2)
	expect(&r, 200, EDITED(HELPER_ANALYTICS, HELPER_ID, "HelperBot", "4821"));
	resp_release(&r);
	/* what stoat.js sends: text/plain */
	const char *plain[] = {"x-session-token: " ALICE_SESSION, "Content-Type: text/plain;charset=UTF-8", NULL};
	ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, plain, "{\"analytics\":false}", &r), 0);
	expect(&r, 200, HELPER_EDITED);
	resp_release(&r);
	/* stoat.py's base URL ends in /0.8 */
	const char *py[] = {"X-Session-Token: " ALICE_SESSION, "Content-Type: application/json",
			    "Accept: application/json", NULL};
	ck_assert_int_eq(http(&srv, "PATCH", "/0.8/bots/" HELPER_ID, py, "{\"public\":true}", &r), 0);
	expect(&r, 200, EDITED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":true,\"oauth2\":" HELPER_OAUTH2), HELPER_ID,
			       "HelperBot", "4821"));
	resp_release(&r);
	/* a positional array is a body too; on feat/oauth2 only `remove` has a default,
	 * so it needs the first 5 fields (name, public, analytics, interactions_url,
	 * oauth2): 4 is 422, 7 is 400 (trailing characters) */
	edit(HELPER_ID, "[null,false,null,null,null]", &r);
	expect(&r, 200, HELPER_EDITED);
	resp_release(&r);
	edit(HELPER_ID, "[null,true,null,null]", &r);
	expect_page(&r, 422, false, PAGE_HTML(422, "Unprocessable Entity", DESC_422));
	resp_release(&r);
	edit(HELPER_ID, "[null,true,null,null,null,[],null]", &r);
	expect_page(&r, 400, false, PAGE_HTML(400, "Bad Request", DESC_400));
	resp_release(&r);
	expect_stored(HELPER_ID, HELPER_FETCHED);
}
END_TEST

/* Rocket has no 405: a method with no route for the path is a 404 page. */
START_TEST(other_methods_are_404)
{
	static const char *const methods[] = {"PUT", "POST"};
	for (size_t i = 0; i < 2; i++) {
		struct resp r;
		edit_as("x-session-token", ALICE_SESSION, HELPER_ID, "{\"public\":true}", &r);
		resp_release(&r);
		const char *h[] = {"x-session-token: " ALICE_SESSION, "Accept: application/json", NULL};
		ck_assert_int_eq(http(&srv, methods[i], "/bots/" HELPER_ID, h, "{\"public\":false}", &r), 0);
		expect_page(&r, 404, true,
			    PAGE_JSON(404, "Not Found", "The requested resource could not be found."));
		resp_release(&r);
	}
	/* nothing but the two PATCHes happened */
	expect_stored(HELPER_ID, FETCHED(HELPER_OPEN(HELPER_TOKEN, ",\"public\":true,\"oauth2\":" HELPER_OAUTH2),
					 HELPER_ID, "HelperBot", "4821"));
}
END_TEST

static Suite *edit_suite(void)
{
	Suite *s = suite_create("bots_edit");
	TCase *tc = tcase_create("fields");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_test(tc, empty_edit_changes_nothing);
	tcase_add_test(tc, rename_keeps_free_discriminator);
	tcase_add_test(tc, rename_stores_cured_name);
	tcase_add_test(tc, public_true_then_false);
	tcase_add_test(tc, analytics_true_then_false);
	tcase_add_test(tc, interactions_url_set);
	tcase_add_test(tc, interactions_url_empty_is_400);
	tcase_add_test(tc, interactions_url_length_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("remove");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_test(tc, remove_interactions_url);
	tcase_add_test(tc, remove_token_rotates);
	tcase_add_test(tc, remove_oauth2);
	tcase_add_test(tc, remove_oauth2_secret_response_only);
	tcase_add_test(tc, remove_oauth2_secret_without_secret);
	tcase_add_test(tc, remove_oauth2_secret_with_oauth2_object);
	tcase_add_test(tc, remove_everything_at_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("oauth2");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_loop_test(tc, oauth2_transition, 0, sizeof(transitions) / sizeof(transitions[0]));
	tcase_add_test(tc, oauth2_redirects_count);
	tcase_add_test(tc, oauth2_allowed_scopes);
	tcase_add_test(tc, oauth2_array_forms);
	tcase_add_loop_test(tc, oauth2_bad_shapes_are_422, 0, sizeof(bad_oauth2) / sizeof(bad_oauth2[0]));
	tcase_add_test(tc, set_and_remove_interactions_url);
	tcase_add_test(tc, set_and_remove_oauth2);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_test(tc, failed_validation_before_lookup);
	tcase_add_loop_test(tc, invalid_username_blocked, 0, sizeof(blocked_names) / sizeof(blocked_names[0]));
	tcase_add_test(tc, not_found);
	tcase_add_test(tc, invalid_session);
	tcase_add_test(tc, bot_token_takes_precedence);
	tcase_add_test(tc, ownership);
	suite_add_tcase(s, tc);

	tc = tcase_create("collisions");
	tcase_set_timeout(tc, 30); /* ~20 000 fixture users to load, slower under ASan */
	tcase_add_checked_fixture(tc, up_crowded, down);
	tcase_add_test(tc, username_taken);
	tcase_add_test(tc, discriminator_change_ratelimited);
	suite_add_tcase(s, tc);

	tc = tcase_create("bodies");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_test(tc, malformed_json_is_400_page);
	tcase_add_loop_test(tc, wrong_shape_is_422, 0, sizeof(wrong_shapes) / sizeof(wrong_shapes[0]));
	tcase_add_test(tc, invalid_utf8_is_400);
	tcase_add_test(tc, body_limit);
	tcase_add_test(tc, lenient_parts);
	tcase_add_test(tc, other_methods_are_404);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	write_crowded_fixture();
	int status = suite_run(edit_suite());
	unlink(crowded_fixture);
	return status;
}

/* test_control_flags.c: the control API's start-up switches, each on servers of its
 * own: --seed (two runs of one request script answer byte for byte the same; another
 * seed gives other tokens; reset restarts the generator), --no-control (every /_mock
 * route is an unknown route) and --journal N (the journal keeps the last N). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "suite.h"

/* ---- --seed ------------------------------------------------------------------------ */

/* One step of the script. Tokens: "alice" (fixture), "$user" (from the last POST
 * /_mock/users), "$bot" (from the last POST /bots/create); "$id" in a path or body
 * is the id of that bot. */
static const struct step {
	const char *method, *path, *who, *body;
	long status;
} script[] = {
	{"POST", "/_mock/users", NULL, "{\"username\":\"dave\"}", 200},
	{"POST", "/bots/create", "$user", "{\"name\":\"DaveBot\"}", 200},
	{"PATCH", "/bots/$id", "$user", "{\"remove\":[\"Token\"],\"oauth2\":{\"redirects\":[\"https://d.example/cb\"]}}", 200},
	{"GET", "/bots/@me", "$user", NULL, 200},
	{"GET", "/bots/$id", "$user", NULL, 200},
	{"GET", "/users/@me", "$bot", NULL, 200},
	{"POST", "/bots/create", "alice", "{\"name\":\"dave\"}", 200},
	{"POST", "/bots/$id/invite", "alice", "{\"group\":\"" GROUP_ID "\"}", 204},
	{"PATCH", "/bots/" HELPER_ID, "alice", "{\"name\":\"x\"}", 400},
	{"POST", "/_mock/users", NULL, "{\"username\":\"dave\"}", 200},
	{"GET", "/_mock/state", NULL, NULL, 200},
	{"POST", "/_mock/reset", NULL, NULL, 204},
	{"POST", "/_mock/users", NULL, "{\"username\":\"dave\"}", 200},
	{"POST", "/bots/create", "$user", "{\"name\":\"DaveBot\"}", 200},
	{"GET", "/_mock/state", NULL, NULL, 200},
};
#define NSTEPS (sizeof(script) / sizeof(script[0]))

static void replace(char *out, size_t size, const char *in, const char *id)
{
	const char *at = strstr(in, "$id");
	if (at)
		snprintf(out, size, "%.*s%s%s", (int)(at - in), in, id, at + 3);
	else
		snprintf(out, size, "%s", in);
}

/* Runs the script against a fresh server started with args; bodies[i] receives each
 * answer (caller frees). */
static void run_script(const char *const *args, char *bodies[NSTEPS])
{
	struct server srv;
	char user_token[128] = "", bot_token[128] = "", bot_id[64] = "";
	ck_assert_int_eq(server_start(&srv, args), 0);
	for (size_t i = 0; i < NSTEPS; i++) {
		const struct step *s = &script[i];
		char path[256], body[512];
		replace(path, sizeof(path), s->path, bot_id);
		if (s->body)
			replace(body, sizeof(body), s->body, bot_id);
		const char *hdr = NULL, *tok = NULL;
		if (s->who && strcmp(s->who, "alice") == 0) {
			hdr = "x-session-token";
			tok = ALICE_SESSION;
		} else if (s->who && strcmp(s->who, "$user") == 0) {
			hdr = "x-session-token";
			tok = user_token;
		} else if (s->who) {
			hdr = "x-bot-token";
			tok = bot_token;
		}
		struct resp r;
		ck_assert_int_eq(http_as(&srv, s->method, path, hdr, tok, s->body ? body : NULL, &r), 0);
		if (r.status != s->status)
			ck_abort_msg("step %zu %s %s: %ld %s", i, s->method, path, r.status, r.body);
		if (strcmp(s->path, "/_mock/users") == 0)
			snprintf(user_token, sizeof(user_token), "%s", jstr(r.json, "token"));
		if (strcmp(s->path, "/bots/create") == 0) {
			snprintf(bot_token, sizeof(bot_token), "%s", jstr(r.json, "token"));
			snprintf(bot_id, sizeof(bot_id), "%s", jstr(r.json, "_id"));
		}
		if (strcmp(s->method, "PATCH") == 0 && jstr(r.json, "token"))
			snprintf(bot_token, sizeof(bot_token), "%s", jstr(r.json, "token"));
		bodies[i] = r.body;
		r.body = NULL;
		resp_release(&r);
	}
	ck_assert_int_eq(server_stop(&srv), 0);
}

static void free_bodies(char *bodies[NSTEPS])
{
	for (size_t i = 0; i < NSTEPS; i++)
		free(bodies[i]);
}

START_TEST(same_seed_same_answers_byte_for_byte)
{
	static const char *const seed42[] = {"--seed", "42", "--quiet", NULL};
	static const char *const seed43[] = {"--seed", "43", "--quiet", NULL};
	char *a[NSTEPS], *b[NSTEPS], *c[NSTEPS];
	run_script(seed42, a);
	run_script(seed42, b);
	run_script(seed43, c);
	for (size_t i = 0; i < NSTEPS; i++)
		ck_assert_msg(strcmp(a[i], b[i]) == 0, "step %zu differs:\n%s\n%s", i, a[i], b[i]);
	/* the same seed in the environment */
	setenv("STOAT_MOCK_SEED", "42", 1);
	static const char *const quiet[] = {"--quiet", NULL};
	char *e[NSTEPS];
	run_script(quiet, e);
	unsetenv("STOAT_MOCK_SEED");
	for (size_t i = 0; i < NSTEPS; i++)
		ck_assert_msg(strcmp(a[i], e[i]) == 0, "step %zu differs with STOAT_MOCK_SEED:\n%s\n%s", i, a[i], e[i]);

	/* another seed: other ids, tokens, secrets */
	cJSON *ua = cJSON_Parse(a[0]), *uc = cJSON_Parse(c[0]);
	cJSON *ba = cJSON_Parse(a[1]), *bc = cJSON_Parse(c[1]);
	cJSON *pa = cJSON_Parse(a[2]), *pc = cJSON_Parse(c[2]);
	ck_assert_str_ne(jstr(ua, "token"), jstr(uc, "token"));
	ck_assert_str_ne(jstr(ua, "user._id"), jstr(uc, "user._id"));
	ck_assert_str_ne(jstr(ba, "token"), jstr(bc, "token"));
	ck_assert_str_ne(jstr(ba, "_id"), jstr(bc, "_id"));
	ck_assert_str_ne(jstr(pa, "token"), jstr(pc, "token"));
	ck_assert_str_ne(jstr(pa, "oauth2.secret"), jstr(pc, "oauth2.secret"));
	/* a seeded clock: ids carry the virtual time (2026-01-01), not today's */
	ck_assert_int_eq(strncmp(jstr(ua, "user._id"), "01KDVDNA", 8), 0);
	cJSON_Delete(ua);
	cJSON_Delete(uc);
	cJSON_Delete(ba);
	cJSON_Delete(bc);
	cJSON_Delete(pa);
	cJSON_Delete(pc);

	/* reset restarts the generator: what follows a reset answers as what followed start-up */
	ck_assert_str_eq(a[12], a[0]);
	ck_assert_str_eq(a[13], a[1]);
	free_bodies(a);
	free_bodies(b);
	free_bodies(c);
	free_bodies(e);
}
END_TEST

START_TEST(without_a_seed_tokens_differ)
{
	static const char *const quiet[] = {"--quiet", NULL};
	char *a[NSTEPS], *b[NSTEPS];
	run_script(quiet, a);
	run_script(quiet, b);
	cJSON *ua = cJSON_Parse(a[0]), *ub = cJSON_Parse(b[0]);
	ck_assert_str_ne(jstr(ua, "token"), jstr(ub, "token"));
	cJSON_Delete(ua);
	cJSON_Delete(ub);
	free_bodies(a);
	free_bodies(b);
}
END_TEST

/* ---- --no-control ------------------------------------------------------------------- */

START_TEST(no_control_hides_every_control_route)
{
	static const char *const args[] = {"--no-control", "--quiet", NULL};
	static const struct {
		const char *method, *path, *body;
	} routes[] = {
		{"GET", "/_mock/health", NULL},
		{"HEAD", "/_mock/health", NULL},
		{"GET", "/0.8/_mock/health", NULL},
		{"POST", "/_mock/reset", NULL},
		{"GET", "/_mock/state", NULL},
		{"PUT", "/_mock/state", "{}"},
		{"POST", "/_mock/users", "{\"username\":\"dave\"}"},
		{"GET", "/_mock/faults", NULL},
		{"POST", "/_mock/faults", "{\"path\":\"*\",\"drop\":true,\"times\":0}"},
		{"DELETE", "/_mock/faults", NULL},
		{"DELETE", "/_mock/faults/fault-1", NULL},
		{"GET", "/_mock/requests", NULL},
		{"DELETE", "/_mock/requests", NULL},
		{"GET", "/_mock/sessions", NULL},
		{"DELETE", "/_mock/sessions", NULL},
		{"POST", "/_mock/sessions/ws-1/close", "{\"drop\":true}"},
		{"POST", "/_mock/events", "{\"event\":{\"type\":\"X\"},\"all\":true}"},
		{"GET", "/_mock/openapi.json", NULL},
	};
	struct server srv;
	ck_assert_int_eq(server_start(&srv, args), 0);
	struct resp unknown;
	const char *json[] = {"Accept: application/json", NULL};
	ck_assert_int_eq(http(&srv, "GET", "/nowhere", json, NULL, &unknown), 0);
	ck_assert_int_eq(unknown.status, 404);
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		struct resp r;
		ck_assert_int_eq(http(&srv, routes[i].method, routes[i].path, json, routes[i].body, &r), 0);
		ck_assert_msg(r.status == 404, "%s %s: %ld", routes[i].method, routes[i].path, r.status);
		if (strcmp(routes[i].method, "HEAD") != 0) {
			ck_assert_str_eq(r.body, unknown.body);
			ck_assert_str_eq(r.content_type, unknown.content_type);
		}
		resp_release(&r);
	}
	/* the API itself is untouched (and no fault was registered above) */
	struct resp r;
	ck_assert_int_eq(http_as(&srv, "GET", "/users/@me", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	resp_release(&unknown);
	ck_assert_int_eq(server_stop(&srv), 0);
}
END_TEST

/* ---- --journal N -------------------------------------------------------------------- */

START_TEST(journal_keeps_the_last_n)
{
	static const char *const three[] = {"--journal", "3", "--quiet", NULL};
	static const char *const none[] = {"--journal", "0", "--quiet", NULL};
	struct server srv;
	ck_assert_int_eq(server_start(&srv, three), 0);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 7; i++) {
			char path[32];
			snprintf(path, sizeof(path), "/n%d", i);
			struct resp r;
			ck_assert_int_eq(http(&srv, "GET", path, NULL, NULL, &r), 0);
			resp_release(&r);
		}
		struct resp j;
		ck_assert_int_eq(http(&srv, "GET", "/_mock/requests", NULL, NULL, &j), 0);
		ck_assert_int_eq(cJSON_GetArraySize(jget(j.json, "requests")), 3);
		ck_assert_str_eq(jstr(j.json, "requests.0.path"), "/n4");
		ck_assert_str_eq(jstr(j.json, "requests.2.path"), "/n6");
		resp_release(&j);
		/* and again after clearing */
		ck_assert_int_eq(http(&srv, "DELETE", "/_mock/requests", NULL, NULL, &j), 0);
		resp_release(&j);
	}
	ck_assert_int_eq(server_stop(&srv), 0);

	ck_assert_int_eq(server_start(&srv, none), 0);
	struct resp r;
	ck_assert_int_eq(http(&srv, "GET", "/", NULL, NULL, &r), 0);
	resp_release(&r);
	ck_assert_int_eq(http(&srv, "GET", "/_mock/requests", NULL, NULL, &r), 0);
	ck_assert_str_eq(r.body, "{\"requests\":[]}");
	resp_release(&r);
	ck_assert_int_eq(server_stop(&srv), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("control_flags");
	TCase *tc = tcase_create("control_flags");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, same_seed_same_answers_byte_for_byte);
	tcase_add_test(tc, without_a_seed_tokens_differ);
	tcase_add_test(tc, no_control_hides_every_control_route);
	tcase_add_test(tc, journal_keeps_the_last_n);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

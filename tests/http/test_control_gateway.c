/* test_control_gateway.c: the control API's part for the events WebSocket, over
 * real sockets (the WebSocket side framed by wslay, support/wsclient.c): the
 * session list, pushed events, closing one session or all, the gateway faults
 * (a late Ready, withheld Pongs, a drop after N frames), the journal's connect,
 * authenticate and close entries (never a token), and reset and state import
 * ending every session. Every error row of the new routes is answered here.
 * One server for the file, reset before each test. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"
#include "wsclient.h"

#define AUTHENTICATED "{\"type\":\"Authenticated\"}"
#define HELPER_WS "/ws?version=1&format=json&token=" HELPER_TOKEN

static struct server srv;

static void start(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
static void stop(void) { ck_assert_int_eq(server_stop(&srv), 0); /* under ASan: no leak at exit */ }

/* ---- helpers ------------------------------------------------------------------------ */

/* A request without auth that must answer status: its parsed body (NULL when
 * empty or not JSON; caller frees), and its text in *text when text is not NULL. */
static cJSON *ctl_text(const char *method, const char *path, const char *body, long status, char **text)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, method, path, NULL, body, &r), 0);
	if (r.status != status)
		ck_abort_msg("%s %s %s: status %ld, want %ld: %s", method, path, body ? body : "", r.status, status,
			     r.body);
	cJSON *j = r.json;
	r.json = NULL;
	if (text) {
		*text = r.body;
		r.body = NULL;
	}
	resp_release(&r);
	return j;
}

static cJSON *ctl(const char *method, const char *path, const char *body, long status)
{
	return ctl_text(method, path, body, status, NULL);
}

static void ctl_ok(const char *method, const char *path, const char *body, long status)
{
	cJSON_Delete(ctl(method, path, body, status));
}

static cJSON *wait_sessions(int n);

/* Before each test: the fixtures, no session left of the test before (a session
 * that ends after the reset leaves its close in the journal), an empty journal. */
static void reset(void)
{
	ctl_ok("POST", "/_mock/reset", NULL, 204);
	cJSON_Delete(wait_sessions(0));
	ctl_ok("DELETE", "/_mock/requests", NULL, 204);
}

/* 400 FailedValidation at location with exactly this error text. */
static void refused(const char *method, const char *path, const char *body, const char *location, const char *error)
{
	cJSON *j = ctl(method, path, body, 400);
	ck_assert_str_eq(jstr(j, "type"), "FailedValidation");
	if (!jstr(j, "error") || strcmp(jstr(j, "error"), error) != 0)
		ck_abort_msg("%s %s %s: error %s, want %s", method, path, body, jstr(j, "error"), error);
	ck_assert_str_eq(jstr(j, "location"), location);
	cJSON_Delete(j);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* GET /_mock/sessions until it lists n sessions (commands run on the gateway
 * thread after their answer). The whole answer (caller frees). */
static cJSON *wait_sessions(int n)
{
	for (int i = 0; i < 300; i++) {
		cJSON *j = ctl("GET", "/_mock/sessions", NULL, 200);
		if (cJSON_GetArraySize(cJSON_GetObjectItem(j, "sessions")) == n)
			return j;
		cJSON_Delete(j);
		usleep(10000);
	}
	ck_abort_msg("never %d sessions", n);
	return NULL;
}

/* The id of the newest session. */
static void newest_session(char *id, size_t size)
{
	cJSON *j = ctl("GET", "/_mock/sessions", NULL, 200);
	cJSON *list = cJSON_GetObjectItem(j, "sessions");
	int n = cJSON_GetArraySize(list);
	ck_assert_int_gt(n, 0);
	snprintf(id, size, "%s", cJSON_GetArrayItem(list, n - 1)->child->valuestring);
	cJSON_Delete(j);
}

/* The same for a session just upgraded but not yet authenticated: the gateway
 * thread registers it a moment after the 101, so wait until the newest session is
 * no longer `before`. */
static void newest_session_after(const char *before, char *id, size_t size)
{
	for (int i = 0; i < 300; i++) {
		newest_session(id, size);
		if (strcmp(id, before) != 0)
			return;
		usleep(10000);
	}
	ck_abort_msg("no session newer than %s was registered", before);
}

/* Connects to target, past Authenticated and Ready. */
static void connect_ready(struct client *c, const char *target)
{
	ck_assert_int_eq(ws_open(&srv, target, c), 101);
	expect_next(c, AUTHENTICATED);
	expect_prefix(c, "{\"type\":\"Ready\"");
}

/* A session authenticated by a first Authenticate frame (stoat.py), past Ready. */
static void connect_with_frame(struct client *c, const char *path, const char *token)
{
	char auth[256];
	snprintf(auth, sizeof(auth), "{\"type\":\"Authenticate\",\"token\":\"%s\"}", token);
	ck_assert_int_eq(ws_open(&srv, path, c), 101);
	ws_send_str(c, auth);
	expect_next(c, AUTHENTICATED);
	expect_prefix(c, "{\"type\":\"Ready\"");
}

/* GET /_mock/requests with query ("?method=..."; NULL: none), its text in *text
 * when text is not NULL (caller frees both). */
static cJSON *journal(const char *query, char **text)
{
	char path[128];
	snprintf(path, sizeof(path), "/_mock/requests%s", query ? query : "");
	return ctl_text("GET", path, NULL, 200, text);
}

/* The journal until it holds n entries. */
static cJSON *wait_journal(int n)
{
	for (int i = 0; i < 300; i++) {
		cJSON *j = journal(NULL, NULL);
		if (cJSON_GetArraySize(cJSON_GetObjectItem(j, "requests")) >= n)
			return j;
		cJSON_Delete(j);
		usleep(10000);
	}
	ck_abort_msg("the journal never held %d entries", n);
	return NULL;
}

static void expect_string(const cJSON *o, const char *key, const char *want)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);
	if (!want) {
		ck_assert_msg(cJSON_IsNull(v), "%s: not null", key);
		return;
	}
	ck_assert_msg(cJSON_IsString(v), "%s: not a string", key);
	ck_assert_str_eq(v->valuestring, want);
}

static void expect_number(const cJSON *o, const char *key, double want)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);
	ck_assert_msg(cJSON_IsNumber(v), "%s: not a number", key);
	ck_assert_msg(v->valuedouble == want, "%s: %g, want %g", key, v->valuedouble, want);
}

/* "2026-11-25T21:58:35.971Z" */
static void expect_time(const cJSON *o, const char *key)
{
	const char *t = jstr(o, key);
	ck_assert_msg(t && strlen(t) == 24 && t[4] == '-' && t[10] == 'T' && t[19] == '.' && t[23] == 'Z', "%s: %s",
		      key, t ? t : "(none)");
}

/* ---- GET and DELETE /_mock/sessions ------------------------------------------------------ */

START_TEST(sessions_listed_oldest_first)
{
	struct client bot, bob, anon;
	char *text;
	cJSON_Delete(ctl_text("GET", "/_mock/sessions", NULL, 200, &text));
	ck_assert_str_eq(text, "{\"sessions\":[]}");
	free(text);
	connect_ready(&bot, HELPER_WS);
	connect_with_frame(&bob, "/events", BOB_SESSION);
	ck_assert_int_eq(ws_open(&srv, "/x?version=7", &anon), 101);

	cJSON *j = wait_sessions(3), *list = cJSON_GetObjectItem(j, "sessions");
	const cJSON *s = cJSON_GetArrayItem(list, 0);
	const char *keys[] = {"id", "user", "token_kind", "format", "version", "path", "connected_at", "authenticated",
			      "ready", "subscriptions", "last_ping", "frames_in", "frames_out"};
	const cJSON *k = s->child;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++, k = k->next)
		ck_assert_str_eq(k->string, keys[i]);
	ck_assert_ptr_null(k);
	ck_assert(strncmp(jstr(s, "id"), "ws-", 3) == 0);
	expect_string(s, "user", HELPER_ID);
	expect_string(s, "token_kind", "bot");
	expect_string(s, "format", "json");
	expect_number(s, "version", 1);
	expect_string(s, "path", "/ws");
	expect_time(s, "connected_at");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(s, "authenticated")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(s, "ready")));
	expect_string(s, "last_ping", NULL);
	expect_number(s, "frames_in", 0);
	expect_number(s, "frames_out", 2); /* Authenticated, Ready */
	/* the bot's own topics (events.md §5.1), sorted */
	const cJSON *subs = cJSON_GetObjectItem(s, "subscriptions");
	ck_assert_int_eq(cJSON_GetArraySize(subs), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(subs, 0)->valuestring, HELPER_ID);
	ck_assert_str_eq(cJSON_GetArrayItem(subs, 1)->valuestring, HELPER_ID "!");

	s = cJSON_GetArrayItem(list, 1);
	expect_string(s, "user", BOB_ID);
	expect_string(s, "token_kind", "session");
	expect_string(s, "path", "/events");
	expect_number(s, "frames_in", 1); /* Authenticate */
	expect_number(s, "frames_out", 2);
	subs = cJSON_GetObjectItem(s, "subscriptions");
	ck_assert_int_gt(cJSON_GetArraySize(subs), 3);
	for (int i = 1; i < cJSON_GetArraySize(subs); i++)
		ck_assert_int_lt(strcmp(cJSON_GetArrayItem(subs, i - 1)->valuestring,
					cJSON_GetArrayItem(subs, i)->valuestring), 0);

	s = cJSON_GetArrayItem(list, 2);
	expect_string(s, "user", NULL);
	expect_string(s, "token_kind", NULL);
	expect_number(s, "version", 7);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(s, "authenticated")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(s, "ready")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(s, "subscriptions")), 0);
	cJSON_Delete(j);

	/* a Ping: last_ping, one frame each way more */
	ws_send_str(&bot, "{\"type\":\"Ping\",\"data\":1}");
	expect_next(&bot, "{\"type\":\"Pong\",\"data\":1}");
	j = ctl_text("GET", "/_mock/sessions", NULL, 200, &text);
	s = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "sessions"), 0);
	expect_time(s, "last_ping");
	expect_number(s, "frames_in", 1);
	expect_number(s, "frames_out", 3);
	ck_assert_ptr_null(strstr(text, HELPER_TOKEN)); /* never a token */
	ck_assert_ptr_null(strstr(text, BOB_SESSION));
	free(text);
	cJSON_Delete(j);

	/* DELETE: every session ends with a bare drop */
	ctl_ok("DELETE", "/_mock/sessions", NULL, 204);
	struct client *all[] = {&bot, &bob, &anon};
	for (int i = 0; i < 3; i++) {
		expect_end(all[i]);
		ck_assert(!all[i]->got_close);
		ws_close_client(all[i]);
	}
	cJSON_Delete(wait_sessions(0));
}
END_TEST

/* ---- POST /_mock/events ----------------------------------------------------------------------- */

START_TEST(events_pushed_to_a_user_a_topic_or_all)
{
	struct client bot, bob, anon;
	connect_ready(&bot, HELPER_WS);
	connect_ready(&bob, "/?token=" BOB_SESSION);
	ck_assert_int_eq(ws_open(&srv, "/", &anon), 101);
	cJSON_Delete(wait_sessions(3));

	char *text;
	cJSON_Delete(ctl_text("POST", "/_mock/events", "{\"event\":{\"type\":\"Custom\",\"n\":1},\"user\":\"" HELPER_ID "\"}",
			      200, &text));
	ck_assert_str_eq(text, "{\"sessions\":1}");
	free(text);
	expect_next(&bot, "{\"type\":\"Custom\",\"n\":1}");
	expect_nothing(&bob, 100);

	/* bob is a member of Alice's server: subscribed to it */
	cJSON *j = ctl("POST", "/_mock/events", "{\"topic\":\"" SERVER_ID "\",\"event\":{\"type\":\"ServerUpdate\"}}", 200);
	expect_number(j, "sessions", 1);
	cJSON_Delete(j);
	expect_next(&bob, "{\"type\":\"ServerUpdate\"}");
	expect_nothing(&bot, 100);

	/* every session past its Ready; sent compact, keys in their order */
	j = ctl("POST", "/_mock/events", "{\"all\":true,\"event\":{ \"type\" : \"X\", \"b\": [1, 2.5, \"\\u00e9\"], "
					  "\"a\": null }}",
		200);
	expect_number(j, "sessions", 2);
	cJSON_Delete(j);
	expect_next(&bot, "{\"type\":\"X\",\"b\":[1,2.5,\"\xc3\xa9\"],\"a\":null}");
	expect_next(&bob, "{\"type\":\"X\",\"b\":[1,2.5,\"\xc3\xa9\"],\"a\":null}");
	expect_nothing(&anon, 100); /* not authenticated */

	j = ctl("POST", "/_mock/events", "{\"event\":{\"type\":\"X\"},\"user\":\"" CAROL_ID "\"}", 200);
	expect_number(j, "sessions", 0);
	cJSON_Delete(j);
	j = ctl("POST", "/_mock/events", "{\"event\":{\"type\":\"X\"},\"topic\":\"nobody\",\"user\":null}", 200);
	expect_number(j, "sessions", 0);
	cJSON_Delete(j);

	/* what the event does applies: a Logout ends the session (a bare drop) */
	j = ctl("POST", "/_mock/events", "{\"event\":{\"type\":\"Logout\"},\"user\":\"" HELPER_ID "\"}", 200);
	expect_number(j, "sessions", 1);
	cJSON_Delete(j);
	expect_next(&bot, "{\"type\":\"Logout\"}");
	expect_end(&bot);
	ck_assert(!bot.got_close);
	/* a ChannelCreate subscribes to the channel: a push to its topic reaches bob */
	ctl_ok("POST", "/_mock/events",
	       "{\"event\":{\"type\":\"ChannelCreate\",\"channel_type\":\"Group\",\"_id\":\"01J9NEWGROUP00000000000000\","
	       "\"name\":\"g\",\"owner\":\"" BOB_ID "\",\"recipients\":[\"" BOB_ID "\"]},\"user\":\"" BOB_ID "\"}",
	       200);
	expect_prefix(&bob, "{\"type\":\"ChannelCreate\"");
	j = ctl("POST", "/_mock/events", "{\"event\":{\"type\":\"Y\"},\"topic\":\"01J9NEWGROUP00000000000000\"}", 200);
	expect_number(j, "sessions", 1);
	cJSON_Delete(j);
	expect_next(&bob, "{\"type\":\"Y\"}");
	ws_close_client(&bot);
	ws_close_client(&bob);
	ws_close_client(&anon);
}
END_TEST

START_TEST(events_refuse_bad_bodies)
{
	static const struct {
		const char *body, *error;
	} cases[] = {
		{"", "body: expected a JSON object, got nothing"},
		{"{\"event\":", "body: not valid JSON (near byte 8)"},
		{"[]", "body: expected a JSON object"},
		{"{\"event\":{},\"all\":true,\"evnet\":1}", "evnet: unknown field (expected event, user, topic, all)"},
		{"{\"all\":true}", "event: required object is missing"},
		{"{\"event\":null,\"all\":true}", "event: required object is missing"},
		{"{\"event\":\"Ready\",\"all\":true}", "event: expected a JSON object (the frame to send)"},
		{"{\"event\":[],\"all\":true}", "event: expected a JSON object (the frame to send)"},
		{"{\"event\":{}}", "body: one of user, topic or all says which sessions get the event"},
		{"{\"event\":{},\"user\":null,\"all\":null}", "body: one of user, topic or all says which sessions get the event"},
		{"{\"event\":{},\"user\":\"a\",\"all\":true}", "all: give one of user, topic and all, not user too"},
		{"{\"event\":{},\"topic\":\"a\",\"user\":\"b\"}", "topic: give one of user, topic and all, not user too"},
		{"{\"event\":{},\"all\":false}", "all: expected true"},
		{"{\"event\":{},\"all\":1}", "all: expected true"},
		{"{\"event\":{},\"user\":\"\"}", "user: expected a non-empty string (a user id)"},
		{"{\"event\":{},\"user\":5}", "user: expected a non-empty string (a user id)"},
		{"{\"event\":{},\"topic\":[]}",
		 "topic: expected a non-empty string (a user, server or channel id, \"<id>!\" or \"<server>u\")"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused("POST", "/_mock/events", cases[i].body, "stoat-mock/_mock/events", cases[i].error);
}
END_TEST

/* ---- POST /_mock/sessions/{id}/close -------------------------------------------------------------- */

static void close_session(const char *id, const char *body)
{
	char path[96];
	snprintf(path, sizeof(path), "/_mock/sessions/%s/close", id);
	char *text;
	cJSON_Delete(ctl_text("POST", path, body, 204, &text));
	ck_assert_str_eq(text, "");
	free(text);
}

START_TEST(session_closed_with_a_code_or_dropped)
{
	struct client c, other;
	char id[32];
	connect_ready(&other, "/?token=" BOB_SESSION);
	static const struct {
		const char *body;
		int code; /* -1: a bare TCP drop, no Close frame */
		const char *reason;
	} closes[] = {
		{"{\"code\":4000,\"reason\":\"bye now\"}", 4000, "bye now"},
		{"{\"code\":1000,\"reason\":null}", 1000, ""},
		{"{\"drop\":true}", -1, NULL},
	};
	for (size_t i = 0; i < sizeof(closes) / sizeof(closes[0]); i++) {
		connect_ready(&c, HELPER_WS);
		newest_session(id, sizeof(id));
		close_session(id, closes[i].body);
		expect_end(&c);
		ck_assert_int_eq(c.got_close, closes[i].code >= 0);
		if (closes[i].code >= 0) {
			ck_assert_int_eq(c.close_code, closes[i].code);
			ck_assert_str_eq(c.close_reason, closes[i].reason);
		}
		ws_close_client(&c);
	}

	/* the other session never noticed */
	ws_send_str(&other, "{\"type\":\"Ping\",\"data\":9}");
	expect_next(&other, "{\"type\":\"Pong\",\"data\":9}");
	ws_close_client(&other);
	cJSON_Delete(wait_sessions(0));

	/* no such session (any more): 404; the codes a client accepts pass validation */
	static const char *const ok[] = {"{\"code\":1000}",    "{\"code\":1003}", "{\"code\":1007}",
					 "{\"code\":1014}",    "{\"code\":3000}", "{\"code\":4999}",
					 "{\"drop\":true}",    "{\"drop\":false,\"code\":1001}"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char path[96];
		snprintf(path, sizeof(path), "/_mock/sessions/%s/close", id);
		char *text;
		cJSON_Delete(ctl_text("POST", path, ok[i], 404, &text));
		ck_assert_str_eq(text, "{\"type\":\"NotFound\",\"location\":\"stoat-mock/_mock/sessions\"}");
		free(text);
	}
	ctl_ok("POST", "/_mock/sessions/nope/close", "{\"drop\":true}", 404);
}
END_TEST

START_TEST(session_close_refuses_bad_bodies)
{
	static char reason[200];
	static const struct {
		const char *body, *error;
	} cases[] = {
		{"", "body: expected a JSON object, got nothing"},
		{"{}", "code: required integer is missing (a Close code, or \"drop\": true for a bare TCP drop)"},
		{"{\"reason\":\"x\"}", "code: required integer is missing (a Close code, or \"drop\": true for a bare TCP drop)"},
		{"{\"drop\":false}", "code: required integer is missing (a Close code, or \"drop\": true for a bare TCP drop)"},
		{"{\"code\":1000,\"why\":\"x\"}", "why: unknown field (expected code, reason, drop)"},
		{"{\"drop\":\"yes\"}", "drop: expected true or false"},
		{"{\"drop\":true,\"code\":1000}", "code: a dropped session gets no Close frame, so no code or reason"},
		{"{\"drop\":true,\"reason\":\"x\"}", "reason: a dropped session gets no Close frame, so no code or reason"},
		{"{\"code\":\"4000\"}", "code: expected an integer"},
		{"{\"code\":1000.5}", "code: expected an integer"},
		{"{\"code\":999}", "code: 999 may not be sent in a Close frame (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)"},
		{"{\"code\":1004}", "code: 1004 may not be sent in a Close frame (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)"},
		{"{\"code\":1005}", "code: 1005 may not be sent in a Close frame (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)"},
		{"{\"code\":1006}", "code: 1006 may not be sent in a Close frame (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)"},
		{"{\"code\":1015}", "code: 1015 may not be sent in a Close frame (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)"},
		{"{\"code\":2999}", "code: 2999 may not be sent in a Close frame (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)"},
		{"{\"code\":5000}", "code: 5000 may not be sent in a Close frame (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)"},
		{"{\"code\":-1}", "code: -1 may not be sent in a Close frame (RFC 6455 7.4: 1000-1003, 1007-1014, 3000-4999)"},
		{"{\"code\":4000,\"reason\":5}", "reason: expected a string"},
		{reason, "reason: at most 123 bytes of UTF-8 (a Close frame carries 125 with the code)"},
	};
	/* 124 bytes: 62 two-byte characters */
	int n = snprintf(reason, sizeof(reason), "{\"code\":4000,\"reason\":\"");
	for (int i = 0; i < 62; i++)
		n += snprintf(reason + n, sizeof(reason) - (size_t)n, "\xc3\xa9");
	snprintf(reason + n, sizeof(reason) - (size_t)n, "\"}");
	/* checked before the id is looked up */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused("POST", "/_mock/sessions/ws-999999/close", cases[i].body, "stoat-mock/_mock/sessions",
			cases[i].error);
	/* 123 bytes pass */
	reason[n - 2] = '"';
	reason[n - 1] = '}';
	reason[n] = 0;
	ctl_ok("POST", "/_mock/sessions/ws-999999/close", reason, 404);
}
END_TEST

/* ---- gateway faults --------------------------------------------------------------------------------- */

static char *add_fault(const char *spec)
{
	cJSON *j = ctl("POST", "/_mock/faults", spec, 200);
	char *id = strdup(jstr(j, "id"));
	cJSON_Delete(j);
	return id;
}

static void expect_faults(const char *want)
{
	char *text;
	cJSON_Delete(ctl_text("GET", "/_mock/faults", NULL, 200, &text));
	ck_assert_str_eq(text, want);
	free(text);
}

START_TEST(fault_delay_ready)
{
	char *id = add_fault("{\"gateway\":\"delay_ready\",\"ms\":600}");
	char want[256];
	snprintf(want, sizeof(want),
		 "{\"faults\":[{\"id\":\"%s\",\"gateway\":\"delay_ready\",\"ms\":600,\"times\":1,\"remaining\":1,"
		 "\"hits\":0}]}",
		 id);
	expect_faults(want);

	struct client c;
	long long t0 = now_ms();
	ck_assert_int_eq(ws_open(&srv, HELPER_WS, &c), 101);
	expect_next(&c, AUTHENTICATED);
	ck_assert_int_lt(now_ms() - t0, 450); /* Authenticated at once */
	/* meanwhile: authenticated, not ready, no subscription */
	cJSON *j = wait_sessions(1);
	const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "sessions"), 0);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(s, "authenticated")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(s, "ready")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(s, "subscriptions")), 0);
	cJSON_Delete(j);
	expect_prefix(&c, "{\"type\":\"Ready\",\"users\":[{\"_id\":\"" HELPER_ID "\"");
	long long took = now_ms() - t0;
	ck_assert_msg(took >= 600 && took < 3000, "Ready after %lld ms", took);
	expect_faults("{\"faults\":[]}"); /* used up */
	ws_close_client(&c);

	/* the journal says which fault took hold */
	cJSON *jr = wait_journal(2);
	const cJSON *auth = cJSON_GetArrayItem(cJSON_GetObjectItem(jr, "requests"), 1);
	expect_string(auth, "gateway", "authenticate");
	ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(auth, "faults"), 0)->valuestring, id);
	cJSON_Delete(jr);
	free(id);

	/* the next one is on time; one for another user does not delay this one */
	id = add_fault("{\"gateway\":\"delay_ready\",\"ms\":5000,\"user\":\"" BOB_ID "\",\"times\":0}");
	t0 = now_ms();
	connect_ready(&c, HELPER_WS);
	ck_assert_int_lt(now_ms() - t0, 1000);
	ws_close_client(&c);
	snprintf(want, sizeof(want),
		 "{\"faults\":[{\"id\":\"%s\",\"gateway\":\"delay_ready\",\"user\":\"" BOB_ID "\",\"ms\":5000,"
		 "\"times\":0,\"remaining\":null,\"hits\":0}]}",
		 id);
	expect_faults(want);
	char path[64];
	snprintf(path, sizeof(path), "/_mock/faults/%s", id);
	ctl_ok("DELETE", path, NULL, 204);
	free(id);
}
END_TEST

START_TEST(fault_withhold_pong)
{
	struct client c;
	connect_ready(&c, HELPER_WS);
	free(add_fault("{\"gateway\":\"withhold_pong\",\"times\":2,\"user\":\"" HELPER_ID "\"}"));
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":1}");
	expect_nothing(&c, 300);
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":2}");
	expect_nothing(&c, 300);
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":3}");
	expect_next(&c, "{\"type\":\"Pong\",\"data\":3}");
	expect_faults("{\"faults\":[]}");
	/* the Pings were received all the same */
	cJSON *j = wait_sessions(1);
	const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "sessions"), 0);
	expect_number(s, "frames_in", 3);
	expect_time(s, "last_ping");
	cJSON_Delete(j);

	/* until removed: every Pong withheld, until DELETE /_mock/faults */
	free(add_fault("{\"gateway\":\"withhold_pong\",\"times\":null}"));
	for (int i = 0; i < 3; i++) {
		ws_send_str(&c, "{\"type\":\"Ping\",\"data\":4}");
		expect_nothing(&c, 100);
	}
	ctl_ok("DELETE", "/_mock/faults", NULL, 204);
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":5}");
	expect_next(&c, "{\"type\":\"Pong\",\"data\":5}");
	ws_close_client(&c);
}
END_TEST

START_TEST(fault_drop_after_frames)
{
	struct client c, other;
	connect_ready(&other, "/?token=" BOB_SESSION);
	/* 3: Authenticated, Ready, and one event; then a bare drop */
	free(add_fault("{\"gateway\":\"drop_after\",\"frames\":3,\"user\":\"" HELPER_ID "\"}"));
	connect_ready(&c, HELPER_WS);
	ctl_ok("POST", "/_mock/events", "{\"event\":{\"type\":\"One\"},\"all\":true}", 200);
	ctl_ok("POST", "/_mock/events", "{\"event\":{\"type\":\"Two\"},\"all\":true}", 200);
	expect_next(&c, "{\"type\":\"One\"}");
	expect_end(&c);
	ck_assert(!c.got_close);
	ws_close_client(&c);
	expect_next(&other, "{\"type\":\"One\"}");
	expect_next(&other, "{\"type\":\"Two\"}");
	expect_faults("{\"faults\":[]}");

	/* 1: Authenticated only */
	free(add_fault("{\"gateway\":\"drop_after\",\"frames\":1}"));
	ck_assert_int_eq(ws_open(&srv, HELPER_WS, &c), 101);
	expect_next(&c, AUTHENTICATED);
	expect_end(&c);
	ws_close_client(&c);

	/* 0: dropped as it authenticates (an Authenticate frame here), nothing sent */
	free(add_fault("{\"gateway\":\"drop_after\",\"frames\":0}"));
	ck_assert_int_eq(ws_open(&srv, "/", &c), 101);
	ws_send_str(&c, "{\"type\":\"Authenticate\",\"token\":\"" HELPER_TOKEN "\"}");
	expect_end(&c);
	ck_assert(!c.got_close);
	ws_close_client(&c);
	ws_close_client(&other);

	/* HTTP requests never match a gateway fault */
	char *id = add_fault("{\"gateway\":\"drop_after\",\"frames\":0,\"times\":0}");
	struct resp r;
	ck_assert_int_eq(http_as(&srv, "GET", "/bots/@me", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	char want[256];
	snprintf(want, sizeof(want),
		 "{\"faults\":[{\"id\":\"%s\",\"gateway\":\"drop_after\",\"frames\":0,\"times\":0,\"remaining\":null,"
		 "\"hits\":0}]}",
		 id);
	expect_faults(want);
	free(id);
	reset(); /* reset removes gateway faults too */
	expect_faults("{\"faults\":[]}");
}
END_TEST

START_TEST(gateway_faults_refuse_bad_documents)
{
	static const struct {
		const char *spec, *error;
	} cases[] = {
		{"{\"gateway\":\"slow\"}", "gateway: expected delay_ready, withhold_pong or drop_after"},
		{"{\"gateway\":null}", "gateway: expected delay_ready, withhold_pong or drop_after"},
		{"{\"gateway\":\"withhold_pong\",\"path\":\"/ws\"}",
		 "path: not a field of a gateway fault (expected gateway, user, times, ms, frames)"},
		{"{\"gateway\":\"delay_ready\",\"delay_ms\":5}",
		 "delay_ms: not a field of a gateway fault (expected gateway, user, times, ms, frames)"},
		{"{\"gateway\":\"delay_ready\"}", "ms: expected an integer from 1 to 600000 (how late Ready is sent)"},
		{"{\"gateway\":\"delay_ready\",\"ms\":0}", "ms: expected an integer from 1 to 600000 (how late Ready is sent)"},
		{"{\"gateway\":\"delay_ready\",\"ms\":600001}",
		 "ms: expected an integer from 1 to 600000 (how late Ready is sent)"},
		{"{\"gateway\":\"delay_ready\",\"ms\":\"5\"}",
		 "ms: expected an integer from 1 to 600000 (how late Ready is sent)"},
		{"{\"gateway\":\"withhold_pong\",\"ms\":5}", "ms: only a delay_ready fault takes ms"},
		{"{\"gateway\":\"delay_ready\",\"ms\":5,\"frames\":1}", "frames: only a drop_after fault takes frames"},
		{"{\"gateway\":\"drop_after\"}", "frames: expected a non-negative integer (the frames sent before the drop)"},
		{"{\"gateway\":\"drop_after\",\"frames\":-1}",
		 "frames: expected a non-negative integer (the frames sent before the drop)"},
		{"{\"gateway\":\"drop_after\",\"frames\":1.5}",
		 "frames: expected a non-negative integer (the frames sent before the drop)"},
		{"{\"gateway\":\"withhold_pong\",\"user\":\"\"}", "user: expected a non-empty string"},
		{"{\"gateway\":\"withhold_pong\",\"times\":-2}",
		 "times: expected a non-negative integer (0 or null: until removed)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused("POST", "/_mock/faults", cases[i].spec, "stoat-mock/_mock/faults", cases[i].error);
	expect_faults("{\"faults\":[]}");
}
END_TEST

/* ---- the journal --------------------------------------------------------------------------------------- */

/* The entry at i is a gateway entry of this kind for session id. */
static const cJSON *gateway_entry(const cJSON *list, int i, const char *what, const char *id, const char *path)
{
	const cJSON *e = cJSON_GetArrayItem(list, i);
	ck_assert_msg(e != NULL, "no entry %d", i);
	expect_time(e, "time");
	expect_string(e, "gateway", what);
	expect_string(e, "session", id);
	expect_string(e, "path", path);
	ck_assert_ptr_null(cJSON_GetObjectItem(e, "method"));
	return e;
}

static void expect_close(const cJSON *e, const char *user, int code, const char *by)
{
	expect_string(e, "user", user);
	const cJSON *close = cJSON_GetObjectItem(e, "close");
	if (code < 0)
		expect_string(close, "code", NULL);
	else
		expect_number(close, "code", code);
	expect_string(close, "by", by);
}

/* A connect entry's headers are redacted as an HTTP entry's: the credential headers
 * by name, and any value holding the query's token; bounded the same way. */
START_TEST(journal_connect_headers_redacted)
{
	struct client c;
	char hdrs[1024];
	snprintf(hdrs, sizeof(hdrs),
		 "User-Agent: gw-test/1\r\nAuthorization: Bearer abc\r\nCookie: a=b\r\n"
		 "Referer: http://page.example/?token=%s\r\n",
		 HELPER_TOKEN);
	ck_assert_int_eq(ws_open_headers(&srv, HELPER_WS, hdrs, &c), 101);
	expect_next(&c, AUTHENTICATED);
	expect_prefix(&c, "{\"type\":\"Ready\"");
	char *text;
	cJSON *j = journal("?route=gateway", &text);
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "requests"), 0);
	expect_string(e, "gateway", "connect");
	ck_assert_str_eq(jstr(e, "headers.user-agent"), "gw-test/1");
	ck_assert_str_eq(jstr(e, "headers.authorization"), "[redacted]");
	ck_assert_str_eq(jstr(e, "headers.cookie"), "[redacted]");
	ck_assert_str_eq(jstr(e, "headers.referer"), "[redacted]");
	ck_assert_str_eq(jstr(e, "headers.upgrade"), "websocket");
	ck_assert_msg(strstr(text, HELPER_TOKEN) == NULL, "the token in the journal: %s", text);
	ck_assert_msg(strstr(text, "Bearer abc") == NULL, "a credential in the journal: %s", text);
	free(text);
	cJSON_Delete(j);
	ws_close_client(&c);
}
END_TEST

START_TEST(journal_records_connect_authenticate_and_close)
{
	struct client bot, bad, bob;
	char bot_id[32], bad_id[32], bob_id[32];
	struct resp r;
	ck_assert_int_eq(http_as(&srv, "GET", "/bots/@me", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	resp_release(&r);
	connect_ready(&bot, HELPER_WS);
	newest_session(bot_id, sizeof(bot_id));
	/* a refused token in an Authenticate frame: Error, then the drop */
	ck_assert_int_eq(ws_open(&srv, "/other?version=1", &bad), 101);
	newest_session_after(bot_id, bad_id, sizeof(bad_id));
	ws_send_str(&bad, "{\"type\":\"Authenticate\",\"token\":\"nope-not-a-token\"}");
	expect_prefix(&bad, "{\"type\":\"Error\"");
	expect_end(&bad);
	ws_close_client(&bad);
	ck_assert_int_eq(http_as(&srv, "GET", "/users/@me", "x-session-token", BOB_SESSION, NULL, &r), 0);
	resp_release(&r);
	connect_with_frame(&bob, "/ws", BOB_SESSION);
	newest_session(bob_id, sizeof(bob_id));
	/* the bot closes with 1000; bob is dropped through the control API */
	ck_assert_int_eq(wslay_event_queue_close(bot.ctx, 1000, NULL, 0), 0);
	ck_assert_int_eq(wslay_event_send(bot.ctx), 0);
	expect_end(&bot);
	ck_assert(bot.got_close);
	ws_close_client(&bot);
	close_session(bob_id, "{\"drop\":true}");
	expect_end(&bob);
	ws_close_client(&bob);
	cJSON_Delete(wait_sessions(0));

	char *text;
	cJSON *j = journal(NULL, &text), *list = cJSON_GetObjectItem(j, "requests");
	ck_assert_int_eq(cJSON_GetArraySize(list), 11);
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(list, 0), "path"), "/bots/@me");
	const cJSON *e = gateway_entry(list, 1, "connect", bot_id, "/ws");
	expect_string(e, "query", "version=1&format=json&token=[redacted]");
	expect_string(e, "format", "json");
	expect_number(e, "version", 1);
	/* the upgrade request's headers, as an HTTP entry keeps them */
	ck_assert_str_eq(jstr(e, "headers.upgrade"), "websocket");
	ck_assert_str_eq(jstr(e, "headers.connection"), "Upgrade");
	ck_assert_str_eq(jstr(e, "headers.sec-websocket-key"), "dGhlIHNhbXBsZSBub25jZQ==");
	ck_assert_str_eq(jstr(e, "headers.host"), "127.0.0.1");
	ck_assert_ptr_null(cJSON_GetObjectItem(e, "headers_truncated"));
	e = gateway_entry(list, 2, "authenticate", bot_id, "/ws");
	expect_string(e, "auth", "bot");
	expect_string(e, "user", HELPER_ID);
	expect_string(e, "from", "query");
	ck_assert_ptr_null(cJSON_GetObjectItem(e, "faults"));
	e = gateway_entry(list, 3, "connect", bad_id, "/other");
	expect_string(e, "query", "version=1");
	e = gateway_entry(list, 4, "authenticate", bad_id, "/other");
	expect_string(e, "auth", "none");
	expect_string(e, "user", NULL);
	expect_string(e, "from", "frame");
	e = gateway_entry(list, 5, "close", bad_id, "/other");
	expect_close(e, NULL, -1, "drop");
	expect_number(e, "frames_in", 1);
	expect_number(e, "frames_out", 1); /* the Error */
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(list, 6), "path"), "/users/@me");
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(list, 6), "auth"), "session");
	e = gateway_entry(list, 7, "connect", bob_id, "/ws");
	expect_string(e, "query", NULL);
	e = gateway_entry(list, 8, "authenticate", bob_id, "/ws");
	expect_string(e, "auth", "session");
	expect_string(e, "user", BOB_ID);
	expect_string(e, "from", "frame");
	e = gateway_entry(list, 9, "close", bot_id, "/ws");
	expect_close(e, HELPER_ID, 1000, "client");
	expect_number(e, "frames_out", 2);
	e = gateway_entry(list, 10, "close", bob_id, "/ws");
	expect_close(e, BOB_ID, -1, "drop");
	/* never a token: not from the query, not from an Authenticate frame */
	const char *tokens[] = {HELPER_TOKEN, BOB_SESSION, ALICE_SESSION, "nope-not-a-token"};
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		ck_assert_msg(strstr(text, tokens[i]) == NULL, "%s in the journal", tokens[i]);
	free(text);
	cJSON_Delete(j);

	/* ?method= is for HTTP requests only; ?path= matches a session's upgrade path */
	j = journal("?method=GET", NULL);
	list = cJSON_GetObjectItem(j, "requests");
	ck_assert_int_eq(cJSON_GetArraySize(list), 2);
	ck_assert_str_eq(jstr(cJSON_GetArrayItem(list, 1), "path"), "/users/@me");
	cJSON_Delete(j);
	j = journal("?path=/other", NULL);
	list = cJSON_GetObjectItem(j, "requests");
	ck_assert_int_eq(cJSON_GetArraySize(list), 3);
	gateway_entry(list, 2, "close", bad_id, "/other");
	cJSON_Delete(j);
	j = journal("?path=/ws", NULL);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "requests")), 6);
	cJSON_Delete(j);

	/* ?route=gateway is the sessions' entries, with the path filter too; a route of
	 * the HTTP API, or unmatched, leaves them out; /count agrees */
	static const struct {
		const char *query;
		int n;
	} routes[] = {{"?route=gateway", 9},         {"?route=gateway&path=/other", 3}, {"?route=gateway&method=GET", 0},
		      {"?route=users.fetch_self", 1}, {"?route=unmatched", 0},          {"", 11}};
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		j = journal(routes[i].query, NULL);
		list = cJSON_GetObjectItem(j, "requests");
		ck_assert_msg(cJSON_GetArraySize(list) == routes[i].n, "%s", routes[i].query);
		for (int k = 0; k < routes[i].n && strstr(routes[i].query, "gateway"); k++)
			ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetArrayItem(list, k), "gateway"));
		cJSON_Delete(j);
		char path[128];
		snprintf(path, sizeof(path), "/_mock/requests/count%s", routes[i].query);
		j = ctl("GET", path, NULL, 200);
		ck_assert_msg(jget(j, "count")->valueint == routes[i].n, "count%s", routes[i].query);
		cJSON_Delete(j);
	}
}
END_TEST

/* ---- reset and state import end every session ------------------------------------------------------------- */

START_TEST(reset_ends_every_session_unjournaled)
{
	struct client bot, bob;
	connect_ready(&bot, HELPER_WS);
	connect_ready(&bob, "/?token=" BOB_SESSION);
	/* a token reset, then a reset: the fixture token is good again */
	struct resp r;
	ck_assert_int_eq(http_as(&srv, "PATCH", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION,
				 "{\"remove\":[\"Token\"]}", &r), 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	expect_next(&bot, "{\"type\":\"Logout\"}");
	expect_end(&bot);
	ws_close_client(&bot);
	reset();
	expect_end(&bob);
	ck_assert(!bob.got_close);
	ws_close_client(&bob);
	cJSON_Delete(wait_sessions(0));
	char *text;
	cJSON_Delete(journal(NULL, &text));
	ck_assert_str_eq(text, "{\"requests\":[]}"); /* the journal starts empty */
	free(text);
	connect_ready(&bot, HELPER_WS);
	ws_close_client(&bot);
}
END_TEST

START_TEST(state_import_ends_every_session)
{
	struct client bot;
	char id[32];
	char *state;
	cJSON_Delete(ctl_text("GET", "/_mock/state", NULL, 200, &state));
	connect_ready(&bot, HELPER_WS);
	newest_session(id, sizeof(id));
	ctl_ok("PUT", "/_mock/state", state, 204);
	free(state);
	expect_end(&bot);
	ck_assert(!bot.got_close);
	ws_close_client(&bot);
	cJSON_Delete(wait_sessions(0));
	cJSON *j = journal(NULL, NULL), *list = cJSON_GetObjectItem(j, "requests");
	ck_assert_int_eq(cJSON_GetArraySize(list), 3);
	expect_close(gateway_entry(list, 2, "close", id, "/ws"), HELPER_ID, -1, "drop");
	cJSON_Delete(j);
	/* a refused document ends nothing */
	connect_ready(&bot, HELPER_WS);
	ctl_ok("PUT", "/_mock/state", "{\"users\":5}", 400);
	ws_send_str(&bot, "{\"type\":\"Ping\",\"data\":1}");
	expect_next(&bot, "{\"type\":\"Pong\",\"data\":1}");
	ws_close_client(&bot);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("control_gateway");
	TCase *tc = tcase_create("control_gateway");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_add_checked_fixture(tc, reset, NULL);
	tcase_add_test(tc, sessions_listed_oldest_first);
	tcase_add_test(tc, events_pushed_to_a_user_a_topic_or_all);
	tcase_add_test(tc, events_refuse_bad_bodies);
	tcase_add_test(tc, session_closed_with_a_code_or_dropped);
	tcase_add_test(tc, session_close_refuses_bad_bodies);
	tcase_add_test(tc, fault_delay_ready);
	tcase_add_test(tc, fault_withhold_pong);
	tcase_add_test(tc, fault_drop_after_frames);
	tcase_add_test(tc, gateway_faults_refuse_bad_documents);
	tcase_add_test(tc, journal_records_connect_authenticate_and_close);
	tcase_add_test(tc, journal_connect_headers_redacted);
	tcase_add_test(tc, reset_ends_every_session_unjournaled);
	tcase_add_test(tc, state_import_ends_every_session);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_journal.c: what a journal entry holds besides the request line (server/
 * journal.h): the request headers as received and their bounds, the answer's body
 * and its bound, never a token anywhere (headers, bodies, answers that carry one),
 * GET /_mock/requests/count with each filter, and the route filter (a row's name,
 * not_emulated, unmatched). The request line, its order and the method and path
 * filters: test_control.c; the events WebSocket's entries and route=gateway:
 * test_control_gateway.c. One server for the file, reset before each test. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "suite.h"

static struct server srv;

static void start(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
static void stop(void) { ck_assert_int_eq(server_stop(&srv), 0); }

static void reset(void)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, "POST", "/_mock/reset", NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 204);
	resp_release(&r);
}

/* A request that must answer status; its answer in *r (NULL: released). */
static void send_req(const char *method, const char *path, const char *const *headers, const char *body, long status,
		     struct resp *r)
{
	struct resp mine;
	struct resp *a = r ? r : &mine;
	ck_assert_int_eq(http(&srv, method, path, headers, body, a), 0);
	if (a->status != status)
		ck_abort_msg("%s %s: %ld, want %ld: %s", method, path, a->status, status, a->body);
	if (!r)
		resp_release(a);
}

/* GET path (a control read that must answer 200): its answer in *r. */
static void read_ok(const char *path, struct resp *r)
{
	ck_assert_int_eq(http(&srv, "GET", path, NULL, NULL, r), 0);
	ck_assert_msg(r->status == 200, "GET %s: %ld %s", path, r->status, r->body);
	ck_assert_ptr_nonnull(r->json);
}

/* The newest journal entry (caller frees). */
static cJSON *newest(void)
{
	struct resp r;
	read_ok("/_mock/requests", &r);
	const cJSON *list = jget(r.json, "requests");
	int n = cJSON_GetArraySize(list);
	ck_assert_int_gt(n, 0);
	cJSON *e = cJSON_Duplicate(cJSON_GetArrayItem(list, n - 1), 1);
	resp_release(&r);
	return e;
}

/* The number of entries GET /_mock/requests?query lists, which /count must agree with. */
static int listed(const char *query)
{
	char path[256];
	struct resp r;
	snprintf(path, sizeof(path), "/_mock/requests%s", query);
	read_ok(path, &r);
	int n = cJSON_GetArraySize(jget(r.json, "requests"));
	resp_release(&r);
	snprintf(path, sizeof(path), "/_mock/requests/count%s", query);
	read_ok(path, &r);
	ck_assert_int_eq(cJSON_GetArraySize(r.json), 1);
	ck_assert_msg(cJSON_IsNumber(jget(r.json, "count")) && jget(r.json, "count")->valueint == n,
		      "%s: count %s, listed %d", query, r.body, n);
	resp_release(&r);
	return n;
}

/* 400 FailedValidation at stoat-mock/_mock/requests with this text, for the list
 * and the count alike. */
static void refused(const char *query, const char *error)
{
	char path[256], want[512];
	snprintf(want, sizeof(want),
		 "{\"type\":\"FailedValidation\",\"error\":\"%s\",\"location\":\"stoat-mock/_mock/requests\"}", error);
	for (int i = 0; i < 2; i++) {
		struct resp r;
		snprintf(path, sizeof(path), "/_mock/requests%s%s", i ? "/count" : "", query);
		ck_assert_int_eq(http(&srv, "GET", path, NULL, NULL, &r), 0);
		ck_assert_msg(r.status == 400, "%s: %ld %s", path, r.status, r.body);
		ck_assert_str_eq(r.body, want);
		resp_release(&r);
	}
}

/* ---- headers -------------------------------------------------------------------------------------------- */

START_TEST(headers_are_kept_as_received)
{
	const char *hs[] = {"x-session-token: " ALICE_SESSION,
			    "User-Agent: stoat.py/1.2 (test)",
			    "X-Request-Id: abc-123",
			    "X-Dup: first",
			    "X-Dup: second",
			    "Accept-Language: fr, en;q=0.5",
			    "X-Latin1: caf\xE9",
			    "Content-Type: application/json",
			    NULL};
	send_req("PATCH", "/bots/" HELPER_ID, hs, "{\"name\":\"Headed\"}", 200, NULL);
	cJSON *e = newest();
	const cJSON *h = jget(e, "headers");
	ck_assert(cJSON_IsObject(h));
	char host[64];
	snprintf(host, sizeof(host), "127.0.0.1:%u", srv.port);
	/* every line, not only those the server reads; names in lower case */
	ck_assert_str_eq(jstr(h, "host"), host);
	ck_assert_str_eq(jstr(h, "user-agent"), "stoat.py/1.2 (test)");
	ck_assert_str_eq(jstr(h, "x-request-id"), "abc-123");
	ck_assert_str_eq(jstr(h, "accept-language"), "fr, en;q=0.5");
	ck_assert_str_eq(jstr(h, "content-type"), "application/json");
	ck_assert_str_eq(jstr(h, "content-length"), "17");
	ck_assert_str_eq(jstr(h, "x-session-token"), "[redacted]");
	/* a name sent twice: its values joined, in order (RFC 9110 5.3) */
	ck_assert_str_eq(jstr(h, "x-dup"), "first, second");
	/* a byte that is not UTF-8 reads U+FFFD, the JSON stays valid */
	ck_assert_str_eq(jstr(h, "x-latin1"), "caf\xEF\xBF\xBD");
	for (const cJSON *k = h->child; k; k = k->next)
		for (const char *c = k->string; *c; c++)
			ck_assert_msg(!(*c >= 'A' && *c <= 'Z'), "header name %s", k->string);
	ck_assert_ptr_null(jget(e, "headers_truncated"));
	cJSON_Delete(e);
}
END_TEST

START_TEST(headers_are_bounded_in_count_and_size)
{
	/* 40 lines: the first 32 are kept */
	static char lines[40][32];
	const char *hs[41];
	for (int i = 0; i < 40; i++) {
		snprintf(lines[i], sizeof(lines[i]), "X-H%02d: v%02d", i, i);
		hs[i] = lines[i];
	}
	hs[40] = NULL;
	send_req("GET", "/", hs, NULL, 200, NULL);
	cJSON *e = newest();
	const cJSON *h = jget(e, "headers");
	ck_assert_int_eq(cJSON_GetArraySize(h), 32);
	ck_assert(cJSON_IsTrue(jget(e, "headers_truncated")));
	ck_assert_str_eq(jstr(h, "x-h00"), "v00");
	ck_assert_ptr_null(jget(h, "x-h39"));
	cJSON_Delete(e);

	/* six values of 1500 bytes: each cut to 1024, 4096 bytes of names and values in all */
	static char big[6][1600];
	const char *bs[7];
	for (int i = 0; i < 6; i++) {
		int n = snprintf(big[i], sizeof(big[i]), "X-Big%d: ", i);
		memset(big[i] + n, 'a' + i, 1500);
		big[i][n + 1500] = 0;
		bs[i] = big[i];
	}
	bs[6] = NULL;
	send_req("GET", "/", bs, NULL, 200, NULL);
	e = newest();
	h = jget(e, "headers");
	ck_assert(cJSON_IsTrue(jget(e, "headers_truncated")));
	size_t total = 0;
	for (const cJSON *k = h->child; k; k = k->next) {
		ck_assert_uint_le(strlen(k->valuestring), 1024);
		total += strlen(k->string) + strlen(k->valuestring);
	}
	ck_assert_uint_le(total, 4096);
	ck_assert_uint_gt(total, 4000);
	ck_assert_uint_eq(strlen(jstr(h, "x-big0")), 1024);
	ck_assert_uint_eq(strspn(jstr(h, "x-big0"), "a"), 1024);
	ck_assert_ptr_null(jget(h, "x-big5"));
	cJSON_Delete(e);
}
END_TEST

/* ---- never a token ------------------------------------------------------------------------------------- */

static void expect_absent(const char *text, const char *const *secrets, size_t n, const char *where)
{
	for (size_t i = 0; i < n; i++) {
		const char *hit = strstr(text, secrets[i]);
		ck_assert_msg(hit == NULL, "%s in %s: ...%.200s", secrets[i], where, hit && hit - text > 100 ? hit - 100 : text);
	}
}

START_TEST(no_token_anywhere_in_the_journal)
{
	struct resp r;
	/* token headers of each kind, credential headers, a header holding the token */
	const char *a[] = {"x-session-token: " ALICE_SESSION, "X-Debug: sent with " ALICE_SESSION,
			   "Authorization: Bearer " HELPER_TOKEN, "Cookie: session=" BOB_SESSION, NULL};
	send_req("GET", "/users/@me", a, NULL, 200, NULL);
	const char *b[] = {"x-bot-token: " PUBLIC_TOKEN, "Proxy-Authorization: Basic " CAROL_SESSION, NULL};
	send_req("GET", "/users/@me", b, NULL, 200, NULL);
	const char *o[] = {"x-oauth2-token: " HELPER_SECRET, NULL};
	send_req("GET", "/", o, NULL, 200, NULL);
	/* answers that carry tokens and secrets: the owner's reads, a new bot, a new token */
	const char *alice[] = {"x-session-token: " ALICE_SESSION, NULL};
	send_req("GET", "/bots/@me", alice, NULL, 200, NULL);
	send_req("GET", "/bots/" HELPER_ID, alice, NULL, 200, NULL);
	send_req("POST", "/bots/create", alice, "{\"name\":\"Tokened\"}", 200, &r);
	char *created = strdup(jstr(r.json, "token"));
	resp_release(&r);
	send_req("PATCH", "/bots/" HELPER_ID, alice, "{\"remove\":[\"Token\"]}", 200, &r);
	char *rotated = strdup(jstr(r.json, "token"));
	resp_release(&r);
	/* a body holding the caller's token (which the answer then holds: the new name)
	 * and other secrets as members (unknown ones, ignored) */
	send_req("PATCH", "/bots/" PUBLIC_ID, alice,
		 "{\"name\":\"" ALICE_SESSION "\", \"token\" : \"" PUBLIC_TOKEN "\",\"secret\":\"" HELPER_SECRET "\"}", 200,
		 NULL);
	/* a control account: its answer is not journaled, its token used afterwards */
	send_req("POST", "/_mock/users", NULL, "{\"username\":\"tokenless\"}", 200, &r);
	char *fresh = strdup(jstr(r.json, "token"));
	resp_release(&r);
	char fresh_h[128];
	snprintf(fresh_h, sizeof(fresh_h), "x-session-token: %s", fresh);
	const char *f[] = {fresh_h, NULL};
	send_req("GET", "/users/@me", f, NULL, 200, NULL);
	/* a state export (every token) is a control request: not recorded */
	int before = listed("");
	send_req("GET", "/_mock/state", NULL, NULL, 200, NULL);
	ck_assert_int_eq(listed(""), before);
	ck_assert_int_eq(before, 9);

	const char *secrets[] = {ALICE_SESSION, BOB_SESSION, CAROL_SESSION, HELPER_TOKEN, PUBLIC_TOKEN,
				 HELPER_SECRET, created,       rotated,       fresh};
	size_t n = sizeof(secrets) / sizeof(secrets[0]);
	read_ok("/_mock/requests", &r);
	expect_absent(r.body, secrets, n, "GET /_mock/requests");
	/* what each kept in place of the token */
	const cJSON *list = jget(r.json, "requests");
	ck_assert_str_eq(jstr(list, "0.headers.x-session-token"), "[redacted]");
	ck_assert_str_eq(jstr(list, "0.headers.x-debug"), "[redacted]");
	ck_assert_str_eq(jstr(list, "0.headers.authorization"), "[redacted]");
	ck_assert_str_eq(jstr(list, "0.headers.cookie"), "[redacted]");
	ck_assert_str_eq(jstr(list, "1.headers.x-bot-token"), "[redacted]");
	ck_assert_str_eq(jstr(list, "1.headers.proxy-authorization"), "[redacted]");
	ck_assert_str_eq(jstr(list, "2.headers.x-oauth2-token"), "[redacted]");
	ck_assert_ptr_nonnull(strstr(jstr(list, "5.response_body"), "\"token\":\"[redacted]\""));
	ck_assert_ptr_nonnull(strstr(jstr(list, "4.response_body"), "\"secret\":\"[redacted]\""));
	ck_assert_ptr_nonnull(strstr(jstr(list, "6.response_body"), "\"token\":\"[redacted]\""));
	ck_assert_ptr_nonnull(strstr(jstr(list, "7.response_body"), "\"username\":\"[redacted]\""));
	ck_assert_str_eq(jstr(list, "7.body"),
			 "{\"name\":\"[redacted]\", \"token\" : \"[redacted]\",\"secret\":\"[redacted]\"}");
	resp_release(&r);
	/* the dashboard's view of the same entries */
	read_ok("/_mock/ui/snapshot", &r);
	char *text = cJSON_PrintUnformatted(jget(r.json, "requests")); /* its state has every token */
	expect_absent(text, secrets, n, "the snapshot's requests");
	free(text);
	resp_release(&r);
	free(created);
	free(rotated);
	free(fresh);
}
END_TEST

/* A body is kept as it came and redacted when the journal is read, with the
 * request's own tokens (journal.c): a request whose token is too long to keep
 * beside it (over 128 bytes: nobody's) has its bodies redacted at once; either
 * way no reader sees the token, however many requests later it reads. */
START_TEST(bodies_redacted_with_the_request_tokens)
{
	char longtok[301], hdr[340], body[400];
	memset(longtok, 'k', 300);
	longtok[300] = 0;
	snprintf(hdr, sizeof(hdr), "x-session-token: %s", longtok);
	const char *longh[] = {hdr, NULL};
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", longtok);
	send_req("PATCH", "/bots/" HELPER_ID, longh, body, 401, NULL);
	cJSON *e = newest();
	ck_assert_str_eq(jstr(e, "body"), "{\"name\":\"[redacted]\"}");
	ck_assert_str_eq(jstr(e, "headers.x-session-token"), "[redacted]");
	cJSON_Delete(e);

	const char *alice[] = {"x-session-token: " ALICE_SESSION, NULL};
	/* a valid name: the bot is renamed after it, so the answer holds it too */
	send_req("PATCH", "/bots/" HELPER_ID, alice, "{\"name\":\"" ALICE_SESSION "\"}", 200, NULL);
	send_req("GET", "/bots/@me", NULL, NULL, 401, NULL); /* another request, without a token */
	struct resp r;
	read_ok("/_mock/requests?method=PATCH", &r);
	const cJSON *list = jget(r.json, "requests");
	const cJSON *last = cJSON_GetArrayItem(list, cJSON_GetArraySize(list) - 1);
	ck_assert_str_eq(jstr(last, "body"), "{\"name\":\"[redacted]\"}");
	ck_assert_ptr_nonnull(strstr(jstr(last, "response_body"), "\"username\":\"[redacted]\""));
	ck_assert_ptr_nonnull(strstr(jstr(last, "response_body"), "\"token\":\"[redacted]\""));
	ck_assert_ptr_null(strstr(r.body, ALICE_SESSION));
	ck_assert_ptr_null(strstr(r.body, longtok));
	resp_release(&r);
}
END_TEST

/* A "token" or "secret" member is found wherever it starts (the search takes eight
 * bytes at a time), and its whole string value goes, escaped quotes included. */
START_TEST(secret_members_are_redacted_at_every_offset)
{
	const char *alice[] = {"x-session-token: " ALICE_SESSION, NULL};
	for (int pad = 0; pad <= 17; pad++) {
		char body[256];
		snprintf(body, sizeof(body), "{\"x\":\"%.*s\",\"token\":\"%s\"}", pad, "abcdefghijklmnopqrstuvwxyz", PUBLIC_TOKEN);
		send_req("PATCH", "/bots/" HELPER_ID, alice, body, 200, NULL);
		cJSON *e = newest();
		char want[256];
		snprintf(want, sizeof(want), "{\"x\":\"%.*s\",\"token\":\"[redacted]\"}", pad, "abcdefghijklmnopqrstuvwxyz");
		ck_assert_str_eq(jstr(e, "body"), want);
		cJSON_Delete(e);
	}
	static const struct {
		const char *sent, *kept;
	} cases[] = {
		/* an escaped quote inside the value: still the value */
		{"{\"secret\":\"a\\\"" PUBLIC_TOKEN "\",\"name\":\"Kept\"}", "{\"secret\":\"[redacted]\",\"name\":\"Kept\"}"},
		/* an escaped backslash just before the closing quote: the value ends there */
		{"{\"secret\":\"" PUBLIC_TOKEN "\\\\\",\"name\":\"Kept\"}", "{\"secret\":\"[redacted]\",\"name\":\"Kept\"}"},
		/* spaces around the colon; a key as a value is no member */
		{"{\"token\" :\t\"" PUBLIC_TOKEN "\",\"x\":[\"token\"]}", "{\"token\" :\t\"[redacted]\",\"x\":[\"token\"]}"},
		/* the end of the body inside the value */
		{"{\"token\":\"" PUBLIC_TOKEN, "{\"token\":\"[redacted]"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resp r;
		ck_assert_int_eq(http(&srv, "PATCH", "/bots/" HELPER_ID, alice, cases[i].sent, &r), 0);
		resp_release(&r);
		cJSON *e = newest();
		ck_assert_str_eq(jstr(e, "body"), cases[i].kept);
		cJSON_Delete(e);
	}
}
END_TEST

/* ---- the answer's body ---------------------------------------------------------------------------------- */

START_TEST(answer_bodies_are_kept_as_sent)
{
	const char *alice[] = {"x-session-token: " ALICE_SESSION, NULL};
	struct resp r;
	/* a JSON answer, a Rocket page, a 501 NotEmulated: the bytes sent */
	send_req("GET", "/users/@me", alice, NULL, 200, &r);
	cJSON *e = newest();
	ck_assert_str_eq(jstr(e, "response_body"), r.body);
	ck_assert_ptr_null(jget(e, "response_body_truncated"));
	cJSON_Delete(e);
	resp_release(&r);
	send_req("GET", "/nowhere", NULL, NULL, 404, &r);
	e = newest();
	ck_assert_uint_gt(r.len, 0);
	ck_assert_str_eq(jstr(e, "response_body"), r.body);
	cJSON_Delete(e);
	resp_release(&r);
	send_req("POST", "/channels/" TEXT_CHANNEL_ID "/messages", alice, "{\"content\":\"hi\"}", 501, &r);
	e = newest();
	ck_assert_str_eq(jstr(e, "response_body"), r.body);
	ck_assert_ptr_nonnull(strstr(r.body, "\"route\":\"POST /channels/{target}/messages\""));
	cJSON_Delete(e);
	resp_release(&r);
	/* nothing sent: a 204, HEAD, a dropped connection */
	send_req("POST", "/bots/create", alice, "{\"name\":\"Gone\"}", 200, &r);
	char path[64];
	snprintf(path, sizeof(path), "/bots/%s", jstr(r.json, "_id"));
	resp_release(&r);
	send_req("DELETE", path, alice, NULL, 204, NULL);
	e = newest();
	ck_assert_int_eq(jget(e, "status")->valueint, 204);
	ck_assert(cJSON_IsNull(jget(e, "response_body")));
	cJSON_Delete(e);
	ck_assert_int_eq(http(&srv, "HEAD", "/users/@me", alice, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	e = newest();
	ck_assert_str_eq(jstr(e, "method"), "HEAD");
	ck_assert(cJSON_IsNull(jget(e, "response_body")));
	cJSON_Delete(e);
	send_req("POST", "/_mock/faults", NULL, "{\"path\":\"/users/@me\",\"drop\":true}", 200, NULL);
	ck_assert_int_eq(http(&srv, "GET", "/users/@me", alice, NULL, &r), -1);
	resp_release(&r);
	e = newest();
	ck_assert_int_eq(jget(e, "status")->valueint, 0);
	ck_assert(cJSON_IsNull(jget(e, "response_body")));
	cJSON_Delete(e);
}
END_TEST

/* text with every occurrence of each secret replaced by [redacted] (caller frees) */
static char *redacted(const char *text, const char *const *secrets, size_t n)
{
	char *out = strdup(text);
	for (size_t i = 0; i < n; i++) {
		char *hit;
		size_t sl = strlen(secrets[i]);
		while ((hit = strstr(out, secrets[i]))) {
			memcpy(hit, "[redacted]", 10);
			memmove(hit + 10, hit + sl, strlen(hit + sl) + 1);
		}
	}
	return out;
}

START_TEST(answer_bodies_are_bounded)
{
	/* two long interactions_url make GET /bots/@me longer than 4096 bytes */
	const char *alice[] = {"x-session-token: " ALICE_SESSION, NULL};
	char body[2200] = "{\"interactions_url\":\"https://x.example/";
	size_t at = strlen(body);
	memset(body + at, 'u', 2000);
	strcpy(body + at + 2000, "\"}");
	send_req("PATCH", "/bots/" HELPER_ID, alice, body, 200, NULL);
	send_req("PATCH", "/bots/" PUBLIC_ID, alice, body, 200, NULL);
	struct resp r;
	send_req("GET", "/bots/@me", alice, NULL, 200, &r);
	ck_assert_uint_gt(r.len, 4096);
	cJSON *e = newest();
	const char *kept = jstr(e, "response_body");
	ck_assert_uint_le(strlen(kept), 4096);
	ck_assert_uint_gt(strlen(kept), 4000);
	ck_assert(cJSON_IsTrue(jget(e, "response_body_truncated")));
	ck_assert_int_eq(jget(e, "response_body_bytes")->valueint, (int)r.len);
	/* the start of what was sent, its tokens and secret redacted first */
	const char *secrets[] = {HELPER_TOKEN, PUBLIC_TOKEN, HELPER_SECRET};
	char *want = redacted(r.body, secrets, 3);
	ck_assert_int_eq(strncmp(kept, want, strlen(kept)), 0);
	free(want);
	cJSON_Delete(e);
	resp_release(&r);
}
END_TEST

/* ---- /count and the route filter ------------------------------------------------------------------------ */

START_TEST(count_and_the_route_filter)
{
	const char *alice[] = {"x-session-token: " ALICE_SESSION, NULL};
	ck_assert_int_eq(listed(""), 0);
	send_req("GET", "/bots/@me", alice, NULL, 200, NULL);
	send_req("GET", "/bots/" HELPER_ID, alice, NULL, 200, NULL);
	send_req("PATCH", "/bots/" HELPER_ID, alice, "{\"name\":\"Counted\"}", 200, NULL);
	send_req("GET", "/0.8/bots/" HELPER_ID, alice, NULL, 200, NULL);
	send_req("GET", "/nowhere", NULL, NULL, 404, NULL);
	send_req("OPTIONS", "/elsewhere", NULL, NULL, 200, NULL); /* Rocket's catch-all: no row */
	send_req("GET", "/servers/" SERVER_ID, alice, NULL, 501, NULL);
	send_req("POST", "/channels/" TEXT_CHANNEL_ID "/messages", alice, "{}", 501, NULL);

	static const struct {
		const char *query;
		int n;
	} cases[] = {
		{"", 8},
		{"?method=get", 5},
		{"?path=/bots/*", 4}, /* /0.8/bots/... too: the path is normalised */
		{"?route=bots.fetch", 2},
		{"?route=bots.fetch&path=/bots/@me", 0},
		{"?route=bots.edit&method=PATCH", 1},
		{"?route=bots.edit&method=GET", 0},
		{"?route=not_emulated", 2},
		{"?route=not_emulated&method=POST", 1},
		{"?route=unmatched", 2},
		{"?route=unmatched&method=OPTIONS", 1},
		{"?route=gateway", 0},     /* none here: test_control_gateway.c */
		{"?route=mock.requests", 0}, /* a control row: never journaled */
		{"?route=", 8},            /* empty: any */
		{"?route=users.fetch", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(listed(cases[i].query) == cases[i].n, "%s: want %d", cases[i].query, cases[i].n);
	/* which entries: not_emulated and unmatched are told by the entries' route */
	struct resp r;
	read_ok("/_mock/requests?route=not_emulated", &r);
	ck_assert_str_eq(jstr(r.json, "requests.0.path"), "/servers/" SERVER_ID);
	ck_assert_str_eq(jstr(r.json, "requests.0.route"), "not_emulated");
	resp_release(&r);
	read_ok("/_mock/requests?route=unmatched", &r);
	ck_assert_str_eq(jstr(r.json, "requests.0.path"), "/nowhere");
	ck_assert(cJSON_IsNull(jget(r.json, "requests.0.route")));
	ck_assert_str_eq(jstr(r.json, "requests.1.method"), "OPTIONS");
	resp_release(&r);

	/* refusals, the list's and the count's alike */
	refused("?route=bots.fetchh", "route: no route is named 'bots.fetchh' (expected a route's name, such as "
				      "bots.edit, or not_emulated, unmatched, gateway)");
	refused("?route=null", "route: no route is named 'null' (expected a route's name, such as bots.edit, or "
			       "not_emulated, unmatched, gateway)");
	refused("?status=200", "query: unknown parameter 'status' (expected method, path, route)");

	/* emptied: nothing to count */
	send_req("DELETE", "/_mock/requests", NULL, NULL, 204, NULL);
	ck_assert_int_eq(listed(""), 0);
	ck_assert_int_eq(listed("?route=bots.fetch"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("journal");
	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_add_checked_fixture(tc, reset, NULL);
	tcase_add_test(tc, headers_are_kept_as_received);
	tcase_add_test(tc, headers_are_bounded_in_count_and_size);
	tcase_add_test(tc, no_token_anywhere_in_the_journal);
	tcase_add_test(tc, secret_members_are_redacted_at_every_offset);
	tcase_add_test(tc, bodies_redacted_with_the_request_tokens);
	tcase_add_test(tc, answer_bodies_are_kept_as_sent);
	tcase_add_test(tc, answer_bodies_are_bounded);
	tcase_add_test(tc, count_and_the_route_filter);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

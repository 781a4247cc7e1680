/* test_dashboard.c: the dashboard's routes (server/dashboard.c) over HTTP: the page
 * and its files with their headers and size, the redirect from /_mock, the snapshot
 * (journal entries with seq and headers, tokens never kept, discriminator changes),
 * the event stream (an event within a second of a change, none for a read, every
 * stream ended when the server stops) and --no-control hiding all of it. The page's
 * behaviour in a browser: tests/browser/. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

#define PAGE_BUDGET (100 * 1024) /* README: the whole page under 100 KB */

static struct server srv;

static void start(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
static void stop(void) { ck_assert_int_eq(server_stop(&srv), 0); }

static void get(const char *path, long status, struct resp *r)
{
	ck_assert_int_eq(http(&srv, "GET", path, NULL, NULL, r), 0);
	ck_assert_msg(r->status == status, "GET %s: %ld, want %ld: %s", path, r->status, status, r->body);
}

static const char CSP[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

START_TEST(the_page_and_its_files)
{
	static const struct {
		const char *path, *type;
	} files[] = {
		{"/_mock/", "text/html; charset=utf-8"},
		{"/0.8/_mock/", "text/html; charset=utf-8"},
		{"/_mock/ui/app.js", "text/javascript; charset=utf-8"},
		{"/_mock/ui/app.css", "text/css; charset=utf-8"},
	};
	size_t total = 0;
	char v[512];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct resp r;
		get(files[i].path, 200, &r);
		ck_assert_str_eq(r.content_type, files[i].type);
		ck_assert_str_eq(resp_header(&r, "content-security-policy", v, sizeof(v)), CSP);
		ck_assert_str_eq(resp_header(&r, "cache-control", v, sizeof(v)), "no-cache");
		ck_assert_str_eq(resp_header(&r, "x-content-type-options", v, sizeof(v)), "nosniff");
		ck_assert_uint_gt(r.len, 1000);
		if (i != 1)
			total += r.len;
		resp_release(&r);
	}
	printf("dashboard: %zu bytes in all (index.html, app.js, app.css)\n", total);
	ck_assert_uint_lt(total, PAGE_BUDGET);

	/* the page names its files relative to itself, and nothing elsewhere */
	struct resp r;
	get("/_mock/", 200, &r);
	ck_assert_ptr_nonnull(strstr(r.body, "src=\"ui/app.js\""));
	ck_assert_ptr_nonnull(strstr(r.body, "href=\"ui/app.css\""));
	ck_assert_ptr_null(strstr(r.body, "http:"));
	ck_assert_ptr_null(strstr(r.body, "https:"));
	ck_assert_ptr_null(strstr(r.body, "<script>")); /* no inline script: the CSP forbids it */
	resp_release(&r);

	/* HEAD as GET, without the body */
	ck_assert_int_eq(http(&srv, "HEAD", "/_mock/ui/app.js", NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.len, 0);
	resp_release(&r);
}
END_TEST

START_TEST(mock_without_slash_redirects_relative)
{
	static const char *const paths[] = {"/_mock", "/0.8/_mock", "//_mock"};
	for (size_t i = 0; i < 3; i++) {
		struct resp r;
		get(paths[i], 307, &r);
		char v[64];
		ck_assert_str_eq(resp_header(&r, "location", v, sizeof(v)), "_mock/");
		ck_assert_uint_eq(r.len, 0);
		resp_release(&r);
	}
}
END_TEST

START_TEST(unknown_files_are_not_found)
{
	static const char *const paths[] = {"/_mock/ui/nothing.js", "/_mock/ui/index.html", "/_mock/ui/app.js.map",
					    "/_mock/ui/..%2Fapp.js"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct resp r;
		get(paths[i], 404, &r);
		ck_assert_str_eq(r.body, "{\"type\":\"NotFound\",\"location\":\"stoat-mock/_mock/ui\"}");
		resp_release(&r);
	}
}
END_TEST

START_TEST(snapshot_is_state_faults_and_new_journal_entries)
{
	struct resp r;
	/* two API requests: one with a token in a header, one with a body */
	const char *hs[] = {"x-session-token: " ALICE_SESSION, "Accept: application/json", NULL};
	ck_assert_int_eq(http(&srv, "GET", "/bots/@me?x=1", hs, NULL, &r), 0);
	resp_release(&r);
	const char *ps[] = {"x-bot-token: " HELPER_TOKEN, "Content-Type: application/json",
			    "Origin: https://app.example", NULL};
	ck_assert_int_eq(http(&srv, "POST", "/bots/create", ps, "{\"name\":\"Snap\"}", &r), 0);
	resp_release(&r);
	get("/_mock/faults", 200, &r); /* control requests are not journaled */
	resp_release(&r);

	struct resp s;
	get("/_mock/ui/snapshot", 200, &s);
	ck_assert_str_eq(s.content_type, "application/json");
	ck_assert(cJSON_IsNumber(jget(s.json, "generation")));
	ck_assert_str_eq(jstr(s.json, "version"), "0.1.0");
	ck_assert_int_eq(jget(s.json, "journal_max")->valueint, 1000);
	ck_assert(cJSON_IsTrue(jget(s.json, "sessions"))); /* the events gateway's list is there */
	ck_assert_int_eq(cJSON_GetArraySize(jget(s.json, "faults")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(jget(s.json, "renames")), 0);
	/* the state is GET /_mock/state's document */
	struct resp st;
	get("/_mock/state", 200, &st);
	char *doc = cJSON_PrintUnformatted(jget(s.json, "state"));
	ck_assert_str_eq(doc, st.body);
	free(doc);
	resp_release(&st);
	/* newest first, with seq and the headers as received, never a token */
	const cJSON *reqs = jget(s.json, "requests");
	ck_assert_int_eq(cJSON_GetArraySize(reqs), 2);
	ck_assert_str_eq(jstr(reqs, "0.method"), "POST");
	ck_assert_str_eq(jstr(reqs, "0.route"), "bots.create");
	ck_assert_str_eq(jstr(reqs, "0.body"), "{\"name\":\"Snap\"}");
	ck_assert_int_eq(jget(reqs, "0.seq")->valueint, 2);
	ck_assert_int_eq(jget(reqs, "1.seq")->valueint, 1);
	ck_assert_str_eq(jstr(reqs, "0.headers.x-bot-token"), "[redacted]");
	ck_assert_str_eq(jstr(reqs, "0.headers.content-type"), "application/json");
	ck_assert_str_eq(jstr(reqs, "0.headers.origin"), "https://app.example");
	ck_assert_str_eq(jstr(reqs, "1.headers.x-session-token"), "[redacted]");
	ck_assert_str_eq(jstr(reqs, "1.headers.accept"), "application/json");
	ck_assert_str_eq(jstr(reqs, "1.query"), "x=1");
	char host[64];
	snprintf(host, sizeof(host), "127.0.0.1:%u", srv.port);
	ck_assert_str_eq(jstr(reqs, "1.headers.host"), host);
	ck_assert_ptr_null(jget(reqs, "1.headers.content-type"));
	char *text = cJSON_PrintUnformatted(reqs);
	ck_assert_ptr_null(strstr(text, ALICE_SESSION));
	ck_assert_ptr_null(strstr(text, HELPER_TOKEN));
	free(text);
	ck_assert_int_eq(jget(s.json, "oldest")->valueint, 1);
	ck_assert_int_eq(jget(s.json, "latest")->valueint, 2);
	/* each entry, headers included, as GET /_mock/requests writes it */
	struct resp j;
	get("/_mock/requests", 200, &j);
	for (int i = 0; i < 2; i++) {
		cJSON *mine = cJSON_Duplicate(cJSON_GetArrayItem(reqs, 1 - i), 1);
		cJSON_DeleteItemFromObject(mine, "seq");
		char *a = cJSON_PrintUnformatted(mine), *b = cJSON_PrintUnformatted(cJSON_GetArrayItem(jget(j.json, "requests"), i));
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
		cJSON_Delete(mine);
	}
	resp_release(&j);
	resp_release(&s);

	/* after=SEQ: only what came since */
	get("/_mock/ui/snapshot?after=2", 200, &s);
	ck_assert_int_eq(cJSON_GetArraySize(jget(s.json, "requests")), 0);
	resp_release(&s);
	get("/_mock/ui/snapshot?after=1", 200, &s);
	ck_assert_int_eq(cJSON_GetArraySize(jget(s.json, "requests")), 1);
	resp_release(&s);
	/* cleared: nothing kept, the numbers go on */
	ck_assert_int_eq(http(&srv, "DELETE", "/_mock/requests", NULL, NULL, &r), 0);
	resp_release(&r);
	get("/nowhere", 404, &r);
	resp_release(&r);
	get("/_mock/ui/snapshot?after=2", 200, &s);
	ck_assert_int_eq(cJSON_GetArraySize(jget(s.json, "requests")), 1);
	ck_assert_int_eq(jget(s.json, "requests.0.seq")->valueint, 3);
	ck_assert_int_eq(jget(s.json, "oldest")->valueint, 3);
	resp_release(&s);

	/* a header value is kept up to 1024 bytes, cut where a character starts */
	char accept[1600] = "Accept: ";
	for (int i = 0; i < 750; i++)
		strcat(accept, "\xC3\xA9"); /* é */
	const char *long_hs[] = {accept, NULL};
	ck_assert_int_eq(http(&srv, "GET", "/long", long_hs, NULL, &r), 0);
	resp_release(&r);
	get("/_mock/ui/snapshot?after=3", 200, &s);
	const char *cut = jstr(s.json, "requests.0.headers.accept");
	ck_assert_ptr_nonnull(cut);
	ck_assert_uint_le(strlen(cut), 1024);
	ck_assert_uint_gt(strlen(cut), 1000);
	ck_assert_uint_eq(strlen(cut) % 2, 0);
	ck_assert_int_eq(strncmp(cut, accept + 8, strlen(cut)), 0);
	ck_assert(cJSON_IsTrue(jget(s.json, "requests.0.headers_truncated")));
	char host_now[64];
	snprintf(host_now, sizeof(host_now), "127.0.0.1:%u", srv.port);
	ck_assert_str_eq(jstr(s.json, "requests.0.headers.host"), host_now);
	resp_release(&s);

	static const char *const bad[] = {"/_mock/ui/snapshot?after=x", "/_mock/ui/snapshot?after=",
					  "/_mock/ui/snapshot?after=1&x=2", "/_mock/ui/snapshot?before=1",
					  "/_mock/ui/snapshot?after=-1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		get(bad[i], 400, &s);
		ck_assert_str_eq(s.body, "{\"type\":\"FailedValidation\",\"error\":\"query: expected after=SEQ (a journal "
					 "sequence number) and nothing else\",\"location\":\"stoat-mock/_mock/ui\"}");
		resp_release(&s);
	}
}
END_TEST

START_TEST(snapshot_names_discriminator_changes)
{
	/* a user Taken#7310: renaming PublicBot#7310 to Taken must change its
	 * discriminator, which starts the real 24-hour limit */
	struct resp r;
	get("/_mock/state", 200, &r);
	cJSON *taken = cJSON_Parse("{\"_id\":\"01HZ8TAKEN0000000000000000\",\"username\":\"Taken\",\"discriminator\":\"7310\"}");
	cJSON_AddItemToArray(cJSON_GetObjectItem(r.json, "users"), taken);
	char *doc = cJSON_PrintUnformatted(r.json);
	resp_release(&r);
	ck_assert_int_eq(http(&srv, "PUT", "/_mock/state", NULL, doc, &r), 0);
	ck_assert_msg(r.status == 204, "%ld %s", r.status, r.body);
	resp_release(&r);
	free(doc);
	/* a rename that keeps the discriminator records nothing */
	ck_assert_int_eq(http_as(&srv, "PATCH", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION,
				 "{\"name\":\"Kept\"}", &r), 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	ck_assert_int_eq(http_as(&srv, "PATCH", "/bots/" PUBLIC_ID, "x-session-token", ALICE_SESSION,
				 "{\"name\":\"Taken\"}", &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_ne(jstr(r.json, "user.discriminator"), "7310");
	resp_release(&r);
	get("/_mock/ui/snapshot", 200, &r);
	const cJSON *ren = jget(r.json, "renames");
	ck_assert_int_eq(cJSON_GetArraySize(ren), 1);
	ck_assert_str_eq(jstr(ren, "0.user"), PUBLIC_ID);
	const char *at = jstr(ren, "0.at"), *until = jstr(ren, "0.until");
	ck_assert_msg(at && strlen(at) == 24 && at[23] == 'Z', "at %s", at ? at : "(none)");
	ck_assert_msg(until && strcmp(until, at) > 0, "until %s", until ? until : "(none)");
	/* a day later to the millisecond */
	struct tm ta = {0}, tu = {0};
	strptime(at, "%Y-%m-%dT%H:%M:%S", &ta);
	strptime(until, "%Y-%m-%dT%H:%M:%S", &tu);
	ck_assert_int_eq((long)(timegm(&tu) - timegm(&ta)), 86400);
	ck_assert_str_eq(at + 19, until + 19);
	resp_release(&r);
	/* reset forgets them, as the store does */
	ck_assert_int_eq(http(&srv, "POST", "/_mock/reset", NULL, NULL, &r), 0);
	resp_release(&r);
	get("/_mock/ui/snapshot", 200, &r);
	ck_assert_int_eq(cJSON_GetArraySize(jget(r.json, "renames")), 0);
	resp_release(&r);
}
END_TEST

/* ---- the event stream -------------------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

struct stream {
	int fd;
	char buf[16384];
	size_t len;
	size_t seen; /* bytes already looked at by next_event */
};

static void stream_open(struct stream *s, const struct server *server)
{
	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)server->port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(connect(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	static const char req[] = "GET /_mock/ui/changes HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
	ck_assert_int_eq(write(s->fd, req, sizeof(req) - 1), (ssize_t)sizeof(req) - 1);
}

/* Reads until one more "data: N" line has come (returns N), the stream ended (-2)
 * or ms passed (-1). */
static long long next_event(struct stream *s, int ms)
{
	long long until = now_ms() + ms;
	for (;;) {
		char *d = s->len > s->seen ? strstr(s->buf + s->seen, "data: ") : NULL;
		char *eol = d ? strstr(d, "\n\n") : NULL;
		if (eol) {
			s->seen = (size_t)(eol - s->buf) + 2;
			return strtoll(d + 6, NULL, 10);
		}
		long long left = until - now_ms();
		struct pollfd p = {s->fd, POLLIN, 0};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		ssize_t n = read(s->fd, s->buf + s->len, sizeof(s->buf) - 1 - s->len);
		if (n <= 0)
			return -2;
		s->len += (size_t)n;
		s->buf[s->len] = 0;
	}
}

static void poke(const char *method, const char *path)
{
	struct resp r;
	ck_assert_int_eq(http_as(&srv, method, path, "x-session-token", ALICE_SESSION, NULL, &r), 0);
	resp_release(&r);
}

START_TEST(the_stream_tells_of_every_change_within_a_second)
{
	struct stream st[3];
	long long first[3];
	for (int i = 0; i < 3; i++) {
		stream_open(&st[i], &srv);
		first[i] = next_event(&st[i], 1000);
		ck_assert_msg(first[i] > 0, "no first event: %s", st[i].buf);
	}
	ck_assert_ptr_nonnull(strstr(st[0].buf, "HTTP/1.1 200"));
	ck_assert_ptr_nonnull(strstr(st[0].buf, "content-type: text/event-stream"));
	ck_assert_ptr_nonnull(strstr(st[0].buf, "cache-control: no-store"));
	ck_assert_ptr_nonnull(strstr(st[0].buf, "retry: 1000\nevent: change\ndata: "));

	/* reads change nothing: no event */
	poke("GET", "/_mock/state");
	poke("GET", "/_mock/ui/snapshot");
	ck_assert_int_eq(next_event(&st[0], 400), -1);

	/* an API request (a journal entry), a control write: an event each, to every
	 * stream, measured from the moment the answer is in */
	static const struct {
		const char *method, *path;
	} changes[] = {{"GET", "/bots/@me"}, {"POST", "/_mock/reset"}, {"GET", "/nowhere"}};
	for (size_t c = 0; c < 3; c++) {
		usleep(150 * 1000); /* past the 100 ms between two events */
		poke(changes[c].method, changes[c].path);
		long long t0 = now_ms();
		for (int i = 0; i < 3; i++) {
			long long g = next_event(&st[i], 1000);
			ck_assert_msg(g > first[i], "%s %s: stream %d got %lld after %lld", changes[c].method, changes[c].path,
				      i, g, first[i]);
			first[i] = g;
		}
		printf("dashboard: %s %s reached 3 streams in %lld ms\n", changes[c].method, changes[c].path, now_ms() - t0);
		ck_assert_int_lt(now_ms() - t0, 1000);
	}
	/* a burst: at most one event per 100 ms, and the last change is told */
	for (int i = 0; i < 50; i++)
		poke("GET", "/bots/@me");
	struct resp r;
	ck_assert_int_eq(http(&srv, "GET", "/_mock/ui/snapshot", NULL, NULL, &r), 0);
	long long gen = (long long)jget(r.json, "generation")->valuedouble;
	resp_release(&r);
	int events = 0;
	long long g = 0;
	while (g < gen) {
		g = next_event(&st[1], 1000);
		ck_assert_msg(g > 0, "the burst's last change was not told (%lld of %lld)", g, gen);
		events++;
	}
	ck_assert_int_le(events, 6);
	for (int i = 0; i < 3; i++)
		close(st[i].fd);
}
END_TEST

START_TEST(a_websocket_session_opening_and_closing_are_changes)
{
	struct stream st;
	stream_open(&st, &srv);
	long long g = next_event(&st, 1000);
	ck_assert_int_gt(g, 0);
	usleep(150 * 1000);
	/* the events gateway: an upgrade with a session token in the query */
	int ws = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)srv.port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(connect(ws, (struct sockaddr *)&a, sizeof(a)), 0);
	static const char up[] = "GET /?version=1&format=json&token=" ALICE_SESSION " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				 "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				 "Sec-WebSocket-Version: 13\r\n\r\n";
	ck_assert_int_eq(write(ws, up, sizeof(up) - 1), (ssize_t)sizeof(up) - 1);
	long long opened = next_event(&st, 1000);
	ck_assert_msg(opened > g, "no event for the session opening (%lld after %lld)", opened, g);
	usleep(300 * 1000); /* authenticated, Ready sent */
	while (next_event(&st, 0) > 0)
		;
	close(ws);
	long long closed = next_event(&st, 1000);
	ck_assert_msg(closed > opened, "no event for the session closing (%lld after %lld)", closed, opened);
	close(st.fd);
}
END_TEST

START_TEST(stopping_ends_every_stream)
{
	struct server s;
	static const char *const args[] = {"--quiet", NULL};
	ck_assert_int_eq(server_start(&s, args), 0);
	struct stream st[2];
	for (int i = 0; i < 2; i++) {
		stream_open(&st[i], &s);
		ck_assert_int_gt(next_event(&st[i], 1000), 0);
	}
	usleep(100 * 1000); /* both suspended, waiting */
	long long t0 = now_ms();
	ck_assert_int_eq(server_stop(&s), 0);
	ck_assert_int_lt(now_ms() - t0, 2000);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(next_event(&st[i], 1000), -2);
		ck_assert_ptr_nonnull(strstr(st[i].buf, "\r\n0\r\n\r\n")); /* the last chunk: a clean end */
		close(st[i].fd);
	}
}
END_TEST

START_TEST(no_control_hides_the_dashboard)
{
	static const char *const args[] = {"--no-control", "--quiet", NULL};
	static const char *const paths[] = {"/_mock", "/_mock/", "/_mock/ui/app.js", "/_mock/ui/app.css",
					    "/_mock/ui/changes", "/_mock/ui/snapshot"};
	struct server s;
	ck_assert_int_eq(server_start(&s, args), 0);
	struct resp unknown;
	ck_assert_int_eq(http(&s, "GET", "/nowhere", NULL, NULL, &unknown), 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct resp r;
		ck_assert_int_eq(http(&s, "GET", paths[i], NULL, NULL, &r), 0);
		ck_assert_msg(r.status == 404, "%s: %ld", paths[i], r.status);
		ck_assert_str_eq(r.body, unknown.body);
		resp_release(&r);
	}
	resp_release(&unknown);
	ck_assert_int_eq(server_stop(&s), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dashboard");
	TCase *tc = tcase_create("dashboard");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, start, stop);
	tcase_add_test(tc, the_page_and_its_files);
	tcase_add_test(tc, mock_without_slash_redirects_relative);
	tcase_add_test(tc, unknown_files_are_not_found);
	tcase_add_test(tc, snapshot_is_state_faults_and_new_journal_entries);
	tcase_add_test(tc, snapshot_names_discriminator_changes);
	tcase_add_test(tc, the_stream_tells_of_every_change_within_a_second);
	tcase_add_test(tc, a_websocket_session_opening_and_closing_are_changes);
	tcase_add_test(tc, stopping_ends_every_stream);
	tcase_add_test(tc, no_control_hides_the_dashboard);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_startup.c: the stoat-mock command line, run as a real process.
 * --help and --version; a bad flag, an unreadable or invalid fixtures file and a
 * busy port each print one line on stderr and exit non-zero without listening;
 * STOAT_MOCK_* environment variables; --db FILE keeps state across restarts and
 * fixtures are never loaded over it; one log line per request; SIGTERM and SIGINT
 * stop the server with exit status 0.
 * EVIDENCE-OF: issue 2 "Skeleton" (CLI); STYLE.md "Startup errors are not API errors". */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

static const char *binary(void)
{
	const char *bin = getenv("STOAT_MOCK_BIN");
	return bin ? bin : "build/stoat-mock";
}

/* ---- a process that is expected to exit ------------------------------------------- */

struct run {
	int status; /* exit status, or -1 when killed */
	char out[16384], err[16384];
};

/* Runs the binary with args (NULL-terminated) and the current environment; waits
 * at most 20 s (a process still running then has half-started: killed, -1). */
static void run(const char *const *args, struct run *res)
{
	int out[2], err[2];
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(pipe(err), 0);
	const char *argv[32] = {binary()};
	int n = 1;
	for (int i = 0; args && args[i]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	memset(res, 0, sizeof(*res));
	size_t lens[2] = {0, 0};
	struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
	char *bufs[2] = {res->out, res->err};
	int open_fds = 2;
	time_t deadline = time(NULL) + 20;
	while (open_fds > 0 && time(NULL) < deadline) {
		if (poll(fds, 2, 200) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
				continue;
			ssize_t got = read(fds[i].fd, bufs[i] + lens[i], sizeof(res->out) - 1 - lens[i]);
			if (got <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			} else {
				lens[i] += (size_t)got;
			}
		}
	}
	int st;
	if (open_fds > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		res->status = -1;
	} else {
		waitpid(pid, &st, 0);
		res->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
}

/* A start-up failure: non-zero, nothing on stdout (it never said "listening"), and
 * exactly one line on stderr, the one given. */
static void expect_refused(const char *const *args, const char *line)
{
	struct run res;
	run(args, &res);
	ck_assert_msg(res.status > 0, "exit status %d, stderr: %s", res.status, res.err);
	ck_assert_str_eq(res.out, "");
	char want[1024];
	snprintf(want, sizeof(want), "stoat-mock: %s\n", line);
	ck_assert_str_eq(res.err, want);
}

static char tmp_path[4][80];

static const char *write_tmp(int slot, const char *text)
{
	snprintf(tmp_path[slot], sizeof(tmp_path[slot]), "/tmp/stoat-startup-%d-%d.json", (int)getpid(), slot);
	FILE *f = fopen(tmp_path[slot], "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return tmp_path[slot];
}

static void cleanup(void)
{
	for (int i = 0; i < 4; i++)
		if (tmp_path[i][0]) {
			char p[sizeof(tmp_path[0]) + 8];
			unlink(tmp_path[i]);
			/* a database file and its WAL companions */
			snprintf(p, sizeof(p), "%.79s-wal", tmp_path[i]);
			unlink(p);
			snprintf(p, sizeof(p), "%.79s-shm", tmp_path[i]);
			unlink(p);
		}
}

/* ---- help, version, bad flags ----------------------------------------------------- */

START_TEST(help)
{
	struct run res;
	const char *args[] = {"--help", NULL};
	run(args, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert(strncmp(res.out, "usage: stoat-mock [options]\n", 28) == 0);
	ck_assert_ptr_nonnull(strstr(res.out, "--fixtures PATH"));
	ck_assert_ptr_nonnull(strstr(res.out, "STOAT_MOCK_DB"));
	ck_assert_str_eq(res.err, "");
}
END_TEST

START_TEST(short_help)
{
	struct run res, full;
	const char *h[] = {"-h", NULL}, *help[] = {"--help", NULL};
	run(h, &res);
	run(help, &full);
	ck_assert_int_eq(res.status, 0);
	ck_assert_str_eq(res.out, full.out);
	ck_assert_str_eq(res.err, "");
}
END_TEST

START_TEST(version)
{
	struct run res;
	const char *args[] = {"--version", NULL};
	run(args, &res);
	ck_assert_int_eq(res.status, 0);
	unsigned a, b, c;
	char nl = 0;
	ck_assert_int_eq(sscanf(res.out, "stoat-mock %u.%u.%u%c", &a, &b, &c, &nl), 4);
	ck_assert_int_eq(nl, '\n');
	ck_assert_str_eq(res.err, "");
}
END_TEST

START_TEST(bad_flags)
{
	const char *unknown[] = {"--nope", NULL};
	expect_refused(unknown, "unknown option '--nope' (see --help)");
	const char *port[] = {"--port", "http", NULL};
	expect_refused(port, "invalid --port 'http': expected a number from 0 to 65535");
	const char *missing[] = {"--db", NULL};
	expect_refused(missing, "option '--db' needs a value");
	setenv("STOAT_MOCK_PORT", "99999", 1);
	expect_refused(NULL, "invalid STOAT_MOCK_PORT '99999': expected a number from 0 to 65535");
	unsetenv("STOAT_MOCK_PORT");
	/* a switch variable is 1, 0, true or false: "maybe" is not on, it is refused */
	setenv("STOAT_MOCK_QUIET", "maybe", 1);
	expect_refused(NULL, "invalid STOAT_MOCK_QUIET 'maybe': expected 1, 0, true or false");
	unsetenv("STOAT_MOCK_QUIET");
	const char *format[] = {"--log-format", "yaml", NULL};
	expect_refused(format, "invalid --log-format 'yaml': expected text or json");
}
END_TEST

/* --healthcheck: 0 and nothing said when the server answers 200; else 1 and one
 * line saying why. */
START_TEST(healthcheck_says_why)
{
	struct server s;
	ck_assert_int_eq(server_start(&s, NULL), 0);
	char port[16], line[256];
	snprintf(port, sizeof(port), "%u", s.port);
	struct run res;
	const char *ok[] = {"--healthcheck", "--port", port, NULL};
	run(ok, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_str_eq(res.out, "");
	ck_assert_str_eq(res.err, "");
	ck_assert_int_eq(server_stop(&s), 0);
	unlink(s.log);

	/* nobody listens there any more */
	run(ok, &res);
	ck_assert_int_eq(res.status, 1);
	snprintf(line, sizeof(line), "stoat-mock: healthcheck failed: cannot connect to 127.0.0.1:%s: Connection refused\n",
		 port);
	ck_assert_str_eq(res.err, line);

	/* a server without the control API answers /_mock/health with its 404 page */
	const char *no_control[] = {"--no-control", NULL};
	ck_assert_int_eq(server_start(&s, no_control), 0);
	snprintf(port, sizeof(port), "%u", s.port);
	run(ok, &res);
	ck_assert_int_eq(res.status, 1);
	snprintf(line, sizeof(line), "stoat-mock: healthcheck failed: GET /_mock/health on 127.0.0.1:%s answered 404, not 200\n",
		 port);
	ck_assert_str_eq(res.err, line);
	ck_assert_int_eq(server_stop(&s), 0);
	unlink(s.log);

	const char *unresolvable[] = {"--healthcheck", "--host", "no-such-host.invalid", NULL};
	run(unresolvable, &res);
	ck_assert_int_eq(res.status, 1);
	ck_assert_msg(strncmp(res.err, "stoat-mock: healthcheck failed: cannot resolve 'no-such-host.invalid': ", 71) == 0,
		      "%s", res.err);
	ck_assert_int_eq(strchr(res.err, '\n') - res.err, (long)strlen(res.err) - 1); /* one line */
}
END_TEST

/* ---- fixtures files -------------------------------------------------------------- */

START_TEST(unreadable_fixtures)
{
	const char *args[] = {"--port", "0", "--fixtures", "/nonexistent/stoat.json", NULL};
	expect_refused(args, "cannot read fixtures '/nonexistent/stoat.json': No such file or directory");
	const char *dir[] = {"--port", "0", "--fixtures", "/tmp", NULL};
	struct run res;
	run(dir, &res);
	ck_assert_int_gt(res.status, 0);
	ck_assert_str_eq(res.out, "");
	ck_assert(strncmp(res.err, "stoat-mock: ", 12) == 0);
}
END_TEST

/* Each problem is named by the JSON path of the value at fault. */
static const struct {
	const char *doc, *problem;
} bad_docs[] = {
	{"{\"users\": [", "$: not valid JSON (near line 1)"},
	{"[]", "$: expected an object with users, bots, servers, channels"},
	{"{\"people\":[]}", "$.people: unknown section (expected users, bots, servers, channels)"},
	{"{\"users\":[{\"_id\":\"not-a-ulid\",\"username\":\"a\",\"discriminator\":\"0001\"}]}",
	 "$.users[0]._id: 'not-a-ulid' is not a ULID (26 Crockford base32 characters)"},
	{"{\"users\":[{\"_id\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"username\":\"a\",\"discriminator\":\"1\"}]}",
	 "$.users[0].discriminator: '1' is not 4 digits"},
	{"{\"users\":[{\"_id\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"username\":\"a\",\"discriminator\":\"0001\","
	 "\"sessions\":[{\"token\":7}]}]}",
	 "$.users[0].sessions[0].token: expected a string"},
	{"{\"bots\":[{\"_id\":\"01J0H3HPB0T5T0KEN000000AAA\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\","
	 "\"username\":\"B\",\"token\":\"t\"}]}",
	 "$.bots[0].owner: no user with _id '01HZ5W2X8A1B3C4D5E6F7G8H9J' (list owners in \"users\" first)"},
};

START_TEST(invalid_fixtures)
{
	char line[1024];
	const char *path = write_tmp(0, bad_docs[_i].doc);
	snprintf(line, sizeof(line), "invalid fixtures (%s): %s", path, bad_docs[_i].problem);
	const char *args[] = {"--port", "0", "--fixtures", path, NULL};
	expect_refused(args, line);
	cleanup();
}
END_TEST

/* ---- the port ----------------------------------------------------------------------- */

/* A listening socket on a free loopback port; returns the fd, *port its number. */
static int occupy_port(unsigned *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	socklen_t l = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &l);
	*port = ntohs(a.sin_port);
	return fd;
}

START_TEST(busy_port)
{
	unsigned port;
	int fd = occupy_port(&port);
	char ps[16], line[128];
	snprintf(ps, sizeof(ps), "%u", port);
	snprintf(line, sizeof(line), "cannot listen on 127.0.0.1:%u: Address already in use", port);
	const char *args[] = {"--port", ps, NULL};
	expect_refused(args, line);
	setenv("STOAT_MOCK_PORT", ps, 1); /* the same through the environment */
	expect_refused(NULL, line);
	unsetenv("STOAT_MOCK_PORT");
	close(fd);
}
END_TEST

/* ---- environment variables ------------------------------------------------------------- */

/* A custom fixture with one user named envy (session "envy-session"). */
#define ENVY_FIXTURE                                                                                   \
	"{\"users\":[{\"_id\":\"01HZ9ENVY00000000000000000\",\"username\":\"envy\",\"discriminator\":\"0042\"," \
	"\"sessions\":[{\"token\":\"envy-session\"}]}]}"

START_TEST(environment_variables)
{
	unsigned port;
	int fd = occupy_port(&port);
	close(fd); /* free again: the server takes it through STOAT_MOCK_PORT */
	char ps[16];
	snprintf(ps, sizeof(ps), "%u", port);
	setenv("STOAT_MOCK_HOST", "127.0.0.1", 1);
	setenv("STOAT_MOCK_PORT", ps, 1);
	setenv("STOAT_MOCK_FIXTURES", write_tmp(0, ENVY_FIXTURE), 1);
	setenv("STOAT_MOCK_DB", write_tmp(1, ""), 1); /* an empty file is a new database */
	setenv("STOAT_MOCK_AUTH_ERRORS", "rocket", 1);

	/* the harness adds --port 0; start by hand to let the environment choose */
	int out[2];
	ck_assert_int_eq(pipe(out), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		freopen("/dev/null", "w", stderr);
		execl(binary(), binary(), (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	char first[512] = "";
	size_t k = 0;
	while (k + 1 < sizeof(first) && read(out[0], first + k, 1) == 1 && first[k] != '\n')
		k++;
	first[k] = 0;
	close(out[0]);
	char want[512];
	snprintf(want, sizeof(want), "listening on http://127.0.0.1:%u (database %s, loaded %s)", port,
		 tmp_path[1], tmp_path[0]);
	ck_assert_msg(strstr(first, want) != NULL, "first line: %s", first);

	struct server s = {.pid = pid, .port = port};
	snprintf(s.base, sizeof(s.base), "http://127.0.0.1:%u", port);
	struct resp r;
	ck_assert_int_eq(http_as(&s, "GET", "/users/@me", "x-session-token", "envy-session", NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(jstr(r.json, "username"), "envy");
	resp_release(&r);
	/* STOAT_MOCK_AUTH_ERRORS=rocket: Rocket's 401 page */
	ck_assert_int_eq(http_as(&s, "GET", "/users/@me", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_int_eq(r.status, 401);
	ck_assert_str_eq(r.content_type, "text/html; charset=utf-8");
	resp_release(&r);
	ck_assert_int_eq(server_stop(&s), 0);
	static const char *const names[] = {"STOAT_MOCK_HOST", "STOAT_MOCK_PORT", "STOAT_MOCK_FIXTURES",
					    "STOAT_MOCK_DB", "STOAT_MOCK_AUTH_ERRORS"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unsetenv(names[i]);
	cleanup();
}
END_TEST

/* ---- --db FILE: state survives a restart, fixtures are not loaded over it ---------- */

START_TEST(db_file_persists)
{
	struct server s;
	struct resp r;
	const char *db = write_tmp(2, "");
	unlink(db); /* a path that does not exist yet: created */
	const char *args[] = {"--db", db, NULL};
	ck_assert_int_eq(server_start(&s, args), 0);
	ck_assert_int_eq(http_as(&s, "PATCH", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION,
				 "{\"name\":\"Persisted\",\"public\":true,\"remove\":[\"Token\"]}", &r), 0);
	ck_assert_int_eq(r.status, 200);
	char *token = strdup(jstr(r.json, "token"));
	char *before = cJSON_PrintUnformatted(r.json);
	resp_release(&r);
	ck_assert_int_eq(http_as(&s, "DELETE", "/bots/" PUBLIC_ID, "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_int_eq(r.status, 204);
	resp_release(&r);
	ck_assert_int_eq(server_stop(&s), 0);

	/* restart on the same file, even with another fixture document: the state stays */
	const char *again[] = {"--db", db, "--fixtures", write_tmp(3, ENVY_FIXTURE), NULL};
	ck_assert_int_eq(server_start(&s, again), 0);
	ck_assert_int_eq(http_as(&s, "PATCH", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION, "{}", &r), 0);
	ck_assert_int_eq(r.status, 200);
	char *after = cJSON_PrintUnformatted(r.json);
	ck_assert_str_eq(after, before);
	resp_release(&r);
	ck_assert_int_eq(http_as(&s, "GET", "/bots/@me", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_int_eq(cJSON_GetArraySize(jget(r.json, "bots")), 1); /* the delete stuck */
	resp_release(&r);
	ck_assert_int_eq(http_as(&s, "GET", "/users/@me", "x-bot-token", token, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200); /* the rotated token */
	resp_release(&r);
	ck_assert_int_eq(http_as(&s, "GET", "/users/@me", "x-session-token", "envy-session", NULL, &r), 0);
	ck_assert_int_eq(r.status, 401); /* the new fixtures were not loaded */
	resp_release(&r);
	ck_assert_int_eq(server_stop(&s), 0);

	/* fixtures are still checked: an invalid document is refused over existing state */
	char line[512];
	snprintf(line, sizeof(line), "invalid fixtures (%s): $: expected an object with users, bots, servers, channels",
		 write_tmp(3, "[]"));
	const char *bad[] = {"--port", "0", "--db", db, "--fixtures", tmp_path[3], NULL};
	expect_refused(bad, line);
	free(token);
	free(before);
	free(after);
	cleanup();
}
END_TEST

/* ---- running: the log line, signals ------------------------------------------------- */

/* "2026-11-25T21:58:35.971Z": ISO 8601, UTC, milliseconds. */
static bool iso_time(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	if (strlen(t) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? t[i] < '0' || t[i] > '9' : t[i] != shape[i])
			return false;
	return true;
}

/* The server's log (stderr) after it stopped, whole. */
static char *read_log(const struct server *s)
{
	FILE *f = fopen(s->log, "r");
	ck_assert_ptr_nonnull(f);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	unlink(s->log);
	return buf;
}

START_TEST(log_line_per_request)
{
	struct server s;
	struct resp r;
	ck_assert_int_eq(server_start(&s, NULL), 0);
	ck_assert_int_eq(http(&s, "GET", "/bots/@me", NULL, NULL, &r), 0);
	resp_release(&r);
	ck_assert_int_eq(http_as(&s, "GET", "/users/@me", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	resp_release(&r);
	ck_assert_int_eq(http_as(&s, "POST", "/channels/x/messages", "x-session-token", ALICE_SESSION, "{}", &r), 0);
	ck_assert_int_eq(r.status, 501);
	resp_release(&r);
	ck_assert_int_eq(server_stop(&s), 0);
	char *log = read_log(&s);
	int seen = 0;
	for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
		char time[32], method[16], path[256], unit[8];
		int status, rest = 0;
		long long us;
		/* TIME METHOD PATH STATUS DURATIONus (issue 18: text lines gain a time) */
		if (sscanf(line, "%31s %15s %255s %d %lld%7s %n", time, method, path, &status, &us, unit, &rest) < 6 ||
		    strcmp(unit, "us") != 0)
			continue;
		ck_assert_msg(iso_time(time), "time '%s'", time);
		ck_assert_int_ge(us, 0);
		if (seen == 0) {
			ck_assert_str_eq(method, "GET");
			ck_assert_str_eq(path, "/bots/@me");
			ck_assert_int_eq(status, 401);
			ck_assert_int_eq(line[rest], 0);
		} else if (seen == 1) {
			ck_assert_str_eq(path, "/users/@me");
			ck_assert_int_eq(status, 200);
			ck_assert_int_eq(line[rest], 0);
		} else {
			/* a not-emulated route says so, naming the real route */
			ck_assert_str_eq(path, "/channels/x/messages");
			ck_assert_int_eq(status, 501);
			ck_assert_str_eq(line + rest, "not emulated: POST /channels/{target}/messages");
		}
		seen++;
	}
	ck_assert_int_eq(seen, 3);
}
END_TEST

/* --log-format json: one object per line, with the route and the auth kind, never a token. */
START_TEST(log_format_json)
{
	struct server s;
	struct resp r;
	const char *args[] = {"--log-format", "json", NULL};
	ck_assert_int_eq(server_start(&s, args), 0);
	ck_assert_int_eq(http_as(&s, "GET", "/users/@me", "x-session-token", ALICE_SESSION, NULL, &r), 0);
	resp_release(&r);
	ck_assert_int_eq(http_as(&s, "GET", "/bots/@me?token=" HELPER_TOKEN, "x-bot-token", HELPER_TOKEN, NULL, &r), 0);
	resp_release(&r);
	ck_assert_int_eq(http_as(&s, "GET", "/servers/x", "x-bot-token", HELPER_TOKEN, NULL, &r), 0);
	resp_release(&r);
	ck_assert_int_eq(http(&s, "GET", "/nope%ff%22", NULL, NULL, &r), 0);
	resp_release(&r);
	ck_assert_int_eq(server_stop(&s), 0);
	char *log = read_log(&s);
	ck_assert_msg(strstr(log, HELPER_TOKEN) == NULL && strstr(log, ALICE_SESSION) == NULL, "a token in %s", log);
	static const struct {
		const char *method, *path, *route, *not_emulated, *auth;
		int status;
	} want[] = {
		{"GET", "/users/@me", "users.fetch_self", NULL, "session", 200},
		{"GET", "/bots/@me", "bots.fetch_owned", NULL, "bot", 200},
		{"GET", "/servers/x", "not_emulated", "GET /servers/{target}", "bot", 501},
		{"GET", "/nope%ff%22", NULL, NULL, "none", 404},
	};
	size_t seen = 0;
	for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] != '{')
			continue; /* "stoat-mock: SIGTERM received, stopping" */
		cJSON *j = cJSON_Parse(line);
		ck_assert_msg(j != NULL, "not JSON: %s", line);
		ck_assert_uint_lt(seen, sizeof(want) / sizeof(want[0]));
		ck_assert(iso_time(jstr(j, "time")));
		ck_assert_str_eq(jstr(j, "method"), want[seen].method);
		ck_assert_str_eq(jstr(j, "path"), want[seen].path);
		if (want[seen].route)
			ck_assert_str_eq(jstr(j, "route"), want[seen].route);
		else
			ck_assert(cJSON_IsNull(jget(j, "route")));
		if (want[seen].not_emulated)
			ck_assert_str_eq(jstr(j, "not_emulated"), want[seen].not_emulated);
		else
			ck_assert_ptr_null(jget(j, "not_emulated"));
		ck_assert_int_eq(jget(j, "status")->valueint, want[seen].status);
		ck_assert(cJSON_IsNumber(jget(j, "duration_us")) && jget(j, "duration_us")->valuedouble >= 0);
		ck_assert_str_eq(jstr(j, "auth"), want[seen].auth);
		/* exactly these keys, in this order */
		static const char *const keys[] = {"time", "method", "path", "route", "not_emulated", "status",
						   "duration_us", "auth"};
		const cJSON *it = j->child;
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (k == 4 && !want[seen].not_emulated)
				continue;
			ck_assert_ptr_nonnull(it);
			ck_assert_str_eq(it->string, keys[k]);
			it = it->next;
		}
		ck_assert_ptr_null(it);
		cJSON_Delete(j);
		seen++;
	}
	ck_assert_uint_eq(seen, sizeof(want) / sizeof(want[0]));
}
END_TEST

/* SIGTERM and SIGINT: a clean stop, exit status 0. */
START_TEST(signals_stop_cleanly)
{
	static const int sigs[] = {SIGTERM, SIGINT};
	for (size_t i = 0; i < 2; i++) {
		struct server s;
		struct resp r;
		ck_assert_int_eq(server_start(&s, NULL), 0);
		ck_assert_int_eq(http(&s, "GET", "/", NULL, NULL, &r), 0);
		ck_assert_int_eq(r.status, 200);
		resp_release(&r);
		kill(s.pid, sigs[i]);
		int st;
		ck_assert_int_eq(waitpid(s.pid, &st, 0), s.pid);
		ck_assert(WIFEXITED(st));
		ck_assert_int_eq(WEXITSTATUS(st), 0);
		unlink(s.log);
	}
}
END_TEST

static Suite *startup_suite(void)
{
	Suite *s = suite_create("startup");
	TCase *tc = tcase_create("cli");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, help);
	tcase_add_test(tc, short_help);
	tcase_add_test(tc, healthcheck_says_why);
	tcase_add_test(tc, version);
	tcase_add_test(tc, bad_flags);
	tcase_add_test(tc, unreadable_fixtures);
	tcase_add_loop_test(tc, invalid_fixtures, 0, sizeof(bad_docs) / sizeof(bad_docs[0]));
	tcase_add_test(tc, busy_port);
	tcase_add_test(tc, environment_variables);
	tcase_add_test(tc, db_file_persists);
	tcase_add_test(tc, log_line_per_request);
	tcase_add_test(tc, log_format_json);
	tcase_add_test(tc, signals_stop_cleanly);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	/* the tests set what they need; nothing from the caller's environment leaks in */
	static const char *const env[] = {"STOAT_MOCK_HOST", "STOAT_MOCK_PORT", "STOAT_MOCK_DB",
					  "STOAT_MOCK_FIXTURES", "STOAT_MOCK_AUTH_ERRORS", "STOAT_MOCK_QUIET",
					  "STOAT_MOCK_NO_CONTROL", "STOAT_MOCK_LOG_FORMAT", "STOAT_MOCK_STRICT_FIXTURES"};
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		unsetenv(env[i]);
	return suite_run(startup_suite());
}

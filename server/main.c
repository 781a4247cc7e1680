/* main.c: flags/env -> config, open the store, load fixtures, serve until SIGTERM
 * or SIGINT, stop. Start-up problems print one line to stderr and exit non-zero
 * before anything listens: never a half-started server. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "fixtures.h"
#include "gateway.h"
#include "http.h"
#include "ids.h"
#include "store.h"
#include "validate.h"

static int die(const char *msg)
{
	fprintf(stderr, "stoat-mock: %s\n", msg);
	return 1;
}

/* Reads a whole file; NULL with errno set on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/* --healthcheck: one GET to the running server; 0 when it answers 200, else 1 and
 * one line on stderr saying what went wrong (a container's health log shows it). */
static int healthcheck(void)
{
	const char *host = strcmp(config.host, "0.0.0.0") == 0 || strcmp(config.host, "::") == 0 ? "127.0.0.1"
												     : config.host;
	const char *path = config.no_control ? "/" : "/_mock/health";
	char why[512] = "";
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_socktype = SOCK_STREAM;
	char port[16];
	snprintf(port, sizeof(port), "%u", config.port);
	int fd = -1, rc = 1;
	int gai = getaddrinfo(host, port, &hints, &res);
	if (gai) {
		snprintf(why, sizeof(why), "cannot resolve '%s': %s", host, gai_strerror(gai));
		goto out;
	}
	fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	struct timeval tv = {2, 0};
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		snprintf(why, sizeof(why), "cannot connect to %s:%s: %s", host, port, strerror(errno));
		goto out;
	}
	char req[256], resp[64] = {0};
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
	if (write(fd, req, (size_t)n) != n) {
		snprintf(why, sizeof(why), "cannot send GET %s to %s:%s: %s", path, host, port, strerror(errno));
		goto out;
	}
	size_t got = 0;
	ssize_t k = 0;
	while (got < sizeof(resp) - 1 && !memchr(resp, '\n', got) &&
	       (k = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
		got += (size_t)k;
	unsigned status = 0;
	if (k < 0 && got == 0)
		snprintf(why, sizeof(why), "no answer to GET %s from %s:%s within 2 s", path, host, port);
	else if (got == 0)
		snprintf(why, sizeof(why), "%s:%s closed the connection without answering GET %s", host, port, path);
	else if (sscanf(resp, "HTTP/%*u.%*u %3u", &status) != 1)
		snprintf(why, sizeof(why), "%s:%s answered GET %s with something that is not HTTP", host, port, path);
	else if (status != 200)
		snprintf(why, sizeof(why), "GET %s on %s:%s answered %u, not 200", path, host, port, status);
	else
		rc = 0;
out:
	if (rc)
		fprintf(stderr, "stoat-mock: healthcheck failed: %s\n", why);
	if (fd >= 0)
		close(fd);
	if (res)
		freeaddrinfo(res);
	return rc;
}

/* An unknown key of the fixture document: one warning line (without
 * --strict-fixtures, which refuses the document instead). */
static void fixture_warning(void *arg, const char *problem)
{
	fprintf(stderr, "stoat-mock: warning: fixtures (%s): %s\n", (const char *)arg, problem);
}

static void print_session(void *arg, const char *token, const char *id, const char *name)
{
	const struct user *u = arg;
	(void)id;
	(void)name;
	printf("  user %-12s %s  x-session-token: %s\n", u->username, u->id, token);
}

/* The newcomer's cheat sheet: the tokens of the loaded state. */
static void print_tokens(void)
{
	struct user *users = NULL;
	struct bot *bots = NULL;
	size_t nu = 0, nb = 0;
	if (store_users_all(&users, &nu) == 0) {
		for (size_t i = 0; i < nu; i++) {
			if (!users[i].bot_owner)
				store_sessions_of(users[i].id, print_session, &users[i]);
			user_release(&users[i]);
		}
	}
	if (store_bots_all(&bots, &nb) == 0) {
		for (size_t i = 0; i < nb; i++) {
			printf("  bot  %s (owner %s)  x-bot-token: %s\n", bots[i].id, bots[i].owner, bots[i].token);
			bot_release(&bots[i]);
		}
	}
	free(users);
	free(bots);
}

int main(int argc, char **argv)
{
	char err[12288];
	config_defaults(&config);
	if (config_parse(&config, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "stoat-mock: %s\n", err);
		return 2;
	}
	if (config.help) {
		fputs(config_usage(), stdout);
		return 0;
	}
	if (config.version) {
		printf("stoat-mock %s\n", STOAT_VERSION);
		return 0;
	}
	if (config.healthcheck)
		return healthcheck();
	if (config.seeded)
		ids_seed(config.seed);
	if (validate_init())
		return die("cannot compile the username patterns (PCRE2 without Unicode support?)");

	size_t flen = 0;
	char *ftext = NULL;
	if (config.fixtures[0]) {
		ftext = read_file(config.fixtures, &flen);
		if (!ftext) {
			snprintf(err, sizeof(err), "cannot read fixtures '%s': %s", config.fixtures, strerror(errno));
			return die(err);
		}
	} else {
		flen = strlen(embedded_default_fixtures);
		ftext = malloc(flen + 1);
		memcpy(ftext, embedded_default_fixtures, flen + 1);
	}
	const char *fname = config.fixtures[0] ? config.fixtures : "bundled fixtures/default.json";

	bool fresh;
	char *why;
	if (store_open(config.db, &fresh, &why)) {
		snprintf(err, sizeof(err), "%s", why ? why : "cannot open the database");
		free(why);
		free(ftext);
		return die(err);
	}
	/* Fixtures are checked in every case; they are kept only in a new database. */
	char ferr[400];
	int frc = store_begin();
	if (frc == 0 && !fresh)
		frc = store_clear();
	if (frc == 0)
		frc = fixtures_load_text_warn(ftext, flen, config.strict_fixtures ? NULL : fixture_warning,
					      (void *)fname, ferr, sizeof(ferr));
	else
		snprintf(ferr, sizeof(ferr), "%s", store_errmsg());
	/* what reset gives back: the fixtures as loaded, with what the loader generated
	 * (a session's _id), not the document again (control_init) */
	cJSON *loaded = frc == 0 ? fixtures_export() : NULL;
	char *start_state = loaded ? cJSON_PrintUnformatted(loaded) : NULL;
	cJSON_Delete(loaded);
	if (frc == 0 && !start_state) {
		frc = -1;
		snprintf(ferr, sizeof(ferr), "cannot read back what was loaded: %s", store_errmsg());
	}
	if (frc) {
		store_rollback();
		snprintf(err, sizeof(err), "invalid fixtures (%s): %s", fname, ferr);
		store_close();
		free(ftext);
		free(start_state);
		return die(err);
	}
	free(ftext);
	if (fresh ? store_commit() : (store_rollback(), 0)) {
		snprintf(err, sizeof(err), "cannot store the fixtures: %s", store_errmsg());
		store_close();
		free(start_state);
		return die(err);
	}
	control_init(start_state, strlen(start_state));
	free(start_state);

	/* signals are taken by sigwait below, in this thread only */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned port;
	if (gateway_start(err, sizeof(err))) {
		store_close();
		return die(err);
	}
	if (http_start(&port, err, sizeof(err))) {
		gateway_stop();
		store_close();
		return die(err);
	}
	config.port = port; /* --port 0: GET / advertises the port actually bound */
	printf("stoat-mock %s listening on http://%s:%u (database %s, %s%s)\n", STOAT_VERSION, config.host, port,
	       config.db, fresh ? "loaded " : "kept existing state; fixtures ", fname);
	if (!config.no_control && !config.quiet) { /* where to look (README "Dashboard") */
		char base[600];
		bool any = strcmp(config.host, "0.0.0.0") == 0 || strcmp(config.host, "::") == 0;
		if (config.public_url[0])
			snprintf(base, sizeof(base), "%s", config.public_url);
		else
			snprintf(base, sizeof(base), "http://%s:%u", any ? "127.0.0.1" : config.host, port);
		size_t n = strlen(base);
		printf("  dashboard: %s%s_mock/\n", base, n && base[n - 1] == '/' ? "" : "/");
	}
	/* only a state fresh from the fixture document: its tokens are in that file
	 * already; tokens made at run time (kept in a --db file) are never printed */
	if (!config.quiet && fresh)
		print_tokens();
	fflush(stdout);

	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "stoat-mock: %s received, stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	gateway_stop(); /* every WebSocket session ends before the daemon stops */
	http_stop();
	control_shutdown();
	store_close();
	return 0;
}

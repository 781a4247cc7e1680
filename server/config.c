/* config.c: flags, environment variables, defaults and the --help text. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct config config;

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->host, sizeof(c->host), "127.0.0.1");
	c->port = 14702;
	snprintf(c->db, sizeof(c->db), ":memory:");
	c->journal = 1000;
	c->auth_errors = AUTH_ERRORS_DOCUMENTED;
	c->max_connections = 256;
	c->timeout_s = 30;
	c->max_header_bytes = 32 * 1024;
	c->max_sessions = 1024;
	c->ready_policy = READY_POLICY_REAL;
	c->ws_max_message = 1024 * 1024;
	c->ws_max_queue = 4 * 1024 * 1024;
	c->ws_error_grace_ms = 100;
}

const char *config_usage(void)
{
	return "usage: stoat-mock [options]\n"
	       "\n"
	       "An emulator of the Stoat (Revolt) bots API for client integration tests.\n"
	       "\n"
	       "  --host ADDR          listen address (STOAT_MOCK_HOST, default 127.0.0.1;\n"
	       "                       use 0.0.0.0 inside a container)\n"
	       "  --port N             TCP port, 0 = any free port (STOAT_MOCK_PORT, default 14702)\n"
	       "  --db PATH            SQLite database (STOAT_MOCK_DB, default :memory:); a file\n"
	       "                       keeps state across restarts, fixtures load only into a new one\n"
	       "  --fixtures PATH      fixture document (STOAT_MOCK_FIXTURES, default: the bundled\n"
	       "                       fixtures/default.json)\n"
	       "  --seed N             deterministic ids, tokens and secrets (STOAT_MOCK_SEED)\n"
	       "  --journal N          requests kept by GET /_mock/requests (STOAT_MOCK_JOURNAL, 1000)\n"
	       "  --no-control         turn off the /_mock control API (STOAT_MOCK_NO_CONTROL=1)\n"
	       "  --rate-limits        emulate the real rate limits and X-RateLimit-* headers\n"
	       "                       (STOAT_MOCK_RATE_LIMITS=1)\n"
	       "  --auth-errors MODE   documented (401 InvalidSession JSON, default) or rocket\n"
	       "                       (the deployed server's 401 page) (STOAT_MOCK_AUTH_ERRORS)\n"
	       "  --public-url URL     base URL GET / advertises (STOAT_MOCK_PUBLIC_URL,\n"
	       "                       default http://HOST:PORT)\n"
	       "  --max-connections N  concurrent connections (STOAT_MOCK_MAX_CONNECTIONS, 256)\n"
	       "  --timeout S          seconds a connection may idle, and a request may take to\n"
	       "                       arrive (STOAT_MOCK_TIMEOUT, 30)\n"
	       "  --max-header-bytes N request line + headers limit (STOAT_MOCK_MAX_HEADER_BYTES,\n"
	       "                       32768); larger requests are answered 431\n"
	       "  --quiet              no per-request log line (STOAT_MOCK_QUIET=1)\n"
	       "  --log-format FORMAT  text (TIME METHOD PATH STATUS DURATION, default) or json (one\n"
	       "                       object per line) (STOAT_MOCK_LOG_FORMAT)\n"
	       "  --strict-fixtures    refuse a fixture document with an unknown key instead of\n"
	       "                       warning (STOAT_MOCK_STRICT_FIXTURES=1)\n"
	       "  --max-sessions N     live events WebSocket sessions (STOAT_MOCK_MAX_SESSIONS,\n"
	       "                       1024); one more is refused 503 TooManySessions\n"
	       "  --ready-policy-changes MODE\n"
	       "                       real (Ready has policy_changes for users only, default) or\n"
	       "                       always (bots too) (STOAT_MOCK_READY_POLICY_CHANGES)\n"
	       "  --ws-max-message BYTES  largest inbound WebSocket message (STOAT_MOCK_WS_MAX_MESSAGE,\n"
	       "                       1048576); larger: Close 1009\n"
	       "  --ws-max-queue BYTES bytes queued for one slow session (STOAT_MOCK_WS_MAX_QUEUE,\n"
	       "                       4194304); over it that session is dropped\n"
	       "  --ws-error-grace-ms MS  from an Error or Logout frame to the TCP drop\n"
	       "                       (STOAT_MOCK_WS_ERROR_GRACE_MS, 100)\n"
	       "  --healthcheck        ask the server at HOST:PORT for /_mock/health (or /), exit 0\n"
	       "                       when it answers 200, else 1 and one line saying why\n"
	       "                       (container HEALTHCHECK)\n"
	       "  -h, --help, --version\n"
	       "\n"
	       "Switches set by environment variable take 1 or true (on), 0 or false (off).\n"
	       "Log: one line per request on stderr: time, method, path, status, microseconds\n"
	       "(--log-format json adds the route and the kind of auth, never a token).\n";
}

static int set_uint(unsigned *out, const char *v, const char *name, unsigned min, unsigned max, char *err,
		    size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || errno || n < min || n > max || v[0] == '-') {
		snprintf(err, errlen, "invalid %s '%s': expected a number from %u to %u", name, v, min, max);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static int set_str(char *out, size_t size, const char *v, const char *name, char *err, size_t errlen)
{
	if (strlen(v) >= size) {
		snprintf(err, errlen, "%s is too long", name);
		return -1;
	}
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

/* A switch's environment variable: 1/true on, 0/false off, anything else refused
 * (a typo such as "ture" or "maybe" must not silently mean on). */
static int set_switch(bool *out, const char *v, const char *name, char *err, size_t errlen)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		*out = true;
	else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		*out = false;
	else {
		snprintf(err, errlen, "invalid %s '%s': expected 1, 0, true or false", name, v);
		return -1;
	}
	return 0;
}

/* An option whose value is one of a few words: the word's place in the list is the
 * value of the config's enum field (0, 1, ...). */
static int set_choice(int *out, const char *v, const char *const *words, const char *name, char *err, size_t errlen)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0) {
			*out = i;
			return 0;
		}
	int n = snprintf(err, errlen, "invalid %s '%s': expected ", name, v);
	for (int i = 0; words[i] && n >= 0 && (size_t)n < errlen; i++)
		n += snprintf(err + n, errlen - (size_t)n, "%s%s", i == 0 ? "" : words[i + 1] ? ", " : " or ", words[i]);
	return -1;
}

enum opt_kind { OPT_STR, OPT_UINT, OPT_FLAG, OPT_SEED, OPT_CHOICE };

static const struct option_row {
	const char *flag, *env;
	enum opt_kind kind;
	size_t offset, size;
	unsigned min, max;
	const char *const *words; /* OPT_CHOICE */
} options[] = {
#define STR(f, e, field) {f, e, OPT_STR, offsetof(struct config, field), sizeof(((struct config *)0)->field), 0, 0, NULL}
#define UINT(f, e, field, lo, hi) {f, e, OPT_UINT, offsetof(struct config, field), 0, lo, hi, NULL}
#define FLAG(f, e, field) {f, e, OPT_FLAG, offsetof(struct config, field), 0, 0, 0, NULL}
/* the words in the order of the field's enum values */
#define CHOICE(f, e, field, ...) \
	{f, e, OPT_CHOICE, offsetof(struct config, field), 0, 0, 0, (const char *const[]){__VA_ARGS__, NULL}}
	STR("--host", "STOAT_MOCK_HOST", host),
	UINT("--port", "STOAT_MOCK_PORT", port, 0, 65535),
	STR("--db", "STOAT_MOCK_DB", db),
	STR("--fixtures", "STOAT_MOCK_FIXTURES", fixtures),
	STR("--public-url", "STOAT_MOCK_PUBLIC_URL", public_url),
	{"--seed", "STOAT_MOCK_SEED", OPT_SEED, 0, 0, 0, 0, NULL},
	UINT("--journal", "STOAT_MOCK_JOURNAL", journal, 0, 1000000),
	FLAG("--no-control", "STOAT_MOCK_NO_CONTROL", no_control),
	FLAG("--rate-limits", "STOAT_MOCK_RATE_LIMITS", rate_limits),
	CHOICE("--auth-errors", "STOAT_MOCK_AUTH_ERRORS", auth_errors, "documented", "rocket"),
	UINT("--max-connections", "STOAT_MOCK_MAX_CONNECTIONS", max_connections, 1, 100000),
	UINT("--timeout", "STOAT_MOCK_TIMEOUT", timeout_s, 1, 86400),
	UINT("--max-header-bytes", "STOAT_MOCK_MAX_HEADER_BYTES", max_header_bytes, 1024, 1048576),
	FLAG("--quiet", "STOAT_MOCK_QUIET", quiet),
	CHOICE("--log-format", "STOAT_MOCK_LOG_FORMAT", log_format, "text", "json"),
	FLAG("--strict-fixtures", "STOAT_MOCK_STRICT_FIXTURES", strict_fixtures),
	UINT("--max-sessions", "STOAT_MOCK_MAX_SESSIONS", max_sessions, 0, 100000),
	CHOICE("--ready-policy-changes", "STOAT_MOCK_READY_POLICY_CHANGES", ready_policy, "real", "always"),
	UINT("--ws-max-message", "STOAT_MOCK_WS_MAX_MESSAGE", ws_max_message, 128, 1U << 30),
	UINT("--ws-max-queue", "STOAT_MOCK_WS_MAX_QUEUE", ws_max_queue, 1024, 1U << 30),
	UINT("--ws-error-grace-ms", "STOAT_MOCK_WS_ERROR_GRACE_MS", ws_error_grace_ms, 0, 60000),
	FLAG("--healthcheck", NULL, healthcheck),
	FLAG("--help", NULL, help),
	FLAG("-h", NULL, help),
	FLAG("--version", NULL, version),
#undef STR
#undef UINT
#undef FLAG
#undef CHOICE
};
/* CHOICE fields are enums written as int (set_choice) */
_Static_assert(sizeof(enum auth_errors) == sizeof(int) && sizeof(enum log_format) == sizeof(int) &&
		       sizeof(enum ready_policy) == sizeof(int), "an enum option is not int-sized");

static int apply(struct config *c, const struct option_row *o, const char *v, bool from_env, char *err,
		 size_t errlen)
{
	char *base = (char *)c;
	const char *name = from_env ? o->env : o->flag;
	switch (o->kind) {
	case OPT_STR:
		return set_str(base + o->offset, o->size, v, name, err, errlen);
	case OPT_UINT:
		return set_uint((unsigned *)(base + o->offset), v, name, o->min, o->max, err, errlen);
	case OPT_FLAG:
		if (from_env)
			return set_switch((bool *)(base + o->offset), v, name, err, errlen);
		*(bool *)(base + o->offset) = true;
		return 0;
	case OPT_SEED: {
		char *end;
		errno = 0;
		unsigned long long s = strtoull(v, &end, 10);
		if (!*v || *end || errno || v[0] == '-') {
			snprintf(err, errlen, "invalid %s '%s': expected a non-negative integer", name, v);
			return -1;
		}
		c->seeded = true;
		c->seed = s;
		return 0;
	}
	case OPT_CHOICE:
		return set_choice((int *)(base + o->offset), v, o->words, name, err, errlen);
	}
	return -1;
}

int config_parse(struct config *c, int argc, char **argv, char *err, size_t errlen)
{
	const size_t n = sizeof(options) / sizeof(options[0]);
	for (size_t i = 0; i < n; i++) {
		const char *v = options[i].env ? getenv(options[i].env) : NULL;
		if (v && apply(c, &options[i], v, true, err, errlen))
			return -1;
	}
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a], *val = NULL;
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
		const struct option_row *o = NULL;
		for (size_t i = 0; i < n; i++)
			if (strlen(options[i].flag) == len && strncmp(options[i].flag, arg, len) == 0)
				o = &options[i];
		if (!o) {
			snprintf(err, errlen, "unknown option '%s' (see --help)", arg);
			return -1;
		}
		if (o->kind != OPT_FLAG) {
			if (eq)
				val = eq + 1;
			else if (a + 1 < argc)
				val = argv[++a];
			else {
				snprintf(err, errlen, "option '%s' needs a value", o->flag);
				return -1;
			}
		} else if (eq) {
			snprintf(err, errlen, "option '%s' takes no value", o->flag);
			return -1;
		}
		if (apply(c, o, val ? val : "1", false, err, errlen))
			return -1;
	}
	return 0;
}

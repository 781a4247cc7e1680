/* config.h: options from flags and STOAT_MOCK_* environment variables.
 * Precedence: flag > environment > default. config_parse never exits; main decides. */
#ifndef STOAT_CONFIG_H
#define STOAT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --ready-policy-changes: when Ready carries policy_changes (events.md §2) */
enum ready_policy {
	READY_POLICY_REAL,   /* non-bots only, as the real server (default) */
	READY_POLICY_ALWAYS, /* bots too: stoat.js 7.3.4 reads its length */
};

/* --log-format: the access log line (accesslog.h) */
enum log_format {
	LOG_FORMAT_TEXT, /* "TIME METHOD PATH STATUS DURATIONus" (default) */
	LOG_FORMAT_JSON, /* one JSON object per line */
};

enum auth_errors {
	AUTH_ERRORS_DOCUMENTED, /* 401 {"type":"InvalidSession"} (README decision 2) */
	AUTH_ERRORS_ROCKET,     /* Rocket's 401 catcher page, as the deployed server */
};

struct config {
	char host[256];
	unsigned port;
	char db[4096];
	char fixtures[4096];  /* "" = the bundled default */
	char public_url[512]; /* base URL that GET / points clients at; "" = http://host:port */
	bool seeded;
	uint64_t seed;
	unsigned journal;     /* entries kept by /_mock/requests */
	bool no_control;
	bool rate_limits;
	enum auth_errors auth_errors;
	unsigned max_connections;
	unsigned timeout_s;   /* idle/per-connection timeout */
	unsigned max_header_bytes;
	bool quiet;           /* no per-request log line */
	enum log_format log_format;
	bool strict_fixtures; /* an unknown key in the fixture document is refused, not warned */
	/* the events WebSocket (ws.c, gateway.c) */
	unsigned max_sessions;      /* live WebSocket sessions; more are refused 503 */
	enum ready_policy ready_policy;
	unsigned ws_max_message;    /* bytes of one inbound message; more: Close 1009 */
	unsigned ws_max_queue;      /* bytes queued for one session; more: it is dropped */
	unsigned ws_error_grace_ms; /* from an Error (or Logout) frame to the drop */
	bool help, version, healthcheck;
};

/* The configuration the running server uses (set by main, read everywhere). */
extern struct config config;

void config_defaults(struct config *c);
/* Reads environment then argv into c. Returns 0, or -1 with a one-line message
 * in err (caller-provided buffer). */
int config_parse(struct config *c, int argc, char **argv, char *err, size_t errlen);
/* The --help text. */
const char *config_usage(void);

#endif

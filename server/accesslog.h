/* accesslog.h: the access log line, one per finished request, on stderr.
 *
 * http.c collects an entry when libmicrohttpd completes a request and writes the
 * line this module formats (--quiet: neither). Two formats (--log-format):
 *
 *   text  2026-11-25T21:58:35.971Z GET /bots/@me 200 1136us
 *         2026-11-25T21:58:35.972Z POST /channels/x/messages 501 48us not emulated: POST /channels/{target}/messages
 *         2026-11-25T21:58:35.973Z PATCH /bots/x closed (fault: drop) 12us
 *   json  {"time":"2026-11-25T21:58:35.971Z","method":"GET","path":"/bots/@me",
 *          "route":"bots.fetch_owned","status":200,"duration_us":1136,"auth":"session"}
 *         (one line; "not_emulated" names the real route of a 501, "closed" says why
 *         a connection got no answer, with "status": 0)
 *
 * time is the wall clock in UTC with milliseconds (ISO 8601), as the journal's. path
 * is the request target without its query (libmicrohttpd keeps the query apart), so
 * a token sent as ?token= never reaches the line; auth is the kind of auth header
 * (auth_header_kind), never its value; route is the route row's name (routes.h),
 * absent (JSON null) when no route answered. In JSON the path is written as valid
 * UTF-8: bytes that are not become U+FFFD. */
#ifndef STOAT_ACCESSLOG_H
#define STOAT_ACCESSLOG_H

#include <time.h>

#include "config.h"
#include "strbuf.h"

struct accesslog_entry {
	struct timespec time;     /* CLOCK_REALTIME, when the request ended */
	const char *method, *path;
	const char *route;        /* the route row's name, or NULL */
	const char *not_emulated; /* the real route answered 501 NotEmulated ("GET /servers/{target}"), or NULL */
	const char *auth;         /* "bot", "session", "oauth2", "none"; NULL counts as "none" */
	int status;               /* 0: the connection closed without an answer */
	const char *closed;       /* why, when status is 0 ("fault: drop", "client or timeout") */
	long long duration_us;
};

/* Appends the line for e, newline included, to out. */
void accesslog_format(struct strbuf *out, enum log_format format, const struct accesslog_entry *e);

#endif

/* journal.h: the request journal of the control API (GET /_mock/requests).
 *
 * A ring of the last N finished requests (N = --journal, default 1000; 0 keeps
 * none), oldest first. Each entry holds what a test needs to check what its client
 * sent and what it got back: time, method, path, query, the request headers, the
 * kind of auth header, the route, status, duration, the request body and the
 * answer's body (each at most JOURNAL_BODY_MAX bytes) and the fault applied; for
 * the dashboard also a sequence number.
 *
 * The headers are every line as received, not only those the server reads: a test
 * asks what its client sent (its User-Agent, a Content-Length, a header of its own,
 * a header sent twice), and a header the server ignores is often the mistake.
 * Names are lower-case (HTTP's are case-insensitive, and hyper, under the real
 * server, writes them so); a name sent twice has its values joined by ", ", what
 * RFC 9110 5.3 says the two lines mean. They are bounded because a header block may
 * be 32 KiB (--max-header-bytes) and the ring holds up to --journal entries: the
 * first JOURNAL_HEADERS_MAX lines (a browser sends about 20), each value cut to
 * JOURNAL_HEADER_VALUE_MAX bytes where a character starts, JOURNAL_HEADERS_BYTES of
 * names and values in all; "headers_truncated" says something was left out or cut.
 * A byte that is not UTF-8 reads U+FFFD.
 *
 * It never shows a token. Auth is recorded as its header kind only ("bot",
 * "session", "oauth2", "none"). The token headers and the other credential headers
 * (x-session-token, x-bot-token, x-oauth2-token, authorization,
 * proxy-authorization, cookie) read "[redacted]", and so does any other header
 * value holding one of the request's tokens. In both bodies, the request's own
 * token values and the string value of every "token" or "secret" member (a bot's
 * token, an OAuth2 client secret: what bots.create, bots.fetch, bots.fetch_owned and
 * bots.edit with remove Token answer) are replaced by "[redacted]". The control
 * API's own requests (which carry whole states and new tokens) are not recorded.
 * The headers are redacted as they are recorded; a body or answer that fits its
 * bound is kept as it came, beside the request's tokens, and redacted each time
 * the journal is read (PERF: journal.c), so the ring in memory holds such tokens
 * as the store does, and no reader ever sees one.
 *
 * The events WebSocket's sessions are recorded too, interleaved in arrival order:
 * their connect, authenticate and close (journal_gateway), never a token (the
 * query's token values are "[redacted]", an Authenticate frame's token is never
 * passed in).
 *
 * Thread-safe: HTTP requests are recorded under the dispatcher's lock, gateway
 * events on the gateway thread; a mutex of its own guards the ring (taken after
 * the server lock, never while waiting for anything else). */
#ifndef STOAT_JOURNAL_H
#define STOAT_JOURNAL_H

#include <cjson/cJSON.h>

#include "request.h"

/* Records one finished request. duration_us: from the dispatcher's start;
 * fault: the id of the fault applied ("" for none). */
void journal_record(const struct request *rq, const struct reply *rp, long long duration_us, const char *fault);

/* The headers of an upgrade request as an HTTP entry keeps them, for the events
 * WebSocket's connect entry: the JSON text {"headers": {...}} (and
 * "headers_truncated": true when a line was left out or cut), the same bounds and
 * redaction; tok: the tokens the request carried (NULL: none). NULL when nothing is
 * journaled. Caller frees. */
char *journal_headers_text(const struct request_header *lines, int n, bool more, const char *const tok[3]);

/* Records an event of an events WebSocket session (gateway.c, on its thread).
 * fields is the entry without its time ({"gateway": "connect", "session": ...};
 * taken); path is the session's upgrade path, what ?path= matches. */
void journal_gateway(const char *path, cJSON *fields);

/* Which entries journal_list and journal_count keep: those that pass every member
 * given (NULL: any). */
struct journal_filter {
	const char *method; /* equal, any case; a gateway entry has none: left out */
	const char *path;   /* a pattern (path_glob) the normalised path matches; a
			     * gateway entry's path is its upgrade path */
	const char *route;  /* a route row's name ("bots.edit"; "not_emulated" for a
			     * 501 NotEmulated), JOURNAL_UNMATCHED (route null: no row
			     * answered, a 404 page, the OPTIONS catch-all, or an answer
			     * before routing: a bad Origin, a rate limit, an unknown
			     * method) or JOURNAL_GATEWAY (the events WebSocket's entries) */
};
#define JOURNAL_UNMATCHED "unmatched"
#define JOURNAL_GATEWAY "gateway"

/* {"requests": [...]} oldest first, the entries f keeps. Caller frees. */
cJSON *journal_list(const struct journal_filter *f);

/* How many entries f keeps. */
size_t journal_count(const struct journal_filter *f);

/* For the dashboard (GET /_mock/ui/snapshot): the entries after seq `after`,
 * newest first, at most limit of them, each as journal_list writes it plus "seq"
 * (1, 2, ... in arrival order, never reused in a process). *oldest: the seq of the
 * oldest entry kept (the next one when empty); *latest: the last seq given. Caller
 * frees. */
cJSON *journal_since(unsigned long long after, size_t limit, unsigned long long *oldest, unsigned long long *latest);

void journal_clear(void);

#endif

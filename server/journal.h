/* journal.h: the request journal of the control API (GET /_mock/requests).
 *
 * A ring of the last N finished requests (N = --journal, default 1000; 0 keeps
 * none), oldest first. Each entry holds what a test needs to check what its client
 * sent: time, method, path, query, the kind of auth header, status, duration, the
 * request body (at most JOURNAL_BODY_MAX bytes), the route and the fault applied;
 * for the dashboard also a sequence number and the request headers the server
 * reads (a token header by name only).
 *
 * It never holds a token: auth is recorded as its header kind only ("bot",
 * "session", "oauth2", "none"), any occurrence of the request's own token values
 * in its body is replaced by "[redacted]", response bodies are not kept, and the
 * control API's own requests (which carry whole states and new tokens) are not
 * recorded at all.
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

/* Records an event of an events WebSocket session (gateway.c, on its thread).
 * fields is the entry without its time ({"gateway": "connect", "session": ...};
 * taken); path is the session's upgrade path, what ?path= matches. */
void journal_gateway(const char *path, cJSON *fields);

/* {"requests": [...]} oldest first, keeping the entries whose method equals method
 * (case-insensitive; NULL = any) and whose normalised path matches the pattern path
 * (path_glob; NULL = any). A gateway entry has no method: a method filter leaves
 * it out, a path filter matches its upgrade path. Caller frees. */
cJSON *journal_list(const char *method, const char *path);

/* For the dashboard (GET /_mock/ui/snapshot): the entries after seq `after`,
 * newest first, at most limit of them, each as journal_list writes it plus "seq"
 * (1, 2, ... in arrival order, never reused in a process) and "headers" (those the
 * server reads, a token header as "[redacted]"). *oldest: the seq of the oldest
 * entry kept (the next one when empty); *latest: the last seq given. Caller frees. */
cJSON *journal_since(unsigned long long after, size_t limit, unsigned long long *oldest, unsigned long long *latest);

void journal_clear(void);

#endif

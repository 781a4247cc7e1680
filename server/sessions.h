/* sessions.h: the registry of live events WebSocket sessions, shared by the
 * gateway thread (which alone changes it) and the HTTP handlers (which read it:
 * presence for User renders, GET /_mock/sessions).
 *
 * One mutex guards everything here and is held only for a few instructions at a
 * time. Lock order: the store lock (server_lock) before this one, never the other
 * way round, so a holder of this mutex never waits for the store and an HTTP
 * handler never waits for the gateway thread.
 *
 * Topics (events.md §5.1) are plain strings: a user id, "<user>!" (private), a
 * server id, "<server>u" (member events), a channel id. A session keeps its own
 * sorted set (sessions_match), and an index keeps, for each topic, the sessions
 * holding it: an event goes to every authenticated session holding one of its
 * topics, once (sessions_subscribed). PERF: an event costs a lookup per topic
 * and a step per subscriber, however many other sessions are open; the pass over
 * every session it replaced cost about 50 us per event with 1 000 idle sessions
 * open (docs/performance.md#gateway). */
#ifndef STOAT_SESSIONS_H
#define STOAT_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the session authenticated. */
enum token_kind { TOKEN_NONE, TOKEN_SESSION, TOKEN_BOT };

#define SESSION_ID_MAX 24
#define SESSION_USER_MAX 64

struct session {
	/* set once by sessions_add */
	char id[SESSION_ID_MAX]; /* "ws-N", N from 1, never reused while the server runs */
	char *path;              /* the request path of the upgrade */
	char *query;             /* its query, token value replaced by "[redacted]" */
	char format[8];          /* "json" */
	int version;
	long long connected_ms;  /* wall clock, ms since the epoch */
	/* written by the gateway thread under the mutex; read by it without */
	bool authenticated;      /* its token was accepted */
	bool ready;              /* its Ready was sent (later than Authenticated under a delay_ready fault) */
	char user[SESSION_USER_MAX];
	enum token_kind kind;
	bool bot;
	long long last_ping_ms;  /* 0: never */
	unsigned long long frames_in, frames_out;
	uint64_t ready_seq;      /* events committed before its Ready are not sent to it */
	uint64_t mark;           /* sessions_subscribed's: taken once per call */
	char **topics;           /* sorted, unique */
	size_t ntopics, topics_cap;
	void *owner;             /* the gateway's own state for this session */
	struct session *prev, *next; /* oldest first */
};

/* Slots for --max-sessions, taken before the upgrade is answered and given back
 * when the session ends (or the upgrade fails). */
bool sessions_reserve(unsigned max);
void sessions_unreserve(void);

/* A new, unauthenticated session (path and query copied). NULL when out of memory. */
struct session *sessions_add(const char *path, const char *query, const char *format, int version);
/* Unlinks and frees s (its topics too). */
void sessions_remove(struct session *s);
void sessions_authenticate(struct session *s, const char *user_id, enum token_kind kind, bool bot);
void sessions_ready(struct session *s);
/* "session", "bot", or NULL for TOKEN_NONE. */
const char *sessions_kind_name(enum token_kind kind);

void sessions_subscribe(struct session *s, const char *topic);
void sessions_unsubscribe(struct session *s, const char *topic);
/* Does s hold one of topics[0..n)? The gateway thread, or a sessions_each fn. */
bool sessions_match(const struct session *s, const char *const *topics, size_t n);
/* Gateway thread: every session holding one of topics[0..n), each once, in the
 * order they subscribed to the first topic that has them; *count of them, in an
 * array the caller frees (NULL when none, or out of memory). */
struct session **sessions_subscribed(const char *const *topics, size_t n, size_t *count);
/* Any thread: does a session hold one of topics[0..n) now? */
bool sessions_anyone_subscribed(const char *const *topics, size_t n);
/* Any thread: is a session past Authenticate? (A session counts from
 * sessions_authenticate, before its Ready is built under the store lock, so a
 * reader holding that lock sees every session whose Ready was built before.) */
bool sessions_any_authenticated(void);

void sessions_frame(struct session *s, bool inbound);
void sessions_ping(struct session *s, long long now_ms);

/* Gateway thread: the first session (oldest), and the one after s (NULL at the
 * end); the list may be walked without the mutex only by that thread. */
struct session *sessions_first(void);
struct session *sessions_next(const struct session *s);
/* Any thread: calls fn for every session, oldest first, under the mutex (fn may
 * call sessions_match, nothing else of this module). */
void sessions_each(void (*fn)(void *arg, const struct session *s), void *arg);
size_t sessions_count(void);

/* Presence: how many authenticated sessions each user has open.
 * presence_add/presence_remove return the count after the change. */
int presence_add(const char *user_id);
int presence_remove(const char *user_id);
/* True while user_id has a session open: what HTTP renders of a User report as
 * "online" (wire.c). */
bool presence_online(const char *user_id);

/* Forgets everything (tests). Never while the gateway thread runs. */
void sessions_reset(void);

#endif

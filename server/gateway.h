/* gateway.h: the events WebSocket protocol ("Bonfire", events.md) on top of the
 * transport (ws.h): authentication by query token or a first Authenticate frame,
 * Authenticated then Ready, Ping/Pong, presence, and the delivery of published
 * events to the sessions subscribed to their topics. Runs on the gateway thread;
 * the functions below may be called from any thread and never wait for it. */
#ifndef STOAT_GATEWAY_H
#define STOAT_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>

/* Starts the gateway thread and takes the events published from then on. Returns
 * 0, or -1 with a reason in err. */
int gateway_start(char *err, size_t errlen);
/* Ends every session and stops the thread: before the HTTP daemon stops. */
void gateway_stop(void);
/* Ends every session with a bare drop (DELETE /_mock/sessions, reset, state
 * import). journaled false: their ends leave no entry in the journal (reset,
 * which empties it). Never waits. */
void gateway_end_all(bool journaled);

/* ---- the control API's commands (control_gateway.c); any thread, never waiting --- */

enum gateway_target {
	GATEWAY_TO_USER,  /* the sessions of one user */
	GATEWAY_TO_TOPIC, /* the sessions subscribed to a topic (events.md §5.1) */
	GATEWAY_TO_ALL,   /* every session */
};
/* Queues json (an event frame's text, malloc'd, taken) for the sessions target
 * selects now, among those whose Ready was sent; value is the user id or the
 * topic. Returns how many it was queued for (a session that ends before the
 * gateway thread gets to it misses it). What the event does to a session's
 * subscriptions applies, as for a published event (a Logout ends it). Under
 * the store lock, as every control handler runs (what the event subscribes
 * sessions to is then counted before any later commit, gateway.c's adding). */
size_t gateway_push(enum gateway_target to, const char *value, char *json);
/* Ends the session with this id: a Close frame with code and reason (reason may
 * be NULL), or a bare drop for code -1. -1 when no session has this id. */
int gateway_close(const char *id, int code, const char *reason);

/* Decides an upgrade request before it is answered: 0 when it may go on (a
 * session slot is then taken: the connection gives it back when it ends, or
 * gateway_unadmit() if it never becomes one); else the HTTP status of the refusal,
 * with its JSON body in *body (malloc'd):
 *   400 a Sec-WebSocket-Version other than 13, or no Sec-WebSocket-Key
 *   501 format=msgpack (NotEmulated)
 *   503 --max-sessions sessions already open (TooManySessions) */
int gateway_admit(const char *query, const char *ws_version, const char *ws_key, char **body);
void gateway_unadmit(void);

#endif

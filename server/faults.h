/* faults.h: injected failures for the control API (POST /_mock/faults).
 *
 * A fault is a rule: which requests it matches (method, path pattern, token) and
 * what happens to them (an error from the catalogue, a late answer, or a closed
 * connection without an answer). Rules are tried in the order they were added; the
 * first that matches applies, once per request, and counts down its `times`. A rule
 * whose count reaches zero is removed. Requests to /_mock never match.
 *
 * Path patterns and request paths are compared after the same normalisation as the
 * router's (path_normal): empty segments dropped, each segment percent-decoded, one
 * leading "0.8" segment dropped, then joined as "/a/b". In a pattern a star matches
 * any run of characters, '/' included (path_glob): "/bots/" plus a star matches
 * every route below /bots, a star alone matches everything (the README ("Testing
 * with stoat-mock") has examples).
 *
 * A rule with a "gateway" kind is for the events WebSocket instead (gateway.c asks
 * faults_gateway() on its thread): delay a session's Ready by ms, withhold the
 * Pong of a Ping, or drop a session after it was sent N frames; it may match one
 * user only. HTTP requests never match such a rule, sessions never match another.
 *
 * Not thread-safe: called under the server lock (lock.h), by the dispatcher for
 * every request and by the gateway thread for its sessions. */
#ifndef STOAT_FAULTS_H
#define STOAT_FAULTS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "request.h"
#include "strbuf.h"

#define FAULT_DELAY_MAX_MS 600000 /* our bound: ten minutes */
/* FAULT_ID_MAX (limits.h): the room for an id, which struct request keeps too */

/* Checks a fault document and registers it. Returns 0 with the new id in id (e.g.
 * "fault-3"), or -1 with a "field: problem" line in why. spec is only read. */
int faults_add(const cJSON *spec, char id[FAULT_ID_MAX], struct strbuf *why);
/* {"faults": [...]} in registration order (caller frees). */
cJSON *faults_list(void);
/* false when no fault has this id. */
bool faults_remove(const char *id);
void faults_clear(void);

/* The first fault matching rq, applied to rp: an error fills rp->err and returns
 * true (the route must not run); a drop sets rp->drop and returns true; a delay
 * alone sets rp->delay_ms and returns false (the route runs, the answer waits).
 * id receives the applied fault's id ("" when none applied). */
bool faults_apply(const struct request *rq, struct reply *rp, char id[FAULT_ID_MAX]);

/* The gateway kinds ({"gateway": "delay_ready", "ms": N}, {"gateway":
 * "withhold_pong"}, {"gateway": "drop_after", "frames": N}). */
enum fault_gateway {
	FAULT_GW_DELAY_READY,   /* when a session authenticates: Ready ms late */
	FAULT_GW_WITHHOLD_PONG, /* a Ping: no Pong */
	FAULT_GW_DROP_AFTER,    /* when a session authenticates: dropped after frames frames */
};
/* The first gateway rule of this kind for user_id: true with its ms or frames in
 * *param and its id in id, counting down its times (used up: removed). */
bool faults_gateway(enum fault_gateway kind, const char *user_id, unsigned *param, char id[FAULT_ID_MAX]);
/* Whether any gateway rule is registered. Read without the server lock: the
 * gateway's fast path (a Ping takes the lock only when this is true). */
bool faults_gateway_armed(void);

#endif

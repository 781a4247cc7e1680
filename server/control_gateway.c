/* control_gateway.c: the control API's part for the events WebSocket (the mock's
 * own: the real server has none of it). List the live sessions, push any event to
 * a user's sessions, a topic or every session, end one session with a chosen
 * Close code or a bare drop, end them all. Gateway faults go through
 * POST /_mock/faults (faults.c) and the sessions' connect, authenticate and close
 * through the journal (gateway.c records them).
 *
 * An HTTP handler holds the server lock, which the gateway thread may be waiting
 * for: so nothing here waits for that thread. The registry is read under its own
 * mutex (sessions_each), and commands are posted to the gateway's inbox
 * (gateway_push, gateway_close, gateway_end_all), which carries them out after
 * the answer may already have gone. The conventions are control.c's: bad input is
 * FailedValidation naming the field, an unknown id NotFound. */
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "gateway.h"
#include "jsonw.h"
#include "locations.h"
#include "routes.h"
#include "sessions.h"

/* ---- GET /_mock/sessions -------------------------------------------------------------
 * 200: {"sessions": [{"id", "user", "token_kind", "format", "version", "path",
 * "connected_at", "authenticated", "ready", "subscriptions", "last_ping",
 * "frames_in", "frames_out"}]} oldest first; subscriptions sorted. */

static void string_or_null(struct strbuf *sb, const char *value)
{
	if (value)
		jsonw_string(sb, value);
	else
		jsonw_raw(sb, "null");
}

static void session_json(void *arg, const struct session *s)
{
	struct strbuf *sb = arg;
	char ping[JSONW_TIME_MAX];
	if (s->last_ping_ms)
		jsonw_time_text(ping, s->last_ping_ms);
	jsonw_open(sb, '{');
	jsonw_key(sb, "id");
	jsonw_string(sb, s->id);
	jsonw_key(sb, "user");
	string_or_null(sb, s->authenticated ? s->user : NULL);
	jsonw_key(sb, "token_kind");
	string_or_null(sb, s->authenticated ? sessions_kind_name(s->kind) : NULL);
	jsonw_key(sb, "format");
	jsonw_string(sb, s->format);
	jsonw_key(sb, "version");
	jsonw_int(sb, s->version);
	jsonw_key(sb, "path");
	jsonw_string(sb, s->path);
	jsonw_key(sb, "connected_at");
	jsonw_time(sb, s->connected_ms);
	jsonw_key(sb, "authenticated");
	jsonw_bool(sb, s->authenticated);
	jsonw_key(sb, "ready");
	jsonw_bool(sb, s->ready);
	jsonw_key(sb, "subscriptions");
	jsonw_open(sb, '[');
	for (size_t i = 0; i < s->ntopics; i++)
		jsonw_string(sb, s->topics[i]);
	jsonw_close(sb, ']');
	jsonw_key(sb, "last_ping");
	string_or_null(sb, s->last_ping_ms ? ping : NULL);
	jsonw_key(sb, "frames_in");
	jsonw_int(sb, (long long)s->frames_in);
	jsonw_key(sb, "frames_out");
	jsonw_int(sb, (long long)s->frames_out);
	jsonw_close(sb, '}');
}

/* PERF: written straight into text under the registry's mutex (about a
 * microsecond a session), not through a cJSON tree the gateway would wait for. */
enum err control_sessions_list(struct request *rq, struct reply *rp)
{
	(void)rq;
	struct strbuf sb = STRBUF_INIT;
	jsonw_open(&sb, '{');
	jsonw_key(&sb, "sessions");
	jsonw_open(&sb, '[');
	sessions_each(session_json, &sb);
	jsonw_close(&sb, ']');
	jsonw_close(&sb, '}');
	reply_json_text(rp, &sb);
	strbuf_release(&sb);
	return ERR_OK;
}

/* ---- DELETE /_mock/sessions ------------------------------------------------------------
 * 204: every session ends with a bare TCP drop (journaled as closes "by": "drop"). */
enum err control_sessions_end_all(struct request *rq, struct reply *rp)
{
	(void)rq;
	(void)rp;
	gateway_end_all(true);
	return ERR_OK;
}

/* ---- helpers --------------------------------------------------------------------------- */

static enum err invalid(struct reply *rp, const char *loc, struct strbuf *text)
{
	enum err e = err_set(&rp->err, ERR_FailedValidation, loc, strbuf_str(text));
	strbuf_release(text);
	return e;
}

/* The first member of body not among keys (NULL-ended), or NULL. */
static const cJSON *unknown_member(const cJSON *body, const char *const *keys)
{
	for (const cJSON *it = body->child; it; it = it->next) {
		const char *const *k = keys;
		while (*k && strcmp(*k, it->string) != 0)
			k++;
		if (!*k)
			return it;
	}
	return NULL;
}

/* A member that is given: present and not null. */
static const cJSON *given(const cJSON *body, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);
	return v && !cJSON_IsNull(v) ? v : NULL;
}

/* ---- POST /_mock/events ------------------------------------------------------------------
 * body: {"event": {...}, and one of "user": id, "topic": topic, "all": true}
 * 200: {"sessions": N}, how many sessions it was queued for (those whose Ready was
 * sent: that user's, those subscribed to the topic, every one). The event is sent
 * as its compact JSON text; what it does to a session's subscriptions applies, as
 * for an event the API publishes (a ServerCreate subscribes to the server, a
 * Logout ends the session).
 * errors: FailedValidation naming the field */
enum err control_events_push(struct request *rq, struct reply *rp)
{
	static const char *const keys[] = {"event", "user", "topic", "all", NULL};
	static const char *const targets[] = {"user", "topic", "all"};
	cJSON *body = NULL;
	struct strbuf text = STRBUF_INIT;
	const cJSON *target = NULL, *bad;
	int to = -1;
	enum err e = control_read_object(rq, rp, LOC_EVENTS, &body);
	if (e)
		goto out;
	if ((bad = unknown_member(body, keys))) {
		strbuf_addf(&text, "%s: unknown field (expected event, user, topic, all)", bad->string);
		e = invalid(rp, LOC_EVENTS, &text);
		goto out;
	}
	const cJSON *event = given(body, "event");
	if (!cJSON_IsObject(event)) {
		strbuf_adds(&text, event ? "event: expected a JSON object (the frame to send)"
					 : "event: required object is missing");
		e = invalid(rp, LOC_EVENTS, &text);
		goto out;
	}
	for (int i = 0; i < 3; i++) {
		const cJSON *v = given(body, targets[i]);
		if (v && target) {
			strbuf_addf(&text, "%s: give one of user, topic and all, not %s too", targets[i], targets[to]);
			e = invalid(rp, LOC_EVENTS, &text);
			goto out;
		}
		if (v) {
			target = v;
			to = i;
		}
	}
	if (!target) {
		strbuf_adds(&text, "body: one of user, topic or all says which sessions get the event");
	} else if (to == GATEWAY_TO_ALL && !cJSON_IsTrue(target)) {
		strbuf_adds(&text, "all: expected true");
	} else if (to != GATEWAY_TO_ALL && (!cJSON_IsString(target) || !*target->valuestring)) {
		strbuf_addf(&text, "%s: expected a non-empty string (%s)", targets[to],
			    to == GATEWAY_TO_USER ? "a user id" : "a user, server or channel id, \"<id>!\" or \"<server>u\"");
	}
	if (text.len) {
		e = invalid(rp, LOC_EVENTS, &text);
		goto out;
	}
	char *json = cJSON_PrintUnformatted(event);
	size_t n = json ? gateway_push((enum gateway_target)to, to == GATEWAY_TO_ALL ? NULL : target->valuestring, json)
			: 0;
	rp->json = cJSON_CreateObject();
	cJSON_AddNumberToObject(rp->json, "sessions", (double)n);
out:
	strbuf_release(&text);
	cJSON_Delete(body);
	return e;
}

/* ---- POST /_mock/sessions/{id}/close -------------------------------------------------------
 * body: {"code": N[, "reason": text]} (a Close frame, then the end once the client
 * answers it, or a second later) or {"drop": true} (a bare TCP drop, what the real
 * server does)   204
 * errors: FailedValidation naming the field (checked first), NotFound (no live
 * session has this id) */

/* RFC 6455 §7.4: 1004 is reserved, 1005, 1006 and 1015 must never be sent, the
 * rest of 1000-2999 is unassigned: receivers (Node's ws, undici, aiohttp) fail
 * the connection on them. 1012-1014 are IANA's later additions, which they accept. */
static bool close_code_sendable(double code)
{
	return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/* A Close frame's payload is at most 125 bytes: the 2-byte code and the reason. */
#define CLOSE_REASON_MAX 123

enum err control_sessions_close(struct request *rq, struct reply *rp)
{
	static const char *const keys[] = {"code", "reason", "drop", NULL};
	cJSON *body = NULL;
	struct strbuf text = STRBUF_INIT;
	const cJSON *bad;
	enum err e = control_read_object(rq, rp, LOC_SESSIONS, &body);
	if (e)
		goto out;
	const cJSON *code = given(body, "code"), *reason = given(body, "reason"), *drop = given(body, "drop");
	if ((bad = unknown_member(body, keys)))
		strbuf_addf(&text, "%s: unknown field (expected code, reason, drop)", bad->string);
	else if (drop && !cJSON_IsBool(drop))
		strbuf_adds(&text, "drop: expected true or false");
	else if (cJSON_IsTrue(drop) && (code || reason))
		strbuf_addf(&text, "%s: a dropped session gets no Close frame, so no code or reason",
			    code ? "code" : "reason");
	else if (!cJSON_IsTrue(drop) && !code)
		strbuf_adds(&text, "code: required integer is missing (a Close code, or \"drop\": true for a bare "
				   "TCP drop)");
	else if (code && (!cJSON_IsNumber(code) || code->valuedouble != (double)(long long)code->valuedouble))
		strbuf_adds(&text, "code: expected an integer");
	else if (code && !close_code_sendable(code->valuedouble))
		strbuf_addf(&text, "code: %.0f may not be sent in a Close frame (RFC 6455 7.4: 1000-1003, 1007-1014, "
				   "3000-4999)", code->valuedouble);
	else if (reason && !cJSON_IsString(reason))
		strbuf_adds(&text, "reason: expected a string");
	else if (reason && strlen(reason->valuestring) > CLOSE_REASON_MAX)
		strbuf_addf(&text, "reason: at most %d bytes of UTF-8 (a Close frame carries 125 with the code)",
			    CLOSE_REASON_MAX);
	if (text.len) {
		e = invalid(rp, LOC_SESSIONS, &text);
		goto out;
	}
	if (strlen(rq->id) != rq->id_len ||
	    gateway_close(rq->id, code ? (int)code->valuedouble : -1, reason ? reason->valuestring : NULL) != 0)
		e = err_set(&rp->err, ERR_NotFound, LOC_SESSIONS, NULL);
out:
	strbuf_release(&text);
	cJSON_Delete(body);
	return e;
}

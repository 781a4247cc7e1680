/* gateway.c: the Bonfire protocol (see gateway.h), on the gateway thread.
 *
 * REAL: crates/bonfire/src/websocket.rs (client, worker), config.rs (the query),
 * events/impl.rs (Ready, presence, subscriptions), events.md §1-§7:
 *   101 -> [the first decodable Authenticate, when the query has no token; every
 *   other frame ignored, no timeout] -> Authenticated -> Ready -> presence ->
 *   subscriptions -> events. A bad token: the Error frame, then the TCP
 *   connection is dropped (no Close frame). Ping -> Pong with the same data;
 *   everything else ignored.
 * DIFF: the drop after an Error (or Logout) frame waits --ws-error-grace-ms
 * (default 100): dropped at once, as the real server does, Node 20's WebSocket
 * loses the frame (docs/fidelity.md#gateway-error-drop). */
#include "gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "events.h"
#include "gw_message.h"
#include "jsonw.h"
#include "lock.h"
#include "path.h"
#include "ready.h"
#include "sessions.h"
#include "store.h"
#include "store_gateway.h"
#include "ws.h"

/* REAL: User::from_token's create_error!(InvalidSession) at main 99b3ea14 */
#define LOC_GATEWAY_INVALID_SESSION "crates/core/database/src/models/users/model.rs:346:38"

/* One session's protocol state (ws_data of its connection). */
struct gw {
	struct ws_conn *conn;
	struct session *s; /* the registry entry */
	bool invisible;    /* its user's presence is Invisible: no presence events */
};

static long long wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void send_text(struct gw *g, const char *text, size_t n)
{
	if (ws_send_text(g->conn, text, n) == 0)
		sessions_frame(g->s, false);
}

/* ---- the query ------------------------------------------------------------------ */

struct query {
	int version;
	bool msgpack;
	char *token; /* percent-decoded, malloc'd; NULL: none */
};

/* REAL: crates/bonfire/src/config.rs - version (unparsable: 1), format (json
 * unless msgpack), token; other keys ignored; the first of each key counts. */
static void parse_query(const char *q, struct query *out)
{
	bool have_version = false, have_format = false;
	out->version = 1;
	out->msgpack = false;
	out->token = NULL;
	for (const char *p = q ? q : ""; *p;) {
		size_t len = strcspn(p, "&"), klen = strcspn(p, "=");
		if (klen > len)
			klen = len;
		const char *v = p + klen + (klen < len);
		size_t vlen = len - (size_t)(v - p);
		char *value = path_query_value(v, vlen);
		if (value) {
			if (klen == 7 && strncmp(p, "version", 7) == 0 && !have_version) {
				char *end;
				long n = strtol(value, &end, 10);
				out->version = *value && !*end && n >= 0 && n <= 0x7fffffff ? (int)n : 1;
				have_version = true;
			} else if (klen == 6 && strncmp(p, "format", 6) == 0 && !have_format) {
				out->msgpack = strcmp(value, "msgpack") == 0;
				have_format = true;
			} else if (klen == 5 && strncmp(p, "token", 5) == 0 && !out->token) {
				out->token = value;
				value = NULL;
			}
			free(value);
		}
		p += len + (p[len] == '&');
	}
}

/* ---- admission (libmicrohttpd's thread) ------------------------------------------- */

static char *refusal(const char *type, const char *extra_key, const char *extra_value, long long num)
{
	struct strbuf sb = STRBUF_INIT;
	jsonw_open(&sb, '{');
	jsonw_key(&sb, "type");
	jsonw_string(&sb, type);
	if (extra_key) {
		jsonw_key_n(&sb, extra_key, strlen(extra_key));
		if (extra_value)
			jsonw_string(&sb, extra_value);
		else
			jsonw_int(&sb, num);
	}
	jsonw_key(&sb, "location");
	jsonw_string(&sb, "stoat-mock");
	jsonw_close(&sb, '}');
	return strbuf_detach(&sb, NULL);
}

/* DIFF: the refusals are the mock's own (docs/fidelity.md#gateway-refusals): the real
 * server has no session limit and speaks msgpack; tungstenite drops a bad
 * handshake without an answer, the mock says what was wrong. */
int gateway_admit(const char *query, const char *ws_version, const char *ws_key, char **body)
{
	struct query q;
	if (!ws_version || strcmp(ws_version, "13") != 0) {
		*body = refusal("InvalidWebSocketHandshake", "error", "Sec-WebSocket-Version must be 13", 0);
		return 400;
	}
	if (!ws_key || !*ws_key) {
		*body = refusal("InvalidWebSocketHandshake", "error", "Sec-WebSocket-Key is missing", 0);
		return 400;
	}
	parse_query(query, &q);
	free(q.token);
	if (q.msgpack) {
		*body = refusal("NotEmulated", "feature", "msgpack", 0);
		return 501;
	}
	if (!sessions_reserve(config.max_sessions)) {
		*body = refusal("TooManySessions", "max", NULL, config.max_sessions);
		return 503;
	}
	return 0;
}

void gateway_unadmit(void) { sessions_unreserve(); }

/* ---- delivery ----------------------------------------------------------------------- */

static void apply_effects(struct gw *g, const struct event_effects *fx)
{
	if (fx->self && strcmp(fx->self, g->s->user) != 0)
		return;
	for (size_t i = 0; i < fx->nadd; i++)
		sessions_subscribe(g->s, fx->add[i]);
	if (fx->add_bot && g->s->bot)
		sessions_subscribe(g->s, fx->add_bot);
	for (size_t i = 0; i < fx->nremove; i++)
		sessions_unsubscribe(g->s, fx->remove[i]);
	if (fx->logout)
		ws_drop_after(g->conn, config.ws_error_grace_ms); /* REAL: the listener breaks */
}

/* Sends ev to every authenticated session subscribed to one of its topics, once
 * each, then applies what it does to their subscriptions. */
static void deliver(const struct event *ev)
{
	struct event_effects fx;
	events_effects(ev->json, ev->len, &fx);
	for (struct session *s = sessions_first(); s; s = sessions_next(s)) {
		struct gw *g = s->owner;
		if (!s->authenticated || !g || ws_ending(g->conn) || (ev->seq && ev->seq <= s->ready_seq) ||
		    !sessions_match(s, (const char *const *)ev->topics, ev->ntopics))
			continue;
		send_text(g, ev->json, ev->len);
		apply_effects(g, &fx);
	}
	events_effects_release(&fx);
}

static void deliver_job(void *arg)
{
	struct event *list = arg;
	for (const struct event *ev = list; ev; ev = ev->next)
		deliver(ev);
	events_free(list);
}

/* The events sink (events.c): on the HTTP thread, under the server lock. */
static void take_events(struct event *list)
{
	if (ws_post(deliver_job, list) != 0)
		events_free(list); /* the gateway is not running: nobody to tell */
}

/* ---- authentication, Ready ------------------------------------------------------------ */

static void send_error(struct gw *g)
{
	struct strbuf sb = STRBUF_INIT;
	jsonw_open(&sb, '{');
	jsonw_key(&sb, "type");
	jsonw_string(&sb, "Error");
	jsonw_key(&sb, "data");
	jsonw_open(&sb, '{');
	jsonw_key(&sb, "type");
	jsonw_string(&sb, "InvalidSession");
	jsonw_key(&sb, "location");
	jsonw_string(&sb, LOC_GATEWAY_INVALID_SESSION);
	jsonw_close(&sb, '}');
	jsonw_close(&sb, '}');
	send_text(g, sb.buf, sb.len);
	strbuf_release(&sb);
	ws_drop_after(g->conn, config.ws_error_grace_ms);
}

/* REAL: User::from_token(UserHint::Any) - a session token first, then a bot token */
static void authenticate(struct gw *g, const char *token)
{
	struct user u = {0};
	struct ready r;
	enum token_kind kind = TOKEN_SESSION;
	server_lock();
	int found = store_user_by_session(token, &u, NULL);
	if (found == 0) {
		kind = TOKEN_BOT;
		found = store_user_by_bot_token(token, &u);
	}
	if (found != 1) {
		server_unlock();
		user_release(&u);
		send_error(g);
		return;
	}
	/* counted first: Ready renders the user online through presence */
	bool first = presence_add(u.id) == 1;
	if (ready_build(&u, &r)) {
		server_unlock();
		presence_remove(u.id);
		user_release(&u);
		send_error(g);
		return;
	}
	sessions_authenticate(g->s, u.id, kind, u.bot_owner != NULL);
	g->s->ready_seq = events_last_seq(); /* what Ready shows is never sent again */
	server_unlock();
	g->invisible = u.status_presence && strcmp(u.status_presence, "Invisible") == 0;
	static const char authenticated[] = "{\"type\":\"Authenticated\"}";
	send_text(g, authenticated, sizeof(authenticated) - 1);
	send_text(g, r.json.buf, r.json.len);
	/* REAL: impl.rs - the "online" presence goes out before this session
	 * subscribes, so it does not hear its own */
	if (first && !g->invisible) {
		struct event *ev = events_presence(u.id, true, r.servers, r.nservers);
		if (ev)
			deliver(ev);
		events_free(ev);
	}
	for (size_t i = 0; i < r.ntopics; i++)
		sessions_subscribe(g->s, r.topics[i]);
	ready_release(&r);
	user_release(&u);
}

/* ---- the transport's callbacks ----------------------------------------------------------- */

static void on_open(struct ws_conn *c, const char *path, const char *query)
{
	struct query q;
	parse_query(query, &q);
	struct gw *g = calloc(1, sizeof(*g));
	struct session *s = g ? sessions_add(path, query, "json", q.version) : NULL;
	if (!s) {
		free(g);
		free(q.token);
		ws_drop(c);
		return;
	}
	g->conn = c;
	g->s = s;
	s->owner = g;
	ws_set_data(c, g);
	if (q.token)
		authenticate(g, q.token);
	free(q.token);
}

/* BeginTyping / EndTyping: echoed to the channel's topic when the session is
 * subscribed to it (REAL: websocket.rs worker; the sender hears its own). */
static void typing(struct gw *g, const char *channel, bool begin)
{
	const char *topics[] = {channel};
	if (!sessions_match(g->s, topics, 1))
		return;
	struct strbuf sb = STRBUF_INIT;
	jsonw_open(&sb, '{');
	jsonw_key(&sb, "type");
	jsonw_string(&sb, begin ? "ChannelStartTyping" : "ChannelStopTyping");
	jsonw_key(&sb, "id");
	jsonw_string(&sb, channel);
	jsonw_key(&sb, "user");
	jsonw_string(&sb, g->s->user);
	jsonw_close(&sb, '}');
	struct event *ev = event_new(topics, 1, strbuf_detach(&sb, NULL));
	if (ev)
		deliver(ev);
	events_free(ev);
}

/* Subscribe: only a non-bot member of the server gets its member events.
 * DIFF: kept for the session's life (the real server keeps the 5 most recent,
 * for 15 minutes; docs/fidelity.md#gateway-objects). */
static void subscribe(struct gw *g, const char *server_id)
{
	long long granted;
	if (g->s->bot)
		return;
	server_lock();
	int member = store_member_get(server_id, g->s->user, &granted);
	server_unlock();
	if (member == 1) {
		char topic[96];
		snprintf(topic, sizeof(topic), "%su", server_id);
		sessions_subscribe(g->s, topic);
	}
}

static void on_message(struct ws_conn *c, const char *data, size_t n, bool text)
{
	struct gw *g = ws_data(c);
	struct gw_msg m;
	if (!g)
		return;
	sessions_frame(g->s, true);
	if (!text)
		return; /* REAL: json mode decodes text frames only */
	gw_decode(data, n, &m);
	if (!g->s->authenticated) {
		if (m.kind == GW_AUTHENTICATE)
			authenticate(g, m.text);
		gw_msg_release(&m);
		return;
	}
	switch (m.kind) {
	case GW_PING: {
		struct strbuf sb = STRBUF_INIT;
		sessions_ping(g->s, wall_ms());
		strbuf_adds(&sb, "{\"type\":\"Pong\",\"data\":");
		strbuf_adds(&sb, m.text);
		strbuf_adds(&sb, "}");
		send_text(g, sb.buf, sb.len);
		strbuf_release(&sb);
		break;
	}
	case GW_BEGIN_TYPING:
	case GW_END_TYPING:
		typing(g, m.text, m.kind == GW_BEGIN_TYPING);
		break;
	case GW_SUBSCRIBE:
		subscribe(g, m.text);
		break;
	case GW_AUTHENTICATE: /* again: ignored */
	case GW_IGNORED:
		break;
	}
	gw_msg_release(&m);
}

static void on_closed(struct ws_conn *c, int code, const char *by)
{
	(void)code;
	(void)by;
	struct gw *g = ws_data(c);
	if (!g)
		return;
	char user[SESSION_USER_MAX];
	bool was_online = g->s->authenticated;
	str_copy(user, sizeof(user), g->s->user);
	sessions_remove(g->s);
	/* REAL: impl.rs - the last session of a user ends: "offline" to its servers */
	if (was_online && presence_remove(user) == 0 && !g->invisible && !ws_stopping()) {
		char **servers = NULL;
		size_t n = 0;
		server_lock();
		int rc = store_server_ids_of_user(user, &servers, &n);
		server_unlock();
		struct event *ev = rc ? NULL : events_presence(user, false, servers, n);
		if (ev)
			deliver(ev);
		events_free(ev);
		store_ids_free(servers, n);
	}
	free(g);
}

static const struct ws_handlers handlers = {on_open, on_message, on_closed};

int gateway_start(char *err, size_t errlen)
{
	if (ws_start(&handlers, err, errlen))
		return -1;
	server_lock();
	events_set_sink(take_events);
	server_unlock();
	return 0;
}

void gateway_stop(void)
{
	server_lock();
	events_set_sink(NULL);
	server_unlock();
	ws_stop();
}

void gateway_end_all(void) { ws_drop_all(); }

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
 * loses the frame (docs/fidelity.md#gateway-error-drop).
 *
 * The mock's own, not the real server's: the control API's commands (push an
 * event, close a session, end them all), the gateway faults (faults.h: a late
 * Ready, a withheld Pong, a drop after N frames) and the journal's connect,
 * authenticate and close entries (journal.h; never a token). */
#include "gateway.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "events.h"
#include "faults.h"
#include "gw_message.h"
#include "journal.h"
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
	struct session *s;    /* the registry entry */
	bool invisible;       /* its user's presence is Invisible: no presence events */
	bool online;          /* counted in presence: from its Ready on */
	bool unjournaled;     /* its end leaves no journal entry (ended by a reset) */
	bool drop_armed;      /* a drop_after fault holds it: dropped once */
	unsigned frames_left; /* this many more frames are sent */
};

static long long wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A frame went to g's connection: counted, and the drop_after fault. */
static void sent(struct gw *g)
{
	sessions_frame(g->s, false);
	if (g->drop_armed && --g->frames_left == 0)
		ws_drop_after(g->conn, 0); /* the drop_after fault: once this frame is written */
}

static void send_text(struct gw *g, const char *text, size_t n)
{
	if (ws_send_text(g->conn, text, n) == 0)
		sent(g);
}

/* An event's frame, rendered once for all its sessions (ws_frame_text); NULL:
 * its text. */
static void send_event(struct gw *g, const struct event *ev, const struct ws_frame *frame)
{
	if (frame ? ws_send_frame(g->conn, frame) == 0 : ws_send_text(g->conn, ev->json, ev->len) == 0)
		sent(g);
}

/* ---- the journal's entries (journal.h) ------------------------------------------------ */

/* A new entry of this session, or NULL when nothing is journaled. */
static cJSON *journal_entry(const struct gw *g, const char *what)
{
	if (config.no_control || config.journal == 0)
		return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "gateway", what);
	cJSON_AddStringToObject(j, "session", g->s->id);
	cJSON_AddStringToObject(j, "path", g->s->path);
	return j;
}

static void add_string_or_null(cJSON *j, const char *key, const char *value)
{
	if (value && *value)
		cJSON_AddStringToObject(j, key, value);
	else
		cJSON_AddNullToObject(j, key);
}

/* headers: the upgrade request's, as journal_headers_text kept them (or NULL) */
static void journal_connect(const struct gw *g, const char *headers)
{
	cJSON *j = journal_entry(g, "connect");
	if (!j)
		return;
	add_string_or_null(j, "query", g->s->query); /* its token values "[redacted]" (sessions.c) */
	cJSON_AddStringToObject(j, "format", g->s->format);
	cJSON_AddNumberToObject(j, "version", g->s->version);
	cJSON *kept = headers ? cJSON_Parse(headers) : NULL;
	for (cJSON *f = kept ? kept->child : NULL, *next; f; f = next) {
		next = f->next;
		cJSON_AddItemToObject(j, f->string, cJSON_DetachItemViaPointer(kept, f));
	}
	cJSON_Delete(kept);
	journal_gateway(g->s->path, j);
}

/* kind TOKEN_NONE: the token was refused; faults: the ids of the faults that took
 * hold of the session ("" for none) */
static void journal_authenticate(const struct gw *g, enum token_kind kind, const char *user_id, bool from_query,
				 const char *const faults[2])
{
	cJSON *j = journal_entry(g, "authenticate");
	if (!j)
		return;
	const char *name = sessions_kind_name(kind);
	cJSON_AddStringToObject(j, "auth", name ? name : "none");
	add_string_or_null(j, "user", kind == TOKEN_NONE ? NULL : user_id);
	cJSON_AddStringToObject(j, "from", from_query ? "query" : "frame");
	if (faults[0][0] || faults[1][0]) {
		cJSON *ids = cJSON_AddArrayToObject(j, "faults");
		for (int i = 0; i < 2; i++)
			if (faults[i][0])
				cJSON_AddItemToArray(ids, cJSON_CreateString(faults[i]));
	}
	journal_gateway(g->s->path, j);
}

static void journal_close(const struct gw *g, int code, const char *by)
{
	cJSON *j = g->unjournaled ? NULL : journal_entry(g, "close");
	if (!j)
		return;
	add_string_or_null(j, "user", g->s->authenticated ? g->s->user : NULL);
	cJSON *close = cJSON_AddObjectToObject(j, "close");
	if (code >= 0)
		cJSON_AddNumberToObject(close, "code", code);
	else
		cJSON_AddNullToObject(close, "code");
	cJSON_AddStringToObject(close, "by", by);
	cJSON_AddNumberToObject(j, "frames_in", (double)g->s->frames_in);
	cJSON_AddNumberToObject(j, "frames_out", (double)g->s->frames_out);
	journal_gateway(g->s->path, j);
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

/* Sends ev (as frame, when there is one) to the session of g (unless it is
 * ending), then applies fx, what ev does to its subscriptions. */
static void deliver_to(struct gw *g, const struct event *ev, const struct ws_frame *frame,
		       const struct event_effects *fx)
{
	if (!g || ws_ending(g->conn))
		return;
	send_event(g, ev, frame);
	apply_effects(g, fx);
}

/* Sends ev to every authenticated session subscribed to one of its topics, once
 * each (but except), then applies what it does to their subscriptions. */
static void deliver(const struct event *ev, const struct session *except)
{
	size_t n;
	struct session **to = sessions_subscribed((const char *const *)ev->topics, ev->ntopics, &n);
	if (!to)
		return;
	struct event_effects fx;
	events_effects(ev->json, ev->len, &fx);
	struct ws_frame *frame = ws_frame_text(ev->json, ev->len); /* one for all of them */
	for (size_t i = 0; i < n; i++) { /* a copy: the effects may change the index */
		struct session *s = to[i];
		if (s != except && s->authenticated && (!ev->seq || ev->seq > s->ready_seq))
			deliver_to(s->owner, ev, frame, &fx);
	}
	ws_frame_free(frame);
	events_effects_release(&fx);
	free(to);
}

/* Committed (or pushed, gateway_push) events that add subscriptions when
 * delivered (events.h, adds_topics), not delivered yet. */
static atomic_int adding;

static void deliver_job(void *arg)
{
	struct event *list = arg;
	for (const struct event *ev = list; ev; ev = ev->next) {
		deliver(ev, NULL);
		if (ev->adds_topics)
			atomic_fetch_sub(&adding, 1);
	}
	events_free(list);
}

/* The events sink (events.c): on the HTTP thread, under the server lock.
 * PERF: an event no session can hear does not wake the gateway thread (two
 * context switches on a shared core: with 1 000 sessions open and none of them
 * subscribed, a rename cost 50 % more CPU; docs/performance.md#gateway). A
 * session hears an event when it holds one of its topics once the events
 * before it are delivered. Every subscription is made under this lock (Ready's,
 * Subscribe's) or by delivering an event that adds topics; so an event is
 * nobody's when no session is past Authenticate (one that authenticates later
 * has it in its Ready), or when no event adding topics is on its way and no
 * session holds one of its topics now. */
static void take_events(struct event *list)
{
	if (!sessions_any_authenticated()) {
		events_free(list);
		return;
	}
	struct event *keep = NULL, **tail = &keep;
	while (list) {
		struct event *ev = list;
		list = ev->next;
		ev->next = NULL;
		if (ev->adds_topics)
			atomic_fetch_add(&adding, 1);
		if (ev->adds_topics || atomic_load(&adding) > 0 ||
		    sessions_anyone_subscribed((const char *const *)ev->topics, ev->ntopics)) {
			*tail = ev;
			tail = &ev->next;
		} else {
			events_free(ev);
		}
	}
	if (keep && ws_post(deliver_job, keep) != 0) { /* the gateway is not running */
		for (const struct event *ev = keep; ev; ev = ev->next)
			if (ev->adds_topics)
				atomic_fetch_sub(&adding, 1);
		events_free(keep);
	}
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

/* Ready, then presence, then the subscriptions (REAL: impl.rs). */
static void send_ready(struct gw *g, const struct user *u)
{
	struct ready r;
	server_lock();
	/* counted first: Ready renders the user online through presence */
	bool first = presence_add(u->id) == 1;
	if (ready_build(u, &r)) {
		server_unlock();
		presence_remove(u->id);
		send_error(g);
		return;
	}
	g->online = true;
	g->s->ready_seq = events_last_seq(); /* what Ready shows is never sent again */
	for (size_t i = 0; i < r.ntopics; i++) /* under the lock: take_events sees them */
		sessions_subscribe(g->s, r.topics[i]);
	server_unlock();
	g->invisible = u->status_presence && strcmp(u->status_presence, "Invisible") == 0;
	send_text(g, r.json.buf, r.json.len);
	/* REAL: impl.rs - the "online" presence goes out before this session
	 * subscribes, so it does not hear its own */
	if (first && !g->invisible) {
		struct event *ev = events_presence(u->id, true, r.servers, r.nservers);
		if (ev)
			deliver(ev, g->s);
		events_free(ev);
	}
	sessions_ready(g->s);
	ready_release(&r);
}

/* The delay_ready fault's timer: the user as it is now (a reset or import may
 * have removed it). */
static void ready_later(struct ws_conn *c, void *arg)
{
	(void)arg;
	struct gw *g = ws_data(c);
	struct user u = {0};
	server_lock();
	int found = store_user_get(g->s->user, &u);
	server_unlock();
	if (found == 1)
		send_ready(g, &u);
	else
		send_error(g);
	user_release(&u);
}

/* REAL: User::from_token(UserHint::Any) - a session token first, then a bot token.
 * from_query: the token came in the query (else in an Authenticate frame). */
static void authenticate(struct gw *g, const char *token, bool from_query)
{
	struct user u = {0};
	enum token_kind kind = TOKEN_SESSION;
	unsigned delay_ms = 0, frames = 0;
	char delay_fault[FAULT_ID_MAX] = "", drop_fault[FAULT_ID_MAX] = "";
	server_lock();
	int found = store_user_by_session(token, &u, NULL);
	if (found == 0) {
		kind = TOKEN_BOT;
		found = store_user_by_bot_token(token, &u);
	}
	if (found == 1 && faults_gateway_armed()) {
		faults_gateway(FAULT_GW_DELAY_READY, u.id, &delay_ms, delay_fault);
		faults_gateway(FAULT_GW_DROP_AFTER, u.id, &frames, drop_fault);
	}
	server_unlock();
	const char *const faults[2] = {delay_fault, drop_fault};
	journal_authenticate(g, found == 1 ? kind : TOKEN_NONE, u.id, from_query, faults);
	if (found != 1) {
		send_error(g);
		goto out;
	}
	sessions_authenticate(g->s, u.id, kind, u.bot_owner != NULL);
	if (drop_fault[0]) {
		g->drop_armed = true;
		g->frames_left = frames;
		if (frames == 0) {
			ws_drop_after(g->conn, 0);
			goto out;
		}
	}
	static const char authenticated[] = "{\"type\":\"Authenticated\"}";
	send_text(g, authenticated, sizeof(authenticated) - 1);
	if (delay_fault[0])
		ws_timer(g->conn, delay_ms, ready_later, NULL);
	else if (!ws_ending(g->conn))
		send_ready(g, &u);
out:
	user_release(&u);
}

/* ---- the transport's callbacks ----------------------------------------------------------- */

static void on_open(struct ws_conn *c, const char *path, const char *query, const char *headers)
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
	journal_connect(g, headers);
	if (q.token)
		authenticate(g, q.token, true);
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
		deliver(ev, NULL);
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
	if (store_member_get(server_id, g->s->user, &granted) == 1) {
		char topic[96];
		snprintf(topic, sizeof(topic), "%su", server_id);
		sessions_subscribe(g->s, topic); /* under the lock: take_events sees it */
	}
	server_unlock();
}

/* The withhold_pong fault. PERF: the server lock only while a gateway fault is
 * registered, not for every Ping. */
static bool pong_withheld(const struct gw *g)
{
	unsigned unused;
	char id[FAULT_ID_MAX];
	if (!faults_gateway_armed())
		return false;
	server_lock();
	bool withheld = faults_gateway(FAULT_GW_WITHHOLD_PONG, g->s->user, &unused, id);
	server_unlock();
	return withheld;
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
			authenticate(g, m.text, false);
		gw_msg_release(&m);
		return;
	}
	switch (m.kind) {
	case GW_PING: {
		struct strbuf sb = STRBUF_INIT;
		sessions_ping(g->s, wall_ms());
		if (pong_withheld(g))
			break;
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
	struct gw *g = ws_data(c);
	if (!g)
		return;
	char user[SESSION_USER_MAX];
	bool was_online = g->online;
	journal_close(g, code, by);
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
			deliver(ev, NULL);
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

/* ---- the control API's commands ------------------------------------------------------- */

static int unjournaled_marker; /* end_all_job's argument for gateway_end_all(false) */

static void end_all_job(void *arg)
{
	for (struct session *s = sessions_first(); s; s = sessions_next(s)) {
		struct gw *g = s->owner;
		if (!g)
			continue;
		g->unjournaled |= arg == &unjournaled_marker;
		ws_drop(g->conn);
	}
}

void gateway_end_all(bool journaled) { ws_post(end_all_job, journaled ? NULL : &unjournaled_marker); }

static unsigned long long session_num(const struct session *s) { return strtoull(s->id + 3, NULL, 10); }

/* A push: the event and the sessions it is for (their numbers, ascending as the
 * registry lists them). */
struct push {
	struct event *ev;
	enum gateway_target to;
	const char *value;
	unsigned long long *nums;
	size_t n, cap;
};

/* sessions_each, under the registry's mutex */
static void push_collect(void *arg, const struct session *s)
{
	struct push *p = arg;
	if (!s->ready || (p->to == GATEWAY_TO_USER && strcmp(s->user, p->value) != 0) ||
	    (p->to == GATEWAY_TO_TOPIC && !sessions_match(s, &p->value, 1)))
		return;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		unsigned long long *grown = realloc(p->nums, cap * sizeof(*grown));
		if (!grown)
			return;
		p->nums = grown;
		p->cap = cap;
	}
	p->nums[p->n++] = session_num(s);
}

static void push_free(struct push *p)
{
	events_free(p->ev);
	free(p->nums);
	free(p);
}

static void push_job(void *arg)
{
	struct push *p = arg;
	struct event_effects fx;
	events_effects(p->ev->json, p->ev->len, &fx);
	struct ws_frame *frame = ws_frame_text(p->ev->json, p->ev->len);
	size_t i = 0;
	for (struct session *s = sessions_first(); s && i < p->n; s = sessions_next(s)) {
		unsigned long long num = session_num(s);
		while (i < p->n && p->nums[i] < num)
			i++; /* that one has ended */
		if (i < p->n && p->nums[i] == num)
			deliver_to(s->owner, p->ev, frame, &fx);
	}
	ws_frame_free(frame);
	events_effects_release(&fx);
	if (p->ev->adds_topics)
		atomic_fetch_sub(&adding, 1);
	push_free(p);
}

size_t gateway_push(enum gateway_target to, const char *value, char *json)
{
	struct push *p = calloc(1, sizeof(*p));
	if (!p || !(p->ev = event_new(NULL, 0, json))) {
		free(p);
		if (!p)
			free(json);
		return 0;
	}
	p->to = to;
	p->value = value;
	sessions_each(push_collect, p);
	p->value = NULL; /* the caller's */
	size_t n = p->n;
	bool adds = p->ev->adds_topics; /* counted before the post: take_events (same lock) */
	if (n && adds)
		atomic_fetch_add(&adding, 1);
	if (!n || ws_post(push_job, p) != 0) {
		if (n && adds)
			atomic_fetch_sub(&adding, 1);
		push_free(p);
		return 0;
	}
	return n;
}

struct close_cmd {
	char id[SESSION_ID_MAX];
	int code;
	char *reason;
	bool found;
};

static void close_find(void *arg, const struct session *s)
{
	struct close_cmd *cmd = arg;
	cmd->found |= strcmp(s->id, cmd->id) == 0;
}

static void close_job(void *arg)
{
	struct close_cmd *cmd = arg;
	for (struct session *s = sessions_first(); s; s = sessions_next(s)) {
		struct gw *g = s->owner;
		if (!g || strcmp(s->id, cmd->id) != 0)
			continue;
		if (cmd->code < 0)
			ws_drop(g->conn);
		else
			ws_close(g->conn, cmd->code, cmd->reason);
	}
	free(cmd->reason);
	free(cmd);
}

int gateway_close(const char *id, int code, const char *reason)
{
	struct close_cmd *cmd = calloc(1, sizeof(*cmd));
	if (!cmd)
		return 0; /* nothing to do it with: as if it had ended meanwhile */
	str_copy(cmd->id, sizeof(cmd->id), id);
	cmd->code = code;
	cmd->reason = reason ? strdup(reason) : NULL;
	sessions_each(close_find, cmd);
	int rc = cmd->found ? 0 : -1;
	if (!cmd->found || ws_post(close_job, cmd) != 0) {
		free(cmd->reason);
		free(cmd);
	}
	return rc;
}

/* http.c: libmicrohttpd glue (see http.h).
 *
 * Threading: one internal polling thread (epoll) serves every connection, so
 * requests are handled one at a time, in arrival order, and the store needs no
 * locking; docs/performance.md has the measurements behind the choice. A delayed
 * answer (a fault) suspends its connection and a timer resumes it, so one slow
 * answer never stalls the others.
 *
 * Per-request state lives in the MHD request context: created on the first call,
 * the body accumulated in chunks up to the JSON limit (the rest is discarded and
 * remembered as "over the limit"), freed by the completion callback. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "accesslog.h"
#include "auth.h"
#include "config.h"
#include "dispatch.h"
#include "gateway.h"
#include "journal.h"
#include "limits.h"
#include "live.h"
#include "lock.h"
#include "routes.h"
#include "strbuf.h"
#include "validate.h"
#include "ws.h"

static struct MHD_Daemon *daemon_;

/* Slow requests. MHD's own timeout only closes an idle connection, so a client
 * that sends one byte now and then (slowloris) could hold one forever. --timeout
 * therefore also bounds the time a request may take to arrive: a watchdog thread
 * shuts down the socket of a connection whose current request is still incomplete
 * after that long, and MHD closes it as if the peer had gone (no answer, as hyper
 * does on a header read timeout). One watch per connection, in a list under
 * watch_lock; MHD removes it (NOTIFY_CLOSED) before it closes the socket. */
struct watch {
	struct watch *prev, *next; /* under watch_lock */
	int fd;                    /* under watch_lock */
	/* PERF: set for every request by the daemon's thread without the lock
	 * (atomics; since is stored before busy is cleared, and read after it) */
	_Atomic long long since_ms; /* CLOCK_MONOTONIC: when the request being received began */
	_Atomic bool busy;          /* the request is complete and being answered */
};
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watch_cond = PTHREAD_COND_INITIALIZER;
static struct watch watches = {&watches, &watches, -1, 0, false};
static pthread_t watchdog;
static bool watchdog_running, watchdog_stop;

/* The request headers dispatch looks at (struct request). */
enum wanted_header {
	H_BOT_TOKEN, H_SESSION_TOKEN, H_OAUTH2_TOKEN, H_ACCEPT, H_ORIGIN, H_CONTENT_TYPE,
	H_AC_REQUEST_METHOD, H_AC_REQUEST_HEADERS, H_FORWARDED_FOR, H_HOST,
	H_UPGRADE, H_CONNECTION, H_WS_VERSION, H_WS_KEY, /* the events WebSocket */
	H_COUNT
};
/* One pass over the request's header lines and query items: their size as sent
 * (the request line's is added by the caller), and the first value of each
 * wanted header, found as MHD_lookup_connection_value would (any case). PERF:
 * one pass instead of a lookup per header (docs/performance.md#http). */
struct head_scan {
	size_t bytes; /* "name: value" CRLF per header, "?name=value" per query item */
	const char *value[H_COUNT];
	struct request_header line[JOURNAL_HEADERS_MAX]; /* every line, for the journal */
	int lines;
	bool more_lines;
};

struct conn_ctx {
	struct head_scan head;
	struct strbuf body;
	bool over_limit;
	bool answered;      /* rp holds the answer (set before a delay suspends us) */
	bool head_too_big;  /* over --max-header-bytes: answered 431 on the first call */
	bool early;         /* answered on the first call (431, a refused upgrade) */
	bool upgrading;     /* answered 101: a session slot is taken (gateway_admit) */
	bool upgraded;      /* the socket went to the gateway (ws_adopt) */
	char *query;        /* of an upgrade request, for the gateway */
	char *ws_headers;   /* of an upgrade request, as the journal keeps them (ws_adopt takes them) */
	struct reply rp;
	char method[16];
	char *path;
	int status;
	struct timespec start;
	struct MHD_Connection *conn;
	const char *route, *not_emulated, *auth; /* static: for the log line (accesslog.h) */
};

static struct watch *watch_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static long long monotonic_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* busy: the request is complete (no deadline while it is answered); not busy: a
 * new request may begin, and has --timeout seconds from now to arrive. */
static void watch_set(struct MHD_Connection *c, bool busy)
{
	struct watch *w = watch_of(c);
	if (!w)
		return;
	if (!busy)
		atomic_store_explicit(&w->since_ms, monotonic_ms(), memory_order_relaxed);
	atomic_store_explicit(&w->busy, busy, memory_order_release);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	struct watch *w = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = calloc(1, sizeof(*w));
		if (!w || !ci) {
			free(w);
			return;
		}
		w->fd = ci->connect_fd;
		atomic_init(&w->since_ms, monotonic_ms());
		atomic_init(&w->busy, false);
		pthread_mutex_lock(&watch_lock);
		w->next = watches.next;
		w->prev = &watches;
		watches.next->prev = w;
		watches.next = w;
		pthread_mutex_unlock(&watch_lock);
		*socket_context = w;
	} else if (w) {
		pthread_mutex_lock(&watch_lock);
		w->prev->next = w->next;
		w->next->prev = w->prev;
		pthread_mutex_unlock(&watch_lock);
		free(w);
		*socket_context = NULL;
	}
}

static void stream_wake(void);

static void *watchdog_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&watch_lock);
	while (!watchdog_stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&watch_cond, &watch_lock, &until);
		long long now_ms = monotonic_ms();
		for (struct watch *w = watches.next; w != &watches; w = w->next) {
			if (atomic_load_explicit(&w->busy, memory_order_acquire) || w->fd < 0 ||
			    now_ms - atomic_load_explicit(&w->since_ms, memory_order_relaxed) <
				    (long long)config.timeout_s * 1000)
				continue;
			shutdown(w->fd, SHUT_RDWR);
			w->fd = -1; /* once */
		}
		stream_wake(); /* the dashboard's streams: a change held back, a heartbeat */
	}
	pthread_mutex_unlock(&watch_lock);
	return NULL;
}

static const struct {
	const char *name;
	size_t len;
} wanted[H_COUNT] = {
#define W(i, n) [i] = {n, sizeof(n) - 1}
	W(H_BOT_TOKEN, "x-bot-token"),
	W(H_SESSION_TOKEN, "x-session-token"),
	W(H_OAUTH2_TOKEN, "x-oauth2-token"),
	W(H_ACCEPT, "accept"),
	W(H_ORIGIN, "origin"),
	W(H_CONTENT_TYPE, "content-type"),
	W(H_AC_REQUEST_METHOD, "access-control-request-method"),
	W(H_AC_REQUEST_HEADERS, "access-control-request-headers"),
	W(H_FORWARDED_FOR, "x-forwarded-for"),
	W(H_HOST, "host"),
	W(H_UPGRADE, "upgrade"),
	W(H_CONNECTION, "connection"),
	W(H_WS_VERSION, "sec-websocket-version"),
	W(H_WS_KEY, "sec-websocket-key"),
#undef W
};

static enum MHD_Result scan_head(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct head_scan *hs = cls;
	size_t k = strlen(key), v = value ? strlen(value) : 0;
	hs->bytes += k + (kind == MHD_HEADER_KIND ? v + 4 : (value ? v + 2 : 1));
	if (kind != MHD_HEADER_KIND)
		return MHD_YES;
	if (hs->lines < JOURNAL_HEADERS_MAX)
		hs->line[hs->lines++] = (struct request_header){key, value ? value : ""};
	else
		hs->more_lines = true;
	for (int i = 0; i < H_COUNT; i++)
		if (wanted[i].len == k && !hs->value[i] && strcasecmp(wanted[i].name, key) == 0)
			hs->value[i] = value;
	return MHD_YES;
}

static long long elapsed_us(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (long long)(b.tv_sec - a->tv_sec) * 1000000 + (b.tv_nsec - a->tv_nsec) / 1000;
}

/* A header value that is not UTF-8 is dropped, as Rocket does. */
static const char *header(const struct conn_ctx *ctx, enum wanted_header h)
{
	const char *v = ctx->head.value[h];
	return v && utf8_valid(v, strlen(v)) ? v : NULL;
}

struct query_acc {
	struct strbuf sb;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct strbuf *sb = cls;
	if (sb->len)
		strbuf_adds(sb, "&");
	strbuf_adds(sb, key);
	if (value) {
		strbuf_adds(sb, "=");
		strbuf_adds(sb, value);
	}
	return MHD_YES;
}

static void fill_request(struct conn_ctx *ctx, struct MHD_Connection *c, const char *url, const char *method,
			 struct request *rq, struct strbuf *query)
{
	rq->method = method;
	rq->path = url;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, query);
	rq->query = query->len ? query->buf : NULL;
	rq->bot_token = header(ctx, H_BOT_TOKEN);
	rq->session_token = header(ctx, H_SESSION_TOKEN);
	rq->oauth2_token = header(ctx, H_OAUTH2_TOKEN);
	rq->accept = header(ctx, H_ACCEPT);
	rq->origin = header(ctx, H_ORIGIN);
	rq->content_type = header(ctx, H_CONTENT_TYPE);
	rq->ac_request_method = header(ctx, H_AC_REQUEST_METHOD);
	rq->ac_request_headers = header(ctx, H_AC_REQUEST_HEADERS);
	rq->forwarded_for = header(ctx, H_FORWARDED_FOR);
	rq->host = header(ctx, H_HOST);
	rq->headers = ctx->head.line;
	rq->nheaders = ctx->head.lines;
	rq->more_headers = ctx->head.more_lines;
	/* PERF: only the rate limiter reads client_ip; formatting it costs 1 700
	 * instructions a request (docs/performance.md#http) */
	const union MHD_ConnectionInfo *ci =
		config.rate_limits ? MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS) : NULL;
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, rq->client_ip, sizeof(rq->client_ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, rq->client_ip,
				  sizeof(rq->client_ip));
	}
	rq->body = ctx->body.buf ? ctx->body.buf : "";
	rq->body_len = ctx->body.len;
	rq->body_over_limit = ctx->over_limit;
}

/* PERF: answers are reused. Building a libmicrohttpd response costs more than
 * all the rest of an error answer: MHD checks every header and copies it into
 * three allocations, then frees them with the response (6 000 instructions for
 * the five headers of a Rocket answer, docs/performance.md#http). A response may
 * be queued on any number of connections (MHD counts references), so an answer
 * byte for byte equal to one of the last ANSWERS_KEPT (status, headers, body) is
 * sent with that response: the answer is still computed in full for every
 * request, only its MHD object is not rebuilt. Only the daemon's thread touches
 * the list; http_stop() releases it. */
#define ANSWERS_KEPT 16
#define ANSWER_BODY_MAX 4096 /* bigger bodies (state exports) are not kept */
#define ANSWER_HEAD_MAX 2048 /* content type and headers, serialised */

/* A reply whose content type and headers are all static strings (nearly every
 * one) is also known by their addresses: the content type, then name and value
 * of each header. Equal addresses are equal bytes, so an answer is found without
 * serialising its head (PERF: 300 instructions a request). */
#define SIG_MAX (1 + 2 * REPLY_HEADERS_MAX)

struct kept_answer {
	struct MHD_Response *resp; /* NULL: a free slot */
	int status;
	char *head; /* the content type, then name and value of each header, each NUL-ended */
	size_t head_len;
	const char *sig[SIG_MAX]; /* the addresses of the same, when all are static */
	int nsig;                 /* -1: some are not */
	const char *body; /* owned by resp: freed with it */
	size_t body_len;
	unsigned long long used; /* for least-recently-used replacement */
};
static struct kept_answer kept[ANSWERS_KEPT];
static unsigned long long kept_clock;

static size_t put_head(char *buf, size_t at, const char *s)
{
	size_t n = strlen(s) + 1;
	if (at == (size_t)-1 || at + n > ANSWER_HEAD_MAX)
		return (size_t)-1;
	memcpy(buf + at, s, n);
	return at + n;
}

/* The reply's content type and headers as one byte string; (size_t)-1 when they
 * do not fit in ANSWER_HEAD_MAX bytes. */
static size_t serialise_head(const struct reply *rp, char *buf)
{
	size_t at = put_head(buf, 0, rp->content_type ? rp->content_type : "");
	for (int i = 0; i < rp->nheaders; i++)
		at = put_head(buf, put_head(buf, at, rp->headers[i].name), rp->headers[i].value);
	return at;
}

/* The reply's signature (above) into sig; -1 when a header value is not static. */
static int signature(const struct reply *rp, const char **sig)
{
	int n = 0;
	sig[n++] = rp->content_type;
	for (int i = 0; i < rp->nheaders; i++) {
		if (!rp->headers[i].value_static)
			return -1;
		sig[n++] = rp->headers[i].name;
		sig[n++] = rp->headers[i].value;
	}
	return n;
}

static struct kept_answer *kept_find_signed(const struct reply *rp, const char **sig, int nsig)
{
	size_t body_len = rp->body ? rp->body_len : 0;
	for (int i = 0; nsig > 0 && i < ANSWERS_KEPT; i++) {
		struct kept_answer *k = &kept[i];
		if (k->resp && k->nsig == nsig && k->status == rp->status && k->body_len == body_len &&
		    memcmp(k->sig, sig, (size_t)nsig * sizeof(*sig)) == 0 &&
		    memcmp(k->body, rp->body ? rp->body : "", body_len) == 0)
			return k;
	}
	return NULL;
}

static struct kept_answer *kept_find(const struct reply *rp, const char *head, size_t head_len)
{
	size_t body_len = rp->body ? rp->body_len : 0;
	for (int i = 0; i < ANSWERS_KEPT; i++) {
		struct kept_answer *k = &kept[i];
		if (k->resp && k->status == rp->status && k->head_len == head_len && k->body_len == body_len &&
		    memcmp(k->body, rp->body ? rp->body : "", body_len) == 0 && memcmp(k->head, head, head_len) == 0)
			return k;
	}
	return NULL;
}

/* Keeps resp (the caller's reference passes to the list), replacing the least
 * recently used answer. False when it cannot be kept. */
static bool kept_add(struct MHD_Response *resp, int status, const char *head, size_t head_len, const char *body,
		     size_t body_len, const char **sig, int nsig)
{
	struct kept_answer *k = &kept[0];
	for (int i = 1; i < ANSWERS_KEPT && k->resp; i++)
		if (!kept[i].resp || kept[i].used < k->used)
			k = &kept[i];
	char *copy = malloc(head_len);
	if (!copy)
		return false;
	memcpy(copy, head, head_len);
	if (k->resp)
		MHD_destroy_response(k->resp); /* connections still sending it keep it alive */
	free(k->head);
	*k = (struct kept_answer){.resp = resp, .status = status, .head = copy, .head_len = head_len,
				  .nsig = nsig, .body = body, .body_len = body_len, .used = ++kept_clock};
	if (nsig > 0)
		memcpy(k->sig, sig, (size_t)nsig * sizeof(*sig));
	return true;
}

static void kept_release(void)
{
	for (int i = 0; i < ANSWERS_KEPT; i++) {
		if (kept[i].resp)
			MHD_destroy_response(kept[i].resp);
		free(kept[i].head);
		kept[i] = (struct kept_answer){0};
	}
}

static void add_headers(struct MHD_Response *resp, const struct reply *rp)
{
	if (rp->content_type)
		MHD_add_response_header(resp, "content-type", rp->content_type); /* hyper writes names lower-case */
	for (int i = 0; i < rp->nheaders; i++)
		MHD_add_response_header(resp, rp->headers[i].name, rp->headers[i].value);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct conn_ctx *ctx)
{
	struct reply *rp = &ctx->rp;
	const char *sig[SIG_MAX];
	int nsig = signature(rp, sig);
	ctx->status = rp->status;
	struct kept_answer *k = kept_find_signed(rp, sig, nsig);
	if (k) {
		k->used = ++kept_clock;
		return MHD_queue_response(c, (unsigned)rp->status, k->resp);
	}
	char head[ANSWER_HEAD_MAX];
	size_t head_len = serialise_head(rp, head);
	bool keep = head_len != (size_t)-1 && (!rp->body || rp->body_len <= ANSWER_BODY_MAX);
	k = keep ? kept_find(rp, head, head_len) : NULL;
	if (k) {
		k->used = ++kept_clock;
		return MHD_queue_response(c, (unsigned)rp->status, k->resp);
	}

	struct MHD_Response *resp;
	const char *body = rp->body ? rp->body : "";
	size_t body_len = rp->body ? rp->body_len : 0;
	if (rp->body) {
		resp = MHD_create_response_from_buffer_with_free_callback(rp->body_len, rp->body, free);
		if (resp)
			rp->body = NULL; /* MHD owns it now */
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	add_headers(resp, rp);
	enum MHD_Result r = MHD_queue_response(c, (unsigned)rp->status, resp);
	if (!keep || !kept_add(resp, rp->status, head, head_len, body, body_len, sig, nsig))
		MHD_destroy_response(resp);
	return r;
}

struct delay {
	struct MHD_Connection *conn;
	unsigned ms;
};

static void *resume_later(void *arg)
{
	struct delay *d = arg;
	struct timespec ts = {d->ms / 1000, (long)(d->ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	MHD_resume_connection(d->conn);
	free(d);
	return NULL;
}

/* ---- the events WebSocket: the upgrade hand-off -------------------------------------- */

void http_upgrade_close(void *handle)
{
	MHD_upgrade_action(handle, MHD_UPGRADE_ACTION_CLOSE);
}

/* After the 101 went out (libmicrohttpd's thread): the socket goes to the gateway
 * thread with the bytes read past the request. No more watchdog for it: a
 * WebSocket has no request to time out. */
static void on_upgrade(void *cls, struct MHD_Connection *c, void *con_cls, const char *extra_in, size_t extra_len,
		       MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	(void)cls;
	struct conn_ctx *ctx = con_cls;
	struct watch *w = watch_of(c);
	if (w) {
		pthread_mutex_lock(&watch_lock);
		w->fd = -1;
		pthread_mutex_unlock(&watch_lock);
	}
	ctx->upgraded = true;
	char *headers = ctx->ws_headers;
	ctx->ws_headers = NULL;
	ws_adopt(sock, extra_in, extra_len, urh, http_upgrade_close, ctx->path, ctx->query, headers);
}

static bool has_token(const char *list, const char *token)
{
	size_t n = strlen(token);
	for (const char *p = list; p && *p;) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, ",");
		size_t end = len;
		while (end && (p[end - 1] == ' ' || p[end - 1] == '\t'))
			end--;
		if (end == n && strncasecmp(p, token, n) == 0)
			return true;
		p += len;
	}
	return false;
}

/* REAL: events.md §1.1 - the events server ignores the path, so any GET with
 * Upgrade: websocket is the gateway's, except the control API's paths. */
static bool wants_websocket(const struct conn_ctx *ctx, const char *url, const char *method)
{
	return strcmp(method, "GET") == 0 && has_token(ctx->head.value[H_UPGRADE], "websocket") &&
	       has_token(ctx->head.value[H_CONNECTION], "upgrade") &&
	       !(strncmp(url, "/_mock", 6) == 0 && (url[6] == 0 || url[6] == '/'));
}

/* Answers an upgrade request: 101 and the socket to the gateway, or the
 * gateway's refusal (gateway_admit). */
static enum MHD_Result upgrade(struct MHD_Connection *c, struct conn_ctx *ctx)
{
	struct strbuf query = STRBUF_INIT;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &query);
	ctx->query = strbuf_detach(&query, NULL);
	ctx->answered = ctx->early = true;
	watch_set(c, true);
	char *body = NULL;
	const char *key = ctx->head.value[H_WS_KEY];
	int refused = gateway_admit(ctx->query, ctx->head.value[H_WS_VERSION], key, &body);
	reply_init(&ctx->rp);
	if (refused) {
		ctx->rp.status = refused;
		ctx->rp.body = body;
		ctx->rp.body_len = body ? strlen(body) : 0;
		ctx->rp.content_type = "application/json";
		return send_reply(c, ctx);
	}
	/* the journal's connect entry shows them: taken now, while libmicrohttpd has them
	 * (a token in the query counts as the request's, as a token header does) */
	const char *tok[3] = {NULL, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token"), NULL};
	ctx->ws_headers = journal_headers_text(ctx->head.line, ctx->head.lines, ctx->head.more_lines, tok);
	char accept[29];
	ws_accept_key(key, accept);
	struct MHD_Response *resp = MHD_create_response_for_upgrade(on_upgrade, NULL);
	enum MHD_Result r = MHD_NO;
	if (resp && MHD_add_response_header(resp, MHD_HTTP_HEADER_UPGRADE, "websocket") == MHD_YES &&
	    MHD_add_response_header(resp, "Sec-WebSocket-Accept", accept) == MHD_YES)
		r = MHD_queue_response(c, MHD_HTTP_SWITCHING_PROTOCOLS, resp);
	if (resp)
		MHD_destroy_response(resp);
	ctx->status = 101;
	if (r == MHD_YES)
		ctx->upgrading = true;
	else
		gateway_unadmit();
	return r;
}

/* ---- the dashboard's event stream -------------------------------------------------------
 * GET /_mock/ui/changes (dashboard.c) answers with rp->stream set: an endless
 * text/event-stream whose events carry the change counter (live.h); the page
 * reads what it shows again after each one.
 *
 * With one polling thread, a content reader that returns 0 when it has nothing to
 * send is called again at once, for ever: measured, one idle stream kept the
 * daemon's thread busy (0.98 s of CPU in 2 s, docs/performance.md#live). So a
 * stream with nothing to send suspends its connection (no CPU, no timeout while
 * suspended), and live_changed() or the watchdog (every 250 ms) resume it
 * (stream_wake) when it is due: at most one event per STREAM_GAP_MS (a change
 * inside the gap goes out at the next tick, so a busy server does not send an
 * event per request), and a comment line every STREAM_BEAT_MS, by which a stream
 * whose page has gone finds out (a suspended connection never notices a close).
 * http_stop ends every stream first: the daemon must find none suspended. */
#define STREAM_GAP_MS 100
#define STREAM_BEAT_MS 15000

struct stream {
	struct stream *prev, *next; /* every field under stream_lock */
	struct MHD_Connection *conn;
	bool suspended, ending;
	unsigned long long sent;    /* the generation last sent; 0: none yet */
	long long sent_ms, beat_ms; /* monotonic_ms() of the last event, of the last write */
};
static pthread_mutex_t stream_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stream streams = {&streams, &streams, NULL, false, false, 0, 0, 0};
static bool streams_ending;  /* under stream_lock: http_stop began */
static _Atomic int nstreams; /* PERF: nothing to wake while it is 0 */

/* Resumes the suspended streams that have something to send (every one with all).
 * MHD is called outside stream_lock, which libmicrohttpd's thread takes inside its
 * own (stream_free); a stream marked not suspended stays put until it is resumed
 * here, since a suspended connection is never closed. */
static void stream_resume(bool all)
{
	struct MHD_Connection *due[64];
	size_t n;
	do {
		n = 0;
		pthread_mutex_lock(&stream_lock);
		long long now = monotonic_ms();
		unsigned long long gen = live_generation();
		for (struct stream *s = streams.next; s != &streams && n < 64; s = s->next) {
			if (s->suspended && (all || s->ending || now - s->beat_ms >= STREAM_BEAT_MS ||
					     (s->sent != gen && now - s->sent_ms >= STREAM_GAP_MS))) {
				s->suspended = false;
				due[n++] = s->conn;
			}
		}
		pthread_mutex_unlock(&stream_lock);
		for (size_t i = 0; i < n; i++)
			MHD_resume_connection(due[i]);
	} while (n == 64);
}

/* live.h's waker, on the thread of any live_changed(); and the watchdog's tick. */
static void stream_wake(void)
{
	if (atomic_load_explicit(&nstreams, memory_order_relaxed))
		stream_resume(false);
}

/* libmicrohttpd's content reader (its thread): the next event, a heartbeat, the
 * end, or nothing for now, and then the connection is suspended. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct stream *s = cls;
	char text[96];
	int n = 0;
	pthread_mutex_lock(&stream_lock);
	long long now = monotonic_ms();
	unsigned long long gen = live_generation();
	if (s->ending) {
		pthread_mutex_unlock(&stream_lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (gen != s->sent && (!s->sent || now - s->sent_ms >= STREAM_GAP_MS))
		/* retry: EventSource reconnects after 1 s instead of 3 */
		n = snprintf(text, sizeof(text), "%sevent: change\ndata: %llu\n\n", s->sent ? "" : "retry: 1000\n", gen);
	else if (now - s->beat_ms >= STREAM_BEAT_MS)
		n = snprintf(text, sizeof(text), ":\n\n");
	if (n > 0 && (size_t)n <= max) {
		memcpy(buf, text, (size_t)n);
		if (text[0] != ':') {
			s->sent = gen;
			s->sent_ms = now;
		}
		s->beat_ms = now;
	} else if (n == 0) {
		s->suspended = true;
		MHD_suspend_connection(s->conn);
	} else {
		n = 0; /* no room yet: called again when there is */
	}
	pthread_mutex_unlock(&stream_lock);
	return n;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	pthread_mutex_lock(&stream_lock);
	s->prev->next = s->next;
	s->next->prev = s->prev;
	atomic_fetch_sub_explicit(&nstreams, 1, memory_order_relaxed);
	pthread_mutex_unlock(&stream_lock);
	free(s);
}

static enum MHD_Result stream_reply(struct MHD_Connection *c, struct conn_ctx *ctx)
{
	struct stream *s = calloc(1, sizeof(*s));
	if (!s)
		return MHD_NO;
	s->conn = c;
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 256, stream_read, s, stream_free);
	if (!resp) {
		free(s);
		return MHD_NO;
	}
	add_headers(resp, &ctx->rp);
	pthread_mutex_lock(&stream_lock);
	s->ending = streams_ending;
	s->next = streams.next;
	s->prev = &streams;
	streams.next->prev = s;
	streams.next = s;
	atomic_fetch_add_explicit(&nstreams, 1, memory_order_relaxed);
	pthread_mutex_unlock(&stream_lock);
	ctx->status = ctx->rp.status;
	enum MHD_Result r = MHD_queue_response(c, (unsigned)ctx->rp.status, resp);
	MHD_destroy_response(resp); /* unqueued, this frees the stream (stream_free) */
	return r;
}

/* Before the daemon stops: every stream ends, none stays suspended, and each gets
 * up to half a second to send its last chunk (a clean end rather than a cut). */
static void stream_end_all(void)
{
	live_set_waker(NULL);
	pthread_mutex_lock(&stream_lock);
	streams_ending = true;
	for (struct stream *s = streams.next; s != &streams; s = s->next)
		s->ending = true;
	pthread_mutex_unlock(&stream_lock);
	stream_resume(true);
	for (int i = 0; i < 50 && atomic_load_explicit(&nstreams, memory_order_relaxed); i++) {
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn_ctx *ctx = *con_cls;
	if (!ctx) {
		ctx = calloc(1, sizeof(*ctx));
		if (!ctx)
			return MHD_NO;
		strbuf_init(&ctx->body, JSON_LIMIT);
		if (!config.quiet)
			clock_gettime(CLOCK_MONOTONIC, &ctx->start); /* for the log line */
		str_copy(ctx->method, sizeof(ctx->method), method);
		ctx->path = strdup(url);
		ctx->conn = c;
		*con_cls = ctx;
		ctx->head.bytes = strlen(method) + strlen(url) + strlen(version) + 4;
		MHD_get_connection_values(c, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND, scan_head, &ctx->head);
		if (ctx->head.bytes > config.max_header_bytes) {
			/* REAL: hyper answers 431 with no body and closes the connection */
			ctx->head_too_big = ctx->answered = true;
			watch_set(c, true);
			reply_init(&ctx->rp);
			ctx->rp.status = 431;
			reply_header(&ctx->rp, MHD_HTTP_HEADER_CONNECTION, "close");
			return send_reply(c, ctx);
		}
		if (wants_websocket(ctx, url, method))
			return upgrade(c, ctx);
		return MHD_YES;
	}
	if (ctx->head_too_big || ctx->early) {
		*upload_size = 0; /* the answer is queued; the body is not read */
		return MHD_YES;
	}
	if (*upload_size) {
		if (!ctx->over_limit && strbuf_add(&ctx->body, upload, *upload_size)) {
			/* keep exactly the first JSON_LIMIT bytes, as Rocket reads them */
			size_t room = JSON_LIMIT - ctx->body.len;
			ctx->body.max = 0;
			strbuf_add(&ctx->body, upload, room);
			ctx->over_limit = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (ctx->answered)
		return send_reply(c, ctx); /* resumed after a delay */

	struct request rq = {0};
	struct strbuf query = STRBUF_INIT;
	watch_set(c, true);
	fill_request(ctx, c, url, method, &rq, &query);
	reply_init(&ctx->rp);
	server_lock();
	dispatch(&rq, &ctx->rp);
	server_unlock();
	ctx->route = rq.route ? rq.route->name : NULL;
	ctx->not_emulated = rq.absent ? rq.absent->name : NULL;
	ctx->auth = auth_header_kind(&rq);
	request_release(&rq);
	strbuf_release(&query);
	ctx->answered = true;
	if (ctx->rp.drop) {
		ctx->status = 0;
		return MHD_NO; /* close without an answer */
	}
	if (ctx->rp.stream)
		return stream_reply(c, ctx);
	if (ctx->rp.delay_ms) {
		struct delay *d = malloc(sizeof(*d));
		pthread_t t;
		if (d) {
			d->conn = c;
			d->ms = ctx->rp.delay_ms;
			MHD_suspend_connection(c);
			if (pthread_create(&t, NULL, resume_later, d) == 0) {
				pthread_detach(t);
				return MHD_YES;
			}
			free(d);
			MHD_resume_connection(c);
		}
	}
	return send_reply(c, ctx);
}

/* PERF: the access log. An fprintf to stderr, which is unbuffered, is one write(2)
 * per request: 10% of the server's time per GET /bots/{id} when stderr is a file
 * or a pipe (docs/performance.md#log). So when stderr is not a terminal it gets a
 * 64 KiB buffer, and a flusher thread writes out whatever is in it every
 * LOG_FLUSH_MS: a line reaches the file at most that late, in the same order
 * (every stderr line goes through the one buffer), and http_stop() flushes the
 * rest. A terminal keeps one write per line; --quiet formats nothing. */
#define LOG_FLUSH_MS 50
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t log_cond = PTHREAD_COND_INITIALIZER;
static pthread_t log_flusher;
static bool log_flusher_running, log_flusher_stop;

static void *log_flusher_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&log_lock);
	while (!log_flusher_stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += LOG_FLUSH_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&log_cond, &log_lock, &until);
		fflush(stderr); /* stdio locks the stream: safe beside on_completed */
	}
	pthread_mutex_unlock(&log_lock);
	return NULL;
}

static void log_buffer_start(void)
{
	if (config.quiet || isatty(STDERR_FILENO) || setvbuf(stderr, NULL, _IOFBF, 1 << 16))
		return;
	log_flusher_stop = false;
	log_flusher_running = pthread_create(&log_flusher, NULL, log_flusher_main, NULL) == 0;
	if (!log_flusher_running)
		setvbuf(stderr, NULL, _IONBF, 0); /* no flusher: back to a write per line */
}

static void log_buffer_stop(void)
{
	if (log_flusher_running) {
		pthread_mutex_lock(&log_lock);
		log_flusher_stop = true;
		pthread_cond_signal(&log_cond);
		pthread_mutex_unlock(&log_lock);
		pthread_join(log_flusher, NULL);
		log_flusher_running = false;
	}
	fflush(stderr);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	struct conn_ctx *ctx = *con_cls;
	watch_set(c, false);
	if (!ctx)
		return;
	if (ctx->upgrading && !ctx->upgraded)
		gateway_unadmit(); /* the 101 never reached the gateway */
	if (!config.quiet) {
		bool ok = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
		struct accesslog_entry e = {.method = ctx->method, .path = ctx->path, .route = ctx->route,
					    .not_emulated = ctx->not_emulated, .auth = ctx->auth,
					    .status = ok ? ctx->status : 0,
					    .closed = ctx->rp.drop ? "fault: drop" : "client or timeout",
					    .duration_us = elapsed_us(&ctx->start)};
		clock_gettime(CLOCK_REALTIME, &e.time);
		struct strbuf line = STRBUF_INIT;
		accesslog_format(&line, config.log_format, &e);
		fwrite(line.buf, 1, line.len, stderr);
		strbuf_release(&line);
	}
	reply_release(&ctx->rp);
	strbuf_release(&ctx->body);
	free(ctx->path);
	free(ctx->query);
	free(ctx->ws_headers);
	free(ctx);
	*con_cls = NULL;
}

/* Rocket decodes each path segment itself: keep MHD from decoding the URL. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static int listen_on(const char *host, unsigned port, unsigned *bound, char *err, size_t errlen)
{
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	char portstr[16];
	snprintf(portstr, sizeof(portstr), "%u", port);
	int rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "cannot resolve listen address '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 1024)) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s", host, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	*bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						: ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

int http_start(unsigned *bound_port, char *err, size_t errlen)
{
	int fd = listen_on(config.host, config.port, bound_port, err, errlen);
	if (fd < 0)
		return -1;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME | MHD_ALLOW_UPGRADE;
	daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
				   MHD_OPTION_LISTEN_SOCKET, fd,
				   MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				   MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
				   MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
				   /* HTTP connections, an upgrade request among them until its 101
				    * is out; a session then leaves libmicrohttpd (ws.c, adopt_job)
				    * and --max-sessions bounds those */
				   MHD_OPTION_CONNECTION_LIMIT, config.max_connections,
				   MHD_OPTION_CONNECTION_TIMEOUT, config.timeout_s,
				   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)config.max_header_bytes + 4096,
				   MHD_OPTION_END);
	if (!daemon_) {
		snprintf(err, errlen, "cannot start the HTTP server on %s:%u", config.host, *bound_port);
		close(fd);
		return -1;
	}
	watchdog_stop = false;
	watchdog_running = pthread_create(&watchdog, NULL, watchdog_main, NULL) == 0;
	streams_ending = false;
	live_set_waker(stream_wake);
	log_buffer_start();
	return 0;
}

void http_stop(void)
{
	if (watchdog_running) {
		pthread_mutex_lock(&watch_lock);
		watchdog_stop = true;
		pthread_cond_signal(&watch_cond);
		pthread_mutex_unlock(&watch_lock);
		pthread_join(watchdog, NULL);
		watchdog_running = false;
	}
	stream_end_all();
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	kept_release();
	log_buffer_stop(); /* after the daemon: the last requests' lines are in */
}

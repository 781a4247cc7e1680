/* ws.c: the gateway thread and RFC 6455 framing with wslay (see ws.h).
 *
 * The loop: wait on epoll (the eventfd of the inbox and every socket) until the
 * nearest deadline; read what is readable through wslay (which calls the
 * protocol for each whole message), write what is writable, run the posted jobs
 * and the due timers; then settle every connection touched in that round: write
 * what was queued, ask epoll for what wslay wants, end those that are done. A
 * connection is freed only there, so no callback and no walk over the sessions
 * ever sees one disappear. */
#include "ws.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <nettle/base64.h>
#include <nettle/sha1.h>
#include <wslay/wslay.h>

#include "config.h"
#include "sessions.h"

/* how long a Close frame we sent waits for the peer's, and a drop for its last
 * bytes to be written, before the socket is dropped anyway */
#define CLOSE_WAIT_MS 1000
#define FLUSH_WAIT_MS 5000
/* how long an ended connection's socket is read and discarded, waiting for the
 * peer to close it (see linger) */
#define LINGER_MS 1000

enum conn_state {
	CONN_OPEN,
	CONN_CLOSING,  /* our Close frame is queued or sent: waiting for the peer's */
	CONN_FLUSHING, /* ws_drop_after: writing what is queued */
	CONN_GRACE,    /* ws_drop_after: written, waiting drop_ms */
};

struct ws_conn {
	int fd; /* our duplicate of libmicrohttpd's socket: closed by finish() */
	wslay_event_context_ptr ctx;
	char *extra; /* bytes libmicrohttpd read past the request: fed to wslay first */
	size_t extra_len, extra_off;
	void *data;
	enum conn_state state;
	unsigned drop_ms;
	unsigned mask;      /* what epoll watches */
	bool in_epoll;
	bool end;           /* to be freed when settled */
	bool dropped;       /* the end is a bare drop */
	bool server_closed; /* we sent the first Close (ours or wslay's) */
	bool client_closed; /* the peer sent the first Close */
	bool dirty;
	bool in_recv;       /* inside wslay_event_recv (its callbacks): no writing */
	bool eof;           /* the peer closed the connection, or it failed */
	bool lingering;     /* ended: only its socket is left, read until the peer closes */
	long long end_at;   /* ms (monotonic) the current state gives up; 0: none */
	long long timer_at; /* ws_timer; 0: none */
	void (*timer_fn)(struct ws_conn *c, void *arg);
	void *timer_arg;
	uint8_t head[14];   /* a frame's header, held to go out with its payload */
	size_t head_len;
	uint8_t *tail;      /* what the socket did not take of a frame ws_send_frame wrote */
	size_t tail_len, tail_off; /* itself: it goes before anything wslay has */
	struct ws_conn *prev, *next, *next_dirty;
	struct ws_conn *tprev, *tnext; /* in the timed list while end_at or timer_at is set */
};

struct job {
	struct job *next;
	void (*fn)(void *arg);
	void *arg;
};

static const struct ws_handlers *handlers;
static pthread_t thread;
static int epfd = -1, evfd = -1;
static pthread_mutex_t inbox_lock = PTHREAD_MUTEX_INITIALIZER;
static struct job *jobs, **jobs_tail = &jobs;
static bool running, stop_asked;
static bool stopping; /* gateway thread: ending everything */
static struct ws_conn conns = {.prev = &conns, .next = &conns};
static struct ws_conn *dirty;
/* PERF: the connections with a deadline (end_at or timer_at), nearly always none:
 * the loop looks for the next deadline among them only, not among every idle
 * session at every wake-up. */
static struct ws_conn timed = {.tprev = &timed, .tnext = &timed};
/* ended connections whose sockets linger (prev/next) */
static struct ws_conn lingering = {.prev = &lingering, .next = &lingering};

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void timed_add(struct ws_conn *c)
{
	if (c->tnext)
		return;
	c->tprev = timed.tprev;
	c->tnext = &timed;
	timed.tprev->tnext = c;
	timed.tprev = c;
}

static void timed_remove(struct ws_conn *c)
{
	if (!c->tnext)
		return;
	c->tprev->tnext = c->tnext;
	c->tnext->tprev = c->tprev;
	c->tprev = c->tnext = NULL;
}

static void touch(struct ws_conn *c)
{
	if (!c->dirty) {
		c->dirty = true;
		c->next_dirty = dirty;
		dirty = c;
	}
}

/* ---- wslay's I/O callbacks ------------------------------------------------------- */

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
	(void)flags;
	struct ws_conn *c = user;
	if (c->extra_off < c->extra_len) {
		size_t n = c->extra_len - c->extra_off;
		if (n > len)
			n = len;
		memcpy(buf, c->extra + c->extra_off, n);
		c->extra_off += n;
		return (ssize_t)n;
	}
	ssize_t r;
	while ((r = recv(c->fd, buf, len, 0)) < 0 && errno == EINTR)
		;
	if (r > 0)
		return r;
	bool again = r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	c->eof = !again; /* 0: the peer closed the TCP connection */
	wslay_event_set_error(ctx, again ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
	return -1;
}

/* PERF: wslay sends a frame in two calls, its header (WSLAY_MSG_MORE) and then
 * its payload. The header is held here and goes out with the payload in one
 * sendmsg: one system call per frame instead of two (a rename delivered to
 * 1 000 sessions is 1 000 frames). What the socket does not take stays held
 * (the header) or is wslay's to send again (the payload), as with send(). */
static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags, void *user)
{
	struct ws_conn *c = user;
	if ((flags & WSLAY_MSG_MORE) && !c->head_len && len <= sizeof(c->head)) {
		memcpy(c->head, data, len);
		c->head_len = len;
		return (ssize_t)len;
	}
	struct iovec iov[2] = {{c->head, c->head_len}, {(void *)data, len}};
	struct msghdr m = {.msg_iov = c->head_len ? iov : iov + 1, .msg_iovlen = c->head_len ? 2 : 1};
	ssize_t r;
	while ((r = sendmsg(c->fd, &m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (r < 0) {
		wslay_event_set_error(ctx, errno == EAGAIN || errno == EWOULDBLOCK ? WSLAY_ERR_WOULDBLOCK
										   : WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	if ((size_t)r < c->head_len) { /* part of the header: the rest goes first next time */
		memmove(c->head, c->head + r, c->head_len - (size_t)r);
		c->head_len -= (size_t)r;
		r = 0;
	} else {
		r -= (ssize_t)c->head_len;
		c->head_len = 0;
	}
	if (r == 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	return r;
}

static void on_message(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
	(void)ctx;
	struct ws_conn *c = user;
	if (arg->opcode == WSLAY_CONNECTION_CLOSE) {
		if (!c->server_closed)
			c->client_closed = true;
		return;
	}
	if (arg->opcode != WSLAY_TEXT_FRAME && arg->opcode != WSLAY_BINARY_FRAME)
		return; /* Ping (wslay answers it) and Pong */
	if (c->state != CONN_OPEN || c->end)
		return; /* ending: read and ignored */
	handlers->message(c, (const char *)arg->msg, arg->msg_length, arg->opcode == WSLAY_TEXT_FRAME);
}

static const struct wslay_event_callbacks callbacks = {
	.recv_callback = on_recv,
	.send_callback = on_send,
	.on_msg_recv_callback = on_message,
};

/* ---- ending ---------------------------------------------------------------------- */

/* Closes the socket of an ended connection and frees it. */
static void release(struct ws_conn *c)
{
	if (c->in_epoll)
		epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	timed_remove(c);
	if (c->lingering) {
		c->prev->next = c->next;
		c->next->prev = c->prev;
	}
	close(c->fd);
	free(c);
}

/* Reads and discards what a lingering socket has; closes it at the peer's end. */
static void drain(struct ws_conn *c)
{
	char buf[4096];
	ssize_t r;
	while ((r = recv(c->fd, buf, sizeof(buf), 0)) > 0 || (r < 0 && errno == EINTR))
		;
	if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		release(c);
}

/* A socket closed while the peer's bytes wait unread is reset by the kernel, and
 * the peer may lose what was sent last (the Close 1009 answering a message too
 * long, still arriving; an Error frame before a drop), or fail its own sending
 * first. So an ended connection's socket is shut for writing (what was sent goes,
 * then the FIN) and read and discarded until the peer closes it, LINGER_MS at
 * most, unless the peer has closed it already or the gateway is stopping. */
static void linger(struct ws_conn *c)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	if (c->eof || stopping || shutdown(c->fd, SHUT_WR) != 0 ||
	    epoll_ctl(epfd, c->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) != 0) {
		release(c);
		return;
	}
	c->in_epoll = true;
	c->lingering = true;
	c->prev = lingering.prev;
	c->next = &lingering;
	lingering.prev->next = c;
	lingering.prev = c;
	c->end_at = mono_ms() + LINGER_MS;
	timed_add(c);
	drain(c);
}

static void finish(struct ws_conn *c)
{
	int code = -1;
	const char *by = "client";
	if (c->dropped) {
		by = "drop";
	} else if (c->server_closed || (wslay_event_get_close_sent(c->ctx) && !c->client_closed)) {
		by = "server";
		code = wslay_event_get_status_code_sent(c->ctx);
	} else if (c->client_closed) {
		code = wslay_event_get_status_code_received(c->ctx);
	}
	if (code == WSLAY_CODE_NO_STATUS_RCVD || code == WSLAY_CODE_ABNORMAL_CLOSURE)
		code = -1;
	handlers->closed(c, code, by);
	if (c->dirty) { /* touched by its own closed handler: out of the list */
		struct ws_conn **pp = &dirty;
		while (*pp && *pp != c)
			pp = &(*pp)->next_dirty;
		if (*pp)
			*pp = c->next_dirty;
	}
	c->prev->next = c->next;
	c->next->prev = c->prev;
	timed_remove(c);
	wslay_event_context_free(c->ctx);
	c->ctx = NULL;
	sessions_unreserve();
	free(c->extra);
	free(c->tail);
	c->extra = NULL;
	c->tail = NULL;
	linger(c);
}

/* Bytes waiting to be written: a frame's tail, and what wslay has queued. */
static size_t queued(const struct ws_conn *c)
{
	return (c->tail ? c->tail_len - c->tail_off : 0) + wslay_event_get_queued_msg_length(c->ctx);
}

static bool wants_write(const struct ws_conn *c) { return c->tail || wslay_event_want_write(c->ctx); }

/* Writes what is waiting, the tail first, as far as the socket takes it; -1 when
 * the peer is gone. Never inside wslay_event_recv (in_recv). */
static int flush(struct ws_conn *c)
{
	if (c->tail) {
		ssize_t r;
		while ((r = send(c->fd, c->tail + c->tail_off, c->tail_len - c->tail_off, MSG_NOSIGNAL)) < 0 &&
		       errno == EINTR)
			;
		if (r < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		c->tail_off += (size_t)r;
		if (c->tail_off < c->tail_len)
			return 0;
		free(c->tail);
		c->tail = NULL;
	}
	return wslay_event_want_write(c->ctx) && wslay_event_send(c->ctx) < 0 ? -1 : 0;
}

/* After a round: write what is queued, watch what wslay wants, end what is done. */
static void settle(struct ws_conn *c)
{
	if (!c->end) {
		if (wants_write(c) && flush(c) < 0)
			c->end = true; /* the peer is gone */
	}
	if (!c->end && c->state == CONN_FLUSHING && !wants_write(c)) {
		c->state = CONN_GRACE;
		c->end_at = mono_ms() + c->drop_ms;
		timed_add(c);
		if (!c->drop_ms)
			c->end = c->dropped = true;
	}
	if (!c->end && !wslay_event_want_read(c->ctx) && !wants_write(c))
		c->end = true; /* Close frames exchanged, or wslay gave up (1002, 1007, 1009) */
	if (c->end) {
		finish(c);
		return;
	}
	/* in GRACE nothing is written any more: only read (and ignore) */
	unsigned want = (wslay_event_want_read(c->ctx) ? EPOLLIN : 0) |
			(c->state != CONN_GRACE && wants_write(c) ? EPOLLOUT : 0);
	if (want != c->mask || !c->in_epoll) {
		struct epoll_event ev = {.events = want, .data.ptr = c};
		if (epoll_ctl(epfd, c->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) == 0) {
			c->in_epoll = true;
			c->mask = want;
		}
	}
}

static void settle_all(void)
{
	while (dirty) {
		struct ws_conn *c = dirty;
		dirty = c->next_dirty;
		c->dirty = false;
		settle(c);
	}
}

static int recv_frames(struct ws_conn *c)
{
	c->in_recv = true;
	int rc = wslay_event_recv(c->ctx);
	c->in_recv = false;
	return rc;
}

/* ---- the protocol's calls ---------------------------------------------------------- */

bool ws_ending(const struct ws_conn *c) { return c->end || c->state != CONN_OPEN; }

int ws_send_text(struct ws_conn *c, const char *text, size_t n)
{
	if (ws_ending(c))
		return -1;
	/* the queue is what the socket would not take: write first, then judge */
	if (queued(c) + n > config.ws_max_queue && !c->in_recv && flush(c) < 0) {
		ws_drop(c);
		return -1;
	}
	if (queued(c) + n > config.ws_max_queue) {
		ws_drop(c); /* a reader this slow is dropped; nobody else waits for it */
		return -1;
	}
	struct wslay_event_msg msg = {WSLAY_TEXT_FRAME, (const uint8_t *)text, n};
	if (wslay_event_queue_msg(c->ctx, &msg) != 0) {
		ws_drop(c);
		return -1;
	}
	touch(c);
	return 0;
}

/* ---- one frame for many connections ------------------------------------------------ */

struct ws_frame {
	const char *text; /* the payload, inside bytes */
	size_t text_len;
	size_t len;       /* of bytes: the header, then the payload */
	uint8_t bytes[];
};

static ssize_t render(const uint8_t *data, size_t len, int flags, void *user)
{
	(void)flags;
	struct ws_frame *f = user;
	memcpy(f->bytes + f->len, data, len);
	f->len += len;
	return (ssize_t)len;
}

struct ws_frame *ws_frame_text(const char *text, size_t n)
{
	struct ws_frame *f = malloc(sizeof(*f) + 14 + n); /* RFC 6455: a header is 14 bytes at most */
	wslay_frame_context_ptr fc = NULL;
	static const struct wslay_frame_callbacks cb = {render, NULL, NULL};
	if (!f || wslay_frame_context_init(&fc, &cb, f) != 0)
		goto fail;
	f->len = 0;
	struct wslay_frame_iocb io = {
		.fin = 1, .opcode = WSLAY_TEXT_FRAME, .payload_length = n, .data = (const uint8_t *)text, .data_length = n};
	if (wslay_frame_send(fc, &io) != (ssize_t)n)
		goto fail;
	wslay_frame_context_free(fc);
	f->text = (const char *)f->bytes + f->len - n;
	f->text_len = n;
	return f;
fail:
	if (fc)
		wslay_frame_context_free(fc);
	free(f);
	return NULL;
}

void ws_frame_free(struct ws_frame *f) { free(f); }

/* PERF: a frame nothing else waits before goes to the socket as it is, in one
 * send: no copy, no allocation, no wslay queue. What the socket does not take is
 * kept (the tail) and written before anything else. Behind anything queued, the
 * frame is queued as its text would be (ws_send_text), in order. */
int ws_send_frame(struct ws_conn *c, const struct ws_frame *f)
{
	if (ws_ending(c))
		return -1;
	if (c->tail || wslay_event_want_write(c->ctx) || wslay_event_get_close_sent(c->ctx) ||
	    !wslay_event_get_write_enabled(c->ctx)) /* behind something, or after a Close */
		return ws_send_text(c, f->text, f->text_len);
	ssize_t r;
	while ((r = send(c->fd, f->bytes, f->len, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		c->end = true; /* the peer is gone */
		touch(c);
		return -1;
	}
	size_t done = r > 0 ? (size_t)r : 0;
	if (done == f->len)
		return 0;
	if (f->len - done > config.ws_max_queue || !(c->tail = malloc(f->len - done))) {
		ws_drop(c);
		return -1;
	}
	memcpy(c->tail, f->bytes + done, f->len - done);
	c->tail_len = f->len - done;
	c->tail_off = 0;
	touch(c);
	return 0;
}

void ws_close(struct ws_conn *c, int code, const char *reason)
{
	if (ws_ending(c))
		return;
	size_t len = reason ? strlen(reason) : 0;
	if (len > 123)
		len = 123; /* RFC 6455 §5.5: a control frame carries at most 125 bytes */
	c->server_closed = true;
	c->state = CONN_CLOSING;
	c->end_at = mono_ms() + CLOSE_WAIT_MS;
	timed_add(c);
	if (wslay_event_queue_close(c->ctx, (uint16_t)code, (const uint8_t *)reason, len) != 0)
		c->end = true;
	touch(c);
}

void ws_drop(struct ws_conn *c)
{
	c->end = c->dropped = true;
	touch(c);
}

void ws_drop_after(struct ws_conn *c, unsigned ms)
{
	if (ws_ending(c))
		return;
	c->state = CONN_FLUSHING;
	c->drop_ms = ms;
	c->dropped = true; /* however it ends now, it is our drop */
	c->end_at = mono_ms() + FLUSH_WAIT_MS + ms;
	timed_add(c);
	touch(c);
}

void ws_timer(struct ws_conn *c, unsigned ms, void (*fn)(struct ws_conn *c, void *arg), void *arg)
{
	c->timer_at = mono_ms() + ms + (ms == 0); /* 0 is "none" */
	timed_add(c);
	c->timer_fn = fn;
	c->timer_arg = arg;
}

void ws_set_data(struct ws_conn *c, void *data) { c->data = data; }
void *ws_data(const struct ws_conn *c) { return c->data; }
bool ws_stopping(void) { return stopping; }

static void drop_all(void)
{
	for (struct ws_conn *c = conns.next; c != &conns; c = c->next)
		ws_drop(c);
}

/* ---- the inbox --------------------------------------------------------------------- */

int ws_post(void (*fn)(void *arg), void *arg)
{
	struct job *j = malloc(sizeof(*j));
	if (!j)
		return -1;
	j->next = NULL;
	j->fn = fn;
	j->arg = arg;
	pthread_mutex_lock(&inbox_lock);
	if (!running || stop_asked) {
		pthread_mutex_unlock(&inbox_lock);
		free(j);
		return -1;
	}
	*jobs_tail = j;
	jobs_tail = &j->next;
	pthread_mutex_unlock(&inbox_lock);
	uint64_t one = 1;
	ssize_t w = write(evfd, &one, sizeof(one)); /* never blocks: the counter is far from full */
	(void)w;
	return 0;
}

/* Runs what was posted; true when a stop was asked. */
static bool run_jobs(void)
{
	uint64_t n;
	ssize_t r = read(evfd, &n, sizeof(n));
	(void)r;
	pthread_mutex_lock(&inbox_lock);
	struct job *list = jobs;
	jobs = NULL;
	jobs_tail = &jobs;
	bool stop = stop_asked;
	pthread_mutex_unlock(&inbox_lock);
	while (list) {
		struct job *j = list;
		list = j->next;
		j->fn(j->arg);
		free(j);
	}
	return stop;
}

struct adoption {
	int fd;
	void *handle;
	void (*close_fn)(void *handle);
	char *extra;
	size_t extra_len;
	char *path, *query, *headers;
};

static void adoption_free(struct adoption *a)
{
	free(a->extra);
	free(a->path);
	free(a->query);
	free(a->headers);
	free(a);
}

/* PERF: libmicrohttpd keeps an upgraded connection, and its memory pool, until
 * the close action: the pool is --max-header-bytes + 4 KiB, of which the request
 * touched about 24 KiB (its read buffer is zeroed when the request is done), 24 MB
 * for 1 000 sessions. The session keeps a duplicate of the socket and the
 * connection is handed back at once; libmicrohttpd closes only its own
 * descriptor (it neither shuts the socket down nor reads from it after the
 * upgrade), so the TCP connection lives on in ours (docs/performance.md#gateway). */
static void adopt_job(void *arg)
{
	struct adoption *a = arg;
	struct ws_conn *c = stopping ? NULL : calloc(1, sizeof(*c));
	int fd = c ? fcntl(a->fd, F_DUPFD_CLOEXEC, 0) : -1;
	a->close_fn(a->handle);
	if (fd < 0 || wslay_event_context_server_init(&c->ctx, &callbacks, c) != 0) {
		if (fd >= 0)
			close(fd);
		free(c);
		sessions_unreserve();
		adoption_free(a);
		return;
	}
	wslay_event_config_set_max_recv_msg_length(c->ctx, config.ws_max_message);
	c->fd = fd;
	c->extra = a->extra;
	c->extra_len = a->extra_len;
	a->extra = NULL;
	c->prev = conns.prev;
	c->next = &conns;
	conns.prev->next = c;
	conns.prev = c;
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	handlers->open(c, a->path, a->query, a->headers);
	adoption_free(a);
	/* frames that came with the request (extra) and since: epoll will not say */
	if (!c->end && recv_frames(c) < 0)
		c->end = true;
	touch(c);
}

void ws_adopt(int fd, const char *extra, size_t extra_len, void *handle, void (*close_fn)(void *handle),
	      const char *path, const char *query, char *headers)
{
	struct adoption *a = calloc(1, sizeof(*a));
	if (!a)
		free(headers);
	if (a) {
		a->headers = headers;
		a->fd = fd;
		a->handle = handle;
		a->close_fn = close_fn;
		a->extra_len = extra_len;
		a->extra = extra_len ? malloc(extra_len) : NULL;
		if (a->extra)
			memcpy(a->extra, extra, extra_len);
		a->path = strdup(path ? path : "/");
		a->query = strdup(query ? query : "");
	}
	if (!a || (extra_len && !a->extra) || !a->path || !a->query || ws_post(adopt_job, a) != 0) {
		if (a)
			adoption_free(a);
		close_fn(handle);
		sessions_unreserve();
	}
}

/* REAL: RFC 6455 §4.2.2; nettle is what wslay's own examples use (README). */
void ws_accept_key(const char *key, char out[29])
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	struct sha1_ctx sha;
	uint8_t digest[SHA1_DIGEST_SIZE];
	sha1_init(&sha);
	sha1_update(&sha, strlen(key), (const uint8_t *)key);
	sha1_update(&sha, sizeof(guid) - 1, (const uint8_t *)guid);
	sha1_digest(&sha, sizeof(digest), digest);
	base64_encode_raw((char *)out, sizeof(digest), digest);
	out[28] = 0;
}

/* ---- the loop ----------------------------------------------------------------------- */

static int next_timeout(long long now)
{
	long long soonest = -1;
	for (struct ws_conn *c = timed.tnext; c != &timed; c = c->tnext) {
		if (c->end_at && (soonest < 0 || c->end_at < soonest))
			soonest = c->end_at;
		if (c->timer_at && (soonest < 0 || c->timer_at < soonest))
			soonest = c->timer_at;
	}
	if (soonest < 0)
		return -1;
	return soonest <= now ? 0 : (int)(soonest - now);
}

static void run_timers(long long now)
{
	for (struct ws_conn *c = timed.tnext, *next; c != &timed; c = next) {
		next = c->tnext; /* a timer may set a deadline again: c stays where it is */
		if (c->lingering) {
			if (c->end_at <= now)
				release(c);
			continue;
		}
		if (c->timer_at && c->timer_at <= now && !c->end) {
			c->timer_at = 0;
			c->timer_fn(c, c->timer_arg);
			touch(c);
		}
		if (c->end_at && c->end_at <= now) {
			c->end_at = 0;
			if (c->state != CONN_OPEN) {
				c->end = true;
				if (c->state != CONN_CLOSING)
					c->dropped = true;
				touch(c);
			}
		}
		if (!c->timer_at && !c->end_at)
			timed_remove(c);
	}
}

static void *loop(void *arg)
{
	(void)arg;
	struct epoll_event evs[64];
	bool stop = false;
	while (!stop) {
		int n = epoll_wait(epfd, evs, 64, next_timeout(mono_ms()));
		for (int i = 0; i < n; i++) {
			struct ws_conn *c = evs[i].data.ptr;
			if (!c) {
				stop = run_jobs();
				continue;
			}
			if (c->lingering) {
				drain(c);
				continue;
			}
			if (c->end)
				continue;
			if ((evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && recv_frames(c) < 0)
				c->end = true;
			if (!c->end && (evs[i].events & EPOLLOUT) && flush(c) < 0)
				c->end = true;
			touch(c);
		}
		run_timers(mono_ms());
		settle_all();
	}
	stopping = true;
	drop_all();
	settle_all();
	/* what was posted since (an adoption, events): run, against no connection */
	pthread_mutex_lock(&inbox_lock);
	running = false;
	pthread_mutex_unlock(&inbox_lock);
	run_jobs();
	settle_all();
	while (lingering.next != &lingering)
		release(lingering.next);
	return NULL;
}

int ws_start(const struct ws_handlers *h, char *err, size_t errlen)
{
	handlers = h;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	if (epfd < 0 || evfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, evfd, &ev) != 0) {
		snprintf(err, errlen, "cannot start the events gateway: %s", strerror(errno));
		goto fail;
	}
	stop_asked = stopping = false;
	running = true;
	if (pthread_create(&thread, NULL, loop, NULL) != 0) {
		running = false;
		snprintf(err, errlen, "cannot start the events gateway thread");
		goto fail;
	}
	return 0;
fail:
	if (epfd >= 0)
		close(epfd);
	if (evfd >= 0)
		close(evfd);
	epfd = evfd = -1;
	return -1;
}

void ws_stop(void)
{
	pthread_mutex_lock(&inbox_lock);
	bool was = running;
	stop_asked = true;
	pthread_mutex_unlock(&inbox_lock);
	if (!was)
		return;
	uint64_t one = 1;
	ssize_t w = write(evfd, &one, sizeof(one));
	(void)w;
	pthread_join(thread, NULL);
	close(epfd);
	close(evfd);
	epfd = evfd = -1;
}

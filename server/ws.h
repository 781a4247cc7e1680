/* ws.h: the WebSocket transport of the events gateway. One thread (the gateway
 * thread) owns every upgraded socket: an epoll set, one wslay context per
 * connection for RFC 6455 framing (the only file that includes <wslay/wslay.h>),
 * and an inbox (mutex + eventfd) through which any other thread hands it work.
 * The protocol on top (gateway.c) runs on that thread through three callbacks.
 *
 * Limits: an inbound message over --ws-max-message is answered Close 1009 by
 * wslay, a text message that is not UTF-8 Close 1007, a protocol error Close 1002;
 * more than --ws-max-queue bytes queued for one connection drops that connection
 * and nothing else. Sockets are non-blocking; EPOLLOUT is asked for only while
 * wslay has something to write.
 *
 * Connections end only on the gateway thread, between two rounds of its loop
 * (never inside a callback or while the protocol walks its sessions): ws_close,
 * ws_drop and ws_drop_after only mark them. A new connection keeps a duplicate
 * of the socket and hands libmicrohttpd's connection back at once through the
 * close function http.c gave (its memory pool would otherwise stay for the
 * session's life); the end closes that duplicate and gives back the slot taken
 * by sessions_reserve(). */
#ifndef STOAT_WS_H
#define STOAT_WS_H

#include <stdbool.h>
#include <stddef.h>

struct ws_conn;

/* What the protocol is told; all three run on the gateway thread. */
struct ws_handlers {
	/* a new connection; path and query as the upgrade request had them, headers
	 * what the journal keeps of its headers (journal_headers_text; NULL: none) */
	void (*open)(struct ws_conn *c, const char *path, const char *query, const char *headers);
	/* one whole message: text (checked UTF-8) or binary */
	void (*message)(struct ws_conn *c, const char *data, size_t n, bool text);
	/* the connection ended: code is the Close code sent or received (-1: none),
	 * by is "client", "server" or "drop" (a bare TCP drop by the server) */
	void (*closed)(struct ws_conn *c, int code, const char *by);
};

/* Starts the gateway thread. Returns 0, or -1 with a reason in err. */
int ws_start(const struct ws_handlers *h, char *err, size_t errlen);
/* Ends every connection (bare drop), then stops and joins the thread. Call before
 * http_stop(): libmicrohttpd must see no upgraded connection left. */
void ws_stop(void);
/* True while ws_stop() is ending the connections (no presence is published then). */
bool ws_stopping(void);

/* Any thread: runs fn(arg) on the gateway thread, after what was posted before.
 * Returns 0, or -1 when the thread is not running (fn is not called). */
int ws_post(void (*fn)(void *arg), void *arg);

/* http.c's upgrade hand-off (libmicrohttpd's thread): the socket, the bytes
 * already read past the request (copied), the handle that close(handle) hands
 * libmicrohttpd's connection back with (http_upgrade_close: called once, on the
 * gateway thread, as soon as the socket is duplicated), the request path and raw
 * query, and headers: the journal's text of its headers (taken; NULL: none). Never
 * blocks. The slot sessions_reserve() took is given back when the
 * session ends. */
void ws_adopt(int fd, const char *extra, size_t extra_len, void *handle, void (*close)(void *handle),
	      const char *path, const char *query, char *headers);

/* Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + the RFC 6455
 * GUID)), 28 characters and a NUL. */
void ws_accept_key(const char *key, char out[29]);

/* ---- gateway thread only ------------------------------------------------------- */

/* Queues one text frame. -1 when the connection is ending, or when it would hold
 * more than --ws-max-queue bytes: then it is dropped. */
int ws_send_text(struct ws_conn *c, const char *text, size_t n);
/* One text frame rendered once (by wslay) for many connections: an event
 * delivered to every session subscribed to it. NULL when out of memory. */
struct ws_frame;
struct ws_frame *ws_frame_text(const char *text, size_t n);
void ws_frame_free(struct ws_frame *f);
/* ws_send_text for a rendered frame: the same result, written as it is when
 * nothing is waiting before it. */
int ws_send_frame(struct ws_conn *c, const struct ws_frame *f);
/* A Close frame with code and reason, then the end (after the peer's Close, or a
 * second at most). */
void ws_close(struct ws_conn *c, int code, const char *reason);
/* A bare TCP drop, at once: what is queued is not sent. */
void ws_drop(struct ws_conn *c);
/* A bare TCP drop once what is queued is written, ms later (inbound frames are
 * read and ignored meanwhile). */
void ws_drop_after(struct ws_conn *c, unsigned ms);
/* True once the connection is ending (no frame may be sent any more). */
bool ws_ending(const struct ws_conn *c);
/* Calls fn(c, arg) once, ms from now, unless the connection ends first. One such
 * timer per connection: a second call replaces the first. */
void ws_timer(struct ws_conn *c, unsigned ms, void (*fn)(struct ws_conn *c, void *arg), void *arg);

void ws_set_data(struct ws_conn *c, void *data);
void *ws_data(const struct ws_conn *c);

#endif

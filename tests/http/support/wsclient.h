/* wsclient.h: a small blocking WebSocket client for the HTTP tests, framed by
 * wslay on the client side (a client context: masked frames), so the tests check
 * the server's bytes, not a second framing of ours. Failures are check
 * assertions. */
#ifndef STOAT_WSCLIENT_H
#define STOAT_WSCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <wslay/wslay.h>

#include "harness.h"

struct msg {
	struct msg *next;
	int opcode;
	char *text;
	size_t len;
};

struct client {
	int fd;
	wslay_event_context_ptr ctx;
	struct msg *head, **tail;
	bool eof;        /* the TCP connection ended */
	bool got_close;  /* a Close frame came */
	int close_code;  /* its code (0: none) */
	char close_reason[128];
};

/* A TCP connection to the server on 127.0.0.1 (TCP_NODELAY). */
int tcp_connect(const struct server *s);
/* Reads the HTTP answer head (and leaves the socket just past it). Its status. */
int read_head(int fd, char *head, size_t size);
/* Connects to target (path and query) with more bytes sent right after the request
 * (a first frame, say, arriving with it). Returns the answer's status; on 101, *c is
 * ready to use. */
int ws_open_with(const struct server *s, const char *target, const void *more, size_t more_len,
		 struct client *c, char *head, size_t head_size);
int ws_open(const struct server *s, const char *target, struct client *c);
/* ws_open with more header lines ("Name: value\r\n" each) in the upgrade request. */
int ws_open_headers(const struct server *s, const char *target, const char *headers, struct client *c);
void ws_close_client(struct client *c);
/* Sends one message (opcode WSLAY_TEXT_FRAME, ...) and waits until it is written. */
void ws_send(struct client *c, const char *text, size_t len, int opcode);
void ws_send_str(struct client *c, const char *text);
/* The same, for a client the server may already have dropped: false once the
 * socket refuses (the server closed it), true when all went out. */
bool ws_try_send(struct client *c, const char *text, size_t len);
/* The next message within ms: its text (owned by c until the next call), or NULL
 * when none came (the connection ended, or the time ran out). */
char *ws_next(struct client *c, int ms);
void expect_next(struct client *c, const char *want);
/* The next frame starts with prefix. */
void expect_prefix(struct client *c, const char *prefix);
void expect_nothing(struct client *c, int ms);
/* Reads until the connection ends (within 3 s). */
void expect_end(struct client *c);

#endif

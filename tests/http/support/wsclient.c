/* wsclient.c: see wsclient.h. */
#include "wsclient.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static ssize_t c_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
	(void)flags;
	struct client *c = user;
	ssize_t r = recv(c->fd, buf, len, MSG_DONTWAIT);
	if (r > 0)
		return r;
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	c->eof = true;
	wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	return -1;
}

static ssize_t c_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags, void *user)
{
	(void)flags;
	struct client *c = user;
	ssize_t r = send(c->fd, data, len, MSG_NOSIGNAL);
	if (r < 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return r;
}

static int c_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
	(void)ctx;
	(void)user;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(rand() & 0xff);
	return 0;
}

static void c_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
	(void)ctx;
	struct client *c = user;
	if (arg->opcode == WSLAY_CONNECTION_CLOSE) {
		c->got_close = true;
		c->close_code = arg->status_code;
		size_t n = arg->msg_length > 2 ? arg->msg_length - 2 : 0; /* after the code */
		if (n >= sizeof(c->close_reason))
			n = sizeof(c->close_reason) - 1;
		if (n)
			memcpy(c->close_reason, arg->msg + 2, n);
		c->close_reason[n] = 0;
		return;
	}
	struct msg *m = calloc(1, sizeof(*m));
	m->opcode = arg->opcode;
	m->text = malloc(arg->msg_length + 1);
	memcpy(m->text, arg->msg, arg->msg_length);
	m->text[arg->msg_length] = 0;
	m->len = arg->msg_length;
	*c->tail = m;
	c->tail = &m->next;
}

static const struct wslay_event_callbacks client_callbacks = {c_recv, c_send, c_genmask, NULL, NULL, NULL, c_msg};

int tcp_connect(const struct server *s)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

int read_head(int fd, char *head, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 3000) <= 0 || recv(fd, head + n, 1, 0) != 1)
			break;
		n++;
		if (n >= 4 && memcmp(head + n - 4, "\r\n\r\n", 4) == 0)
			break;
	}
	head[n] = 0;
	return n > 12 ? atoi(head + 9) : 0;
}

/* The upgrade request with headers ("Name: value\r\n" lines, or "") among its
 * own, more sent right after it. */
static int open_request(const struct server *s, const char *target, const char *headers, const void *more,
			size_t more_len, struct client *c, char *head, size_t head_size)
{
	memset(c, 0, sizeof(*c));
	c->tail = &c->head;
	c->fd = tcp_connect(s);
	char req[2048];
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s\r\n",
			 target, headers);
	ck_assert_int_lt(n, (int)sizeof(req));
	char *all = malloc((size_t)n + more_len);
	memcpy(all, req, (size_t)n);
	if (more_len)
		memcpy(all + n, more, more_len);
	ck_assert_int_eq(send(c->fd, all, (size_t)n + more_len, MSG_NOSIGNAL), (ssize_t)((size_t)n + more_len));
	free(all);
	int status = read_head(c->fd, head, head_size);
	if (status == 101)
		ck_assert_int_eq(wslay_event_context_client_init(&c->ctx, &client_callbacks, c), 0);
	return status;
}

int ws_open_with(const struct server *s, const char *target, const void *more, size_t more_len,
			struct client *c, char *head, size_t head_size)
{
	return open_request(s, target, "", more, more_len, c, head, head_size);
}

int ws_open_headers(const struct server *s, const char *target, const char *headers, struct client *c)
{
	char head[4096];
	return open_request(s, target, headers, NULL, 0, c, head, sizeof(head));
}

int ws_open(const struct server *s, const char *target, struct client *c)
{
	char head[2048];
	return ws_open_with(s, target, NULL, 0, c, head, sizeof(head));
}

void ws_close_client(struct client *c)
{
	if (c->ctx)
		wslay_event_context_free(c->ctx);
	close(c->fd);
	while (c->head) {
		struct msg *m = c->head;
		c->head = m->next;
		free(m->text);
		free(m);
	}
	memset(c, 0, sizeof(*c));
}

void ws_send(struct client *c, const char *text, size_t len, int opcode)
{
	struct wslay_event_msg m = {(uint8_t)opcode, (const uint8_t *)text, len};
	ck_assert_int_eq(wslay_event_queue_msg(c->ctx, &m), 0);
	while (wslay_event_want_write(c->ctx))
		ck_assert_int_eq(wslay_event_send(c->ctx), 0);
}

void ws_send_str(struct client *c, const char *text) { ws_send(c, text, strlen(text), WSLAY_TEXT_FRAME); }

bool ws_try_send(struct client *c, const char *text, size_t len)
{
	struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)text, len};
	if (wslay_event_queue_msg(c->ctx, &m) != 0)
		return false;
	while (wslay_event_want_write(c->ctx))
		if (wslay_event_send(c->ctx) != 0)
			return false;
	return true;
}

char *ws_next(struct client *c, int ms)
{
	static struct msg *last;
	if (last) {
		free(last->text);
		free(last);
		last = NULL;
	}
	while (!c->head && !c->eof) {
		struct pollfd p = {c->fd, POLLIN, 0};
		if (poll(&p, 1, ms) <= 0)
			return NULL;
		if (!wslay_event_want_read(c->ctx)) { /* after a Close: only the end is left */
			char b;
			if (recv(c->fd, &b, 1, 0) <= 0)
				c->eof = true;
			continue;
		}
		if (wslay_event_recv(c->ctx) < 0 && !c->eof)
			break;
		while (wslay_event_want_write(c->ctx) && wslay_event_send(c->ctx) == 0)
			;
	}
	if (!c->head)
		return NULL;
	last = c->head;
	c->head = last->next;
	if (!c->head)
		c->tail = &c->head;
	return last->text;
}

void expect_next(struct client *c, const char *want)
{
	char *got = ws_next(c, 3000);
	ck_assert_msg(got != NULL, "no frame, expected %s", want);
	ck_assert_str_eq(got, want);
}

void expect_prefix(struct client *c, const char *prefix)
{
	char *got = ws_next(c, 3000);
	ck_assert_msg(got != NULL, "no frame, expected %s...", prefix);
	ck_assert_msg(strncmp(got, prefix, strlen(prefix)) == 0, "%s does not start with %s", got, prefix);
}

void expect_nothing(struct client *c, int ms)
{
	char *got = ws_next(c, ms);
	ck_assert_msg(got == NULL, "unexpected frame %s", got);
}

void expect_end(struct client *c)
{
	for (int i = 0; i < 30 && !c->eof; i++)
		ck_assert_ptr_null(ws_next(c, 100));
	ck_assert(c->eof);
}

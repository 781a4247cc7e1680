/* wsread.h: the reading end of a WebSocket for unit tests of the gateway
 * (test_ws, test_delivery): a loopback TCP connection whose server end is handed
 * to ws.c, and a wslay client context that reads the other end without sending
 * anything. The frames are parsed by wslay, never by the test. */
#ifndef STOAT_WSREAD_H
#define STOAT_WSREAD_H

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <wslay/wslay.h>

/* A connected loopback pair: sv[0] the server's end, sv[1] the client's. A buffer
 * size over 0 is set (SO_SNDBUF on the server's end, SO_RCVBUF on the client's)
 * to make the socket fill up. */
static inline void wsread_pair(int sv[2], int buffers)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &al), 0);
	sv[1] = socket(AF_INET, SOCK_STREAM, 0);
	if (buffers > 0)
		setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &buffers, sizeof(buffers));
	ck_assert_int_eq(connect(sv[1], (struct sockaddr *)&a, sizeof(a)), 0);
	sv[0] = accept(l, NULL, NULL);
	ck_assert_int_ge(sv[0], 0);
	close(l);
	if (buffers > 0)
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buffers, sizeof(buffers));
}

/* wslay's callbacks; user points to a struct whose first member is the fd. */
static inline ssize_t wsread_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
	(void)flags;
	ssize_t n = recv(*(const int *)user, buf, len, MSG_DONTWAIT);
	if (n > 0)
		return n;
	wslay_event_set_error(ctx, n < 0 && errno == EAGAIN ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
	return -1;
}

static inline ssize_t wsread_nosend(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
				    void *user)
{
	(void)ctx;
	(void)data;
	(void)flags;
	(void)user;
	return (ssize_t)len; /* the reader sends nothing that matters */
}

static inline int wsread_mask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
	(void)ctx;
	(void)user;
	memset(buf, 0x5a, len);
	return 0;
}

/* A client context calling on_msg for each message; user as above. */
static inline wslay_event_context_ptr wsread_open(wslay_event_on_msg_recv_callback on_msg, void *user)
{
	static struct wslay_event_callbacks cb = {wsread_recv, wsread_nosend, wsread_mask, NULL, NULL, NULL, NULL};
	cb.on_msg_recv_callback = on_msg;
	wslay_event_context_ptr ctx;
	ck_assert_int_eq(wslay_event_context_client_init(&ctx, &cb, user), 0);
	return ctx;
}

/* Reads what comes on fd for up to ms; false when nothing came (or it ended). */
static inline bool wsread_some(wslay_event_context_ptr ctx, int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, ms) == 1 && wslay_event_recv(ctx) == 0;
}

#endif

/* test_ws.c: unit tests for server/ws.c's writing - a rendered frame written
 * straight to the socket (ws_send_frame), what the socket does not take of it
 * (the tail) written before anything else, frames queued through wslay behind
 * it, and the queue bound - over a loopback TCP connection whose buffers are
 * small, so that frames meet a full socket and are written in part. The reading
 * end frames with wslay (a client context, tests/support/wsread.h) and must see
 * every message whole and in the order sent. */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "suite.h"
#include "ws.h"
#include "wsread.h"

/* ---- the server side: ws.c with handlers that remember ----------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static struct ws_conn *conn;
static bool closed;
static char closed_by[16];

static void on_open(struct ws_conn *c, const char *path, const char *query, const char *headers)
{
	(void)path;
	(void)query;
	(void)headers;
	pthread_mutex_lock(&lock);
	conn = c;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static void on_message(struct ws_conn *c, const char *data, size_t n, bool text)
{
	(void)c;
	(void)data;
	(void)n;
	(void)text;
}

static void on_closed(struct ws_conn *c, int code, const char *by)
{
	(void)c;
	(void)code;
	pthread_mutex_lock(&lock);
	closed = true;
	conn = NULL; /* freed once this returns */
	snprintf(closed_by, sizeof(closed_by), "%s", by);
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static const struct ws_handlers handlers = {on_open, on_message, on_closed};

static void no_close(void *handle) { (void)handle; }

/* Message i: its size and bytes ("<i>:" then a letter of i, repeated). */
static size_t message(int i, char *buf)
{
	size_t n = 40 + (size_t)(i * 997) % 12000;
	int head = sprintf(buf, "%d:", i);
	memset(buf + head, 'a' + i % 26, n - (size_t)head);
	return n;
}

#define PER_JOB 4

/* On the gateway thread: messages [first, first + PER_JOB), one in four as text
 * (through wslay's queue), the others as rendered frames. Between two jobs the
 * loop writes what waits, as the reader makes room. */
static void send_some(void *arg)
{
	int first = (int)(intptr_t)arg;
	char buf[12288];
	for (int i = first; i < first + PER_JOB && conn; i++) {
		size_t n = message(i, buf);
		if (i % 4 == 3) {
			ws_send_text(conn, buf, n);
		} else {
			struct ws_frame *f = ws_frame_text(buf, n);
			ck_assert_ptr_nonnull(f);
			ws_send_frame(conn, f);
			ws_frame_free(f);
		}
	}
}

/* Posts the job for messages [first, first + PER_JOB); the next first. */
static int post_next(int first)
{
	ck_assert_int_eq(ws_post(send_some, (void *)(intptr_t)first), 0);
	return first + PER_JOB;
}

/* ---- the client side ------------------------------------------------------------------- */

struct reader {
	int fd;     /* first: wsread.h */
	int next;   /* the message expected next */
	bool bad;
	char why[128];
};

static void c_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
	(void)ctx;
	struct reader *r = user;
	char want[12288];
	size_t n = message(r->next, want);
	if (!r->bad && (arg->opcode != WSLAY_TEXT_FRAME || arg->msg_length != n || memcmp(arg->msg, want, n) != 0)) {
		r->bad = true;
		snprintf(r->why, sizeof(r->why), "message %d: opcode %d, %zu bytes (want %zu): %.20s", r->next,
			 arg->opcode, arg->msg_length, n, (const char *)arg->msg);
	}
	r->next++;
}

static int sv[2];

static void setup(void)
{
	config_defaults(&config);
	char err[128];
	ck_assert_int_eq(ws_start(&handlers, err, sizeof(err)), 0);
	wsread_pair(sv, 4096);
	conn = NULL;
	closed = false;
	ws_adopt(sv[0], NULL, 0, NULL, no_close, "/", "", NULL);
	pthread_mutex_lock(&lock);
	while (!conn)
		pthread_cond_wait(&changed, &lock);
	pthread_mutex_unlock(&lock);
}

static void teardown(void)
{
	ws_stop();
	close(sv[0]); /* ws.c closed its duplicate */
	close(sv[1]);
}

/* 2 000 messages of up to 12 KB through a small socket, read as they come: all of
 * them, whole, in order (a frame written while a tail waits, or a tail lost,
 * would garble the stream). */
START_TEST(frames_and_queue_in_order)
{
	int nmessages = 2000, posted = 0;
	struct reader r = {.fd = sv[1]};
	wslay_event_context_ptr ctx = wsread_open(c_msg, &r);
	while (r.next < nmessages && !r.bad) {
		/* a job per read, two ahead: the loop writes what waits between two jobs,
		 * so frames meet an empty queue, a full socket, or a waiting tail */
		while (posted < nmessages && posted < r.next + 2 * PER_JOB + 8)
			posted = post_next(posted);
		ck_assert_msg(wsread_some(ctx, sv[1], 3000), "stalled after %d messages", r.next);
	}
	ck_assert_msg(!r.bad, "%s", r.why);
	wslay_event_context_free(ctx);
	pthread_mutex_lock(&lock);
	ck_assert(!closed);
	pthread_mutex_unlock(&lock);
}
END_TEST

/* Nobody reads: once more than --ws-max-queue waits, tail and queue together,
 * the connection is dropped. */
START_TEST(queue_bound_counts_the_tail)
{
	config.ws_max_queue = 65536;
	for (int first = 0; first < 400;) { /* about 2.4 MB */
		first = post_next(first);
		usleep(1000);
	}
	pthread_mutex_lock(&lock);
	while (!closed)
		pthread_cond_wait(&changed, &lock);
	ck_assert_str_eq(closed_by, "drop");
	pthread_mutex_unlock(&lock);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ws");
	TCase *tc = tcase_create("writing");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, frames_and_queue_in_order);
	tcase_add_test(tc, queue_bound_counts_the_tail);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_delivery.c: unit tests for what server/gateway.c hands the gateway thread
 * and what it leaves out. A committed event no session can hear does not wake
 * the gateway (take_events); these tests hold the gateway thread busy while
 * events commit, so that what the filter decides is seen, not raced: an event
 * to a topic a session will hold once an earlier event is delivered (a group
 * join, then the joined user's rename) still reaches it, and one nobody holds
 * is not sent. The session is real: ws.c over a loopback TCP connection, read
 * with a wslay client, authenticated from the bundled fixtures. */
#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "events.h"
#include "fixture_store.h"
#include "fixtures.h"
#include "gateway.h"
#include "lock.h"
#include "store.h"
#include "suite.h"
#include "ws.h"
#include "wsread.h"

#define HELPER "01J0H3HPB0T5T0KEN000000AAA"
#define GROUP "01J1GR0VP00000000000000001"

/* ---- a blocking reader ------------------------------------------------------------- */

struct reader {
	int fd; /* first: wsread.h */
	char *got[16];
	int n;
};

static void c_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
	(void)ctx;
	struct reader *r = user;
	if (r->n < 16)
		r->got[r->n++] = strndup((const char *)arg->msg, arg->msg_length);
}

static struct reader rd;
static wslay_event_context_ptr rctx;
static int sv[2];

/* Reads until n messages are in, or ms pass without one. */
static void read_until(int n, int ms)
{
	while (rd.n < n && wsread_some(rctx, rd.fd, ms))
		;
}

/* ---- holding the gateway thread ------------------------------------------------------ */

static pthread_mutex_t hold_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_cond = PTHREAD_COND_INITIALIZER;
static bool holding, held;

static void hold_job(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&hold_lock);
	held = true;
	pthread_cond_broadcast(&hold_cond);
	while (holding)
		pthread_cond_wait(&hold_cond, &hold_lock);
	pthread_mutex_unlock(&hold_lock);
}

static void hold_gateway(void)
{
	holding = true;
	held = false;
	ck_assert_int_eq(ws_post(hold_job, NULL), 0);
	pthread_mutex_lock(&hold_lock);
	while (!held)
		pthread_cond_wait(&hold_cond, &hold_lock);
	pthread_mutex_unlock(&hold_lock);
}

static void release_gateway(void)
{
	pthread_mutex_lock(&hold_lock);
	holding = false;
	pthread_cond_broadcast(&hold_cond);
	pthread_mutex_unlock(&hold_lock);
}

static void no_close(void *handle) { (void)handle; }

/* ---- fixture: the store, the gateway, bob's session ------------------------------------ */

static void setup(void)
{
	char err[400];
	config_defaults(&config);
	fixture_store_open();
	ck_assert_int_eq(gateway_start(err, sizeof(err)), 0);

	wsread_pair(sv, 0);

	memset(&rd, 0, sizeof(rd));
	rd.fd = sv[1];
	rctx = wsread_open(c_msg, &rd);
	/* bob: a recipient of the group, who knows nothing of HelperBot yet */
	ws_adopt(sv[0], NULL, 0, NULL, no_close, "/", "version=1&format=json&token=bob-session", NULL);
	read_until(2, 3000);
	ck_assert_int_eq(rd.n, 2);
	ck_assert_str_eq(rd.got[0], "{\"type\":\"Authenticated\"}");
	ck_assert(strncmp(rd.got[1], "{\"type\":\"Ready\"", 15) == 0);
}

static void teardown(void)
{
	gateway_stop();
	wslay_event_context_free(rctx);
	for (int i = 0; i < rd.n; i++)
		free(rd.got[i]);
	close(sv[0]);
	close(sv[1]);
	store_close();
}

/* A rename of HelperBot, committed as a request would: under the lock, after
 * its transaction. */
static void commit_rename(const char *name)
{
	struct user u = {0};
	server_lock();
	ck_assert_int_eq(store_user_get(HELPER, &u), 1);
	free(u.username);
	u.username = strdup(name);
	events_user_renamed(&u, false);
	events_commit();
	server_unlock();
	user_release(&u);
}

/* The gateway is busy while HelperBot joins bob's group and is then renamed: when
 * the rename commits, bob does not hold HelperBot's topic yet (the join adds it
 * when it is delivered), and still he hears the rename, after the join. */
START_TEST(after_an_event_that_subscribes)
{
	hold_gateway();
	server_lock();
	events_group_joined(GROUP, HELPER);
	events_commit();
	server_unlock();
	commit_rename("Raced");
	release_gateway();
	read_until(4, 3000);
	ck_assert_int_eq(rd.n, 4);
	ck_assert_str_eq(rd.got[2], "{\"type\":\"ChannelGroupJoin\",\"id\":\"" GROUP "\",\"user\":\"" HELPER "\"}");
	ck_assert_str_eq(rd.got[3], "{\"type\":\"UserUpdate\",\"id\":\"" HELPER "\",\"data\":{\"username\":\"Raced\"},"
				    "\"clear\":[],\"event_id\":null}");
}
END_TEST

/* Nobody holds HelperBot's topic and nothing on its way adds it: the rename is
 * not sent; after the join it is. */
START_TEST(nobody_then_somebody)
{
	commit_rename("Unheard");
	server_lock();
	events_group_joined(GROUP, HELPER);
	events_commit();
	server_unlock();
	read_until(3, 3000);
	ck_assert_int_eq(rd.n, 3);
	ck_assert(strncmp(rd.got[2], "{\"type\":\"ChannelGroupJoin\"", 26) == 0);
	commit_rename("Heard");
	read_until(4, 3000);
	ck_assert_int_eq(rd.n, 4);
	ck_assert(strstr(rd.got[3], "\"username\":\"Heard\"") != NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("delivery");
	TCase *tc = tcase_create("delivery");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, after_an_event_that_subscribes);
	tcase_add_test(tc, nobody_then_somebody);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_sessions.c: unit tests for server/sessions.c - the topic index the
 * gateway delivers through (every session holding one of an event's topics,
 * each once, whatever else is open; kept in step with each session's own set
 * through subscribe, unsubscribe and removal), the count of authenticated
 * sessions that decides whether a committed event wakes the gateway, presence. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "sessions.h"
#include "suite.h"

static struct session *open_session(const char *user)
{
	struct session *s = sessions_add("/", "token=x", "json", 1);
	ck_assert_ptr_nonnull(s);
	if (user)
		sessions_authenticate(s, user, TOKEN_SESSION, false);
	return s;
}

/* The sessions sessions_subscribed finds for topics, as a string of their user
 * names in the order given ("" when none). */
static void expect_subscribed(const char *const *topics, size_t n, const char *want)
{
	size_t count;
	struct session **got = sessions_subscribed(topics, n, &count);
	char text[256] = "";
	size_t len = 0;
	for (size_t i = 0; i < count; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", i ? "," : "", got[i]->user);
	free(got);
	ck_assert_str_eq(text, want);
}

static void teardown(void) { sessions_reset(); }

START_TEST(each_subscriber_once_in_subscription_order)
{
	struct session *a = open_session("a"), *b = open_session("b"), *c = open_session("c");
	sessions_subscribe(b, "T1");
	sessions_subscribe(a, "T1");
	sessions_subscribe(a, "T2");
	sessions_subscribe(c, "T2");
	sessions_subscribe(a, "T1"); /* again: still once */
	const char *t1[] = {"T1"}, *both[] = {"T1", "T2"}, *rev[] = {"T2", "T1"}, *none[] = {"T9"};
	expect_subscribed(t1, 1, "b,a");
	expect_subscribed(both, 2, "b,a,c");
	expect_subscribed(rev, 2, "a,c,b");
	expect_subscribed(none, 1, "");
	expect_subscribed(both, 0, "");
	ck_assert(sessions_anyone_subscribed(both, 2));
	ck_assert(sessions_anyone_subscribed((const char *[]){"T9", "T2"}, 2));
	ck_assert(!sessions_anyone_subscribed(none, 1));
	ck_assert(sessions_match(a, both, 2));
	ck_assert(!sessions_match(b, (const char *[]){"T2"}, 1));
}
END_TEST

START_TEST(unsubscribe_and_remove_leave_the_index)
{
	struct session *a = open_session("a"), *b = open_session("b");
	sessions_subscribe(a, "T1");
	sessions_subscribe(b, "T1");
	sessions_subscribe(b, "T2");
	const char *t1[] = {"T1"}, *t2[] = {"T2"};
	sessions_unsubscribe(a, "T1");
	sessions_unsubscribe(a, "T1"); /* not held: nothing */
	expect_subscribed(t1, 1, "b");
	sessions_remove(b);
	expect_subscribed(t1, 1, "");
	expect_subscribed(t2, 1, "");
	ck_assert(!sessions_anyone_subscribed(t2, 1));
	sessions_subscribe(a, "T2"); /* an emptied topic comes back */
	expect_subscribed(t2, 1, "a");
	ck_assert_uint_eq(a->ntopics, 1);
}
END_TEST

/* A thousand sessions on one topic, a thousand others elsewhere: the index
 * finds the first thousand and only them, and loses them as they go. */
START_TEST(many_sessions)
{
	struct session *on[1000], *off[1000];
	for (int i = 0; i < 1000; i++) {
		on[i] = open_session("on");
		sessions_subscribe(on[i], "B");
		sessions_subscribe(on[i], "B!");
		off[i] = open_session("off");
		sessions_subscribe(off[i], "C");
	}
	size_t count;
	struct session **got = sessions_subscribed((const char *[]){"B", "B!", "X"}, 3, &count);
	ck_assert_uint_eq(count, 1000);
	for (size_t i = 0; i < count; i++)
		ck_assert_ptr_eq(got[i], on[i]);
	free(got);
	for (int i = 0; i < 1000; i += 2)
		sessions_remove(on[i]);
	got = sessions_subscribed((const char *[]){"B"}, 1, &count);
	ck_assert_uint_eq(count, 500);
	for (size_t i = 0; i < count; i++)
		ck_assert_ptr_eq(got[i], on[2 * i + 1]);
	free(got);
}
END_TEST

START_TEST(authenticated_count)
{
	ck_assert(!sessions_any_authenticated());
	struct session *anon = open_session(NULL);
	ck_assert(!sessions_any_authenticated());
	struct session *a = open_session("a");
	ck_assert(sessions_any_authenticated());
	sessions_authenticate(a, "a", TOKEN_BOT, true); /* again: counted once */
	sessions_remove(anon);
	ck_assert(sessions_any_authenticated());
	sessions_remove(a);
	ck_assert(!sessions_any_authenticated());
}
END_TEST

START_TEST(presence_counts)
{
	ck_assert(!presence_online("u"));
	ck_assert_int_eq(presence_add("u"), 1);
	ck_assert_int_eq(presence_add("u"), 2);
	ck_assert(presence_online("u"));
	ck_assert(!presence_online("v"));
	ck_assert_int_eq(presence_remove("u"), 1);
	ck_assert_int_eq(presence_remove("u"), 0);
	ck_assert(!presence_online("u"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sessions");
	TCase *tc = tcase_create("sessions");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, each_subscriber_once_in_subscription_order);
	tcase_add_test(tc, unsubscribe_and_remove_leave_the_index);
	tcase_add_test(tc, many_sessions);
	tcase_add_test(tc, authenticated_count);
	tcase_add_test(tc, presence_counts);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

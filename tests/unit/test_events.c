/* test_events.c: unit tests for server/events.c - the frames of events.md §5.2
 * and §5.4 byte for byte with their topics, publishing (nothing before COMMIT,
 * nothing after a rollback, commit order and seq), and what each event does to
 * the subscriptions of a session that receives it (§5.1), which an event says
 * before it is delivered (adds_topics). */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "fixture_store.h"
#include "fixtures.h"
#include "store.h"
#include "suite.h"

#define ALICE "01HZ5W2X8A1B3C4D5E6F7G8H9J"
#define BOB "01HZ6A7B8C9D0E1F2G3H4J5K6M"
#define HELPER "01J0H3HPB0T5T0KEN000000AAA"
#define SERVER "01J1SERVER0000000000000001"
#define GROUP "01J1GR0VP00000000000000001"
#define TEXT "01J1TXTCHANNE0000000000001"

static struct event *got; /* what the sink received, in order */

static void sink(struct event *list)
{
	struct event **tail = &got;
	while (*tail)
		tail = &(*tail)->next;
	*tail = list;
}

static void setup(void)
{
	fixture_store_open();
	events_set_sink(sink);
}

static void teardown(void)
{
	events_discard();
	events_set_sink(NULL);
	events_free(got);
	got = NULL;
	store_close();
}

/* The n-th event received: its frame and topics. */
static void expect(int n, const char *json, const char *const *topics, size_t ntopics)
{
	struct event *ev = got;
	for (int i = 0; i < n && ev; i++)
		ev = ev->next;
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(ev->json, json);
	ck_assert_uint_eq(ev->len, strlen(json));
	ck_assert_uint_eq(ev->ntopics, ntopics);
	for (size_t i = 0; i < ntopics; i++)
		ck_assert_str_eq(ev->topics[i], topics[i]);
}

static int count(void)
{
	int n = 0;
	for (struct event *ev = got; ev; ev = ev->next)
		n++;
	return n;
}

START_TEST(rename_to_user_and_member_topics)
{
	struct user u = {0};
	ck_assert_int_eq(store_member_add(SERVER, HELPER), 0);
	ck_assert_int_eq(store_user_get(HELPER, &u), 1);
	events_user_renamed(&u, false);
	events_user_renamed(&u, true);
	ck_assert_int_eq(count(), 0); /* nothing before the commit */
	events_commit();
	const char *topics[] = {HELPER, SERVER "u"};
	expect(0, "{\"type\":\"UserUpdate\",\"id\":\"" HELPER "\",\"data\":{\"username\":\"HelperBot\"},\"clear\":[],"
		  "\"event_id\":null}",
	       topics, 2);
	expect(1, "{\"type\":\"UserUpdate\",\"id\":\"" HELPER "\",\"data\":{\"username\":\"HelperBot\","
		  "\"discriminator\":\"4821\"},\"clear\":[],\"event_id\":null}",
	       topics, 2);
	ck_assert(got->seq > 0 && got->next->seq == got->seq + 1);
	ck_assert(events_last_seq() == got->next->seq);
	user_release(&u);
}
END_TEST

START_TEST(deleted)
{
	events_user_deleted(HELPER);
	events_commit();
	const char *topics[] = {HELPER};
	expect(0,
	       "{\"type\":\"UserUpdate\",\"id\":\"" HELPER "\",\"data\":{\"username\":\"Deleted User " HELPER
	       "\",\"discriminator\":\"0000\",\"relations\":[],\"flags\":2},\"clear\":[\"Avatar\",\"StatusText\","
	       "\"StatusPresence\",\"ProfileContent\",\"ProfileBackground\",\"Internal\"],\"event_id\":null}",
	       topics, 1);
}
END_TEST

START_TEST(logout_and_rollback)
{
	events_logout(HELPER);
	events_discard(); /* the request failed: never heard of */
	events_commit();
	ck_assert_int_eq(count(), 0);
	events_logout(HELPER);
	events_commit();
	const char *topics[] = {HELPER "!"};
	expect(0, "{\"type\":\"Logout\"}", topics, 1);
}
END_TEST

/* ServerMemberJoin to the server (its joined_at is the time of the invite), then
 * ServerCreate to the bot alone, with the channels it may view (none here). */
START_TEST(server_joined)
{
	ck_assert_int_eq(store_member_add(SERVER, HELPER), 0);
	events_server_joined(SERVER, HELPER);
	events_commit();
	ck_assert_int_eq(count(), 2);
	const char *head = "{\"type\":\"ServerMemberJoin\",\"id\":\"" SERVER "\",\"user\":\"" HELPER
			   "\",\"member\":{\"_id\":{\"server\":\"" SERVER "\",\"user\":\"" HELPER "\"},\"joined_at\":\"";
	ck_assert_msg(strncmp(got->json, head, strlen(head)) == 0, "%s", got->json);
	const char *when = got->json + strlen(head); /* 2026-12-04T18:19:20.123Z */
	ck_assert_uint_eq(strlen(when), 24 + 3);
	ck_assert(when[4] == '-' && when[10] == 'T' && when[19] == '.' && strcmp(when + 23, "Z\"}}") == 0);
	ck_assert_uint_eq(got->ntopics, 1);
	ck_assert_str_eq(got->topics[0], SERVER);
	const char *to_bot[] = {HELPER "!"};
	expect(1,
	       "{\"type\":\"ServerCreate\",\"id\":\"" SERVER "\",\"server\":{\"_id\":\"" SERVER "\",\"owner\":\"" ALICE
	       "\",\"name\":\"Alice's Server\",\"channels\":[\"" TEXT "\"],\"default_permissions\":0},"
	       "\"channels\":[],\"emojis\":[],\"voice_states\":[]}",
	       to_bot, 1);
}
END_TEST

START_TEST(group_joined)
{
	ck_assert_int_eq(store_recipient_add(GROUP, HELPER), 0);
	events_group_joined(GROUP, HELPER);
	events_commit();
	const char *to_group[] = {GROUP}, *to_bot[] = {HELPER "!"};
	expect(0, "{\"type\":\"ChannelGroupJoin\",\"id\":\"" GROUP "\",\"user\":\"" HELPER "\"}", to_group, 1);
	expect(1,
	       "{\"type\":\"ChannelCreate\",\"channel_type\":\"Group\",\"_id\":\"" GROUP "\",\"name\":\"Friends\","
	       "\"owner\":\"" ALICE "\",\"recipients\":[\"" ALICE "\",\"" BOB "\",\"" HELPER "\"]}",
	       to_bot, 1);
}
END_TEST

START_TEST(presence)
{
	char *servers[] = {SERVER};
	struct event *ev = events_presence(ALICE, false, servers, 1);
	ck_assert_str_eq(ev->json, "{\"type\":\"UserUpdate\",\"id\":\"" ALICE "\",\"data\":{\"online\":false},"
				   "\"clear\":[],\"event_id\":null}");
	ck_assert_uint_eq(ev->ntopics, 2);
	ck_assert_str_eq(ev->topics[0], SERVER);
	ck_assert_str_eq(ev->topics[1], ALICE);
	ck_assert(ev->seq == 0);
	events_free(ev);
}
END_TEST

/* ---- effects ------------------------------------------------------------------- */

static const struct {
	const char *json;
	bool logout;
	const char *self, *add, *remove, *add_bot; /* add/remove: topics joined by ' ' */
} effects[] = {
	{"{\"type\":\"Logout\"}", true, NULL, "", "", NULL},
	{"{\"type\":\"ChannelCreate\",\"channel_type\":\"Group\",\"_id\":\"G\"}", false, NULL, "G", "", NULL},
	{"{\"type\":\"ChannelDelete\",\"id\":\"C\"}", false, NULL, "", "C", NULL},
	{"{\"type\":\"ChannelGroupJoin\",\"id\":\"G\",\"user\":\"B\"}", false, NULL, "B", "", NULL},
	{"{\"type\":\"ChannelGroupLeave\",\"id\":\"G\",\"user\":\"B\"}", false, "B", "", "G", NULL},
	{"{\"type\":\"ServerCreate\",\"id\":\"S\",\"server\":{},\"channels\":[{\"_id\":\"C1\"},{\"_id\":\"C2\"}]}",
	 false, NULL, "S C1 C2", "", "Su"},
	{"{\"type\":\"ServerDelete\",\"id\":\"S\"}", false, NULL, "", "S Su", NULL},
	{"{\"type\":\"ServerMemberLeave\",\"id\":\"S\",\"user\":\"B\"}", false, "B", "", "S Su", NULL},
	{"{\"type\":\"ServerMemberJoin\",\"id\":\"S\",\"user\":\"B\"}", false, NULL, "", "", NULL},
	{"{\"type\":\"UserUpdate\",\"id\":\"U\"}", false, NULL, "", "", NULL},
	{"not json", false, NULL, "", "", NULL},
};

static void expect_list(char **list, size_t n, const char *want)
{
	char joined[256] = "";
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(joined, " ");
		strcat(joined, list[i]);
	}
	ck_assert_str_eq(joined, want);
}

START_TEST(effects_table)
{
	struct event_effects fx;
	events_effects(effects[_i].json, strlen(effects[_i].json), &fx);
	ck_assert(fx.logout == effects[_i].logout);
	ck_assert_pstr_eq(fx.self, effects[_i].self);
	ck_assert_pstr_eq(fx.add_bot, effects[_i].add_bot);
	expect_list(fx.add, fx.nadd, effects[_i].add);
	expect_list(fx.remove, fx.nremove, effects[_i].remove);
	/* adds_topics (what the gateway's filter trusts) says exactly whether the
	 * effects subscribe anyone; a frame without its type first counts as one */
	const char *topics[] = {"T"};
	struct event *ev = event_new(topics, 1, strdup(effects[_i].json));
	ck_assert_ptr_nonnull(ev);
	bool adds = fx.nadd || fx.add_bot || strncmp(effects[_i].json, "{\"type\":", 8) != 0;
	ck_assert_msg(ev->adds_topics == adds, "%s: adds_topics %d", effects[_i].json, ev->adds_topics);
	events_free(ev);
	events_effects_release(&fx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("publish");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rename_to_user_and_member_topics);
	tcase_add_test(tc, deleted);
	tcase_add_test(tc, logout_and_rollback);
	tcase_add_test(tc, server_joined);
	tcase_add_test(tc, group_joined);
	tcase_add_test(tc, presence);
	suite_add_tcase(s, tc);
	TCase *fx = tcase_create("effects");
	tcase_add_loop_test(fx, effects_table, 0, (int)(sizeof(effects) / sizeof(effects[0])));
	suite_add_tcase(s, fx);
	return suite_run(s);
}

/* test_ready.c: unit tests for server/ready.c - the Ready payload built from the
 * bundled fixtures, byte for byte (events.md §2: key order, own user last as
 * self and online, policy_changes only for users unless --ready-policy-changes
 * always), and the topics a session subscribes to after it (§5.1). */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fixture_store.h"
#include "fixtures.h"
#include "ready.h"
#include "sessions.h"
#include "store.h"
#include "suite.h"

#define ALICE "01HZ5W2X8A1B3C4D5E6F7G8H9J"
#define BOB "01HZ6A7B8C9D0E1F2G3H4J5K6M"
#define HELPER "01J0H3HPB0T5T0KEN000000AAA"
#define SERVER "01J1SERVER0000000000000001"
#define BOB_SERVER "01J1SERVER0000000000000002"
#define GROUP "01J1GR0VP00000000000000001"
#define TEXT "01J1TXTCHANNE0000000000001"

static void setup(void)
{
	config_defaults(&config);
	fixture_store_open();
}

static void teardown(void)
{
	sessions_reset();
	store_close();
}

/* Ready for the user id, as a session that has just been counted online. */
static void build(const char *id, struct ready *r)
{
	struct user u = {0};
	ck_assert_int_eq(store_user_get(id, &u), 1);
	presence_add(id);
	ck_assert_int_eq(ready_build(&u, r), 0);
	user_release(&u);
}

static void expect_topics(const struct ready *r, const char *const *want, size_t n)
{
	ck_assert_uint_eq(r->ntopics, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(r->topics[i], want[i]);
}

/* events.md §2: "A new bot (no servers, no groups) therefore gets exactly" */
START_TEST(new_bot)
{
	struct ready r;
	build(HELPER, &r);
	ck_assert_str_eq(r.json.buf, "{\"type\":\"Ready\",\"users\":[{\"_id\":\"" HELPER "\",\"username\":\"HelperBot\","
				     "\"discriminator\":\"4821\",\"bot\":{\"owner\":\"" ALICE "\"},"
				     "\"relationship\":\"User\",\"online\":true}],\"servers\":[],\"channels\":[],"
				     "\"members\":[],\"emojis\":[],\"voice_states\":[]}");
	const char *topics[] = {HELPER "!", HELPER};
	expect_topics(&r, topics, 2);
	ck_assert_uint_eq(r.nservers, 0);
	ready_release(&r);
}
END_TEST

START_TEST(bot_policy_changes_always)
{
	struct ready r;
	config.ready_policy = READY_POLICY_ALWAYS;
	build(HELPER, &r);
	const char *tail = "\"emojis\":[],\"voice_states\":[],\"policy_changes\":[]}";
	ck_assert_str_eq(r.json.buf + r.json.len - strlen(tail), tail);
	ready_release(&r);
}
END_TEST

/* A user: its friend (from its perspective), itself last with its relations;
 * both servers (the fixture's "channels" of a server are its channel ids); the
 * group and the channel of the server it owns (it may view it; Bob's server
 * grants no ViewChannel and has no channel anyway); its own members with the
 * server's ULID time; policy_changes. */
START_TEST(user_alice)
{
	struct ready r;
	build(ALICE, &r);
	ck_assert_str_eq(
		r.json.buf,
		"{\"type\":\"Ready\",\"users\":["
		"{\"_id\":\"" BOB "\",\"username\":\"bob\",\"discriminator\":\"0002\",\"relationship\":\"Friend\","
		"\"online\":false},"
		"{\"_id\":\"" ALICE "\",\"username\":\"alice\",\"discriminator\":\"0001\",\"display_name\":\"Alice\","
		"\"relations\":[{\"_id\":\"" BOB "\",\"status\":\"Friend\"}],\"relationship\":\"User\",\"online\":true}],"
		"\"servers\":["
		"{\"_id\":\"" SERVER "\",\"owner\":\"" ALICE "\",\"name\":\"Alice's Server\",\"channels\":[\"" TEXT "\"],"
		"\"default_permissions\":0},"
		"{\"_id\":\"" BOB_SERVER "\",\"owner\":\"" BOB "\",\"name\":\"Bob's Server\",\"channels\":[],"
		"\"default_permissions\":0}],"
		"\"channels\":["
		"{\"channel_type\":\"Group\",\"_id\":\"" GROUP "\",\"name\":\"Friends\",\"owner\":\"" ALICE "\","
		"\"recipients\":[\"" ALICE "\",\"" BOB "\"]},"
		"{\"channel_type\":\"TextChannel\",\"_id\":\"" TEXT "\",\"server\":\"" SERVER "\",\"name\":\"general\"}],"
		"\"members\":["
		"{\"_id\":{\"server\":\"" SERVER "\",\"user\":\"" ALICE "\"},\"joined_at\":\"2024-07-02T10:10:15.640Z\"},"
		"{\"_id\":{\"server\":\"" BOB_SERVER "\",\"user\":\"" ALICE "\"},\"joined_at\":\"2024-07-02T10:10:15.640Z\"}],"
		"\"emojis\":[],\"voice_states\":[],\"policy_changes\":[]}");
	/* a user subscribes to no member topic (<server>u): that is for bots */
	const char *topics[] = {ALICE "!", ALICE, BOB, SERVER, BOB_SERVER, GROUP, TEXT};
	expect_topics(&r, topics, 7);
	ck_assert_uint_eq(r.nservers, 2);
	ck_assert_str_eq(r.servers[0], SERVER);
	ck_assert_str_eq(r.servers[1], BOB_SERVER);
	ready_release(&r);
}
END_TEST

/* A bot in a server and a group: the server's member topic too; the server's
 * channel is hidden from it (the fixture server grants no ViewChannel), the group
 * is not; the group's other recipients are users it knows, "None" from a bot's
 * view of a user it has no relation with. Bob is online: he shows so. */
START_TEST(bot_invited)
{
	struct ready r;
	ck_assert_int_eq(store_member_add(SERVER, HELPER), 0);
	ck_assert_int_eq(store_recipient_add(GROUP, HELPER), 0);
	presence_add(BOB);
	build(HELPER, &r);
	const char *users = "{\"type\":\"Ready\",\"users\":[{\"_id\":\"" ALICE "\",\"username\":\"alice\","
			    "\"discriminator\":\"0001\",\"display_name\":\"Alice\",\"relationship\":\"None\","
			    "\"online\":false},{\"_id\":\"" BOB "\",\"username\":\"bob\",\"discriminator\":\"0002\","
			    "\"relationship\":\"None\",\"online\":true},{\"_id\":\"" HELPER "\"";
	ck_assert_msg(strncmp(r.json.buf, users, strlen(users)) == 0, "%s", r.json.buf);
	ck_assert_ptr_nonnull(strstr(r.json.buf, "\"channels\":[{\"channel_type\":\"Group\""));
	ck_assert_ptr_null(strstr(r.json.buf, "\"channel_type\":\"TextChannel\""));
	ck_assert_ptr_null(strstr(r.json.buf, "policy_changes"));
	const char *topics[] = {HELPER "!", HELPER, ALICE, BOB, SERVER, SERVER "u", GROUP};
	expect_topics(&r, topics, 7);
	ready_release(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ready");
	TCase *tc = tcase_create("ready");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, new_bot);
	tcase_add_test(tc, bot_policy_changes_always);
	tcase_add_test(tc, user_alice);
	tcase_add_test(tc, bot_invited);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_store.c: unit tests for server/store.c - the parts added for speed, which
 * must not change an answer (docs/performance.md#sqlite):
 *   - the session cache: after every kind of write to users or sessions (by id,
 *     without WHERE, REPLACE, a rolled-back rename, a write inside an open
 *     transaction) the next lookup answers what the database holds; a write to
 *     another table changes nothing;
 *   - store_bot_update in two statements: every field is written, and a token
 *     that another bot holds fails the update with nothing written;
 *   - store_user_rename: the two fields written, no other;
 *   - SQLite's memory (store_alloc.c): sizes, resizes, blocks reused;
 * and the code generated from the field lists of model.h: every field of a user
 * and a bot is written, read back (copied and lent) and copied whole. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_store.h"
#include "fixtures.h"
#include "store.h"
#include "store_internal.h" /* store_db(): the transaction state */
#include "suite.h"

/* the bundled fixtures (fixtures/default.json) */
#define ALICE "01HZ5W2X8A1B3C4D5E6F7G8H9J"
#define BOB "01HZ6A7B8C9D0E1F2G3H4J5K6M"
#define HELPER "01J0H3HPB0T5T0KEN000000AAA"

static void setup(void)
{
	fixture_store_open();
}

static void teardown(void) { store_close(); }

/* The user behind a session token: its username, or NULL when none. */
static char *who(const char *token)
{
	struct user u = {0};
	int found = store_user_by_session(token, &u, NULL);
	ck_assert_int_ge(found, 0);
	char *name = found ? strdup(u.username) : NULL;
	user_release(&u);
	return name;
}

static void expect_who(const char *token, const char *want)
{
	char *got = who(token);
	if (want)
		ck_assert_pstr_eq(got, want);
	else
		ck_assert_msg(got == NULL, "'%s' still finds '%s'", token, got);
	free(got);
}

/* Each write, made after two lookups filled the cache, then who each token finds. */
static const struct {
	const char *what;
	const char *sql;
	const char *want, *want_bob; /* who alice-session and bob-session find; NULL: no one */
} writes[] = {
	{"a bots row", "UPDATE bots SET public = 1 WHERE id = '" HELPER "'", "alice", "bob"},
	{"a new user", "INSERT INTO users (id, username, discriminator, seq) VALUES ('01J0NEWUSER000000000000000', 'dan', '0004', 99)", "alice", "bob"},
	{"alice renamed", "UPDATE users SET username = 'alice2' WHERE id = '" ALICE "'", "alice2", "bob"},
	{"bob renamed", "UPDATE users SET username = 'bob2' WHERE id = '" BOB "'", "alice", "bob2"},
	{"bob deleted", "DELETE FROM users WHERE id = '" BOB "'", "alice", NULL},
	{"every user renamed", "UPDATE users SET username = 'x' || username", "xalice", "xbob"},
	{"alice deleted and her id given to bob", "BEGIN; DELETE FROM users WHERE id = '" ALICE "'; UPDATE users SET id = '" ALICE "' WHERE id = '" BOB "'; COMMIT", "bob", NULL},
	{"her session deleted", "DELETE FROM sessions WHERE token = 'alice-session'", NULL, "bob"},
	{"every session, no WHERE", "DELETE FROM sessions", NULL, NULL},
	{"every user, no WHERE", "DELETE FROM users", NULL, NULL},
	{"the session given to bob", "UPDATE sessions SET user_id = '" BOB "' WHERE token = 'alice-session'", "bob", "bob"},
	{"the session replaced", "INSERT OR REPLACE INTO sessions (token, id, user_id, name) VALUES ('alice-session', 'x', '" BOB "', '')", "bob", "bob"},
	{"a rename rolled back", "BEGIN; UPDATE users SET username = 'zed' WHERE id = '" ALICE "'; ROLLBACK", "alice", "bob"},
	{"a rename and a bots write", "BEGIN; UPDATE users SET username = 'al' WHERE id = '" ALICE "'; UPDATE bots SET public = 1; COMMIT", "al", "bob"},
};

START_TEST(session_cache_follows_writes)
{
	expect_who("alice-session", "alice");
	expect_who("alice-session", "alice"); /* from the cache */
	ck_assert_int_eq(store_exec(writes[_i].sql), 0);
	expect_who("alice-session", writes[_i].want);
	expect_who("bob-session", writes[_i].want_bob);
	expect_who("alice-session", writes[_i].want);
}
END_TEST

/* store_begin only asks for a transaction: it begins with the first statement, so
 * a request that reads nothing holds no lock and commits nothing; one that does is
 * still all or nothing. */
START_TEST(transaction_begins_with_its_first_statement)
{
	ck_assert_int_eq(store_begin(), 0);
	ck_assert(sqlite3_get_autocommit(store_db())); /* not begun */
	ck_assert_int_eq(store_commit(), 0);
	ck_assert_int_eq(store_begin(), 0);
	store_rollback();
	ck_assert(sqlite3_get_autocommit(store_db()));
	/* the first statement begins it: a rollback undoes the read-then-write */
	struct user u = {0};
	ck_assert_int_eq(store_begin(), 0);
	ck_assert_int_eq(store_user_get(ALICE, &u), 1);
	ck_assert(!sqlite3_get_autocommit(store_db()));
	model_set(&u.display_name, "rolled back");
	ck_assert_int_eq(store_user_update(&u), 0);
	store_rollback();
	ck_assert(sqlite3_get_autocommit(store_db()));
	user_release(&u);
	ck_assert_int_eq(store_user_get(ALICE, &u), 1);
	ck_assert_ptr_null(u.display_name == NULL ? NULL : strstr(u.display_name, "rolled back"));
	/* and a commit keeps it */
	ck_assert_int_eq(store_begin(), 0);
	model_set(&u.display_name, "kept");
	ck_assert_int_eq(store_user_update(&u), 0);
	ck_assert_int_eq(store_commit(), 0);
	ck_assert(sqlite3_get_autocommit(store_db()));
	user_release(&u);
	ck_assert_int_eq(store_user_get(ALICE, &u), 1);
	ck_assert_str_eq(u.display_name, "kept");
	user_release(&u);
}
END_TEST

/* Inside a transaction the lookup sees the transaction's own writes, and after a
 * rollback the state before it. */
START_TEST(session_cache_and_transactions)
{
	expect_who("alice-session", "alice");
	ck_assert_int_eq(store_begin(), 0);
	ck_assert_int_eq(store_exec("UPDATE users SET username = 'inside' WHERE id = '" ALICE "'"), 0);
	expect_who("alice-session", "inside");
	store_rollback();
	expect_who("alice-session", "alice");
	ck_assert_int_eq(store_begin(), 0);
	ck_assert_int_eq(store_exec("UPDATE users SET username = 'kept' WHERE id = '" ALICE "'"), 0);
	ck_assert_int_eq(store_commit(), 0);
	expect_who("alice-session", "kept");
}
END_TEST

/* A cache hit is a full, independent copy: every field of the user. */
START_TEST(session_cache_copies_the_whole_user)
{
	struct user a = {0}, b = {0};
	ck_assert_int_eq(store_user_by_session("alice-session", &a, NULL), 1);
	ck_assert_int_eq(store_user_by_session("alice-session", &b, NULL), 1);
	ck_assert_str_eq(a.id, b.id);
	ck_assert_str_eq(a.username, b.username);
	ck_assert_str_eq(a.discriminator, b.discriminator);
	ck_assert_pstr_eq(a.display_name, b.display_name);
	ck_assert_pstr_eq(a.relations, b.relations);
	ck_assert_pstr_eq(a.bot_owner, b.bot_owner);
	ck_assert_int_eq(a.badges, b.badges);
	ck_assert_int_eq(a.flags, b.flags);
	ck_assert_int_eq(a.privileged, b.privileged);
	ck_assert_ptr_ne(a.username, b.username);
	user_release(&a);
	ck_assert_int_eq(store_user_by_session("alice-session", &a, NULL), 1); /* b outlives a */
	ck_assert_str_eq(a.username, b.username);
	user_release(&a);
	user_release(&b);
	ck_assert_int_eq(store_user_by_session("no-such-session", &a, NULL), 0);
}
END_TEST

/* Asked for a reference, a hit lends the cache's user; a write to the users makes
 * the next call read again (into the caller's struct). */
START_TEST(session_cache_lends_its_user)
{
	struct user mine = {0}, own = {0};
	const struct user *found = NULL, *again = NULL;
	ck_assert_int_eq(store_user_by_session("alice-session", &mine, &found), 1);
	ck_assert_ptr_eq(found, &mine); /* first read: the caller's copy */
	ck_assert_str_eq(found->id, ALICE);
	ck_assert_int_eq(store_user_by_session("alice-session", &own, &again), 1);
	ck_assert_ptr_ne(again, &own); /* a hit: lent */
	ck_assert_ptr_null(own.id);
	ck_assert_str_eq(again->id, ALICE);
	ck_assert_str_eq(again->username, mine.username);
	/* a write to users: read again */
	struct user changed = {0};
	ck_assert_int_eq(store_user_get(ALICE, &changed), 1);
	model_set(&changed.display_name, "Lent");
	ck_assert_int_eq(store_user_update(&changed), 0);
	ck_assert_int_eq(store_user_by_session("alice-session", &own, &again), 1);
	ck_assert_ptr_eq(again, &own);
	ck_assert_str_eq(again->display_name, "Lent");
	/* and lent again afterwards */
	ck_assert_int_eq(store_user_by_session("alice-session", &own, &again), 1);
	ck_assert_ptr_ne(again, &own);
	ck_assert_str_eq(again->display_name, "Lent");
	/* a write to another user's row (a bot renamed by its owner): still lent */
	struct user other = {0};
	ck_assert_int_eq(store_user_get(HELPER, &other), 1);
	model_set(&other.username, "Renamed");
	ck_assert_int_eq(store_user_update(&other), 0);
	ck_assert_int_eq(store_user_by_session("alice-session", &own, &again), 1);
	ck_assert_ptr_ne(again, &own);
	ck_assert_str_eq(again->display_name, "Lent");
	user_release(&other);
	user_release(&mine);
	user_release(&own);
	user_release(&changed);
}
END_TEST

/* Every field is written; the token too, when the caller says it is new. */
START_TEST(bot_update_writes_every_field)
{
	struct bot b = {0}, again = {0};
	ck_assert_int_eq(store_bot_get(HELPER, &b), 1);
	b.public_ = true;
	b.analytics = true;
	model_set(&b.interactions_url, "https://i.example");
	model_set(&b.token, "new-token");
	b.flags = 4;
	ck_assert_int_eq(store_begin(), 0);
	ck_assert_int_eq(store_bot_update(&b, true), 0);
	ck_assert_int_eq(store_commit(), 0);
	ck_assert_int_eq(store_bot_get(HELPER, &again), 1);
	ck_assert(again.public_ && again.analytics);
	ck_assert_str_eq(again.interactions_url, "https://i.example");
	ck_assert_str_eq(again.token, "new-token");
	ck_assert_str_eq(again.owner, ALICE);
	ck_assert_pstr_eq(again.oauth2, b.oauth2);
	ck_assert_int_eq(again.flags, 4);
	/* unchanged keys: the other fields still change */
	again.public_ = false;
	ck_assert_int_eq(store_bot_update(&again, false), 0);
	ck_assert_int_eq(store_bot_get(HELPER, &b), 1);
	ck_assert(!b.public_);
	ck_assert_str_eq(b.token, "new-token");
	/* without new_token a changed token is not written */
	model_set(&again.token, "ignored-token");
	again.analytics = false;
	ck_assert_int_eq(store_bot_update(&again, false), 0);
	ck_assert_int_eq(store_bot_get(HELPER, &b), 1);
	ck_assert(!b.analytics);
	ck_assert_str_eq(b.token, "new-token");
	bot_release(&b);
	bot_release(&again);
}
END_TEST

/* A bot and its user in one read: both, the bot alone, or nothing. */
START_TEST(bot_with_user_in_one_read)
{
	struct bot b = {0}, lone = {0};
	struct user u = {0}, want = {0};
	ck_assert_int_eq(store_bot_with_user_get(HELPER, &b, &u), 1);
	ck_assert_str_eq(b.id, HELPER);
	ck_assert_str_eq(b.owner, ALICE);
	ck_assert_int_eq(store_user_get(HELPER, &want), 1);
	ck_assert_str_eq(u.id, want.id);
	ck_assert_str_eq(u.username, want.username);
	ck_assert_str_eq(u.discriminator, want.discriminator);
	ck_assert_pstr_eq(u.bot_owner, ALICE);
	ck_assert_int_eq(u.flags, want.flags);
	/* a bot whose user row is missing (inconsistent data): the bot, no user */
	lone.id = "01J0H3HPB0T5T0KEN00000LONE";
	lone.owner = ALICE;
	lone.token = "lone-token";
	ck_assert_int_eq(store_bot_insert(&lone), 0);
	ck_assert_int_eq(store_bot_with_user_get(lone.id, &b, &u), 1);
	ck_assert_str_eq(b.id, lone.id);
	ck_assert_ptr_null(u.id);
	ck_assert_ptr_null(u.username);
	/* no such bot */
	ck_assert_int_eq(store_bot_with_user_get("01J0H3HPB0T5T0KEN000000ZZZ", &b, &u), 0);
	bot_release(&b);
	user_release(&u);
	user_release(&want);
}
END_TEST

/* A rename writes the name and the discriminator, nothing else of the row (the
 * other fields of the struct are not written even when they differ). */
START_TEST(user_rename_writes_two_fields)
{
	struct user u = {0}, before = {0}, after = {0};
	ck_assert_int_eq(store_user_get(HELPER, &u), 1);
	ck_assert_int_eq(store_user_get(HELPER, &before), 1);
	model_set(&u.username, "Renamed");
	model_set(&u.discriminator, "0042");
	model_set(&u.display_name, "not written");
	u.flags = before.flags + 1;
	ck_assert_int_eq(store_user_rename(&u), 0);
	ck_assert_int_eq(store_user_get(HELPER, &after), 1);
	ck_assert_str_eq(after.username, "Renamed");
	ck_assert_str_eq(after.discriminator, "0042");
	ck_assert_pstr_eq(after.display_name, before.display_name);
	ck_assert_int_eq(after.flags, before.flags);
	user_release(&after);
	user_release(&before);
	user_release(&u);
}
END_TEST

/* SQLite's memory (store_alloc.c): sizes rounded up to 16 bytes and reported,
 * contents kept by a resize, a freed small block handed out again (except under
 * AddressSanitizer, where every block is freed at once), large blocks too. */
START_TEST(sqlite_memory)
{
	char *p = sqlite3_malloc(10);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sqlite3_msize(p), 16);
	memcpy(p, "123456789", 10);
	ck_assert_ptr_eq(sqlite3_realloc(p, 16), p); /* fits: the same block */
	char *q = sqlite3_realloc(p, 100);
	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(sqlite3_msize(q), 112);
	ck_assert_str_eq(q, "123456789");
	char *big = sqlite3_realloc(q, 5000); /* past the free lists */
	ck_assert_ptr_nonnull(big);
	ck_assert_int_ge(sqlite3_msize(big), 5000);
	ck_assert_str_eq(big, "123456789");
	sqlite3_free(big);
	char *a = sqlite3_malloc(40);
	sqlite3_free(a);
	char *b = sqlite3_malloc(33); /* the same class: 48 bytes */
#if !defined(__SANITIZE_ADDRESS__)
	ck_assert_ptr_eq(b, a);
#endif
	ck_assert_int_eq(sqlite3_msize(b), 48);
	sqlite3_free(b);
}
END_TEST

/* A token another bot holds: the update fails and writes nothing. */
START_TEST(bot_update_taken_token_writes_nothing)
{
	struct bot mine = {0}, other = {0}, after = {0};
	struct bot *all = NULL;
	size_t n = 0;
	ck_assert_int_eq(store_bots_all(&all, &n), 0);
	ck_assert_uint_ge(n, 2);
	ck_assert_int_eq(store_bot_get(HELPER, &mine), 1);
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].id, HELPER) != 0 && !other.id)
			ck_assert_int_eq(store_bot_get(all[i].id, &other), 1);
	for (size_t i = 0; i < n; i++)
		bot_release(&all[i]);
	free(all);
	bool was_public = mine.public_;
	mine.public_ = !was_public;
	model_set(&mine.token, other.token);
	ck_assert_int_eq(store_bot_update(&mine, true), -1);
	ck_assert_int_eq(store_bot_get(HELPER, &after), 1);
	ck_assert_int_eq(after.public_, was_public);
	ck_assert_str_ne(after.token, other.token);
	bot_release(&mine);
	bot_release(&other);
	bot_release(&after);
}
END_TEST

/* ---- every row of USER_FIELDS and BOT_FIELDS, written and read back ----------------
 * The fill and the comparison are generated from the same lists as the store's SQL,
 * so a new row is covered here without a new line. */

static void fill_text(char **field, const char *member, int n, bool json)
{
	char buf[80];
	snprintf(buf, sizeof(buf), json ? "{\"%s\":%d}" : "%s-%d", member, n);
	model_set(field, buf);
}

#define FILL_TEXT(field, member, n) fill_text(&(field), member, n, false)
#define FILL_JSON(field, member, n) fill_text(&(field), member, n, true)
#define FILL_INT(field, member, n) (field) = 1000 + (n)
#define FILL_BOOL(field, member, n) (field) = (n) % 2
#define FILL_ROW(kind, member, column, role) FILL_##kind(v->member, #member, n);

#define SAME_TEXT(a, b) ck_assert_pstr_eq(a, b)
#define SAME_JSON SAME_TEXT
#define SAME_INT(a, b) ck_assert_int_eq(a, b)
#define SAME_BOOL(a, b) ck_assert_int_eq(a, b)
#define SAME_ROW(kind, member, column, role) SAME_##kind(x->member, y->member);

/* Every field a value of its own for the n-th write; the id stays id. */
static void fill_user(struct user *v, const char *id, int n)
{
	USER_FIELDS(FILL_ROW)
	model_set(&v->id, id);
}

static void fill_bot(struct bot *v, const char *id, int n)
{
	BOT_FIELDS(FILL_ROW)
	model_set(&v->id, id);
}

static void same_user(const struct user *x, const struct user *y) { USER_FIELDS(SAME_ROW) }
static void same_bot(const struct bot *x, const struct bot *y) { BOT_FIELDS(SAME_ROW) }

struct pair {
	const struct bot *b;
	const struct user *u;
	int seen;
};

static void peeked(void *arg, const struct bot *b, const struct user *u)
{
	struct pair *want = arg;
	same_bot(b, want->b);
	same_user(u, want->u);
	want->seen++;
}

#define NEWBOT "01J0NEWB0T0000000000000000"

START_TEST(every_field_written_and_read)
{
	struct user u = {0}, got = {0}, copy = {0};
	struct bot b = {0}, gotb = {0};
	ck_assert_int_eq(store_begin(), 0);
	/* insert, get, copy */
	fill_user(&u, NEWBOT, 1);
	ck_assert_int_eq(store_user_insert(&u), 0);
	ck_assert_int_eq(store_user_get(NEWBOT, &got), 1);
	same_user(&got, &u);
	ck_assert(user_copy(&copy, &got));
	same_user(&copy, &got);
	ck_assert_ptr_ne(copy.username, got.username);
	fill_bot(&b, NEWBOT, 1);
	ck_assert_int_eq(store_bot_insert(&b), 0);
	ck_assert_int_eq(store_bot_get(NEWBOT, &gotb), 1);
	same_bot(&gotb, &b);
	/* update: every field but the key changes (the bot's keys with a new token) */
	fill_user(&u, NEWBOT, 2);
	ck_assert_int_eq(store_user_update(&u), 0);
	ck_assert_int_eq(store_user_get(NEWBOT, &got), 1);
	same_user(&got, &u);
	fill_bot(&b, NEWBOT, 2);
	ck_assert_int_eq(store_bot_update(&b, true), 0);
	ck_assert_int_eq(store_bot_get(NEWBOT, &gotb), 1);
	same_bot(&gotb, &b);
	/* the bot and its user in one read, copied and peeked */
	ck_assert_int_eq(store_bot_with_user_get(NEWBOT, &gotb, &got), 1);
	same_bot(&gotb, &b);
	same_user(&got, &u);
	struct pair want = {&b, &u, 0};
	ck_assert_int_eq(store_bot_with_user_peek(NEWBOT, peeked, &want), 1);
	ck_assert_int_eq(want.seen, 1);
	ck_assert_int_eq(store_commit(), 0);
	user_release(&u);
	user_release(&got);
	user_release(&copy);
	bot_release(&b);
	bot_release(&gotb);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, session_cache_follows_writes, 0, sizeof(writes) / sizeof(writes[0]));
	tcase_add_test(tc, session_cache_and_transactions);
	tcase_add_test(tc, transaction_begins_with_its_first_statement);
	tcase_add_test(tc, session_cache_copies_the_whole_user);
	tcase_add_test(tc, session_cache_lends_its_user);
	tcase_add_test(tc, bot_update_writes_every_field);
	tcase_add_test(tc, bot_with_user_in_one_read);
	tcase_add_test(tc, bot_update_taken_token_writes_nothing);
	tcase_add_test(tc, user_rename_writes_two_fields);
	tcase_add_test(tc, sqlite_memory);
	tcase_add_test(tc, every_field_written_and_read);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(store_suite());
}

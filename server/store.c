/* store.c: SQLite open/migrate, transactions, the statement cache, and the user,
 * session and bot queries. Every SQL string is a named constant with ?
 * placeholders; values are bound. The users and bots columns are generated from
 * the field lists of model.h. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

struct embedded_sql {
	const char *name;
	const char *sql;
};
extern const struct embedded_sql embedded_schema[]; /* build/embedded.c */

static sqlite3 *db;
static int64_t seq_counter;
static bool cleared; /* store_clear ran in the open transaction (seq_counter was reset) */

/* Prepared once: the cache is keyed by the address of the SQL constant. */
#define STMT_CACHE_MAX 96
static struct {
	const char *sql;
	sqlite3_stmt *st;
} cache[STMT_CACHE_MAX];
static size_t ncache;

/* PERF: the session lookup runs on every request with x-session-token (a join
 * and 15 columns: 12 500 instructions, a fifth of a GET /bots/{id}), and a test
 * suite sends the same token over and over. The last user found is kept and
 * handed out again while neither its row of users nor any row of sessions can
 * have changed. Only an in-memory database, which no other connection can write,
 * uses the cache, and two counts prove nothing changed:
 *   - the update hook counts the rows written to sessions, inserted into users
 *     or written to the kept user's row (mine), and every other row written
 *     (other): another user's row, updated or deleted, cannot change what the
 *     join finds (users.id is its primary key, so no other row can come to hold
 *     the kept user's id before that user's own row is written; no statement
 *     writes users with OR REPLACE, whose deletions the hook does not see). So a
 *     rename of a bot leaves its owner's session cached;
 *   - sqlite3_total_changes64() counts every row written through the connection,
 *     including those the hook never sees (a DELETE without WHERE).
 * The kept user is valid while mine has not moved and total moved exactly as
 * much as other: any write the hook did not attribute to another table spoils
 * it. Inside a transaction the cache is neither read nor filled, so a write that
 * is rolled back is never seen. The connection's update hook is this cache's:
 * nothing else may set one (store.h). tests/unit/test_store.c drives every kind
 * of write past it (docs/performance.md#sqlite). */
static struct {
	bool on;                     /* store_open: an in-memory database */
	char *token;                 /* NULL: nothing kept */
	struct user u;
	sqlite3_int64 rowid;         /* u's row in users */
	sqlite3_int64 total, mine, other; /* the counts when it was read */
} last_session;
static sqlite3_int64 rows_mine, rows_other; /* written, as the update hook saw them */

static void last_session_clear(void)
{
	free(last_session.token);
	last_session.token = NULL;
	user_release(&last_session.u);
}

static void count_row(void *arg, int op, const char *dbname, const char *table, sqlite3_int64 rowid)
{
	(void)arg;
	(void)dbname;
	if (strcmp(table, "sessions") == 0 ||
	    (strcmp(table, "users") == 0 && (op == SQLITE_INSERT || rowid == last_session.rowid)))
		rows_mine++;
	else
		rows_other++;
}

sqlite3 *store_db(void) { return db; }
const char *store_errmsg(void) { return db ? sqlite3_errmsg(db) : "database not open"; }

/* PERF: every write request begins and ends a transaction; prepared once, these
 * skip the parse sqlite3_exec() would do each time (docs/performance.md#sqlite). */
static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static int tx_start(void);

sqlite3_stmt *store_stmt(const char *sql)
{
	if (sql != SQL_BEGIN && tx_start())
		return NULL;
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].sql == sql) {
			sqlite3_reset(cache[i].st);
			sqlite3_clear_bindings(cache[i].st);
			return cache[i].st;
		}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	if (ncache < STMT_CACHE_MAX) {
		cache[ncache].sql = sql;
		cache[ncache].st = st;
		ncache++;
	}
	return st;
}

int store_exec(const char *sql)
{
	if (tx_start())
		return -1;
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int user_version(void)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t max_seq(void)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT max(coalesce((SELECT max(seq) FROM users),0),"
			       " coalesce((SELECT max(seq) FROM bots),0))",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* NULL when PRAGMA quick_check finds nothing wrong, else its first finding or the
 * error that stopped it (malloc'd, on one line). */
static char *quick_check(void)
{
	sqlite3_stmt *st = NULL;
	char *bad = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	const unsigned char *t = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	if (rc != SQLITE_ROW)
		bad = strdup(sqlite3_errmsg(db));
	else if (!t || strcmp((const char *)t, "ok") != 0)
		bad = strdup(t ? (const char *)t : "?");
	for (char *p = bad; p && *p; p++)
		if (*p == '\n')
			*p = ' ';
	sqlite3_finalize(st);
	return bad;
}

static int fail(char **why, const char *fmt, const char *a)
{
	if (asprintf(why, fmt, a, db ? sqlite3_errmsg(db) : "out of memory") < 0)
		*why = NULL;
	store_close();
	return -1;
}

int store_open(const char *path, bool *fresh, char **why)
{
	*why = NULL;
	/* PERF: SQLite counts every allocation in a global status under a global mutex
	 * unless told not to: 7% of the instructions of a GET /bots/{id}
	 * (docs/performance.md#sqlite). Nothing here reads sqlite3_status(). Only
	 * possible before the library initialises, so a second store_open (the tests)
	 * gets SQLITE_MISUSE back and changes nothing. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	store_alloc_install();
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK)
		return fail(why, "cannot open database '%s': %s", path);
	bool memory = strcmp(path, ":memory:") == 0 || path[0] == 0;
	last_session.on = memory;
	if (memory)
		sqlite3_update_hook(db, count_row, NULL);
	sqlite3_busy_timeout(db, 0); /* a database locked by another process is an error */
	/* Reading the schema version touches the file: corrupt files fail here. */
	int v = user_version();
	if (v < 0 && (sqlite3_errcode(db) & 0xff) == SQLITE_READONLY)
		return fail(why, "database '%s' is read-only (stoat-mock writes every change to it): %s", path);
	if (v < 0)
		return fail(why, "cannot read database '%s': %s", path);
	/* a read-only file would open, then fail at the first write: refuse it now */
	if (!memory && sqlite3_db_readonly(db, "main") == 1) {
		if (asprintf(why, "database '%s' is read-only (stoat-mock writes every change to it)", path) < 0)
			*why = NULL;
		store_close();
		return -1;
	}
	/* a damaged file is refused at start, not found out by the first request that
	 * reads the broken page */
	char *bad = memory || v == 0 ? NULL : quick_check();
	if (bad) {
		if (asprintf(why, "database '%s' is corrupt (PRAGMA quick_check: %s)", path, bad) < 0)
			*why = NULL;
		free(bad);
		store_close();
		return -1;
	}
	if (v > SCHEMA_VERSION) {
		char buf[160];
		snprintf(buf, sizeof(buf), "%s' has schema version %d, newer than this stoat-mock (%d)",
			 path, v, SCHEMA_VERSION);
		if (asprintf(why, "database '%s", buf) < 0)
			*why = NULL;
		store_close();
		return -1;
	}
	if (!memory) {
		/* WAL: readers never block the writer; NORMAL: durable at checkpoints,
		 * an acknowledged commit survives a process kill (not a power cut). */
		if (store_exec("PRAGMA journal_mode=WAL") || store_exec("PRAGMA synchronous=NORMAL"))
			return fail(why, "cannot configure database '%s': %s", path);
	}
	if (store_exec("BEGIN IMMEDIATE"))
		return fail(why, "cannot lock database '%s': %s", path);
	for (int i = 0; embedded_schema[i].name; i++) {
		int file_version = atoi(embedded_schema[i].name); /* 001_init.sql -> 1 */
		if (file_version <= v)
			continue;
		if (store_exec(embedded_schema[i].sql)) {
			/* the message first: ROLLBACK succeeds and clears it */
			if (asprintf(why, "cannot migrate database '%s' with %s (nothing was changed): %s", path,
				     embedded_schema[i].name, sqlite3_errmsg(db)) < 0)
				*why = NULL;
			store_exec("ROLLBACK");
			store_close();
			return -1;
		}
	}
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", SCHEMA_VERSION);
	if (store_exec(pragma) || store_exec("COMMIT")) {
		if (asprintf(why, "cannot migrate database '%s' (nothing was changed): %s", path, sqlite3_errmsg(db)) < 0)
			*why = NULL;
		store_exec("ROLLBACK");
		store_close();
		return -1;
	}
	seq_counter = max_seq();
	sqlite3_stmt *st;
	*fresh = true;
	if (sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM bots)", -1,
			       &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		*fresh = sqlite3_column_int64(st, 0) == 0;
	sqlite3_finalize(st);
	return 0;
}

void store_close(void)
{
	last_session_clear(); /* a database opened next starts its change count at 0 */
	last_session.on = false;
	for (size_t i = 0; i < ncache; i++)
		sqlite3_finalize(cache[i].st);
	ncache = 0;
	if (db)
		sqlite3_close(db);
	db = NULL;
}


/* Steps a cached statement that returns no row: 0 on success, as store_exec. */
static int run_cached(const char *sql) { return store_step_done(store_stmt(sql)); }

/* PERF: a write request that fails its validation never touches the store, so
 * its transaction begins with its first statement: store_begin only asks for it,
 * store_stmt and store_exec run the BEGIN before that statement, and a request
 * that ran none commits or rolls back nothing (docs/performance.md#sqlite). */
static bool tx_wanted;

static int tx_start(void)
{
	if (!tx_wanted)
		return 0;
	tx_wanted = false;
	return run_cached(SQL_BEGIN);
}

int store_begin(void)
{
	cleared = false;
	tx_wanted = true;
	return 0;
}

int store_commit(void)
{
	if (tx_wanted) {
		tx_wanted = false; /* nothing ran */
		return 0;
	}
	return run_cached(SQL_COMMIT);
}

void store_rollback(void)
{
	tx_wanted = false;
	if (db && !sqlite3_get_autocommit(db)) {
		run_cached(SQL_ROLLBACK);
		/* a rolled-back store_clear (PUT /_mock/state with a bad document) must not
		 * leave the counter behind the rows that came back */
		if (cleared)
			seq_counter = max_seq();
	}
	cleared = false;
}

int store_clear(void)
{
	static const char SQL_CLEAR[] =
		"DELETE FROM users; DELETE FROM sessions; DELETE FROM bots;"
		"DELETE FROM discriminator_changes; DELETE FROM servers; DELETE FROM server_members;"
		"DELETE FROM server_bans; DELETE FROM channels; DELETE FROM channel_recipients;";
	seq_counter = 0;
	cleared = true;
	return store_exec(SQL_CLEAR);
}

/* ---- binding and reading helpers (store_internal.h) ---------------------------- */

void store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* A text column as a copy the caller owns (store_col_text), or as a pointer into the
 * statement's row, valid until it steps or is reset (col_ref). */
typedef char *(*col_fn)(sqlite3_stmt *st, int i);

char *store_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? strdup((const char *)t) : NULL;
}

static char *col_ref(sqlite3_stmt *st, int i) { return (char *)sqlite3_column_text(st, i); }

int store_step_done(sqlite3_stmt *st)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

long long store_step_scalar(sqlite3_stmt *st)
{
	if (!st)
		return -1;
	long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return v;
}

/* ---- the users and bots columns, generated from USER_FIELDS and BOT_FIELDS ------
 * (model.h). SQL text: every column after the key is written ", column", so a list
 * opens with the key (SELECT, INSERT) or, in an UPDATE, with "seq = seq": seq is in
 * no index, so assigning it itself costs a NOT NULL check and rewrites no index
 * entry. Placeholders are plain ?, numbered in the order they appear; binding
 * follows the same list order. */

/* IF_<wanted>_<role>(x): x when the row's role is the wanted one */
#define IF_SET_KEY(x)
#define IF_SET_SET(x) x
#define IF_SET_WITH_TOKEN(x)
#define IF_WITH_TOKEN_KEY(x)
#define IF_WITH_TOKEN_SET(x)
#define IF_WITH_TOKEN_WITH_TOKEN(x) x

#define COL_KEY(prefix, column) prefix column
#define COL_SET(prefix, column) ", " prefix column
#define COL_WITH_TOKEN(prefix, column) ", " prefix column
#define COL(kind, member, column, role) COL_##role("", column)
#define COL_U(kind, member, column, role) COL_##role("u.", column)
#define COL_B(kind, member, column, role) COL_##role("b.", column)
#define PARAM(kind, member, column, role) COL_##role("", "?") /* a ? for each column */
#define SET_SET(kind, member, column, role) IF_SET_##role(", " column " = ?")
#define SET_WITH_TOKEN(kind, member, column, role) IF_WITH_TOKEN_##role(", " column " = ?")
#define DIFFERS_WITH_TOKEN(kind, member, column, role) IF_WITH_TOKEN_##role(" OR " column " IS NOT ?")

/* "u.id, u.username, ..." and "id, owner, ..." (or "b.id, ...") in struct order */
#define USER_COLS USER_FIELDS(COL_U)
#define BOT_COLS BOT_FIELDS(COL)

/* Which rows bind_user and bind_bot bind: every row (an INSERT: the key first), or
 * only those of one role. */
enum field_role { ROLE_ALL, ROLE_KEY, ROLE_SET, ROLE_WITH_TOKEN };

#define BIND_TEXT(i, v) store_bind_text(st, i, v)
#define BIND_JSON BIND_TEXT
#define BIND_INT(i, v) sqlite3_bind_int64(st, i, v)
#define BIND_BOOL(i, v) sqlite3_bind_int(st, i, v)
#define BIND_ROW(kind, member, column, role)                                                       \
	if (only == ROLE_ALL || only == ROLE_##role)                                               \
		BIND_##kind(i++, v->member);

#define READ_TEXT(i) col(st, i)
#define READ_JSON READ_TEXT
#define READ_INT(i) sqlite3_column_int64(st, i)
#define READ_BOOL(i) (sqlite3_column_int(st, i) != 0)
#define READ_ROW(kind, member, column, role) v->member = READ_##kind(c++);

/* ---- users -------------------------------------------------------------------- */

/* The USER_COLS starting at column c, into a released (or zeroed) v. */
static void read_user_at(sqlite3_stmt *st, int c, struct user *v, col_fn col)
{
	USER_FIELDS(READ_ROW)
}

static void read_user(sqlite3_stmt *st, struct user *u)
{
	user_release(u);
	read_user_at(st, 0, u, store_col_text);
}

/* Binds the rows of u that only selects from ?i on; returns the next index. */
static int bind_user(sqlite3_stmt *st, int i, const struct user *v, enum field_role only)
{
	USER_FIELDS(BIND_ROW)
	return i;
}

/* Runs a one-row user query with one text parameter; with rowid, the query's
 * last column (the row's rowid) goes there. */
static int user_query(const char *sql, const char *arg, struct user *u, sqlite3_int64 *rowid)
{
	sqlite3_stmt *st = store_stmt(sql);
	if (!st)
		return -1;
	store_bind_text(st, 1, arg);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		read_user(st, u);
		if (rowid)
			*rowid = sqlite3_column_int64(st, sqlite3_column_count(st) - 1);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = -1;
	}
	sqlite3_reset(st);
	return found;
}

static const char SQL_USER_GET[] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?";
static const char SQL_USER_BY_SESSION[] =
	"SELECT " USER_COLS ", u.rowid FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token = ?";
static const char SQL_USER_BY_BOT_TOKEN[] =
	"SELECT " USER_COLS " FROM bots b JOIN users u ON u.id = b.id WHERE b.token = ?";

int store_user_get(const char *id, struct user *u) { return user_query(SQL_USER_GET, id, u, NULL); }

/* The session cache above: a hit is the user last found (or a copy of it). */
int store_user_by_session(const char *token, struct user *u, const struct user **found_user)
{
	bool cacheable = last_session.on && token && !tx_wanted && sqlite3_get_autocommit(db);
	sqlite3_int64 total = cacheable ? sqlite3_total_changes64(db) : 0;
	if (found_user)
		*found_user = u;
	if (cacheable && last_session.token && rows_mine == last_session.mine &&
	    total - last_session.total == rows_other - last_session.other &&
	    strcmp(last_session.token, token) == 0) {
		/* PERF: lent, not copied (docs/performance.md#sqlite) */
		if (found_user) {
			*found_user = &last_session.u;
			return 1;
		}
		if (user_copy(u, &last_session.u))
			return 1;
	}
	sqlite3_int64 rowid = 0;
	int found = user_query(SQL_USER_BY_SESSION, token, u, &rowid);
	if (found == 1 && cacheable) {
		last_session_clear();
		last_session.rowid = rowid;
		last_session.token = strdup(token);
		if (!last_session.token || !user_copy(&last_session.u, u))
			last_session_clear();
		last_session.total = total;
		last_session.mine = rows_mine;
		last_session.other = rows_other;
	}
	return found;
}
int store_user_by_bot_token(const char *token, struct user *u)
{
	return user_query(SQL_USER_BY_BOT_TOKEN, token, u, NULL);
}

static const char SQL_USER_INSERT[] =
	"INSERT INTO users (" USER_FIELDS(COL) ", seq) VALUES (" USER_FIELDS(PARAM) ", ?)";
static const char SQL_USER_UPDATE[] = "UPDATE users SET seq = seq" USER_FIELDS(SET_SET) " WHERE id = ?";

int store_user_insert(const struct user *u)
{
	sqlite3_stmt *st = store_stmt(SQL_USER_INSERT);
	if (!st)
		return -1;
	int i = bind_user(st, 1, u, ROLE_ALL);
	sqlite3_bind_int64(st, i, ++seq_counter);
	return store_step_done(st);
}

int store_user_update(const struct user *u)
{
	sqlite3_stmt *st = store_stmt(SQL_USER_UPDATE);
	if (!st)
		return -1;
	bind_user(st, bind_user(st, 1, u, ROLE_SET), u, ROLE_KEY);
	return store_step_done(st);
}

/* PERF: a rename changes two columns, not the 15 an UPDATE of the whole row binds
 * and compares. */
static const char SQL_USER_RENAME[] = "UPDATE users SET username = ?2, discriminator = ?3 WHERE id = ?1";

int store_user_rename(const struct user *u)
{
	sqlite3_stmt *st = store_stmt(SQL_USER_RENAME);
	if (!st)
		return -1;
	store_bind_text(st, 1, u->id);
	store_bind_text(st, 2, u->username);
	store_bind_text(st, 3, u->discriminator);
	return store_step_done(st);
}

static const char SQL_DISCRIMINATORS[] =
	"SELECT discriminator FROM users WHERE username = ?1 COLLATE NOCASE";

int store_discriminators_in_use(const char *name, bool used[10000])
{
	memset(used, 0, 10000 * sizeof(bool));
	sqlite3_stmt *st = store_stmt(SQL_DISCRIMINATORS);
	if (!st)
		return -1;
	store_bind_text(st, 1, name);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 0);
		int v = d ? atoi(d) : -1;
		if (v >= 0 && v < 10000)
			used[v] = true;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_DCHANGES_SINCE[] =
	"SELECT count(*) FROM discriminator_changes WHERE user_id = ?1 AND at_ms > ?2";
static const char SQL_DCHANGE_ADD[] = "INSERT INTO discriminator_changes (user_id, at_ms) VALUES (?1, ?2)";

int store_discriminator_changes_since(const char *user_id, int64_t since_ms)
{
	sqlite3_stmt *st = store_stmt(SQL_DCHANGES_SINCE);
	if (!st)
		return -1;
	store_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, since_ms);
	return (int)store_step_scalar(st);
}

int store_discriminator_change_add(const char *user_id, int64_t at_ms)
{
	sqlite3_stmt *st = store_stmt(SQL_DCHANGE_ADD);
	if (!st)
		return -1;
	store_bind_text(st, 1, user_id);
	sqlite3_bind_int64(st, 2, at_ms);
	return store_step_done(st);
}

static const char SQL_DCHANGES_LATEST[] =
	"SELECT user_id, max(at_ms) FROM discriminator_changes GROUP BY user_id ORDER BY 2 DESC, 1";

int store_discriminator_changes_latest(void (*fn)(void *arg, const char *user_id, int64_t at_ms), void *arg)
{
	sqlite3_stmt *st = store_stmt(SQL_DCHANGES_LATEST);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char SQL_SESSION_INSERT[] =
	"INSERT INTO sessions (token, id, user_id, name) VALUES (?1, ?2, ?3, ?4)";

int store_session_insert(const char *token, const char *id, const char *user_id, const char *name)
{
	sqlite3_stmt *st = store_stmt(SQL_SESSION_INSERT);
	if (!st)
		return -1;
	store_bind_text(st, 1, token);
	store_bind_text(st, 2, id);
	store_bind_text(st, 3, user_id);
	store_bind_text(st, 4, name ? name : "");
	return store_step_done(st);
}

static const char SQL_SESSION_ID[] = "SELECT id FROM sessions WHERE token = ?";
static const char SQL_SESSIONS_OF[] = "SELECT token, id, name FROM sessions WHERE user_id = ? ORDER BY rowid";
static const char SQL_SESSION_COUNT[] = "SELECT count(*) FROM sessions WHERE user_id = ?";

int store_session_id(const char *token, char *buf, size_t size)
{
	sqlite3_stmt *st = store_stmt(SQL_SESSION_ID);
	if (!st)
		return -1;
	store_bind_text(st, 1, token);
	int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	if (found == 1)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return found;
}

int store_sessions_of(const char *user_id,
		      void (*fn)(void *arg, const char *token, const char *id, const char *name), void *arg)
{
	sqlite3_stmt *st = store_stmt(SQL_SESSIONS_OF);
	if (!st)
		return -1;
	store_bind_text(st, 1, user_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		   (const char *)sqlite3_column_text(st, 2));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

long long store_session_count(const char *user_id)
{
	sqlite3_stmt *st = store_stmt(SQL_SESSION_COUNT);
	if (!st)
		return -1;
	store_bind_text(st, 1, user_id);
	return store_step_scalar(st);
}

/* ---- bots --------------------------------------------------------------------- */

/* The BOT_COLS, into a released (or zeroed) v. */
static void read_bot_with(sqlite3_stmt *st, struct bot *v, col_fn col)
{
	int c = 0;
	BOT_FIELDS(READ_ROW)
}

static void read_bot(sqlite3_stmt *st, struct bot *b)
{
	bot_release(b);
	read_bot_with(st, b, store_col_text);
}

/* Binds the rows of b that only selects from ?i on; returns the next index. */
static int bind_bot(sqlite3_stmt *st, int i, const struct bot *v, enum field_role only)
{
	BOT_FIELDS(BIND_ROW)
	return i;
}

static const char SQL_BOT_GET[] = "SELECT " BOT_COLS " FROM bots WHERE id = ?";
/* PERF: one statement instead of two for a bot and its user: a statement's
 * begin and end of the read transaction cost as much as reading the row
 * (docs/performance.md#sqlite) */
static const char SQL_BOT_WITH_USER_GET[] =
	"SELECT " BOT_FIELDS(COL_B) ", " USER_COLS " FROM bots b LEFT JOIN users u ON u.id = b.id WHERE b.id = ?";
static const char SQL_BOT_INSERT[] = "INSERT INTO bots (" BOT_COLS ", seq) VALUES (" BOT_FIELDS(PARAM) ", ?)";
static const char SQL_BOT_UPDATE[] = "UPDATE bots SET seq = seq" BOT_FIELDS(SET_SET) " WHERE id = ?";
/* the WITH_TOKEN columns, matching the row only when one of them differs */
static const char SQL_BOT_UPDATE_KEYS[] = "UPDATE bots SET seq = seq" BOT_FIELDS(SET_WITH_TOKEN)
	" WHERE id = ? AND (0" BOT_FIELDS(DIFFERS_WITH_TOKEN) ")";
static const char SQL_BOT_DELETE[] = "DELETE FROM bots WHERE id = ?";
static const char SQL_BOT_COUNT_OWNED[] = "SELECT count(*) FROM bots WHERE owner = ?";
static const char SQL_BOTS_OWNED[] = "SELECT " BOT_COLS " FROM bots WHERE owner = ? ORDER BY id";
static const char SQL_BOTS_ALL[] = "SELECT " BOT_COLS " FROM bots ORDER BY seq";
static const char SQL_USERS_ALL[] = "SELECT " USER_COLS " FROM users u ORDER BY seq";

int store_bot_get(const char *id, struct bot *b)
{
	sqlite3_stmt *st = store_stmt(SQL_BOT_GET);
	if (!st)
		return -1;
	store_bind_text(st, 1, id);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		read_bot(st, b);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = -1;
	}
	sqlite3_reset(st);
	return found;
}

/* Reads bot id and its user with col into b and u (released first when they own
 * copies); calls fn, if any, while the row is current. */
static int bot_with_user(const char *id, struct bot *b, struct user *u, col_fn col,
			 void (*fn)(void *arg, const struct bot *b, const struct user *u), void *arg)
{
	sqlite3_stmt *st = store_stmt(SQL_BOT_WITH_USER_GET);
	if (!st)
		return -1;
	store_bind_text(st, 1, id);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		read_bot_with(st, b, col);
		if (sqlite3_column_type(st, BOT_FIELD_COUNT) != SQLITE_NULL)
			read_user_at(st, BOT_FIELD_COUNT, u, col);
		if (fn)
			fn(arg, b, u);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = -1;
	}
	sqlite3_reset(st);
	return found;
}

int store_bot_with_user_get(const char *id, struct bot *b, struct user *u)
{
	bot_release(b);
	user_release(u);
	return bot_with_user(id, b, u, store_col_text, NULL, NULL);
}

int store_bot_with_user_peek(const char *id, void (*fn)(void *arg, const struct bot *b, const struct user *u),
			     void *arg)
{
	/* PERF: no copy of the row's strings (docs/performance.md#sqlite) */
	struct bot b = {0};
	struct user u = {0};
	return bot_with_user(id, &b, &u, col_ref, fn, arg);
}

int store_bot_insert(const struct bot *b)
{
	sqlite3_stmt *st = store_stmt(SQL_BOT_INSERT);
	if (!st)
		return -1;
	int i = bind_bot(st, 1, b, ROLE_ALL);
	sqlite3_bind_int64(st, i, ++seq_counter);
	return store_step_done(st);
}

/* PERF: owner and token (the WITH_TOKEN rows of BOT_FIELDS) are indexed
 * (bots_owner, the UNIQUE token): an UPDATE that names them rewrites both index
 * entries even when the values are the same. A PATCH never changes the owner and rarely the token, so they get a statement
 * of their own that matches the row only when one of them differs: 7 000 fewer
 * instructions per PATCH /bots/{id} (docs/performance.md#sqlite). The keys go
 * first, so a token that is taken fails before anything is written; the callers
 * run it inside their transaction (dispatch's WRITES), which makes the pair one
 * write in every other case too. */
int store_bot_update(const struct bot *b, bool new_token)
{
	sqlite3_stmt *st;
	/* PERF: a statement less when the token stays (docs/performance.md#sqlite) */
	if (new_token) {
		if (!(st = store_stmt(SQL_BOT_UPDATE_KEYS)))
			return -1;
		int i = bind_bot(st, bind_bot(st, 1, b, ROLE_WITH_TOKEN), b, ROLE_KEY);
		bind_bot(st, i, b, ROLE_WITH_TOKEN);
		if (store_step_done(st))
			return -1;
	}
	st = store_stmt(SQL_BOT_UPDATE);
	if (!st)
		return -1;
	bind_bot(st, bind_bot(st, 1, b, ROLE_SET), b, ROLE_KEY);
	return store_step_done(st);
}

int store_bot_delete(const char *id)
{
	sqlite3_stmt *st = store_stmt(SQL_BOT_DELETE);
	if (!st)
		return -1;
	store_bind_text(st, 1, id);
	return store_step_done(st);
}

int store_bot_count_owned(const char *owner)
{
	sqlite3_stmt *st = store_stmt(SQL_BOT_COUNT_OWNED);
	if (!st)
		return -1;
	store_bind_text(st, 1, owner);
	return (int)store_step_scalar(st);
}

/* Collects every row of a query into a growing array of structs. */
#define COLLECT(type, reader, release)                                                             \
	do {                                                                                       \
		size_t cap = 0;                                                                    \
		int rc;                                                                            \
		*out = NULL;                                                                       \
		*n = 0;                                                                            \
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {                                    \
			if (*n == cap) {                                                           \
				cap = cap ? cap * 2 : 8;                                           \
				type *grown = realloc(*out, cap * sizeof(type));                   \
				if (!grown)                                                        \
					abort();                                                   \
				*out = grown;                                                      \
			}                                                                          \
			memset(&(*out)[*n], 0, sizeof(type));                                      \
			reader(st, &(*out)[(*n)++]);                                               \
		}                                                                                  \
		sqlite3_reset(st);                                                                 \
		if (rc != SQLITE_DONE) {                                                           \
			for (size_t i = 0; i < *n; i++)                                            \
				release(&(*out)[i]);                                               \
			free(*out);                                                                \
			*out = NULL;                                                               \
			*n = 0;                                                                    \
			return -1;                                                                 \
		}                                                                                  \
		return 0;                                                                          \
	} while (0)

int store_bots_owned(const char *owner, struct bot **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(SQL_BOTS_OWNED);
	if (!st)
		return -1;
	store_bind_text(st, 1, owner);
	COLLECT(struct bot, read_bot, bot_release);
}

int store_bots_all(struct bot **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(SQL_BOTS_ALL);
	if (!st)
		return -1;
	COLLECT(struct bot, read_bot, bot_release);
}

int store_users_all(struct user **out, size_t *n)
{
	sqlite3_stmt *st = store_stmt(SQL_USERS_ALL);
	if (!st)
		return -1;
	COLLECT(struct user, read_user, user_release);
}

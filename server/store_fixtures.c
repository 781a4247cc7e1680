/* store_fixtures.c: the fixture loader's and the state export's door into the
 * store for servers, members, bans, channels and recipients (fixtures.c checks the
 * document and its JSON paths; users, sessions and bots go through store.c).
 * Rows are written whole, with the document's order as seq, and read back in that
 * order, so that load(export) then export gives the same bytes. Servers and
 * channels keep their fixture object as doc; store_servers.c reads the columns
 * the routes need. */
#include "store.h"
#include "store_internal.h"

static const char SQL_SERVER_INSERT[] =
	"INSERT INTO servers (id, owner, name, default_permissions, doc, seq) VALUES (?1,?2,?3,?4,?5,?6)";
static const char SQL_MEMBER_INSERT[] =
	"INSERT INTO server_members (server_id, user_id, permissions, seq) VALUES (?1,?2,?3,?4)";
static const char SQL_BAN_INSERT[] = "INSERT INTO server_bans (server_id, user_id) VALUES (?1,?2)";
static const char SQL_CHANNEL_INSERT[] =
	"INSERT INTO channels (id, channel_type, server_id, owner, name, permissions, doc, seq)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8)";
static const char SQL_RECIPIENT_INSERT[] =
	"INSERT INTO channel_recipients (channel_id, user_id, seq) VALUES (?1,?2,?3)";

static const char SQL_SERVER_DOCS[] = "SELECT id, doc FROM servers ORDER BY seq";
static const char SQL_CHANNEL_DOCS[] = "SELECT id, doc FROM channels ORDER BY seq";
static const char SQL_MEMBERS[] =
	"SELECT user_id, permissions FROM server_members WHERE server_id = ?1 ORDER BY seq";
static const char SQL_BANS[] = "SELECT user_id FROM server_bans WHERE server_id = ?1 ORDER BY rowid";
static const char SQL_RECIPIENTS[] =
	"SELECT user_id FROM channel_recipients WHERE channel_id = ?1 ORDER BY seq";

/* ---- load ------------------------------------------------------------------------ */

int store_fixture_server_insert(const char *id, const char *owner, const char *name, long long default_permissions,
				const char *doc, int seq)
{
	sqlite3_stmt *st = store_stmt(SQL_SERVER_INSERT);
	if (st) {
		store_bind_text(st, 1, id);
		store_bind_text(st, 2, owner);
		store_bind_text(st, 3, name);
		sqlite3_bind_int64(st, 4, default_permissions);
		store_bind_text(st, 5, doc);
		sqlite3_bind_int(st, 6, seq);
	}
	return store_step_done(st);
}

int store_fixture_member_insert(const char *server_id, const char *user_id, long long permissions, int seq)
{
	sqlite3_stmt *st = store_stmt(SQL_MEMBER_INSERT);
	if (st) {
		store_bind_text(st, 1, server_id);
		store_bind_text(st, 2, user_id);
		sqlite3_bind_int64(st, 3, permissions);
		sqlite3_bind_int(st, 4, seq);
	}
	return store_step_done(st);
}

int store_fixture_ban_insert(const char *server_id, const char *user_id)
{
	sqlite3_stmt *st = store_stmt(SQL_BAN_INSERT);
	if (st) {
		store_bind_text(st, 1, server_id);
		store_bind_text(st, 2, user_id);
	}
	return store_step_done(st);
}

int store_fixture_channel_insert(const char *id, const char *channel_type, const char *server_id,
				 const char *owner, const char *name, const long long *permissions, const char *doc,
				 int seq)
{
	sqlite3_stmt *st = store_stmt(SQL_CHANNEL_INSERT);
	if (st) {
		store_bind_text(st, 1, id);
		store_bind_text(st, 2, channel_type);
		store_bind_text(st, 3, server_id);
		store_bind_text(st, 4, owner);
		store_bind_text(st, 5, name);
		if (permissions)
			sqlite3_bind_int64(st, 6, *permissions);
		store_bind_text(st, 7, doc);
		sqlite3_bind_int(st, 8, seq);
	}
	return store_step_done(st);
}

int store_fixture_recipient_insert(const char *channel_id, const char *user_id, int seq)
{
	sqlite3_stmt *st = store_stmt(SQL_RECIPIENT_INSERT);
	if (st) {
		store_bind_text(st, 1, channel_id);
		store_bind_text(st, 2, user_id);
		sqlite3_bind_int(st, 3, seq);
	}
	return store_step_done(st);
}

/* ---- export ---------------------------------------------------------------------- */

/* Steps st to its end, passing each row to fn: 0, or -1 when the statement
 * failed (or st is NULL). */
static int each_row(sqlite3_stmt *st, void (*fn)(void *arg, sqlite3_stmt *st), void *arg)
{
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

struct pair_fn {
	void (*fn)(void *arg, const char *a, const char *b);
	void *arg;
};
static void call_pair(void *arg, sqlite3_stmt *st)
{
	struct pair_fn *p = arg;
	p->fn(p->arg, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
}

struct id_fn {
	void (*fn)(void *arg, const char *id);
	void *arg;
};
static void call_id(void *arg, sqlite3_stmt *st)
{
	struct id_fn *p = arg;
	p->fn(p->arg, (const char *)sqlite3_column_text(st, 0));
}

struct member_fn {
	void (*fn)(void *arg, const char *user_id, long long permissions);
	void *arg;
};
static void call_member(void *arg, sqlite3_stmt *st)
{
	struct member_fn *p = arg;
	p->fn(p->arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
}

/* The statement for sql with id bound to ?1. */
static sqlite3_stmt *for_id(const char *sql, const char *id)
{
	sqlite3_stmt *st = store_stmt(sql);
	if (st)
		store_bind_text(st, 1, id);
	return st;
}

int store_fixture_docs(bool servers, void (*fn)(void *arg, const char *id, const char *doc), void *arg)
{
	struct pair_fn p = {fn, arg};
	return each_row(store_stmt(servers ? SQL_SERVER_DOCS : SQL_CHANNEL_DOCS), call_pair, &p);
}

int store_fixture_members(const char *server_id, void (*fn)(void *arg, const char *user_id, long long permissions),
			  void *arg)
{
	struct member_fn p = {fn, arg};
	return each_row(for_id(SQL_MEMBERS, server_id), call_member, &p);
}

int store_fixture_bans(const char *server_id, void (*fn)(void *arg, const char *user_id), void *arg)
{
	struct id_fn p = {fn, arg};
	return each_row(for_id(SQL_BANS, server_id), call_id, &p);
}

int store_fixture_recipients(const char *channel_id, void (*fn)(void *arg, const char *user_id), void *arg)
{
	struct id_fn p = {fn, arg};
	return each_row(for_id(SQL_RECIPIENTS, channel_id), call_id, &p);
}

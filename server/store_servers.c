/* store_servers.c: servers, their members and bans, channels and group recipients:
 * what POST /bots/{id}/invite and GET /users/{id} need. Loaded from fixtures
 * (store_fixtures.c writes and exports the whole rows). */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_internal.h"

void server_row_release(struct server_row *s)
{
	free(s->id);
	free(s->owner);
	memset(s, 0, sizeof(*s));
}

void channel_row_release(struct channel_row *c)
{
	free(c->id);
	free(c->channel_type);
	free(c->server_id);
	free(c->owner);
	memset(c, 0, sizeof(*c));
}

/* Prepares sql, binds the text arguments a (and b when given). */
static sqlite3_stmt *prep2(const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st = store_stmt(sql);
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	return st;
}

static const char SQL_SERVER_GET[] = "SELECT id, owner, default_permissions FROM servers WHERE id = ?1";
static const char SQL_MEMBER_GET[] =
	"SELECT permissions FROM server_members WHERE server_id = ?1 AND user_id = ?2";
static const char SQL_BANNED[] = "SELECT count(*) FROM server_bans WHERE server_id = ?1 AND user_id = ?2";
static const char SQL_MEMBER_ADD[] =
	"INSERT INTO server_members (server_id, user_id, permissions, seq)"
	" VALUES (?1, ?2, 0, (SELECT coalesce(max(seq), -1) + 1 FROM server_members WHERE server_id = ?1))";
static const char SQL_CHANNEL_GET[] =
	"SELECT id, channel_type, server_id, owner, permissions FROM channels WHERE id = ?1";
static const char SQL_RECIPIENT_IS[] =
	"SELECT count(*) FROM channel_recipients WHERE channel_id = ?1 AND user_id = ?2";
static const char SQL_RECIPIENT_COUNT[] = "SELECT count(*) FROM channel_recipients WHERE channel_id = ?1";
static const char SQL_RECIPIENT_ADD[] =
	"INSERT INTO channel_recipients (channel_id, user_id, seq)"
	" VALUES (?1, ?2, (SELECT coalesce(max(seq), -1) + 1 FROM channel_recipients WHERE channel_id = ?1))";
/* REAL: users/ops/mongodb.rs fetch_mutual_server_ids / fetch_mutual_channel_ids -
 * a shared server, or a group (or DM) both are recipients of. */
static const char SQL_MUTUAL[] =
	"SELECT EXISTS (SELECT 1 FROM server_members x JOIN server_members y"
	"  ON x.server_id = y.server_id WHERE x.user_id = ?1 AND y.user_id = ?2)"
	" OR EXISTS (SELECT 1 FROM channel_recipients x JOIN channel_recipients y"
	"  ON x.channel_id = y.channel_id WHERE x.user_id = ?1 AND y.user_id = ?2)";

int store_server_get(const char *id, struct server_row *s)
{
	sqlite3_stmt *st = prep2(SQL_SERVER_GET, id, NULL);
	if (!st)
		return -1;
	int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	if (found == 1) {
		server_row_release(s);
		s->id = store_col_text(st, 0);
		s->owner = store_col_text(st, 1);
		s->default_permissions = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return found;
}

int store_member_get(const char *server_id, const char *user_id, long long *permissions)
{
	sqlite3_stmt *st = prep2(SQL_MEMBER_GET, server_id, user_id);
	if (!st)
		return -1;
	int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	*permissions = found == 1 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return found;
}

int store_server_banned(const char *server_id, const char *user_id)
{
	long long n = store_step_scalar(prep2(SQL_BANNED, server_id, user_id));
	return n < 0 ? -1 : n > 0;
}

int store_member_add(const char *server_id, const char *user_id)
{
	return store_step_done(prep2(SQL_MEMBER_ADD, server_id, user_id));
}

int store_channel_get(const char *id, struct channel_row *c)
{
	sqlite3_stmt *st = prep2(SQL_CHANNEL_GET, id, NULL);
	if (!st)
		return -1;
	int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	if (found == 1) {
		channel_row_release(c);
		c->id = store_col_text(st, 0);
		c->channel_type = store_col_text(st, 1);
		c->server_id = store_col_text(st, 2);
		c->owner = store_col_text(st, 3);
		c->has_permissions = sqlite3_column_type(st, 4) != SQLITE_NULL;
		c->permissions = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return found;
}

int store_recipient_is(const char *channel_id, const char *user_id)
{
	long long n = store_step_scalar(prep2(SQL_RECIPIENT_IS, channel_id, user_id));
	return n < 0 ? -1 : n > 0;
}

int store_recipient_count(const char *channel_id)
{
	return (int)store_step_scalar(prep2(SQL_RECIPIENT_COUNT, channel_id, NULL));
}

int store_recipient_add(const char *channel_id, const char *user_id)
{
	return store_step_done(prep2(SQL_RECIPIENT_ADD, channel_id, user_id));
}

int store_mutual_connection(const char *a, const char *b)
{
	return (int)store_step_scalar(prep2(SQL_MUTUAL, a, b));
}

/* store_gateway.c: the reads of the events gateway (see store_gateway.h). Rows
 * are copied out before the next query runs: the statement cache hands out one
 * statement per SQL text, so nothing here steps two at once. */
#include "store_gateway.h"

#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_internal.h"

static const char SQL_SERVERS_OF_USER[] =
	"SELECT s.id, s.owner, s.name, s.default_permissions, s.doc, m.permissions"
	" FROM server_members m JOIN servers s ON s.id = m.server_id WHERE m.user_id = ?1 ORDER BY s.seq";
static const char SQL_SERVER_FOR_USER[] =
	"SELECT s.id, s.owner, s.name, s.default_permissions, s.doc,"
	" coalesce((SELECT permissions FROM server_members WHERE server_id = s.id AND user_id = ?2), 0)"
	" FROM servers s WHERE s.id = ?1";
static const char SQL_SERVER_IDS_OF_USER[] =
	"SELECT s.id FROM server_members m JOIN servers s ON s.id = m.server_id WHERE m.user_id = ?1"
	" ORDER BY s.seq";
#define CHANNEL_COLS "c.id, c.channel_type, c.server_id, c.owner, c.name, c.permissions, c.doc"
static const char SQL_SERVER_CHANNELS[] =
	"SELECT " CHANNEL_COLS " FROM channels c WHERE c.server_id = ?1 ORDER BY c.seq";
static const char SQL_GROUPS_OF_USER[] =
	"SELECT " CHANNEL_COLS " FROM channel_recipients r JOIN channels c ON c.id = r.channel_id"
	" WHERE r.user_id = ?1 AND c.channel_type = 'Group' ORDER BY c.seq";
static const char SQL_CHANNEL_ROW[] = "SELECT " CHANNEL_COLS " FROM channels c WHERE c.id = ?1";
static const char SQL_RECIPIENTS[] = "SELECT user_id FROM channel_recipients WHERE channel_id = ?1 ORDER BY seq";

void store_row_release(struct store_row *r)
{
	free(r->id);
	free(r->channel_type);
	free(r->server);
	free(r->owner);
	free(r->name);
	free(r->doc);
	memset(r, 0, sizeof(*r));
}

void store_rows_free(struct store_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_row_release(&rows[i]);
	free(rows);
}

void store_ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static void read_server(sqlite3_stmt *st, struct store_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = store_col_text(st, 0);
	r->owner = store_col_text(st, 1);
	r->name = store_col_text(st, 2);
	r->default_permissions = sqlite3_column_int64(st, 3);
	r->doc = store_col_text(st, 4);
	r->granted = sqlite3_column_int64(st, 5);
}

static void read_channel(sqlite3_stmt *st, struct store_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = store_col_text(st, 0);
	r->channel_type = store_col_text(st, 1);
	r->server = store_col_text(st, 2);
	r->owner = store_col_text(st, 3);
	r->name = store_col_text(st, 4);
	r->has_permissions = sqlite3_column_type(st, 5) != SQLITE_NULL;
	r->permissions = sqlite3_column_int64(st, 5);
	r->doc = store_col_text(st, 6);
}

static sqlite3_stmt *prep(const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st = store_stmt(sql);
	if (st) {
		store_bind_text(st, 1, a);
		if (b)
			store_bind_text(st, 2, b);
	}
	return st;
}

/* Every row of st, each read by read into the next item of size bytes of a
 * growing array (*out, *n); on a failure the items read are freed with release. */
static int collect(sqlite3_stmt *st, size_t size, void (*read)(sqlite3_stmt *, void *), void (*release)(void *),
		   void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			void *grown = realloc(*out, cap * size);
			if (!grown)
				break;
			*out = grown;
		}
		read(st, (char *)*out + (*n)++ * size);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	for (size_t i = 0; i < *n; i++)
		release((char *)*out + i * size);
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

static void read_server_item(sqlite3_stmt *st, void *item) { read_server(st, item); }
static void read_channel_item(sqlite3_stmt *st, void *item) { read_channel(st, item); }
static void release_row_item(void *item) { store_row_release(item); }
static void read_id_item(sqlite3_stmt *st, void *item) { *(char **)item = store_col_text(st, 0); }
static void release_id_item(void *item) { free(*(char **)item); }

static int rows(sqlite3_stmt *st, void (*read)(sqlite3_stmt *, void *), struct store_row **out, size_t *n)
{
	void *items;
	int rc = collect(st, sizeof(**out), read, release_row_item, &items, n);
	*out = items;
	return rc;
}

static int ids(sqlite3_stmt *st, char ***out, size_t *n)
{
	void *items;
	int rc = collect(st, sizeof(**out), read_id_item, release_id_item, &items, n);
	*out = items;
	return rc;
}

static int one(sqlite3_stmt *st, void (*read)(sqlite3_stmt *, struct store_row *), struct store_row *out)
{
	if (!st)
		return -1;
	int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	if (found == 1)
		read(st, out);
	sqlite3_reset(st);
	return found;
}

int store_servers_of_user(const char *user_id, struct store_row **out, size_t *n)
{
	return rows(prep(SQL_SERVERS_OF_USER, user_id, NULL), read_server_item, out, n);
}

int store_server_for_user(const char *server_id, const char *user_id, struct store_row *out)
{
	return one(prep(SQL_SERVER_FOR_USER, server_id, user_id), read_server, out);
}

int store_server_ids_of_user(const char *user_id, char ***out, size_t *n)
{
	return ids(prep(SQL_SERVER_IDS_OF_USER, user_id, NULL), out, n);
}

int store_server_channels(const char *server_id, struct store_row **out, size_t *n)
{
	return rows(prep(SQL_SERVER_CHANNELS, server_id, NULL), read_channel_item, out, n);
}

int store_groups_of_user(const char *user_id, struct store_row **out, size_t *n)
{
	return rows(prep(SQL_GROUPS_OF_USER, user_id, NULL), read_channel_item, out, n);
}

int store_channel_row(const char *id, struct store_row *out)
{
	return one(prep(SQL_CHANNEL_ROW, id, NULL), read_channel, out);
}

int store_recipients(const char *channel_id, char ***out, size_t *n)
{
	return ids(prep(SQL_RECIPIENTS, channel_id, NULL), out, n);
}

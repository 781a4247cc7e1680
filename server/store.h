/* store.h: the SQLite store behind every route, and the only door to it: no file
 * of server/ but store*.c includes <sqlite3.h> (tests/layers/sqlite_confined.sh);
 * the store's files share store_internal.h. Here: users, bots, sessions (store.c),
 * servers, members, channels (store_servers.c), the fixture loader's writes and the
 * export's reads (store_fixtures.c); the gateway's reads (Ready, a user's servers and
 * sessions) are declared in store_gateway.h.
 *
 * One connection, opened by store_open, used by one thread at a time (the server
 * serialises requests). Statements are prepared once and reused.
 * Lookups return 1 found, 0 not found, -1 database error; writes return 0 or -1.
 * A -1 leaves a message for the log in store_errmsg(). Filled structs are owned by
 * the caller (user_release / bot_release). */
#ifndef STOAT_STORE_H
#define STOAT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define SCHEMA_VERSION 1

/* Opens (creating if needed) and migrates the database. *fresh tells whether it
 * holds no users and no bots (fixtures are loaded only then). On failure returns -1
 * with a one-line reason in *why (malloc'd). */
int store_open(const char *path, bool *fresh, char **why);
void store_close(void);
const char *store_errmsg(void);

int store_begin(void);
int store_commit(void);
void store_rollback(void);
/* Deletes every row of every table (reset, state import). */
int store_clear(void);

int store_user_get(const char *id, struct user *u);
/* The user of a session: 1 (found), 0 or -1. With found NULL, u receives a copy.
 * Else *found points at the user: the store's own copy kept by its session cache
 * (u untouched; valid until the next call of this function, store_open or
 * store_close, and never to be changed or freed), or u. */
int store_user_by_session(const char *token, struct user *u, const struct user **found);
/* REAL: users/rocket.rs - the bot whose token matches, then the user of that id */
int store_user_by_bot_token(const char *token, struct user *u);
int store_user_insert(const struct user *u);
int store_user_update(const struct user *u);
/* Writes u's username and discriminator, and no other field. */
int store_user_rename(const struct user *u);
/* Fills used[d] for every discriminator d in use by a user named like name
 * (case-insensitive). */
int store_discriminators_in_use(const char *name, bool used[10000]);
int store_discriminator_changes_since(const char *user_id, int64_t since_ms);
int store_discriminator_change_add(const char *user_id, int64_t at_ms);
/* The newest discriminator change of each user that has one, newest first:
 * fn(arg, user_id, at_ms) for each (the dashboard's "last rename"). 0 or -1. */
int store_discriminator_changes_latest(void (*fn)(void *arg, const char *user_id, int64_t at_ms), void *arg);

int store_session_insert(const char *token, const char *id, const char *user_id, const char *name);
/* The id of the session with token: 1 and the id in buf (cut to size), 0 or -1. */
int store_session_id(const char *token, char *buf, size_t size);
/* Calls fn for each session of user_id, oldest first; its strings are valid only
 * during the call. 0, or -1 on a database error. */
int store_sessions_of(const char *user_id,
		      void (*fn)(void *arg, const char *token, const char *id, const char *name), void *arg);
/* How many sessions user_id has; -1 on a database error. */
long long store_session_count(const char *user_id);

int store_bot_get(const char *id, struct bot *b);
/* The bot and its user in one read: 1 and the bot (u->id NULL when it has no
 * user), 0 when there is no such bot, -1 on a database error. */
int store_bot_with_user_get(const char *id, struct bot *b, struct user *u);
/* The same without copies: fn sees the bot and its user while the row is read,
 * their strings valid only during the call (never freed, never kept). Returns 1
 * (fn was called), 0 or -1 as store_bot_with_user_get. */
int store_bot_with_user_peek(const char *id, void (*fn)(void *arg, const struct bot *b, const struct user *u),
			     void *arg);
int store_bot_insert(const struct bot *b);
/* Writes every field of b but id, owner and token; those too with new_token. */
int store_bot_update(const struct bot *b, bool new_token);
int store_bot_delete(const char *id);
int store_bot_count_owned(const char *owner);
/* All bots of owner sorted by id; *out is malloc'd, release each and free. */
int store_bots_owned(const char *owner, struct bot **out, size_t *n);
/* Every bot in seq order (state export). */
int store_bots_all(struct bot **out, size_t *n);
int store_users_all(struct user **out, size_t *n);

/* Runs SQL text (schema, control API); -1 on failure. */
int store_exec(const char *sql);


/* ---- servers, members, channels (store_servers.c) ------------------------------ */

struct server_row {
	char *id, *owner;
	long long default_permissions;
};
struct channel_row {
	char *id, *channel_type, *server_id, *owner;
	bool has_permissions;
	long long permissions;
};
void server_row_release(struct server_row *s);
void channel_row_release(struct channel_row *c);

int store_server_get(const char *id, struct server_row *s);
/* 1 member (with *permissions granted by the fixture), 0 not a member, -1 error */
int store_member_get(const char *server_id, const char *user_id, long long *permissions);
int store_server_banned(const char *server_id, const char *user_id);
int store_member_add(const char *server_id, const char *user_id);
int store_channel_get(const char *id, struct channel_row *c);
int store_recipient_is(const char *channel_id, const char *user_id);
int store_recipient_count(const char *channel_id);
int store_recipient_add(const char *channel_id, const char *user_id);
/* 1 when users a and b share a server or a group (or DM), 0 when not, -1 error */
int store_mutual_connection(const char *a, const char *b);


/* ---- the fixture loader and the state export (store_fixtures.c) ------------------
 * Whole rows as a fixture document holds them; seq is the entry's index in its
 * list. Writes return 0, or -1 when the row cannot be stored (a duplicate key).
 * The readers call fn for each row in seq order (bans: insertion order); its
 * strings are valid only during the call; 0, or -1 on a database error. */

int store_fixture_server_insert(const char *id, const char *owner, const char *name, long long default_permissions,
				const char *doc, int seq);
int store_fixture_member_insert(const char *server_id, const char *user_id, long long permissions, int seq);
int store_fixture_ban_insert(const char *server_id, const char *user_id);
/* server_id, owner, name: NULL when not set; permissions: NULL when not set */
int store_fixture_channel_insert(const char *id, const char *channel_type, const char *server_id,
				 const char *owner, const char *name, const long long *permissions, const char *doc,
				 int seq);
int store_fixture_recipient_insert(const char *channel_id, const char *user_id, int seq);
/* Every server (servers true) or channel: its id and its fixture object (doc). */
int store_fixture_docs(bool servers, void (*fn)(void *arg, const char *id, const char *doc), void *arg);
int store_fixture_members(const char *server_id, void (*fn)(void *arg, const char *user_id, long long permissions),
			  void *arg);
int store_fixture_bans(const char *server_id, void (*fn)(void *arg, const char *user_id), void *arg);
int store_fixture_recipients(const char *channel_id, void (*fn)(void *arg, const char *user_id), void *arg);

#endif

/* model.h: the stored objects, as handlers see them, and the lists they are made of.
 *
 * USER_FIELDS and BOT_FIELDS are X-macro lists, one row per stored column, in the
 * spirit of errors.def: the struct members below, the SQL column lists, reading a
 * row, binding an INSERT or UPDATE (store.c), copying and releasing (model.c) are
 * all generated from them, so a new column is one new row. A row is
 *   X(kind, member, "column", role)
 * kind, what the member holds and how it is stored:
 *   TEXT  char *, heap-owned, NULL = not set (SQL NULL)
 *   JSON  the same, holding JSON text a client sends back unchanged (File
 *         objects, relations, OAuth2 settings: schema/001_init.sql)
 *   INT   long long          BOOL  bool (stored 0 or 1)
 * role, how the store writes the column:
 *   KEY         the primary key: the first row; INSERT writes it, UPDATE finds the
 *               row by it and never changes it
 *   SET         every UPDATE writes it
 *   WITH_TOKEN  only an UPDATE with a new token writes it (store_bot_update): an
 *               indexed column a PATCH rarely changes
 * Every string is heap-owned (NULL = not set); *_release frees the contents and
 * zeroes the struct, so a released struct can be filled again. */
#ifndef STOAT_MODEL_H
#define STOAT_MODEL_H

#include <stdbool.h>

/* REAL: crates/core/database/src/models/users/model.rs User */
#define USER_FIELDS(X)                                                                             \
	X(TEXT, id, "id", KEY)                                                                     \
	X(TEXT, username, "username", SET)                                                         \
	X(TEXT, discriminator, "discriminator", SET)                                               \
	X(TEXT, display_name, "display_name", SET)                                                 \
	X(TEXT, pronouns, "pronouns", SET)                                                         \
	X(JSON, avatar, "avatar", SET)              /* File object */                              \
	X(JSON, relations, "relations", SET)        /* [{"_id","status"}] */                       \
	X(INT, badges, "badges", SET)                                                              \
	X(TEXT, status_text, "status_text", SET)                                                   \
	X(TEXT, status_presence, "status_presence", SET)                                           \
	X(TEXT, profile_content, "profile_content", SET)                                           \
	X(JSON, profile_background, "profile_background", SET) /* File object */                   \
	X(INT, flags, "flags", SET)                                                                \
	X(BOOL, privileged, "privileged", SET)                                                     \
	X(TEXT, bot_owner, "bot_owner", SET)        /* set for bot users */

/* REAL: crates/core/database/src/models/bots/model.rs Bot (+ feat/oauth2 oauth2).
 * owner and token are indexed (bots_owner, the UNIQUE token): store_bot_update. */
#define BOT_FIELDS(X)                                                                              \
	X(TEXT, id, "id", KEY)                      /* the bot user's id */                        \
	X(TEXT, owner, "owner", WITH_TOKEN)                                                        \
	X(TEXT, token, "token", WITH_TOKEN)                                                        \
	X(BOOL, public_, "public", SET)                                                            \
	X(BOOL, analytics, "analytics", SET)                                                       \
	X(BOOL, discoverable, "discoverable", SET)                                                 \
	X(TEXT, interactions_url, "interactions_url", SET)                                         \
	X(TEXT, terms_of_service_url, "terms_of_service_url", SET)                                 \
	X(TEXT, privacy_policy_url, "privacy_policy_url", SET)                                     \
	X(JSON, oauth2, "oauth2", SET) /* {"public","secret","redirects","allowed_scopes"} */      \
	X(INT, flags, "flags", SET)

/* The C type of each kind. */
#define MODEL_TYPE_TEXT char *
#define MODEL_TYPE_JSON char *
#define MODEL_TYPE_INT long long
#define MODEL_TYPE_BOOL bool
#define MODEL_MEMBER(kind, member, column, role) MODEL_TYPE_##kind member;

struct user {
	USER_FIELDS(MODEL_MEMBER)
};

struct bot {
	BOT_FIELDS(MODEL_MEMBER)
};

/* The number of columns of each list (a bot's user follows it in a joined row). */
#define MODEL_COUNT(kind, member, column, role) +1
enum { USER_FIELD_COUNT = 0 USER_FIELDS(MODEL_COUNT), BOT_FIELD_COUNT = 0 BOT_FIELDS(MODEL_COUNT) };

/* REAL: UserFlags */
#define USER_FLAG_DELETED 2

void user_release(struct user *u);
void bot_release(struct bot *b);
/* A deep copy of src into dst (released first). False when out of memory, with
 * dst released. */
bool user_copy(struct user *dst, const struct user *src);
/* Replaces *field with a copy of value (NULL clears it). */
void model_set(char **field, const char *value);

#endif

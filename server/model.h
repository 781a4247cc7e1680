/* model.h: the stored objects, as handlers see them.
 * Every string is heap-owned (NULL = not set); *_release frees the contents and
 * zeroes the struct, so a released struct can be filled again. */
#ifndef STOAT_MODEL_H
#define STOAT_MODEL_H

#include <stdbool.h>

/* REAL: crates/core/database/src/models/users/model.rs User */
struct user {
	char *id;
	char *username;
	char *discriminator;
	char *display_name;
	char *pronouns;
	char *avatar;      /* File object as JSON text */
	char *relations;   /* [{"_id","status"}] as JSON text */
	long long badges;
	char *status_text;
	char *status_presence;
	char *profile_content;
	char *profile_background; /* File object as JSON text */
	long long flags;
	bool privileged;
	char *bot_owner;   /* set for bot users */
};

/* REAL: crates/core/database/src/models/bots/model.rs Bot (+ feat/oauth2 oauth2) */
struct bot {
	char *id;
	char *owner;
	char *token;
	bool public_;
	bool analytics;
	bool discoverable;
	char *interactions_url;
	char *terms_of_service_url;
	char *privacy_policy_url;
	char *oauth2;      /* {"public","secret","redirects","allowed_scopes"} JSON text */
	long long flags;
};

/* REAL: UserFlags */
#define USER_FLAG_DELETED 2

void user_release(struct user *u);
void bot_release(struct bot *b);
/* Replaces *field with a copy of value (NULL clears it). */
void model_set(char **field, const char *value);

#endif

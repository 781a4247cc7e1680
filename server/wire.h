/* wire.h: stored objects -> the JSON shapes clients parse, with the real omission
 * rules and key order. Answers only: request bodies are read by jsonguard.h (the
 * data guard) and body.h (what the handlers get). */
#ifndef STOAT_WIRE_H
#define STOAT_WIRE_H

#include <stdbool.h>

#include "model.h"
#include "strbuf.h"

/* How a User is rendered (auth-and-users.md §2.2). */
enum user_view {
	VIEW_SELF, /* into_self: relationship "User", own relations shown */
	VIEW_NONE, /* no perspective: relationship "None", relations omitted */
	VIEW_OTHER /* seen by another user: relationship given, relations omitted */
};

/* The answers are appended to sb as JSON text (jsonw.h).
 * REAL: crates/core/models/src/v0/bots.rs Bot, bridge/v0.rs */
void wire_bot(struct strbuf *sb, const struct bot *b);
/* relationship is used for VIEW_OTHER only; show_status false leaves out the
 * status a caller without ViewProfile may not see. */
void wire_user(struct strbuf *sb, const struct user *u, enum user_view view, const char *relationship,
	       bool show_status);
/* BotWithUserResponse: the bot keys, then "user" as self. */
void wire_bot_with_user(struct strbuf *sb, const struct bot *b, const struct user *u);
/* PublicBot: _id, username, avatar (file id), description. */
void wire_public_bot(struct strbuf *sb, const struct bot *b, const struct user *u);

#endif

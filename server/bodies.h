/* bodies.h: the request bodies of the emulated routes, as the real server's serde
 * types declare them, and the C structs they decode into (jsonguard.h says how each
 * kind of value is held). A route row names its body type (routes.c); the
 * dispatcher decodes and validates the body with it before the handler runs, so a
 * handler reads rq->data as one of these structs and never parses JSON itself.
 * REAL: feat/oauth2 crates/core/models/src/v0/bots.rs and oauth2.rs (main lacks
 * oauth2 and the two Oauth2 remove values, which the mock accepts as the branch
 * does: bots-api.md §10). */
#ifndef STOAT_BODIES_H
#define STOAT_BODIES_H

#include "jsonguard.h"

/* DataCreateBot { #[validate(length(min = 2, max = 32), regex = RE_USERNAME)] name: String } */
struct data_create_bot {
	char *name;
};
extern const struct jg_type DataCreateBot;

/* FieldsBot, the values of DataEditBot.remove: indexes into its variant names */
enum fields_bot { FIELDS_BOT_TOKEN, FIELDS_BOT_INTERACTIONS_URL, FIELDS_BOT_OAUTH2, FIELDS_BOT_OAUTH2_SECRET };

/* OAuth2Scope, the keys of allowed_scopes: indexes into validate_oauth2_scopes */

/* OAuth2ScopeReasoning { allow: String, deny: String } */
struct oauth2_reasoning {
	char *allow, *deny;
};
/* DataEditBotOauth2 { public, #[validate(length(min = 1, max = 10))] redirects, allowed_scopes } */
struct data_edit_bot_oauth2 {
	signed char public_;               /* -1 absent */
	struct jg_list *redirects;         /* of strings; NULL absent */
	struct jg_map *allowed_scopes;     /* validate_oauth2_scopes -> struct oauth2_reasoning; NULL absent */
};
/* DataEditBot { name, public, analytics, interactions_url, oauth2, #[serde(default)] remove } */
struct data_edit_bot {
	char *name;                        /* NULL absent */
	signed char public_, analytics;    /* -1 absent */
	char *interactions_url;            /* NULL absent */
	struct data_edit_bot_oauth2 *oauth2; /* NULL absent */
	struct jg_list *remove;            /* of enum fields_bot, in the order sent; NULL = [] */
};
extern const struct jg_type DataEditBot;

/* InviteBotDestination: #[serde(untagged)] Server { server: String } | Group { group: String } */
enum invite_destination { INVITE_SERVER, INVITE_GROUP };
extern const struct jg_type InviteBotDestination;

#endif

/* bodies.c: the body types of bodies.h as data for jsonguard: each field's name,
 * serde type, place in the C struct and validator rule, in declaration order (the
 * order serde reads a sequence and validator reports failures in).
 * REAL: feat/oauth2 crates/core/models/src/v0/bots.rs (DataCreateBot, DataEditBot,
 * FieldsBot, InviteBotDestination), oauth2.rs (OAuth2Scope, OAuth2ScopeReasoning,
 * DataEditBotOauth2); limits in limits.h. */
#include "bodies.h"

#include <stddef.h>

#include "limits.h"
#include "validate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define FIELD(type, member, name, jg) {name, jg, offsetof(type, member), false, {JG_RULE_NONE, 0, 0}}
#define FIELD_DEFAULT(type, member, name, jg) {name, jg, offsetof(type, member), true, {JG_RULE_NONE, 0, 0}}
#define FIELD_RULE(type, member, name, jg, rule, min, max) \
	{name, jg, offsetof(type, member), false, {rule, min, max}}
#define STRUCT(type, fields) {JG_STRUCT, NULL, NULL, 0, fields, N(fields), sizeof(type)}

static const struct jg_type T_STRING = {JG_STRING, NULL, NULL, 0, NULL, 0, 0};
static const struct jg_type T_BOOL = {JG_BOOL, NULL, NULL, 0, NULL, 0, 0};
static const struct jg_type T_OPT_STRING = {JG_OPTION, &T_STRING, NULL, 0, NULL, 0, 0};
static const struct jg_type T_OPT_BOOL = {JG_OPTION, &T_BOOL, NULL, 0, NULL, 0, 0};
static const struct jg_type T_VEC_STRING = {JG_VEC, &T_STRING, NULL, 0, NULL, 0, 0};
static const struct jg_type T_OPT_VEC_STRING = {JG_OPTION, &T_VEC_STRING, NULL, 0, NULL, 0, 0};

/* ---- DataCreateBot ---------------------------------------------------------------- */

static const struct jg_field create_fields[] = {
	FIELD_RULE(struct data_create_bot, name, "name", &T_STRING, JG_RULE_NAME, 0, 0),
};
const struct jg_type DataCreateBot = STRUCT(struct data_create_bot, create_fields);

/* ---- DataEditBot ------------------------------------------------------------------ */

static const char *const fields_bot[] = {"Token", "InteractionsURL", "Oauth2", "Oauth2Secret"};
static const struct jg_type T_FIELDS_BOT = {JG_ENUM, NULL, fields_bot, N(fields_bot), NULL, 0, 0};
static const struct jg_type T_VEC_FIELDS_BOT = {JG_VEC, &T_FIELDS_BOT, NULL, 0, NULL, 0, 0};

static const struct jg_field reasoning_fields[] = {
	FIELD(struct oauth2_reasoning, allow, "allow", &T_STRING),
	FIELD(struct oauth2_reasoning, deny, "deny", &T_STRING),
};
static const struct jg_type T_REASONING = STRUCT(struct oauth2_reasoning, reasoning_fields);
static const struct jg_type T_SCOPES = {JG_ENUM_MAP, &T_REASONING, validate_oauth2_scopes, OAUTH2_SCOPE_COUNT, NULL, 0, 0};
static const struct jg_type T_OPT_SCOPES = {JG_OPTION, &T_SCOPES, NULL, 0, NULL, 0, 0};

static const struct jg_field oauth2_fields[] = {
	FIELD(struct data_edit_bot_oauth2, public_, "public", &T_OPT_BOOL),
	FIELD_RULE(struct data_edit_bot_oauth2, redirects, "redirects", &T_OPT_VEC_STRING, JG_RULE_COUNT,
		   OAUTH2_REDIRECTS_MIN, OAUTH2_REDIRECTS_MAX),
	FIELD(struct data_edit_bot_oauth2, allowed_scopes, "allowed_scopes", &T_OPT_SCOPES),
};
static const struct jg_type T_OAUTH2 = STRUCT(struct data_edit_bot_oauth2, oauth2_fields);
static const struct jg_type T_OPT_OAUTH2 = {JG_OPTION, &T_OAUTH2, NULL, 0, NULL, 0, 0};

static const struct jg_field edit_fields[] = {
	FIELD_RULE(struct data_edit_bot, name, "name", &T_OPT_STRING, JG_RULE_NAME, 0, 0),
	FIELD(struct data_edit_bot, public_, "public", &T_OPT_BOOL),
	FIELD(struct data_edit_bot, analytics, "analytics", &T_OPT_BOOL),
	FIELD_RULE(struct data_edit_bot, interactions_url, "interactions_url", &T_OPT_STRING, JG_RULE_LENGTH,
		   INTERACTIONS_URL_MIN, INTERACTIONS_URL_MAX),
	FIELD(struct data_edit_bot, oauth2, "oauth2", &T_OPT_OAUTH2),
	FIELD_DEFAULT(struct data_edit_bot, remove, "remove", &T_VEC_FIELDS_BOT),
};
const struct jg_type DataEditBot = STRUCT(struct data_edit_bot, edit_fields);

/* ---- InviteBotDestination ---------------------------------------------------------- */

static const char *const invite_variants[] = {"server", "group"};
const struct jg_type InviteBotDestination = {JG_UNTAGGED, NULL, invite_variants, N(invite_variants), NULL, 0, 0};

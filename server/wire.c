/* wire.c: JSON shapes of the emulated API's answers (see wire.h).
 * REAL: crates/core/database/src/util/bridge/v0.rs (conversions and omission
 * rules), crates/core/models/src/v0/{bots,users}.rs (key order = struct order). */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonw.h"
#include "sessions.h"

/* A stored JSON text (an OAuth2 setting, a File, relations) in the form cJSON
 * prints it (NULL when unset or unparsable). PERF: the canonical text of the last
 * few stored texts is kept, so a text seen before costs one strcmp instead of a
 * parse and a print (docs/performance.md#json). The result is valid until the
 * next call. Not thread-safe: like the store, it runs under http.c's dispatch
 * lock. */
#define CANONICAL_KEPT 8
static const char *stored_canonical(const char *text)
{
	static struct {
		char *text, *canonical; /* canonical NULL: unparsable */
	} cache[CANONICAL_KEPT];
	static unsigned next;
	static char *uncached;
	if (!text)
		return NULL;
	for (int i = 0; i < CANONICAL_KEPT; i++)
		if (cache[i].text && strcmp(cache[i].text, text) == 0)
			return cache[i].canonical;
	cJSON *tree = cJSON_Parse(text);
	char *canonical = tree ? cJSON_PrintUnformatted(tree) : NULL;
	cJSON_Delete(tree);
	char *copy = strdup(text);
	if (!copy || (tree && !canonical)) { /* out of memory: not kept */
		free(copy);
		free(uncached);
		return uncached = canonical;
	}
	int i = (int)(next++ % CANONICAL_KEPT);
	free(cache[i].text);
	free(cache[i].canonical);
	cache[i].text = copy;
	cache[i].canonical = canonical;
	return canonical;
}

/* A non-empty string under key (a literal). */
#define str_if(sb, key, s) str_if_n(sb, "" key, sizeof(key) - 1, s)
static void str_if_n(struct strbuf *sb, const char *key, size_t n, const char *s)
{
	if (s && *s) {
		jsonw_key_n(sb, key, n);
		jsonw_string(sb, s);
	}
}

/* A string under key (a literal); a NULL string is left out, as a tree without
 * that key would print. */
#define str_field(sb, key, s) str_field_n(sb, "" key, sizeof(key) - 1, s)
static void str_field_n(struct strbuf *sb, const char *key, size_t n, const char *s)
{
	if (s) {
		jsonw_key_n(sb, key, n);
		jsonw_string(sb, s);
	}
}

/* The Bot keys, without the braces (BotWithUserResponse flattens them). */
static void bot_fields(struct strbuf *sb, const struct bot *b)
{
	str_field(sb, "_id", b->id);
	str_field(sb, "owner", b->owner);
	str_field(sb, "token", b->token);
	jsonw_key(sb, "public"); /* always, false included */
	jsonw_bool(sb, b->public_);
	if (b->analytics) {
		jsonw_key(sb, "analytics");
		jsonw_bool(sb, true);
	}
	if (b->discoverable) {
		jsonw_key(sb, "discoverable");
		jsonw_bool(sb, true);
	}
	str_if(sb, "interactions_url", b->interactions_url);
	str_if(sb, "terms_of_service_url", b->terms_of_service_url);
	str_if(sb, "privacy_policy_url", b->privacy_policy_url);
	/* REAL: feat/oauth2 bridge/v0.rs - oauth2 between privacy_policy_url and flags */
	const char *oauth2 = stored_canonical(b->oauth2);
	if (oauth2) {
		jsonw_key(sb, "oauth2");
		jsonw_raw(sb, oauth2);
	}
	if (b->flags) {
		jsonw_key(sb, "flags");
		jsonw_int(sb, b->flags);
	}
}

void wire_bot(struct strbuf *sb, const struct bot *b)
{
	jsonw_open(sb, '{');
	bot_fields(sb, b);
	jsonw_close(sb, '}');
}

/* REAL: bridge/v0.rs - an Invisible presence is hidden, and status is omitted when
 * nothing is left of it. */
static void status(struct strbuf *sb, const struct user *u)
{
	bool invisible = u->status_presence && strcmp(u->status_presence, "Invisible") == 0;
	bool text = u->status_text != NULL;
	bool presence = u->status_presence && !invisible;
	if (!text && !presence)
		return;
	jsonw_key(sb, "status");
	jsonw_open(sb, '{');
	if (text)
		str_field(sb, "text", u->status_text);
	if (presence)
		str_field(sb, "presence", u->status_presence);
	jsonw_close(sb, '}');
}

/* A non-empty array or object (what a tree with children prints as). */
static bool has_members(const char *canonical)
{
	return canonical && (canonical[0] == '[' || canonical[0] == '{') && canonical[1] != ']' && canonical[1] != '}';
}

void wire_user(struct strbuf *sb, const struct user *u, enum user_view view, const char *relationship,
	       bool show_status)
{
	jsonw_open(sb, '{');
	str_field(sb, "_id", u->id);
	str_field(sb, "username", u->username);
	str_field(sb, "discriminator", u->discriminator);
	if (u->display_name)
		str_field(sb, "display_name", u->display_name);
	if (u->pronouns)
		str_field(sb, "pronouns", u->pronouns);
	const char *avatar = stored_canonical(u->avatar);
	if (avatar) {
		jsonw_key(sb, "avatar");
		jsonw_raw(sb, avatar);
	}
	if (view == VIEW_SELF) {
		const char *rel = stored_canonical(u->relations);
		if (has_members(rel)) {
			jsonw_key(sb, "relations");
			jsonw_raw(sb, rel);
		}
	}
	if (u->badges) {
		jsonw_key(sb, "badges");
		jsonw_int(sb, u->badges);
	}
	if (show_status)
		status(sb, u);
	if (u->flags) {
		jsonw_key(sb, "flags");
		jsonw_int(sb, u->flags);
	}
	if (u->privileged) {
		jsonw_key(sb, "privileged");
		jsonw_bool(sb, true);
	}
	if (u->bot_owner) {
		jsonw_key(sb, "bot");
		jsonw_open(sb, '{');
		str_field(sb, "owner", u->bot_owner);
		jsonw_close(sb, '}');
	}
	const char *rel = view == VIEW_SELF ? "User" : view == VIEW_NONE ? "None" : relationship;
	str_field(sb, "relationship", rel ? rel : "None");
	/* REAL: bridge/v0.rs - online while the user has an events session open
	 * (sessions.c presence), never when Invisible, and only with the status */
	bool invisible = u->status_presence && strcmp(u->status_presence, "Invisible") == 0;
	jsonw_key(sb, "online");
	jsonw_bool(sb, show_status && !invisible && presence_online(u->id));
	jsonw_close(sb, '}');
}

void wire_bot_with_user(struct strbuf *sb, const struct bot *b, const struct user *u)
{
	jsonw_open(sb, '{');
	bot_fields(sb, b);
	jsonw_key(sb, "user");
	wire_user(sb, u, VIEW_SELF, NULL, true);
	jsonw_close(sb, '}');
}

void wire_public_bot(struct strbuf *sb, const struct bot *b, const struct user *u)
{
	jsonw_open(sb, '{');
	str_field(sb, "_id", b->id);
	str_field(sb, "username", u->username);
	cJSON *avatar = u->avatar ? cJSON_Parse(u->avatar) : NULL;
	const cJSON *file_id = cJSON_GetObjectItemCaseSensitive(avatar, "_id");
	if (cJSON_IsString(file_id))
		str_field(sb, "avatar", file_id->valuestring);
	cJSON_Delete(avatar);
	str_if(sb, "description", u->profile_content);
	jsonw_close(sb, '}');
}

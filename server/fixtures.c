/* fixtures.c: loading and exporting fixture documents (see fixtures.h).
 * Every problem is reported with the JSON path of the value at fault, e.g.
 * "$.bots[1].owner: no user with this _id". This file parses and checks the
 * document; rows are written and read through the store (store.h: users, sessions
 * and bots as for the API, store_fixture_* for servers and channels).
 * Each object's keys are checked against what it may hold (struct keys below): an
 * unknown one is a typo the loader would otherwise pass over in silence. */
#include "fixtures.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "model.h"
#include "store.h"
#include "validate.h"

struct loader {
	char *err;
	size_t errlen;
	fixtures_warn_fn *warn; /* NULL: an unknown key is an error */
	void *warn_arg;
};

static int bad(struct loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct loader *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->err, l->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- the keys an object may hold -----------------------------------------------
 * read: what the loader reads. wire: keys of the real API's shape for the same
 * object that the format has no use for (OpenAPI 0.8.9 schemas), so an answer of the
 * API pasted into a document is no typo; a user's or a bot's are ignored, a server's
 * or a channel's are kept as given (stored with the object and exported again). Any
 * other key is unknown. The README's "Fixtures" section lists them. */
struct keys {
	const char *const *read, *const *wire;
};
#define KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_KEYS ((const char *const[]){NULL})
#define USER_READ "_id", "username", "discriminator", "display_name", "pronouns", "avatar", "relations", "badges", \
		  "flags", "privileged", "status", "profile", "description"
static const struct keys
	/* User, plus its sessions */
	user_keys = {KEYS(USER_READ, "bot", "sessions"), KEYS("relationship", "online")},
	/* SessionInfo, and a session as ResponseLogin gives it */
	session_keys = {KEYS("token", "_id", "name"), KEYS("result", "user_id", "last_seen", "origin", "subscription")},
	/* Bot (+ BotOauth2 of feat/oauth2) with its user's fields (PublicBot's description);
	 * BotWithUserResponse's user, and the User keys a bot user's object adds */
	bot_keys = {KEYS(USER_READ, "owner", "token", "public", "analytics", "discoverable", "interactions_url",
			 "terms_of_service_url", "privacy_policy_url", "oauth2"),
		    KEYS("user", "bot", "relationship", "online")},
	oauth2_keys = {KEYS("public", "secret", "redirects", "allowed_scopes"), NO_KEYS},
	scope_keys = {KEYS("allow", "deny"), NO_KEYS},
	status_keys = {KEYS("text", "presence"), NO_KEYS},
	profile_keys = {KEYS("content", "background"), NO_KEYS},
	bot_info_keys = {KEYS("owner"), NO_KEYS},
	/* Server, plus members and bans */
	server_keys = {KEYS("_id", "owner", "name", "default_permissions", "members", "bans"),
		       KEYS("description", "channels", "categories", "system_messages", "roles", "icon", "banner", "flags",
			    "nsfw", "analytics", "discoverable")},
	/* a member as {"user", "permissions"}; Member's own keys */
	member_keys = {KEYS("user", "permissions"),
		       KEYS("_id", "joined_at", "nickname", "avatar", "roles", "timeout", "can_publish", "can_receive")},
	/* Channel: the keys of its Group, TextChannel (voice too), DirectMessage and
	 * SavedMessages variants */
	channel_keys = {KEYS("_id", "channel_type", "name", "owner", "server", "recipients", "permissions"),
			KEYS("description", "icon", "last_message_id", "nsfw", "default_permissions", "role_permissions",
			     "voice", "active", "user")};

static bool listed(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

static bool known(const struct keys *k, const char *key) { return listed(k->read, key) || listed(k->wire, key); }

/* Every key of o is known: 0. An unknown one is an error, or with a warn function a
 * warning each ("$.bots[0].publc: unknown key") and the count in *unknown. */
static int check_keys(struct loader *l, const cJSON *o, const char *path, const struct keys *k, int *unknown)
{
	char line[512];
	if (unknown)
		*unknown = 0;
	for (const cJSON *it = o->child; it; it = it->next) {
		if (known(k, it->string))
			continue;
		if (!l->warn)
			return bad(l, "%s.%s: unknown key", path, it->string);
		snprintf(line, sizeof(line), "%s.%s: unknown key", path, it->string);
		l->warn(l->warn_arg, line);
		if (unknown)
			(*unknown)++;
	}
	return 0;
}

/* An object kept as given (a server, a channel), as JSON text without its unknown
 * keys (there are some only when they were warned about). Caller frees. */
static char *kept_text(const cJSON *o, const struct keys *k, int unknown)
{
	if (!unknown)
		return cJSON_PrintUnformatted(o);
	cJSON *copy = cJSON_CreateObject();
	for (const cJSON *it = o->child; it; it = it->next)
		if (known(k, it->string))
			cJSON_AddItemToObject(copy, it->string, cJSON_Duplicate(it, 1));
	char *text = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	return text;
}

/* Optional typed members: absent and null both mean "not set". */
static int get_str(struct loader *l, const cJSON *o, const char *key, const char *path, bool required,
		   const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return required ? bad(l, "%s.%s: required string is missing", path, key) : 0;
	if (!cJSON_IsString(v))
		return bad(l, "%s.%s: expected a string", path, key);
	if (!utf8_valid(v->valuestring, strlen(v->valuestring)))
		return bad(l, "%s.%s: not valid UTF-8", path, key);
	*out = v->valuestring;
	return 0;
}

static int get_bool(struct loader *l, const cJSON *o, const char *key, const char *path, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = false;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return bad(l, "%s.%s: expected true or false", path, key);
	*out = cJSON_IsTrue(v);
	return 0;
}

static int get_int(struct loader *l, const cJSON *o, const char *key, const char *path, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = 0;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble || v->valuedouble < 0)
		return bad(l, "%s.%s: expected a non-negative integer", path, key);
	*out = (long long)v->valuedouble;
	return 0;
}

/* A member that is stored as JSON text (File objects, relations). */
static int get_json(struct loader *l, const cJSON *o, const char *key, const char *path, bool object,
		    char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (object ? !cJSON_IsObject(v) : !cJSON_IsArray(v))
		return bad(l, "%s.%s: expected %s", path, key, object ? "an object" : "an array");
	*out = cJSON_PrintUnformatted(v);
	return 0;
}

static const cJSON *get_array(struct loader *l, const cJSON *o, const char *key, const char *path, int *rc)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*rc = 0;
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsArray(v))
		*rc = bad(l, "%s.%s: expected an array", path, key);
	return v;
}

static int check_ulid(struct loader *l, const char *id, const char *path)
{
	int64_t ms;
	if (!ids_parse_ulid(id, &ms))
		return bad(l, "%s._id: '%s' is not a ULID (26 Crockford base32 characters)", path, id);
	if (ms > ids_now_ms() + 60000)
		return bad(l, "%s._id: '%s' lies in the future (the real server panics on it)", path, id);
	return 0;
}

static int check_discriminator(struct loader *l, const char *d, const char *path)
{
	if (strlen(d) != 4 || strspn(d, "0123456789") != 4)
		return bad(l, "%s.discriminator: '%s' is not 4 digits", path, d);
	return 0;
}

/* ---- users --------------------------------------------------------------------- */

static int load_user_fields(struct loader *l, const cJSON *o, const char *path, struct user *u)
{
	const char *s;
	if (get_str(l, o, "display_name", path, false, &s))
		return -1;
	model_set(&u->display_name, s);
	if (get_str(l, o, "pronouns", path, false, &s))
		return -1;
	model_set(&u->pronouns, s);
	if (get_json(l, o, "avatar", path, true, &u->avatar) || get_json(l, o, "relations", path, false, &u->relations))
		return -1;
	if (get_int(l, o, "badges", path, &u->badges) || get_int(l, o, "flags", path, &u->flags) ||
	    get_bool(l, o, "privileged", path, &u->privileged))
		return -1;
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(o, "status");
	if (status && !cJSON_IsNull(status)) {
		char sp[256];
		snprintf(sp, sizeof(sp), "%s.status", path);
		if (!cJSON_IsObject(status))
			return bad(l, "%s: expected an object", sp);
		if (check_keys(l, status, sp, &status_keys, NULL) || get_str(l, status, "text", sp, false, &s))
			return -1;
		model_set(&u->status_text, s);
		if (get_str(l, status, "presence", sp, false, &s))
			return -1;
		static const char *const presences[] = {"Online", "Idle", "Focus", "Busy", "Invisible"};
		bool ok = !s;
		for (size_t i = 0; s && i < 5; i++)
			ok |= strcmp(s, presences[i]) == 0;
		if (!ok)
			return bad(l, "%s.presence: '%s' is not Online, Idle, Focus, Busy or Invisible", sp, s);
		model_set(&u->status_presence, s);
	}
	const cJSON *profile = cJSON_GetObjectItemCaseSensitive(o, "profile");
	if (profile && !cJSON_IsNull(profile)) {
		char pp[256];
		snprintf(pp, sizeof(pp), "%s.profile", path);
		if (!cJSON_IsObject(profile))
			return bad(l, "%s: expected an object", pp);
		if (check_keys(l, profile, pp, &profile_keys, NULL) || get_str(l, profile, "content", pp, false, &s))
			return -1;
		model_set(&u->profile_content, s);
		if (get_json(l, profile, "background", pp, true, &u->profile_background))
			return -1;
	}
	/* a bot's description in a PublicBot is its user's profile content */
	if (get_str(l, o, "description", path, false, &s))
		return -1;
	if (s)
		model_set(&u->profile_content, s);
	return 0;
}

static int load_users(struct loader *l, const cJSON *users)
{
	int i = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, users)
	{
		char path[64];
		snprintf(path, sizeof(path), "$.users[%d]", i++);
		struct user u = {0};
		const char *s;
		int rc = -1;
		if (!cJSON_IsObject(o)) {
			bad(l, "%s: expected an object", path);
			goto next;
		}
		if (check_keys(l, o, path, &user_keys, NULL) || get_str(l, o, "_id", path, true, &s) ||
		    check_ulid(l, s, path))
			goto next;
		u.id = strdup(s);
		struct user existing = {0};
		if (store_user_get(u.id, &existing) == 1) {
			user_release(&existing);
			bad(l, "%s._id: duplicate id '%s'", path, u.id);
			goto next;
		}
		if (get_str(l, o, "username", path, true, &s))
			goto next;
		u.username = strdup(s);
		if (get_str(l, o, "discriminator", path, true, &s) || check_discriminator(l, s, path))
			goto next;
		u.discriminator = strdup(s);
		if (load_user_fields(l, o, path, &u))
			goto next;
		const cJSON *bot = cJSON_GetObjectItemCaseSensitive(o, "bot");
		if (bot && !cJSON_IsNull(bot)) {
			char bp[80];
			snprintf(bp, sizeof(bp), "%s.bot", path);
			if (!cJSON_IsObject(bot) || check_keys(l, bot, bp, &bot_info_keys, NULL) ||
			    get_str(l, bot, "owner", bp, true, &s)) {
				if (!cJSON_IsObject(bot))
					bad(l, "%s: expected an object", bp);
				goto next;
			}
			u.bot_owner = strdup(s);
		}
		if (store_user_insert(&u)) {
			bad(l, "%s: cannot store: %s", path, store_errmsg());
			goto next;
		}
		const cJSON *sessions = get_array(l, o, "sessions", path, &rc);
		if (rc)
			goto next;
		int k = 0;
		const cJSON *se;
		rc = -1;
		cJSON_ArrayForEach(se, sessions)
		{
			char sp[96];
			snprintf(sp, sizeof(sp), "%s.sessions[%d]", path, k++);
			const char *token, *sid, *name;
			if (!cJSON_IsObject(se)) {
				bad(l, "%s: expected an object", sp);
				goto next;
			}
			if (check_keys(l, se, sp, &session_keys, NULL) || get_str(l, se, "token", sp, true, &token) || get_str(l, se, "_id", sp, false, &sid) ||
			    get_str(l, se, "name", sp, false, &name))
				goto next;
			if (!*token) {
				bad(l, "%s.token: must not be empty", sp);
				goto next;
			}
			char gen[ULID_LEN + 1];
			if (!sid) {
				ids_new_ulid(gen);
				sid = gen;
			}
			if (store_session_insert(token, sid, u.id, name)) {
				bad(l, "%s.token: duplicate session token", sp);
				goto next;
			}
		}
		rc = 0;
	next:
		user_release(&u);
		if (rc)
			return -1;
	}
	return 0;
}

/* ---- bots ---------------------------------------------------------------------- */

/* oauth2 settings: {public, secret (null when public), redirects, allowed_scopes};
 * stored normalised with all four keys in the wire order. */
static int load_oauth2(struct loader *l, const cJSON *o, const char *path, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "oauth2");
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	char p[96];
	snprintf(p, sizeof(p), "%s.oauth2", path);
	if (!cJSON_IsObject(v))
		return bad(l, "%s: expected an object", p);
	if (check_keys(l, v, p, &oauth2_keys, NULL))
		return -1;
	bool pub;
	const char *secret;
	int rc;
	if (get_bool(l, v, "public", p, &pub) || get_str(l, v, "secret", p, false, &secret))
		return -1;
	const cJSON *redirects = get_array(l, v, "redirects", p, &rc);
	if (rc)
		return -1;
	const cJSON *it;
	int i = 0;
	cJSON_ArrayForEach(it, redirects)
	{
		if (!cJSON_IsString(it))
			return bad(l, "%s.redirects[%d]: expected a string", p, i);
		i++;
	}
	const cJSON *scopes = cJSON_GetObjectItemCaseSensitive(v, "allowed_scopes");
	if (scopes && !cJSON_IsNull(scopes) && !cJSON_IsObject(scopes))
		return bad(l, "%s.allowed_scopes: expected an object", p);
	cJSON_ArrayForEach(it, scopes)
	{
		if (!validate_oauth2_scope(it->string))
			return bad(l, "%s.allowed_scopes: '%s' is not a scope (read:identify, read:servers, "
				   "write:files, events, full)", p, it->string);
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(it, "allow");
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(it, "deny");
		if (!cJSON_IsString(a) || !cJSON_IsString(d))
			return bad(l, "%s.allowed_scopes.%s: expected {\"allow\": string, \"deny\": string}", p,
				   it->string);
		char sp[160];
		snprintf(sp, sizeof(sp), "%s.allowed_scopes.%s", p, it->string);
		if (check_keys(l, it, sp, &scope_keys, NULL))
			return -1;
	}
	cJSON *n = cJSON_CreateObject();
	cJSON_AddBoolToObject(n, "public", pub);
	if (secret)
		cJSON_AddStringToObject(n, "secret", secret);
	else
		cJSON_AddNullToObject(n, "secret");
	cJSON_AddItemToObject(n, "redirects", redirects ? cJSON_Duplicate(redirects, 1) : cJSON_CreateArray());
	cJSON *sc = cJSON_AddObjectToObject(n, "allowed_scopes");
	cJSON_ArrayForEach(it, scopes)
	{
		cJSON *r = cJSON_AddObjectToObject(sc, it->string);
		cJSON_AddStringToObject(r, "allow", cJSON_GetObjectItemCaseSensitive(it, "allow")->valuestring);
		cJSON_AddStringToObject(r, "deny", cJSON_GetObjectItemCaseSensitive(it, "deny")->valuestring);
	}
	*out = cJSON_PrintUnformatted(n);
	cJSON_Delete(n);
	return 0;
}

static int load_bot(struct loader *l, const cJSON *o, const char *path)
{
	struct bot b = {0};
	struct user u = {0}, owner = {0};
	const char *s;
	int rc = -1;
	if (!cJSON_IsObject(o))
		return bad(l, "%s: expected an object", path);
	if (check_keys(l, o, path, &bot_keys, NULL) || get_str(l, o, "_id", path, true, &s) || check_ulid(l, s, path))
		goto out;
	b.id = strdup(s);
	struct bot dup = {0};
	int seen = store_bot_get(b.id, &dup);
	bot_release(&dup);
	if (seen == 1) {
		bad(l, "%s._id: duplicate bot id '%s'", path, b.id);
		goto out;
	}
	if (get_str(l, o, "owner", path, true, &s))
		goto out;
	b.owner = strdup(s);
	if (store_user_get(b.owner, &owner) != 1) {
		bad(l, "%s.owner: no user with _id '%s' (list owners in \"users\" first)", path, b.owner);
		goto out;
	}
	if (owner.bot_owner) {
		bad(l, "%s.owner: '%s' is a bot; bots cannot own bots", path, b.owner);
		goto out;
	}
	if (get_str(l, o, "token", path, true, &s))
		goto out;
	if (!*s) {
		bad(l, "%s.token: must not be empty", path);
		goto out;
	}
	b.token = strdup(s);
	if (get_bool(l, o, "public", path, &b.public_) || get_bool(l, o, "analytics", path, &b.analytics) ||
	    get_bool(l, o, "discoverable", path, &b.discoverable) || get_int(l, o, "flags", path, &b.flags))
		goto out;
	static const char *const urls[] = {"interactions_url", "terms_of_service_url", "privacy_policy_url"};
	char **fields[] = {&b.interactions_url, &b.terms_of_service_url, &b.privacy_policy_url};
	for (int i = 0; i < 3; i++) {
		if (get_str(l, o, urls[i], path, false, &s))
			goto out;
		model_set(fields[i], s && *s ? s : NULL);
	}
	if (load_oauth2(l, o, path, &b.oauth2))
		goto out;
	/* the bot's user: from "users" when listed there, else made from this entry */
	int has_user = store_user_get(b.id, &u);
	if (has_user == 1) {
		if (!u.bot_owner || strcmp(u.bot_owner, b.owner) != 0) {
			bad(l, "%s._id: user '%s' exists but its bot.owner is not '%s'", path, b.id, b.owner);
			goto out;
		}
	} else {
		user_release(&u);
		u.id = strdup(b.id);
		if (get_str(l, o, "username", path, true, &s))
			goto out;
		u.username = strdup(s);
		if (get_str(l, o, "discriminator", path, false, &s) || (s && check_discriminator(l, s, path)))
			goto out;
		u.discriminator = strdup(s ? s : "0002");
		if (load_user_fields(l, o, path, &u))
			goto out;
		u.bot_owner = strdup(b.owner);
		if (store_user_insert(&u)) {
			bad(l, "%s: cannot store the bot's user: %s", path, store_errmsg());
			goto out;
		}
	}
	if (store_bot_insert(&b)) {
		bad(l, "%s.token: duplicate bot token", path);
		goto out;
	}
	rc = 0;
out:
	bot_release(&b);
	user_release(&u);
	user_release(&owner);
	return rc;
}

/* ---- servers and channels -------------------------------------------------------- */

static int user_exists(const char *id)
{
	struct user u = {0};
	int r = store_user_get(id, &u);
	user_release(&u);
	return r == 1;
}

static int load_server(struct loader *l, const cJSON *o, const char *path, int seq)
{
	const char *id, *owner, *name;
	long long defperm;
	int rc, unknown;
	if (!cJSON_IsObject(o))
		return bad(l, "%s: expected an object", path);
	if (check_keys(l, o, path, &server_keys, &unknown) || get_str(l, o, "_id", path, true, &id) || get_str(l, o, "owner", path, true, &owner) ||
	    get_str(l, o, "name", path, true, &name) || get_int(l, o, "default_permissions", path, &defperm))
		return -1;
	if (!user_exists(owner))
		return bad(l, "%s.owner: no user with _id '%s'", path, owner);
	char *doc = kept_text(o, &server_keys, unknown);
	rc = store_fixture_server_insert(id, owner, name, defperm, doc, seq);
	free(doc);
	if (rc)
		return bad(l, "%s._id: duplicate server id '%s'", path, id);
	const cJSON *members = get_array(l, o, "members", path, &rc), *m;
	if (rc)
		return -1;
	int i = 0;
	cJSON_ArrayForEach(m, members)
	{
		char mp[96];
		snprintf(mp, sizeof(mp), "%s.members[%d]", path, i);
		const char *uid = cJSON_IsString(m) ? m->valuestring : NULL;
		long long perm = 0;
		if (!uid) {
			if (!cJSON_IsObject(m))
				return bad(l, "%s: expected a user id or {\"user\": id, \"permissions\": n}", mp);
			if (check_keys(l, m, mp, &member_keys, NULL) || get_str(l, m, "user", mp, true, &uid) || get_int(l, m, "permissions", mp, &perm))
				return -1;
		}
		if (!user_exists(uid))
			return bad(l, "%s: no user with _id '%s'", mp, uid);
		if (store_fixture_member_insert(id, uid, perm, i))
			return bad(l, "%s: duplicate member '%s'", mp, uid);
		i++;
	}
	const cJSON *bans = get_array(l, o, "bans", path, &rc);
	if (rc)
		return -1;
	i = 0;
	cJSON_ArrayForEach(m, bans)
	{
		if (!cJSON_IsString(m))
			return bad(l, "%s.bans[%d]: expected a user id", path, i);
		if (store_fixture_ban_insert(id, m->valuestring))
			return bad(l, "%s.bans[%d]: duplicate ban", path, i);
		i++;
	}
	return 0;
}

static int load_channel(struct loader *l, const cJSON *o, const char *path, int seq)
{
	const char *id, *type, *server = NULL, *owner = NULL, *name;
	int rc, unknown;
	if (!cJSON_IsObject(o))
		return bad(l, "%s: expected an object", path);
	if (check_keys(l, o, path, &channel_keys, &unknown) || get_str(l, o, "_id", path, true, &id) || get_str(l, o, "channel_type", path, true, &type) ||
	    get_str(l, o, "name", path, false, &name))
		return -1;
	bool group = strcmp(type, "Group") == 0;
	if (group) {
		if (get_str(l, o, "owner", path, true, &owner))
			return -1;
		if (!user_exists(owner))
			return bad(l, "%s.owner: no user with _id '%s'", path, owner);
	} else if (strcmp(type, "TextChannel") == 0 || strcmp(type, "VoiceChannel") == 0) {
		if (get_str(l, o, "server", path, true, &server))
			return -1;
	} else {
		return bad(l, "%s.channel_type: '%s' is not Group, TextChannel or VoiceChannel", path, type);
	}
	const cJSON *perm = cJSON_GetObjectItemCaseSensitive(o, "permissions");
	long long p = 0;
	if (get_int(l, o, "permissions", path, &p))
		return -1;
	char *doc = kept_text(o, &channel_keys, unknown);
	rc = store_fixture_channel_insert(id, type, server, owner, name, cJSON_IsNumber(perm) ? &p : NULL, doc, seq);
	free(doc);
	if (rc)
		return bad(l, "%s._id: duplicate channel id '%s'", path, id);
	const cJSON *recipients = get_array(l, o, "recipients", path, &rc), *r;
	if (rc)
		return -1;
	int i = 0;
	cJSON_ArrayForEach(r, recipients)
	{
		if (!cJSON_IsString(r) || !user_exists(r->valuestring))
			return bad(l, "%s.recipients[%d]: expected the _id of a user", path, i);
		if (store_fixture_recipient_insert(id, r->valuestring, i))
			return bad(l, "%s.recipients[%d]: duplicate recipient", path, i);
		i++;
	}
	return 0;
}

static int load(struct loader *lp, const cJSON *doc)
{
	struct loader l = *lp;
	static const char *const sections[] = {"users", "bots", "servers", "channels"};
	if (!cJSON_IsObject(doc))
		return bad(&l, "$: expected an object with users, bots, servers, channels");
	for (const cJSON *it = doc->child; it; it = it->next) {
		bool known = false;
		for (size_t i = 0; i < 4; i++)
			known |= strcmp(it->string, sections[i]) == 0;
		if (!known)
			return bad(&l, "$.%s: unknown section (expected users, bots, servers, channels)", it->string);
	}
	int rc;
	const cJSON *users = get_array(&l, doc, "users", "$", &rc);
	if (rc || load_users(&l, users))
		return -1;
	const cJSON *bots = get_array(&l, doc, "bots", "$", &rc), *o;
	if (rc)
		return -1;
	int i = 0;
	cJSON_ArrayForEach(o, bots)
	{
		char path[64];
		snprintf(path, sizeof(path), "$.bots[%d]", i++);
		if (load_bot(&l, o, path))
			return -1;
	}
	/* a user that claims to be a bot must have a bot entry (else its token is lost) */
	const cJSON *servers = get_array(&l, doc, "servers", "$", &rc);
	if (rc)
		return -1;
	i = 0;
	cJSON_ArrayForEach(o, servers)
	{
		char path[64];
		snprintf(path, sizeof(path), "$.servers[%d]", i);
		if (load_server(&l, o, path, i))
			return -1;
		i++;
	}
	const cJSON *channels = get_array(&l, doc, "channels", "$", &rc);
	if (rc)
		return -1;
	i = 0;
	cJSON_ArrayForEach(o, channels)
	{
		char path[64];
		snprintf(path, sizeof(path), "$.channels[%d]", i);
		if (load_channel(&l, o, path, i))
			return -1;
		i++;
	}
	return 0;
}

int fixtures_load(const cJSON *doc, char *err, size_t errlen)
{
	struct loader l = {err, errlen, NULL, NULL};
	return load(&l, doc);
}

int fixtures_load_text_warn(const char *text, size_t len, fixtures_warn_fn *warn, void *arg, char *err,
			    size_t errlen)
{
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!doc) {
		int line = 1;
		for (const char *p = text; end && p < end; p++)
			line += *p == '\n';
		snprintf(err, errlen, "$: not valid JSON (near line %d)", line);
		return -1;
	}
	struct loader l = {err, errlen, warn, arg};
	int rc = load(&l, doc);
	cJSON_Delete(doc);
	return rc;
}

int fixtures_load_text(const char *text, size_t len, char *err, size_t errlen)
{
	return fixtures_load_text_warn(text, len, NULL, NULL, err, errlen);
}

/* ---- export: the exact inverse of the loader ------------------------------------------
 * Sections in the loader's order; rows in their creation order (seq, or rowid for the
 * tables without one), so load(export) then export gives the same bytes. Every stored
 * column is written, with the loader's omission rules (unset strings, zero numbers and
 * false flags are left out; "public" of a bot is always written, as on the wire).
 * Not exported: discriminator_changes (the 24-hour rename limit's events), which the
 * fixture format has no place for. */

/* Adds a stored JSON text (File object, relations) as a tree. */
static void add_stored(cJSON *o, const char *key, const char *text)
{
	cJSON *v = text ? cJSON_Parse(text) : NULL;
	if (v)
		cJSON_AddItemToObject(o, key, v);
}

static void add_opt_str(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
}

/* The user fields both a users entry and a bot entry carry, after _id. */
static void export_user_fields(cJSON *o, const struct user *u, bool with_flags)
{
	cJSON_AddStringToObject(o, "username", u->username);
	cJSON_AddStringToObject(o, "discriminator", u->discriminator);
	add_opt_str(o, "display_name", u->display_name);
	add_opt_str(o, "pronouns", u->pronouns);
	add_stored(o, "avatar", u->avatar);
	add_stored(o, "relations", u->relations);
	if (u->badges)
		cJSON_AddNumberToObject(o, "badges", (double)u->badges);
	if (u->status_text || u->status_presence) {
		cJSON *s = cJSON_AddObjectToObject(o, "status");
		add_opt_str(s, "text", u->status_text);
		add_opt_str(s, "presence", u->status_presence);
	}
	if (with_flags && u->flags)
		cJSON_AddNumberToObject(o, "flags", (double)u->flags);
	if (u->privileged)
		cJSON_AddTrueToObject(o, "privileged");
}

struct user_sessions {
	cJSON *user, *sessions; /* the users entry, and its "sessions" once it has one */
};

static void add_session(void *arg, const char *token, const char *id, const char *name)
{
	struct user_sessions *us = arg;
	if (!us->sessions)
		us->sessions = cJSON_AddArrayToObject(us->user, "sessions");
	cJSON *s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "token", token);
	cJSON_AddStringToObject(s, "_id", id);
	cJSON_AddStringToObject(s, "name", name);
	cJSON_AddItemToArray(us->sessions, s);
}

static int export_user(cJSON *users, const struct user *u)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToArray(users, o);
	cJSON_AddStringToObject(o, "_id", u->id);
	export_user_fields(o, u, true);
	if (u->bot_owner) {
		cJSON *b = cJSON_AddObjectToObject(o, "bot");
		cJSON_AddStringToObject(b, "owner", u->bot_owner);
	}
	if (u->profile_content || u->profile_background) {
		cJSON *p = cJSON_AddObjectToObject(o, "profile");
		add_opt_str(p, "content", u->profile_content);
		add_stored(p, "background", u->profile_background);
	}
	struct user_sessions us = {o, NULL};
	return store_sessions_of(u->id, add_session, &us);
}

/* A bot entry; with u (its user, representable in the entry) the user's fields too. */
static void export_bot(cJSON *bots, const struct bot *b, const struct user *u)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToArray(bots, o);
	cJSON_AddStringToObject(o, "_id", b->id);
	cJSON_AddStringToObject(o, "owner", b->owner);
	cJSON_AddStringToObject(o, "token", b->token);
	cJSON_AddBoolToObject(o, "public", b->public_);
	if (b->analytics)
		cJSON_AddTrueToObject(o, "analytics");
	if (b->discoverable)
		cJSON_AddTrueToObject(o, "discoverable");
	add_opt_str(o, "interactions_url", b->interactions_url);
	add_opt_str(o, "terms_of_service_url", b->terms_of_service_url);
	add_opt_str(o, "privacy_policy_url", b->privacy_policy_url);
	add_stored(o, "oauth2", b->oauth2);
	/* one "flags" key sets both the bot's and its user's (the loader's rule) */
	if (b->flags)
		cJSON_AddNumberToObject(o, "flags", (double)b->flags);
	if (!u)
		return;
	export_user_fields(o, u, false);
	/* a PublicBot's description is its user's profile content */
	add_opt_str(o, "description", u->profile_content);
	if (u->profile_background) {
		cJSON *p = cJSON_AddObjectToObject(o, "profile");
		add_stored(p, "background", u->profile_background);
	}
}

/* Can the bot entry carry its user? Not when the user has sessions or flags other
 * than the bot's: then the user goes to "users" (with "bot": {"owner"}) and the
 * loader takes it from there. */
static int bot_user_inline(const struct bot *b, const struct user *u)
{
	if (!u->bot_owner || strcmp(u->bot_owner, b->owner) != 0 || u->flags != b->flags)
		return 0;
	long long n = store_session_count(u->id);
	return n < 0 ? -1 : n == 0;
}

/* Sets key of o to v: in place when o has it (same position), else at the end. */
static void set_member(cJSON *o, const char *key, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
	else
		cJSON_AddItemToObject(o, key, v);
}

static void add_id(void *arg, const char *id) { cJSON_AddItemToArray(arg, cJSON_CreateString(id)); }

static void add_member(void *arg, const char *user_id, long long permissions)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "user", user_id);
	if (permissions)
		cJSON_AddNumberToObject(e, "permissions", (double)permissions);
	cJSON_AddItemToArray(arg, e);
}

static void add_doc(void *arg, const char *id, const char *doc)
{
	cJSON *pair = cJSON_CreateArray();
	cJSON_AddItemToArray(pair, cJSON_CreateString(id));
	cJSON_AddItemToArray(pair, cJSON_CreateString(doc));
	cJSON_AddItemToArray(arg, pair);
}

/* Sets key of o to list when the list has rows or o had the key; else drops it. */
static void set_list(cJSON *o, const char *key, cJSON *list)
{
	if (cJSON_GetArraySize(list) || cJSON_GetObjectItemCaseSensitive(o, key))
		set_member(o, key, list);
	else
		cJSON_Delete(list);
}

/* Servers and channels are kept as their fixture object (doc); what the API can
 * change (members, bans, recipients) comes from the tables. */
static int export_docs(cJSON *out, bool servers)
{
	/* collect first: the list queries below reuse the statement cache */
	cJSON *docs = cJSON_CreateArray();
	int rc = store_fixture_docs(servers, add_doc, docs);
	const cJSON *pair;
	cJSON_ArrayForEach(pair, docs)
	{
		if (rc)
			break;
		const char *id = cJSON_GetArrayItem(pair, 0)->valuestring;
		cJSON *o = cJSON_Parse(cJSON_GetArrayItem(pair, 1)->valuestring);
		if (!o) {
			rc = -1;
			break;
		}
		cJSON_AddItemToArray(out, o);
		if (!servers) {
			cJSON *rec = cJSON_CreateArray();
			rc = store_fixture_recipients(id, add_id, rec);
			set_list(o, "recipients", rec);
			continue;
		}
		cJSON *members = cJSON_CreateArray(), *bans = cJSON_CreateArray();
		rc = store_fixture_members(id, add_member, members);
		rc |= store_fixture_bans(id, add_id, bans);
		set_list(o, "members", members);
		set_list(o, "bans", bans);
	}
	cJSON_Delete(docs);
	return rc;
}

cJSON *fixtures_export(void)
{
	struct user *users = NULL;
	struct bot *bots = NULL;
	size_t nu = 0, nb = 0;
	bool *inline_user = NULL; /* per user: carried by its bot's entry */
	const struct user **user_of = NULL; /* per bot: its user when inline */
	cJSON *doc = cJSON_CreateObject();
	cJSON *ju = cJSON_AddArrayToObject(doc, "users");
	cJSON *jb = cJSON_AddArrayToObject(doc, "bots");
	cJSON *js = cJSON_AddArrayToObject(doc, "servers");
	cJSON *jc = cJSON_AddArrayToObject(doc, "channels");
	int rc = -1;

	if (store_users_all(&users, &nu) || store_bots_all(&bots, &nb))
		goto out;
	inline_user = calloc(nu + 1, sizeof(*inline_user));
	user_of = calloc(nb + 1, sizeof(*user_of));
	if (!inline_user || !user_of)
		goto out;
	for (size_t b = 0; b < nb; b++) {
		for (size_t i = 0; i < nu; i++) {
			if (strcmp(users[i].id, bots[b].id) != 0)
				continue;
			int in = bot_user_inline(&bots[b], &users[i]);
			if (in < 0)
				goto out;
			inline_user[i] = in;
			user_of[b] = in ? &users[i] : NULL;
			break;
		}
	}
	for (size_t i = 0; i < nu; i++)
		if (!inline_user[i] && export_user(ju, &users[i]))
			goto out;
	for (size_t b = 0; b < nb; b++)
		export_bot(jb, &bots[b], user_of[b]);
	if (export_docs(js, true) || export_docs(jc, false))
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < nu; i++)
		user_release(&users[i]);
	for (size_t b = 0; b < nb; b++)
		bot_release(&bots[b]);
	free(users);
	free(bots);
	free(inline_user);
	free(user_of);
	if (rc) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

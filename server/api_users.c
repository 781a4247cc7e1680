/* api_users.c: the bootstrap routes every client calls first: GET / (the node
 * configuration) and the user fetches. REAL: crates/delta/src/routes/root.rs,
 * routes/users/fetch_self.rs, routes/users/fetch_user.rs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "locations.h"
#include "routes.h"
#include "store.h"
#include "wire.h"

/* GET /  200: RevoltConfig, compact, keys in the real order (root-and-ratelimits.md
 * §1), with the API, events and app hosts pointing back at this server. The body is
 * built once.
 * DIFF: docs/fidelity.md#root-services - autumn and january are what a real instance
 * with hosts.autumn and hosts.january unset answers, {"enabled":false,"url":""}
 * (root.rs: enabled = !url.is_empty()): stoat-mock serves neither, and a client that
 * reads enabled (stoat.js) then skips them instead of meeting a 404 later. */
enum err root_fetch(struct request *rq, struct reply *rp)
{
	(void)rq;
	static char *body;
	static size_t len;
	if (!body) {
		char base[600];
		if (config.public_url[0])
			snprintf(base, sizeof(base), "%s", config.public_url);
		else
			snprintf(base, sizeof(base), "http://%s:%u",
				 strcmp(config.host, "0.0.0.0") == 0 ? "127.0.0.1" : config.host, config.port);
		size_t bl = strlen(base);
		while (bl && base[bl - 1] == '/')
			base[--bl] = 0;
		const char *ws_base = strncmp(base, "https://", 8) == 0 ? "wss://" : "ws://";
		const char *host_part = strstr(base, "://") ? strstr(base, "://") + 3 : base;
		static const char limits[] =
			"\"limits\":{\"global\":{\"group_size\":100,\"message_embeds\":5,\"message_replies\":5,"
			"\"message_reactions\":20,\"server_emoji\":100,\"server_roles\":200,\"server_channels\":200,"
			"\"body_limit_size\":20000000,\"restrict_server_creation\":[],\"new_user_hours\":72},"
			"\"new_user\":{\"outgoing_friend_requests\":5,\"bots\":2,\"message_length\":2000,"
			"\"message_attachments\":5,\"servers\":50,\"voice_quality\":16000,\"video\":true,"
			"\"video_resolution\":[1080,720],\"video_aspect_ratio\":[0.30000001192092896,2.5],"
			"\"file_upload_size_limits\":{\"attachments\":20000000,\"avatars\":4000000,"
			"\"backgrounds\":6000000,\"icons\":2500000,\"banners\":6000000,\"emojis\":500000}},"
			"\"default\":{\"outgoing_friend_requests\":10,\"bots\":5,\"message_length\":2000,"
			"\"message_attachments\":5,\"servers\":100,\"voice_quality\":16000,\"video\":true,"
			"\"video_resolution\":[1280,720],\"video_aspect_ratio\":[0.30000001192092896,2.5],"
			"\"file_upload_size_limits\":{\"attachments\":20000000,\"avatars\":4000000,"
			"\"backgrounds\":6000000,\"icons\":2500000,\"banners\":6000000,\"emojis\":500000}}}";
		int n = asprintf(
			&body,
			"{\"revolt\":\"0.15.1\",\"features\":{\"captcha\":{\"enabled\":false,\"key\":\"\"},"
			"\"email\":false,\"invite_only\":false,"
			"\"autumn\":{\"enabled\":false,\"url\":\"\"},"
			"\"january\":{\"enabled\":false,\"url\":\"\"},"
			"\"livekit\":{\"enabled\":false,\"nodes\":[]},%s,"
			"\"legal_links\":{\"terms_of_service\":\"\",\"privacy_policy\":\"\",\"guidelines\":\"\"}},"
			"\"ws\":\"%s%s/ws\",\"app\":\"%s\","
			"\"vapid\":\"BGcvgR-i2z4IQ5Mw841vJvkLjt8wY-FjmWrw83jOLCY52qcGZS0OF7nfLzuYbjsQISwVO2HXrmf18gLWVX3Kwfw=\","
			"\"build\":{\"commit_sha\":\"99b3ea140f7c35359d8f54dbf1c5376ce5749beb\","
			"\"commit_timestamp\":\"2026-08-15T19:22:34-07:00\",\"semver\":\"v0.15.1\","
			"\"origin_url\":\"https://github.com/stoatchat/stoatchat\","
			"\"timestamp\":\"2026-08-15T19:22:34-07:00\"}}",
			limits, ws_base, host_part, base);
		if (n < 0) {
			body = NULL;
			return reply_catcher(rp, 500);
		}
		len = (size_t)n;
	}
	rp->body = malloc(len + 1);
	memcpy(rp->body, body, len + 1);
	rp->body_len = len;
	rp->content_type = "application/json";
	return ERR_OK;
}

/* GET /users/@me  200: the caller as self (a bot caller: the bot's user).
 * REAL: routes/users/fetch_self.rs */
enum err users_fetch_self(struct request *rq, struct reply *rp)
{
	struct strbuf sb = STRBUF_INIT;
	wire_user(&sb, rq->caller, VIEW_SELF, NULL, true);
	reply_json_text(rp, &sb);
	return ERR_OK;
}

/* The caller's relationship with target, from the caller's relations list. */
static char *relationship_of(const struct user *caller, const char *target)
{
	cJSON *rel = caller->relations ? cJSON_Parse(caller->relations) : NULL;
	char *status = NULL;
	const cJSON *it;
	cJSON_ArrayForEach(it, rel)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "_id");
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(it, "status");
		if (cJSON_IsString(id) && cJSON_IsString(st) && strcmp(id->valuestring, target) == 0)
			status = strdup(st->valuestring);
	}
	cJSON_Delete(rel);
	return status;
}

/* REAL: permissions/src/models/user.rs UserPermission bits */
enum user_permission {
	USER_PERM_ACCESS = 1 << 0,
	USER_PERM_VIEW_PROFILE = 1 << 1,
	USER_PERM_SEND_MESSAGE = 1 << 2,
};
#define USER_PERM_ALL (~0u)

/* The caller's permissions on target.
 * REAL: permissions/src/impl.rs calculate_user_permissions with
 * database/src/util/permissions.rs DatabasePermissionQuery:
 *   privileged caller -> all;
 *   relationship (a bot's owner counts as "User", which grants nothing by itself;
 *   otherwise the caller's relations entry): Friend -> all; Blocked / BlockedOther ->
 *   Access only; Incoming / Outgoing -> Access;
 *   then a mutual connection -> Access + ViewProfile (+ SendMessage when either is a bot).
 * Being a bot grants nothing without a mutual connection: a stranger, and even the
 * owner, gets 403 for a bot user they share no server or group with.
 * (Checked against main 99b3ea14; auth-and-users.md §2.4 says otherwise.) */
static unsigned user_permissions(const struct user *caller, const struct user *target, const char *rel)
{
	if (caller->privileged)
		return USER_PERM_ALL;
	unsigned perm = 0;
	bool owner_of_bot = target->bot_owner && strcmp(target->bot_owner, caller->id) == 0;
	if (!owner_of_bot && rel) {
		if (strcmp(rel, "Friend") == 0)
			return USER_PERM_ALL;
		if (strcmp(rel, "Blocked") == 0 || strcmp(rel, "BlockedOther") == 0)
			return USER_PERM_ACCESS;
		if (strcmp(rel, "Incoming") == 0 || strcmp(rel, "Outgoing") == 0)
			perm = USER_PERM_ACCESS;
	}
	/* REAL: have_mutual_connection - a failed query counts as none (unwrap_or_default) */
	if (store_mutual_connection(caller->id, target->id) > 0) {
		perm = USER_PERM_ACCESS | USER_PERM_VIEW_PROFILE;
		if (target->bot_owner || caller->bot_owner)
			perm |= USER_PERM_SEND_MESSAGE;
	}
	return perm;
}

/* GET /users/{id}  200: the user from the caller's perspective
 * errors: NotFound, MissingPermission {permission: "Access"}
 * REAL: routes/users/fetch_user.rs */
enum err users_fetch(struct request *rq, struct reply *rp)
{
	struct user u = {0};
	char *rel = NULL;
	enum err e = ERR_OK;
	if (strlen(rq->id) == rq->id_len && strcmp(rq->id, rq->caller->id) == 0)
		return users_fetch_self(rq, rp);
	int found = strlen(rq->id) == rq->id_len ? store_user_get(rq->id, &u) : 0;
	if (found <= 0) {
		if (found < 0) {
			return err_database(&rp->err, "find_one_by_id", "users", NULL);
		}
		return err_set(&rp->err, ERR_NotFound, LOC_USER_NOT_FOUND, NULL);
	}
	rel = relationship_of(rq->caller, u.id);
	unsigned perm = user_permissions(rq->caller, &u, rel);
	if (!(perm & USER_PERM_ACCESS)) {
		e = err_set(&rp->err, ERR_MissingPermission, LOC_MISSING_USER_PERMISSION, "Access");
		goto out;
	}
	/* REAL: bridge/v0.rs User::into(db, Some(caller)) - a bot is always "None" and
	 * shows its status; anyone else gets the caller's relations entry, and the
	 * status only with ViewProfile */
	struct strbuf sb = STRBUF_INIT;
	wire_user(&sb, &u, VIEW_OTHER, u.bot_owner ? "None" : rel ? rel : "None",
		  u.bot_owner || (perm & USER_PERM_VIEW_PROFILE));
	reply_json_text(rp, &sb);
out:
	free(rel);
	user_release(&u);
	return e;
}

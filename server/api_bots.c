/* api_bots.c: the /bots routes. The dispatcher has already run the user guard and
 * the JSON data guard; each handler then follows its real counterpart's steps in
 * source order (bots-api.md §3-§8). Handlers return a catalogue entry; a framework
 * answer (422 for a body of the wrong shape) is reply_catcher(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bodies.h"
#include "events.h"
#include "ids.h"
#include "jsonw.h"
#include "limits.h"
#include "locations.h"
#include "names.h"
#include "routes.h"
#include "store.h"
#include "validate.h"
#include "wire.h"

/* REAL: permissions/src/models/channel.rs ChannelPermission::ViewChannel */
#define PERM_VIEW_CHANNEL (1ULL << 20)


/* REAL: bots/ops/mongodb.rs fetch_bot - an unknown id is NotFound. The bot's user
 * comes with it (one read); check it with need_user() where the real route
 * fetches it, after its own checks. */
static enum err bot_found(struct reply *rp, int found)
{
	if (found < 0)
		return err_database(&rp->err, "find_one_by_id", "bots", NULL);
	if (found == 0)
		return err_set(&rp->err, ERR_NotFound, LOC_BOT_NOT_FOUND, NULL);
	return ERR_OK;
}

/* An id with a NUL byte (from %00) cannot be stored: it names no bot. */
static bool storable_id(const struct request *rq) { return strlen(rq->id) == rq->id_len; }

static enum err load_bot(struct request *rq, struct reply *rp, struct bot *b, struct user *u)
{
	return bot_found(rp, storable_id(rq) ? store_bot_with_user_get(rq->id, b, u) : 0);
}

/* REAL: users/ops/mongodb.rs fetch_user - only with inconsistent data */
static enum err need_user(struct reply *rp, const struct user *u)
{
	return u->id ? ERR_OK : err_set(&rp->err, ERR_NotFound, LOC_USER_NOT_FOUND, NULL);
}

static bool caller_is_bot(const struct request *rq) { return rq->caller->bot_owner != NULL; }

/* ---- POST /bots/create ---------------------------------------------------------
 * body: DataCreateBot {name}   200: BotWithUserResponse   errors: its route row
 * REAL: routes/bots/create.rs, bots/model.rs Bot::create, users/model.rs User::create */
enum err bots_create(struct request *rq, struct reply *rp)
{
	/* decoded and validated by the dispatcher (dispatch.c read_body, validate_body) */
	const struct data_create_bot *data = rq->data;
	struct bot b = {0};
	struct user u = {0};
	char *cured = NULL;
	enum err e;

	if (caller_is_bot(rq)) {
		e = err_set(&rp->err, ERR_IsBot, LOC_CREATE_IS_BOT, NULL);
		goto out;
	}
	/* REAL: User::limits - owners whose ULID is at most 72 h old get the new-user limit */
	int64_t born;
	if (!ids_parse_ulid(rq->caller->id, &born) || born > ids_now_ms()) {
		/* the real server panics on a non-ULID id ("`ulid`") and on one from the
		 * future ("time went backwards", SystemTime::elapsed) */
		e = reply_catcher(rp, 500);
		goto out;
	}
	int limit = ids_now_ms() - born <= NEW_USER_HOURS * 3600LL * 1000 ? BOTS_MAX_NEW_USER : BOTS_MAX_DEFAULT;
	int owned = store_bot_count_owned(rq->caller->id);
	if (owned < 0) {
		e = err_database(&rp->err, "count_documents", "bots", NULL);
		goto out;
	}
	if (owned >= limit) {
		e = err_set(&rp->err, ERR_ReachedMaximumBots, LOC_CREATE_MAX_BOTS, NULL);
		goto out;
	}
	char id[ULID_LEN + 1], token[TOKEN_LEN + 1], disc[5];
	ids_new_ulid(id);
	e = names_for_new_user(data->name, &cured, disc, &rp->err);
	if (e)
		goto out;
	u.id = strdup(id);
	u.username = cured;
	cured = NULL;
	u.discriminator = strdup(disc);
	u.bot_owner = strdup(rq->caller->id);
	ids_new_token(token);
	b.id = strdup(id);
	b.owner = strdup(rq->caller->id);
	b.token = strdup(token);
	if (store_user_insert(&u)) {
		e = err_database(&rp->err, "insert_one", "users", NULL);
		goto out;
	}
	if (store_bot_insert(&b)) {
		e = err_database(&rp->err, "insert_one", "bots", NULL);
		goto out;
	}
	struct strbuf sb = STRBUF_INIT;
	wire_bot_with_user(&sb, &b, &u);
	reply_json_text(rp, &sb);
	e = ERR_OK;
out:
	free(cured);
	bot_release(&b);
	user_release(&u);
	return e;
}

/* ---- GET /bots/@me -------------------------------------------------------------
 * 200: OwnedBotsResponse {bots, users}, both sorted by id; a bot caller owns none.
 * REAL: routes/bots/fetch_owned.rs */
enum err bots_fetch_owned(struct request *rq, struct reply *rp)
{
	struct bot *bots = NULL;
	size_t n = 0;
	if (store_bots_owned(rq->caller->id, &bots, &n))
		return err_database(&rp->err, "find", "bots", NULL);
	struct strbuf ab = STRBUF_INIT, au = STRBUF_INIT;
	enum err e = ERR_OK;
	jsonw_open(&ab, '{');
	jsonw_key(&ab, "bots");
	jsonw_open(&ab, '[');
	jsonw_open(&au, '[');
	for (size_t i = 0; i < n; i++) {
		struct user u = {0};
		wire_bot(&ab, &bots[i]);
		int found = store_user_get(bots[i].id, &u);
		if (found < 0)
			e = err_database(&rp->err, "find", "users", NULL);
		else if (found)
			wire_user(&au, &u, VIEW_SELF, NULL, true);
		user_release(&u);
		bot_release(&bots[i]);
	}
	free(bots);
	jsonw_close(&ab, ']');
	jsonw_close(&au, ']');
	jsonw_key(&ab, "users");
	jsonw_raw(&ab, strbuf_str(&au));
	jsonw_close(&ab, '}');
	if (!e)
		reply_json_text(rp, &ab);
	strbuf_release(&ab);
	strbuf_release(&au);
	return e;
}

/* ---- GET /bots/{id} ------------------------------------------------------------
 * 200: FetchBotResponse {bot, user}, user with no perspective ("None").
 * errors: IsBot (before the lookup), NotFound (absent, not owner, no user)
 * REAL: routes/bots/fetch.rs */
/* The read-only routes answer from the row as it is read (store_bot_with_user_peek):
 * the checks after the lookup and the answer, in one callback. */
struct peek {
	struct request *rq;
	struct reply *rp;
	enum err e;
};

/* store_bot_with_user_peek for the route: NotFound or a database error when there
 * is no row, else what the callback decided. */
static enum err peek_bot(struct request *rq, struct reply *rp,
			 void (*fn)(void *arg, const struct bot *b, const struct user *u))
{
	struct peek p = {rq, rp, ERR_OK};
	enum err e = bot_found(rp, storable_id(rq) ? store_bot_with_user_peek(rq->id, fn, &p) : 0);
	return e ? e : p.e;
}

static void fetch_row(void *arg, const struct bot *b, const struct user *u)
{
	struct peek *p = arg;
	if (strcmp(b->owner, p->rq->caller->id) != 0) {
		p->e = err_set(&p->rp->err, ERR_NotFound, LOC_FETCH_NOT_OWNER, NULL);
		return;
	}
	if ((p->e = need_user(p->rp, u)))
		return;
	struct strbuf sb = STRBUF_INIT;
	jsonw_open(&sb, '{');
	jsonw_key(&sb, "bot");
	wire_bot(&sb, b);
	jsonw_key(&sb, "user");
	wire_user(&sb, u, VIEW_NONE, NULL, true);
	jsonw_close(&sb, '}');
	reply_json_text(p->rp, &sb);
}

enum err bots_fetch(struct request *rq, struct reply *rp)
{
	if (caller_is_bot(rq))
		return err_set(&rp->err, ERR_IsBot, LOC_FETCH_IS_BOT, NULL);
	return peek_bot(rq, rp, fetch_row);
}

/* ---- PATCH /bots/{id} ----------------------------------------------------------- */

enum remove_field {
	REMOVE_TOKEN = 1 << FIELDS_BOT_TOKEN,
	REMOVE_INTERACTIONS_URL = 1 << FIELDS_BOT_INTERACTIONS_URL,
	REMOVE_OAUTH2 = 1 << FIELDS_BOT_OAUTH2,
	REMOVE_OAUTH2_SECRET = 1 << FIELDS_BOT_OAUTH2_SECRET,
};

/* The remove list as bits, and each value once in the order first sent (the order
 * matters for Oauth2 / Oauth2Secret). */
static unsigned remove_bits(const struct jg_list *remove, unsigned order[4], int *norder)
{
	unsigned bits = 0;
	*norder = 0;
	for (size_t i = 0; remove && i < remove->n; i++) {
		unsigned bit = 1u << remove->items[i].e;
		if (!(bits & bit))
			order[(*norder)++] = bit;
		bits |= bit;
	}
	return bits;
}

static char *fresh_secret(void)
{
	char s[TOKEN_LEN + 1];
	ids_new_token(s);
	return strdup(s);
}

/* The edit's allowed_scopes as stored: {scope: {allow, deny}} in the order sent. */
static cJSON *scopes_json(const struct jg_map *m)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < m->n; i++) {
		const struct oauth2_reasoning *r = m->values[i];
		cJSON *reason = cJSON_CreateObject();
		cJSON_AddStringToObject(reason, "allow", r->allow);
		cJSON_AddStringToObject(reason, "deny", r->deny);
		cJSON_AddItemToObject(o, validate_oauth2_scopes[m->keys[i]], reason);
	}
	return o;
}

/* REAL: feat/oauth2 routes/bots/edit.rs - the new settings start from the current
 * ones (or the default: confidential with a fresh secret); public -> confidential
 * makes a new secret, confidential -> public drops it; redirects and scopes are
 * replaced wholesale. Returns the JSON text to store. */
static char *edit_oauth2(const struct bot *b, const struct data_edit_bot_oauth2 *ed)
{
	cJSON *cur = b->oauth2 ? cJSON_Parse(b->oauth2) : NULL;
	bool pub = false;
	char *secret = NULL;
	cJSON *redirects, *scopes;
	if (cur) {
		pub = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cur, "public"));
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(cur, "secret");
		secret = cJSON_IsString(s) ? strdup(s->valuestring) : NULL;
		redirects = cJSON_DetachItemFromObjectCaseSensitive(cur, "redirects");
		scopes = cJSON_DetachItemFromObjectCaseSensitive(cur, "allowed_scopes");
	} else {
		secret = fresh_secret();
		redirects = cJSON_CreateArray();
		scopes = cJSON_CreateObject();
	}
	if (ed->public_ >= 0) {
		bool want = ed->public_ == 1;
		if (pub && !want) {
			free(secret);
			secret = fresh_secret();
		} else if (!pub && want) {
			free(secret);
			secret = NULL;
		}
		pub = want;
	}
	if (ed->redirects) {
		cJSON_Delete(redirects);
		redirects = cJSON_CreateArray();
		for (size_t i = 0; i < ed->redirects->n; i++)
			cJSON_AddItemToArray(redirects, cJSON_CreateString(ed->redirects->items[i].s));
	}
	if (ed->allowed_scopes) {
		cJSON_Delete(scopes);
		scopes = scopes_json(ed->allowed_scopes);
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "public", pub);
	if (secret)
		cJSON_AddStringToObject(o, "secret", secret);
	else
		cJSON_AddNullToObject(o, "secret");
	cJSON_AddItemToObject(o, "redirects", redirects ? redirects : cJSON_CreateArray());
	cJSON_AddItemToObject(o, "allowed_scopes", scopes ? scopes : cJSON_CreateObject());
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	cJSON_Delete(cur);
	free(secret);
	return text;
}

/* REAL: feat/oauth2 bots/model.rs remove_field(Oauth2Secret) - a confidential
 * client gets a new secret in the returned object only; update_bot has no path
 * for it, so the stored secret stays (docs/fidelity.md#oauth2secret). */
static char *rotate_secret_in_copy(const char *oauth2)
{
	cJSON *o = oauth2 ? cJSON_Parse(oauth2) : NULL;
	if (!o)
		return NULL;
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "public"))) {
		char *s = fresh_secret();
		cJSON_ReplaceItemInObjectCaseSensitive(o, "secret", cJSON_CreateString(s));
		free(s);
	}
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

/* Sets *field to value (NULL clears it); true when that changed it. */
static bool set_text(char **field, const char *value)
{
	if (*field == value || (*field && value && strcmp(*field, value) == 0))
		return false;
	model_set(field, value);
	return true;
}

/* PATCH /bots/{id}  body: DataEditBot (bodies.c; decoded and validated by dispatch.c
 * before this runs)  200: BotWithUserResponse
 * errors: its route row, in the order they can arise
 * REAL: routes/bots/edit.rs (feat/oauth2 for oauth2), Bot::update, update_bot */
enum err bots_edit(struct request *rq, struct reply *rp)
{
	const struct data_edit_bot *ed = rq->data;
	struct bot b = {0};
	struct user u = {0};
	char *shown_oauth2 = NULL;
	unsigned remove_order[4];
	int nremove_order;
	unsigned remove = remove_bits(ed->remove, remove_order, &nremove_order);
	char *old_name = NULL; /* for the UserUpdate event */
	enum err e;

	if ((e = load_bot(rq, rp, &b, &u)))
		goto out;
	if (strcmp(b.owner, rq->caller->id) != 0) {
		e = err_set(&rp->err, ERR_NotFound, LOC_EDIT_NOT_OWNER, NULL);
		goto out;
	}
	if ((e = need_user(rp, &u)))
		goto out;
	if (ed->name) {
		/* REAL: update_username writes at once (even an unchanged name: PERF, here
		 * the same name writes nothing, which nobody can tell apart) */
		old_name = strdup(u.username);
		if ((e = names_rename(&u, ed->name, &rp->err)))
			goto out;
		/* the discriminator changes only with the name */
		if ((!old_name || strcmp(old_name, u.username) != 0) && store_user_rename(&u)) {
			e = err_database(&rp->err, "update_one_by_id", "users", NULL);
			goto out;
		}
		/* events.md §5.2: UserUpdate, with the discriminator when the name changed
		 * beyond case (DIFF: ASCII case, as names_rename) */
		if (events_listened())
			events_user_renamed(&u, !old_name || strcasecmp(old_name, u.username) != 0);
	}
	if (ed->public_ < 0 && ed->analytics < 0 && !ed->interactions_url && !ed->oauth2 && !remove)
		goto done;

	/* REAL: MongoDB refuses $set and $unset of one path in one update_one
	 * (bots-api.md §5.4): 500 DatabaseError. DIFF: the rename above is rolled back
	 * with the rest (docs/fidelity.md#set-and-remove). */
	if ((ed->interactions_url && (remove & REMOVE_INTERACTIONS_URL)) || (ed->oauth2 && (remove & REMOVE_OAUTH2))) {
		e = err_database(&rp->err, "update_one_by_id", "bots", LOC_BOT_UPDATE_CONFLICT);
		goto out;
	}
	/* PERF: the row is written only when a field changes (a new token always
	 * does); writing the values it holds would change nothing anyone can see */
	bool changed = false;
	if (ed->public_ >= 0 && b.public_ != (ed->public_ == 1)) {
		b.public_ = ed->public_ == 1;
		changed = true;
	}
	if (ed->analytics >= 0 && b.analytics != (ed->analytics == 1)) {
		b.analytics = ed->analytics == 1;
		changed = true;
	}
	if (ed->interactions_url)
		changed |= set_text(&b.interactions_url, ed->interactions_url);
	if (remove & REMOVE_INTERACTIONS_URL)
		changed |= set_text(&b.interactions_url, NULL);
	char *new_oauth2 = ed->oauth2 ? edit_oauth2(&b, ed->oauth2) : NULL;
	/* Oauth2Secret acts on the in-memory bot in remove order, before the partial
	 * (which carries a new oauth2 object, if any) is applied over it */
	for (int i = 0; i < nremove_order; i++) {
		if (remove_order[i] == REMOVE_OAUTH2) {
			free(shown_oauth2);
			shown_oauth2 = NULL;
			changed |= set_text(&b.oauth2, NULL);
		} else if (remove_order[i] == REMOVE_OAUTH2_SECRET && b.oauth2) {
			char *rot = rotate_secret_in_copy(shown_oauth2 ? shown_oauth2 : b.oauth2);
			free(shown_oauth2);
			shown_oauth2 = rot;
		}
	}
	if (new_oauth2) {
		changed |= !b.oauth2 || strcmp(b.oauth2, new_oauth2) != 0;
		free(b.oauth2);
		b.oauth2 = new_oauth2;
		free(shown_oauth2);
		shown_oauth2 = NULL;
	}
	if (remove & REMOVE_TOKEN) {
		char token[TOKEN_LEN + 1];
		ids_new_token(token);
		model_set(&b.token, token);
		changed = true;
	}
	if (changed && store_bot_update(&b, remove & REMOVE_TOKEN)) {
		e = err_database(&rp->err, "update_one_by_id", "bots", NULL);
		goto out;
	}
	if ((remove & REMOVE_TOKEN) && events_listened())
		events_logout(b.id); /* events.md §5.2: Logout, then the sessions end */
	if (shown_oauth2) {
		free(b.oauth2);
		b.oauth2 = shown_oauth2;
		shown_oauth2 = NULL;
	}
done:;
	struct strbuf sb = STRBUF_INIT;
	wire_bot_with_user(&sb, &b, &u);
	reply_json_text(rp, &sb);
	e = ERR_OK;
out:
	free(old_name);
	free(shown_oauth2);
	bot_release(&b);
	user_release(&u);
	return e;
}

/* ---- DELETE /bots/{id} ---------------------------------------------------------
 * 204, empty body. errors: NotFound (absent, not owner, no user)
 * REAL: routes/bots/delete.rs, Bot::delete, users/model.rs mark_deleted */
enum err bots_delete(struct request *rq, struct reply *rp)
{
	struct bot b = {0};
	struct user u = {0};
	enum err e;
	if ((e = load_bot(rq, rp, &b, &u)))
		goto out;
	if (strcmp(b.owner, rq->caller->id) != 0) {
		e = err_set(&rp->err, ERR_NotFound, LOC_DELETE_NOT_OWNER, NULL);
		goto out;
	}
	if ((e = need_user(rp, &u)))
		goto out;
	/* REAL: mark_deleted - name, discriminator 0000, flags exactly 2, relations,
	 * avatar, status, profile cleared; bot owner, badges, display name kept */
	char name[64 + ULID_LEN];
	snprintf(name, sizeof(name), "Deleted User %s", u.id);
	model_set(&u.username, name);
	model_set(&u.discriminator, "0000");
	u.flags = USER_FLAG_DELETED;
	model_set(&u.relations, NULL);
	model_set(&u.avatar, NULL);
	model_set(&u.status_text, NULL);
	model_set(&u.status_presence, NULL);
	model_set(&u.profile_content, NULL);
	model_set(&u.profile_background, NULL);
	if (store_user_update(&u)) {
		e = err_database(&rp->err, "update_one_by_id", "users", NULL);
		goto out;
	}
	if (store_bot_delete(b.id)) {
		e = err_database(&rp->err, "delete_one_by_id", "bots", NULL);
		goto out;
	}
	if (events_listened())
		events_user_deleted(u.id); /* events.md §5.2: the sockets stay open */
	e = ERR_OK;
out:
	bot_release(&b);
	user_release(&u);
	return e;
}

/* ---- GET /bots/{id}/invite -----------------------------------------------------
 * optional user. 200: PublicBot. errors: NotFound (absent; private and not the owner)
 * REAL: routes/bots/fetch_public.rs */
static void fetch_public_row(void *arg, const struct bot *b, const struct user *u)
{
	struct peek *p = arg;
	const struct request *rq = p->rq;
	bool owner = (rq->who == PRINCIPAL_USER || rq->who == PRINCIPAL_BOT) &&
		     strcmp(b->owner, rq->caller->id) == 0;
	if (!b->public_ && !owner) {
		p->e = err_set(&p->rp->err, ERR_NotFound, LOC_PUBLIC_NOT_FOUND, NULL);
		return;
	}
	if ((p->e = need_user(p->rp, u)))
		return;
	struct strbuf sb = STRBUF_INIT;
	wire_public_bot(&sb, b, u);
	reply_json_text(p->rp, &sb);
}

enum err bots_fetch_public(struct request *rq, struct reply *rp)
{
	return peek_bot(rq, rp, fetch_public_row);
}

/* ---- POST /bots/{id}/invite ------------------------------------------------------ */

/* The caller's permissions in a server: the owner (or a privileged user) has every
 * one, a member the server's defaults plus what the fixture grants, others none.
 * DIFF: roles and channel overrides are not modelled (docs/fidelity.md#permissions). */
static enum err server_permissions(struct request *rq, struct reply *rp, const struct server_row *s,
				   unsigned long long *perm)
{
	long long granted;
	if (rq->caller->privileged || strcmp(s->owner, rq->caller->id) == 0) {
		*perm = PERM_ALL;
		return ERR_OK;
	}
	int m = store_member_get(s->id, rq->caller->id, &granted);
	if (m < 0)
		return err_database(&rp->err, "find_one", "server_members", NULL);
	*perm = m ? (unsigned long long)(s->default_permissions | granted) : 0;
	return ERR_OK;
}

static enum err missing_permission(struct reply *rp, const char *which)
{
	return err_set(&rp->err, ERR_MissingPermission, LOC_MISSING_PERMISSION, which);
}

/* REAL: server_members/model.rs Member::create - banned, then already a member */
static enum err invite_to_server(struct request *rq, struct reply *rp, const char *server_id, const char *bot_id)
{
	struct server_row s = {0};
	unsigned long long perm;
	enum err e = ERR_OK;
	int found = store_server_get(server_id, &s);
	if (found <= 0) {
		e = found < 0 ? err_database(&rp->err, "find_one_by_id", "servers", NULL)
			      : err_set(&rp->err, ERR_NotFound, LOC_SERVER_NOT_FOUND, NULL);
		goto out;
	}
	if ((e = server_permissions(rq, rp, &s, &perm)))
		goto out;
	if (!(perm & PERM_MANAGE_SERVER)) {
		e = missing_permission(rp, "ManageServer");
		goto out;
	}
	int banned = store_server_banned(s.id, bot_id);
	long long ignored;
	int member = banned ? 0 : store_member_get(s.id, bot_id, &ignored);
	if (banned < 0 || member < 0) {
		e = err_database(&rp->err, "find_one", "server_members", NULL);
		goto out;
	}
	if (banned) {
		e = err_set(&rp->err, ERR_Banned, LOC_BANNED, NULL);
		goto out;
	}
	if (member) {
		e = err_set(&rp->err, ERR_AlreadyInServer, LOC_ALREADY_IN_SERVER, NULL);
		goto out;
	}
	if (store_member_add(s.id, bot_id))
		e = err_database(&rp->err, "insert_one", "server_members", NULL);
	else if (events_listened())
		events_server_joined(s.id, bot_id); /* ServerMemberJoin, ServerCreate */
out:
	server_row_release(&s);
	return e;
}

/* REAL: permissions/src/impl.rs calculate_channel_permissions and
 * channels/model.rs add_user_to_group */
static enum err invite_to_group(struct request *rq, struct reply *rp, const char *channel_id, const char *bot_id)
{
	struct channel_row c = {0};
	struct server_row s = {0};
	unsigned long long perm = 0;
	enum err e = ERR_OK;
	int found = store_channel_get(channel_id, &c);
	if (found <= 0) {
		e = found < 0 ? err_database(&rp->err, "find_one_by_id", "channels", NULL)
			      : err_set(&rp->err, ERR_NotFound, LOC_CHANNEL_NOT_FOUND, NULL);
		goto out;
	}
	bool group = strcmp(c.channel_type, "Group") == 0;
	if (rq->caller->privileged) {
		perm = PERM_ALL;
	} else if (group) {
		int r = store_recipient_is(c.id, rq->caller->id);
		if (r < 0) {
			e = err_database(&rp->err, "find_one_by_id", "channels", NULL);
			goto out;
		}
		if (c.owner && strcmp(c.owner, rq->caller->id) == 0)
			perm = PERM_ALL;
		else if (r)
			perm = PERM_VIEW_ONLY | (c.has_permissions ? (unsigned long long)c.permissions : PERM_GROUP_DEFAULT);
	} else if (c.server_id && store_server_get(c.server_id, &s) == 1) {
		if ((e = server_permissions(rq, rp, &s, &perm)))
			goto out;
		/* REAL: impl.rs calculate_channel_permissions (ServerChannel) - a member
		 * left without ViewChannel has no permission at all in the channel */
		if (!(perm & PERM_VIEW_CHANNEL))
			perm = 0;
	}
	if (!(perm & PERM_INVITE_OTHERS)) {
		e = missing_permission(rp, "InviteOthers");
		goto out;
	}
	if (!group) {
		e = err_set(&rp->err, ERR_InvalidOperation, LOC_INVALID_OPERATION, NULL);
		goto out;
	}
	int already = store_recipient_is(c.id, bot_id), count = store_recipient_count(c.id);
	if (already < 0 || count < 0) {
		e = err_database(&rp->err, "find_one_by_id", "channels", NULL);
		goto out;
	}
	if (already) {
		e = err_set(&rp->err, ERR_AlreadyInGroup, LOC_ALREADY_IN_GROUP, NULL);
		goto out;
	}
	if (count >= GROUP_SIZE_MAX) {
		e = err_set(&rp->err, ERR_GroupTooLarge, LOC_GROUP_TOO_LARGE, NULL);
		rp->err.num = GROUP_SIZE_MAX;
		goto out;
	}
	if (store_recipient_add(c.id, bot_id))
		e = err_database(&rp->err, "update_one_by_id", "channels", NULL);
	else if (events_listened())
		events_group_joined(c.id, bot_id); /* ChannelGroupJoin, ChannelCreate */
out:
	channel_row_release(&c);
	server_row_release(&s);
	return e;
}

/* POST /bots/{id}/invite  body: InviteBotDestination {server} | {group}  204
 * errors: its route row
 * REAL: routes/bots/invite.rs; the body is #[serde(untagged)]: {server} is tried
 * first, then {group}; anything else is 422 (jsonguard) */
enum err bots_invite(struct request *rq, struct reply *rp)
{
	struct bot b = {0};
	struct user u = {0};
	enum err e;
	const struct jg_untagged *to = rq->data; /* {server} was tried first */
	if (caller_is_bot(rq))
		return err_set(&rp->err, ERR_IsBot, LOC_INVITE_IS_BOT, NULL);
	if ((e = load_bot(rq, rp, &b, &u)))
		goto out;
	if (!b.public_ && strcmp(b.owner, rq->caller->id) != 0) {
		e = err_set(&rp->err, ERR_BotIsPrivate, LOC_INVITE_PRIVATE, NULL);
		goto out;
	}
	if ((e = need_user(rp, &u)))
		goto out;
	e = to->variant == INVITE_SERVER ? invite_to_server(rq, rp, to->value, b.id)
					 : invite_to_group(rq, rp, to->value, b.id);
out:
	bot_release(&b);
	user_release(&u);
	return e;
}

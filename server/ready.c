/* ready.c: the Ready payload and the Server, Channel and Member objects (see
 * ready.h).
 *
 * Servers and channels are kept as their fixture documents: the object is written
 * in the real struct's key order from the document's keys, with what the API can
 * change (a server's channel list, a group's recipients) read from the tables.
 * REAL: crates/core/models/src/v0/{servers,channels,server_members}.rs.
 * DIFF: a member's joined_at is not stored: Ready shows the time in the server's
 * ULID (ServerMemberJoin shows the time of the invite); a server has no
 * approximate_member_count; permissions are the mock's model (docs/fidelity.md
 * #permissions): owner or privileged user all, a member its server's defaults
 * plus the fixture's grant, no role or channel overrides
 * (docs/fidelity.md#gateway-objects). */
#include "ready.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "ids.h"
#include "jsonw.h"
#include "limits.h"
#include "store.h"
#include "wire.h"

/* REAL: permissions/src/models/channel.rs ChannelPermission::ViewChannel */
#define VIEW_CHANNEL (1ULL << 20)
#define TOPIC_MAX 96 /* an id and a suffix */

/* ---- from fixture documents ----------------------------------------------------- */

enum keep { KEEP_SET, KEEP_NONEMPTY, KEEP_TRUE, KEEP_NONZERO };

/* doc's value under key, written under the same key when it counts as set:
 * KEEP_SET any non-null value (Option), KEEP_NONEMPTY a non-empty object
 * (HashMap), KEEP_TRUE true (if_false), KEEP_NONZERO a number other than 0. */
static void doc_field(struct strbuf *sb, const cJSON *doc, const char *key, enum keep keep)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);
	if (!v || cJSON_IsNull(v))
		return;
	switch (keep) {
	case KEEP_SET:
		break;
	case KEEP_NONEMPTY:
		if (!v->child)
			return;
		break;
	case KEEP_TRUE:
		if (!cJSON_IsTrue(v))
			return;
		break;
	case KEEP_NONZERO:
		if (!cJSON_IsNumber(v) || v->valuedouble == 0)
			return;
		break;
	}
	char *text = cJSON_PrintUnformatted(v);
	if (!text)
		return;
	jsonw_key_n(sb, key, strlen(key));
	jsonw_raw(sb, text);
	free(text);
}

static void id_array(struct strbuf *sb, char **ids, size_t n)
{
	jsonw_open(sb, '[');
	for (size_t i = 0; i < n; i++)
		jsonw_string(sb, ids[i]);
	jsonw_close(sb, ']');
}

/* REAL: v0 Server - _id owner name description channels categories system_messages
 * roles default_permissions icon banner flags nsfw analytics discoverable */
int ready_server_json(struct strbuf *sb, const struct store_row *s)
{
	struct store_row *chans = NULL;
	size_t n = 0;
	if (store_server_channels(s->id, &chans, &n))
		return -1;
	cJSON *doc = cJSON_Parse(s->doc ? s->doc : "{}");
	jsonw_open(sb, '{');
	jsonw_key(sb, "_id");
	jsonw_string(sb, s->id);
	jsonw_key(sb, "owner");
	jsonw_string(sb, s->owner);
	jsonw_key(sb, "name");
	jsonw_string(sb, s->name);
	doc_field(sb, doc, "description", KEEP_SET);
	jsonw_key(sb, "channels");
	jsonw_open(sb, '[');
	for (size_t i = 0; i < n; i++)
		jsonw_string(sb, chans[i].id);
	jsonw_close(sb, ']');
	doc_field(sb, doc, "categories", KEEP_SET);
	doc_field(sb, doc, "system_messages", KEEP_SET);
	doc_field(sb, doc, "roles", KEEP_NONEMPTY);
	jsonw_key(sb, "default_permissions");
	jsonw_int(sb, s->default_permissions);
	doc_field(sb, doc, "icon", KEEP_SET);
	doc_field(sb, doc, "banner", KEEP_SET);
	doc_field(sb, doc, "flags", KEEP_NONZERO);
	doc_field(sb, doc, "nsfw", KEEP_TRUE);
	doc_field(sb, doc, "analytics", KEEP_TRUE);
	doc_field(sb, doc, "discoverable", KEEP_TRUE);
	jsonw_close(sb, '}');
	cJSON_Delete(doc);
	store_rows_free(chans, n);
	return 0;
}

/* REAL: v0 Channel, #[serde(tag = "channel_type")]:
 *   Group: _id name owner description recipients icon last_message_id permissions nsfw
 *   TextChannel (and the older VoiceChannel): _id server name description icon
 *   last_message_id default_permissions role_permissions nsfw voice */
int ready_channel_fields(struct strbuf *sb, const struct store_row *c)
{
	bool group = strcmp(c->channel_type, "Group") == 0;
	char **rec = NULL;
	size_t nrec = 0;
	if (group && store_recipients(c->id, &rec, &nrec))
		return -1;
	cJSON *doc = cJSON_Parse(c->doc ? c->doc : "{}");
	jsonw_key(sb, "channel_type");
	jsonw_string(sb, c->channel_type);
	jsonw_key(sb, "_id");
	jsonw_string(sb, c->id);
	if (group) {
		jsonw_key(sb, "name");
		jsonw_string(sb, c->name ? c->name : "");
		jsonw_key(sb, "owner");
		jsonw_string(sb, c->owner ? c->owner : "");
		doc_field(sb, doc, "description", KEEP_SET);
		jsonw_key(sb, "recipients");
		id_array(sb, rec, nrec);
		doc_field(sb, doc, "icon", KEEP_SET);
		doc_field(sb, doc, "last_message_id", KEEP_SET);
		if (c->has_permissions) {
			jsonw_key(sb, "permissions");
			jsonw_int(sb, c->permissions);
		}
		doc_field(sb, doc, "nsfw", KEEP_TRUE);
	} else {
		jsonw_key(sb, "server");
		jsonw_string(sb, c->server ? c->server : "");
		jsonw_key(sb, "name");
		jsonw_string(sb, c->name ? c->name : "");
		doc_field(sb, doc, "description", KEEP_SET);
		doc_field(sb, doc, "icon", KEEP_SET);
		doc_field(sb, doc, "last_message_id", KEEP_SET);
		doc_field(sb, doc, "default_permissions", KEEP_SET);
		doc_field(sb, doc, "role_permissions", KEEP_NONEMPTY);
		doc_field(sb, doc, "nsfw", KEEP_TRUE);
		doc_field(sb, doc, "voice", KEEP_SET);
	}
	cJSON_Delete(doc);
	store_ids_free(rec, nrec);
	return 0;
}

static int channel_object(struct strbuf *sb, const struct store_row *c)
{
	jsonw_open(sb, '{');
	int rc = ready_channel_fields(sb, c);
	jsonw_close(sb, '}');
	return rc;
}

static bool may_view(const struct store_row *server, const struct user *u)
{
	if (u->privileged || strcmp(server->owner, u->id) == 0)
		return true;
	return ((unsigned long long)(server->default_permissions | server->granted) & VIEW_CHANNEL) != 0;
}

/* Appends a copy of s to the list (*list, *n). */
static void push(char ***list, size_t *n, const char *s)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));
	char *copy = strdup(s);
	if (!grown || !copy) {
		if (grown)
			*list = grown;
		free(copy);
		return;
	}
	*list = grown;
	(*list)[(*n)++] = copy;
}

static bool listed(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* The channels of server u may view, as members of the array being written. */
static int visible_channel_items(struct strbuf *sb, const struct store_row *server, const struct user *u,
				 char ***ids, size_t *nids)
{
	if (!may_view(server, u))
		return 0;
	struct store_row *chans = NULL;
	size_t n = 0;
	int rc = store_server_channels(server->id, &chans, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = channel_object(sb, &chans[i]);
		if (ids)
			push(ids, nids, chans[i].id);
	}
	store_rows_free(chans, n);
	return rc;
}

int ready_visible_channels(struct strbuf *sb, const struct store_row *server, const struct user *u, char ***ids,
			   size_t *nids)
{
	jsonw_open(sb, '[');
	int rc = visible_channel_items(sb, server, u, ids, nids);
	jsonw_close(sb, ']');
	return rc;
}

void ready_member(struct strbuf *sb, const char *server_id, const char *user_id, long long joined_ms)
{
	jsonw_open(sb, '{');
	jsonw_key(sb, "_id");
	jsonw_open(sb, '{');
	jsonw_key(sb, "server");
	jsonw_string(sb, server_id);
	jsonw_key(sb, "user");
	jsonw_string(sb, user_id);
	jsonw_close(sb, '}');
	jsonw_key(sb, "joined_at");
	jsonw_time(sb, joined_ms);
	jsonw_close(sb, '}');
}

/* ---- Ready ---------------------------------------------------------------------- */

/* The status u's relations give other (NULL: none). */
static const char *relation_of(const cJSON *relations, const char *other)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, relations)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "_id");
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(it, "status");
		if (cJSON_IsString(id) && cJSON_IsString(st) && strcmp(id->valuestring, other) == 0)
			return st->valuestring;
	}
	return NULL;
}

/* users: the ids u knows (its relations, then fellow recipients of its groups),
 * each once, u itself left out, rendered as into_known does: a bot with
 * relationship "None", anyone else with u's relation to them; status and online
 * hidden from a user who blocked u (REAL: bridge/v0.rs into_known). */
static int known_users(struct strbuf *sb, const struct user *u, const cJSON *relations, struct store_row *groups,
		       size_t ngroups, char ***ids, size_t *nids)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, relations)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "_id");
		if (cJSON_IsString(id) && strcmp(id->valuestring, u->id) != 0 && !listed(*ids, *nids, id->valuestring))
			push(ids, nids, id->valuestring);
	}
	for (size_t g = 0; g < ngroups; g++) {
		char **rec = NULL;
		size_t nrec = 0;
		if (store_recipients(groups[g].id, &rec, &nrec))
			return -1;
		for (size_t i = 0; i < nrec; i++)
			if (strcmp(rec[i], u->id) != 0 && !listed(*ids, *nids, rec[i]))
				push(ids, nids, rec[i]);
		store_ids_free(rec, nrec);
	}
	for (size_t i = 0; i < *nids; i++) {
		struct user other = {0};
		int found = store_user_get((*ids)[i], &other);
		if (found < 0)
			return -1;
		if (found) {
			const char *rel = other.bot_owner ? "None" : relation_of(relations, other.id);
			bool visible = other.bot_owner || !rel || strcmp(rel, "BlockedOther") != 0;
			wire_user(sb, &other, VIEW_OTHER, rel ? rel : "None", visible);
		}
		user_release(&other);
	}
	return 0;
}

void ready_release(struct ready *r)
{
	strbuf_release(&r->json);
	store_ids_free(r->topics, r->ntopics);
	store_ids_free(r->servers, r->nservers);
	memset(r, 0, sizeof(*r));
}

int ready_build(const struct user *u, struct ready *out)
{
	struct store_row *servers = NULL, *groups = NULL;
	size_t nservers = 0, ngroups = 0;
	char **users = NULL;
	size_t nusers = 0;
	cJSON *relations = u->relations ? cJSON_Parse(u->relations) : NULL;
	struct strbuf *sb = &out->json;
	bool bot = u->bot_owner != NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (store_servers_of_user(u->id, &servers, &nservers) || store_groups_of_user(u->id, &groups, &ngroups))
		goto out;
	jsonw_open(sb, '{');
	jsonw_key(sb, "type");
	jsonw_string(sb, "Ready");
	jsonw_key(sb, "users");
	jsonw_open(sb, '[');
	if (known_users(sb, u, relations, groups, ngroups, &users, &nusers))
		goto out;
	wire_user(sb, u, VIEW_SELF, NULL, true);
	jsonw_close(sb, ']');

	jsonw_key(sb, "servers");
	jsonw_open(sb, '[');
	for (size_t i = 0; i < nservers; i++)
		if (ready_server_json(sb, &servers[i]))
			goto out;
	jsonw_close(sb, ']');

	/* topics (events.md §5.1): U!, U, every user in users, every server (and its
	 * member topic for a bot), every channel */
	char priv[TOPIC_MAX];
	snprintf(priv, sizeof(priv), "%s!", u->id);
	push(&out->topics, &out->ntopics, priv);
	push(&out->topics, &out->ntopics, u->id);
	for (size_t i = 0; i < nusers; i++)
		push(&out->topics, &out->ntopics, users[i]);
	for (size_t i = 0; i < nservers; i++) {
		push(&out->topics, &out->ntopics, servers[i].id);
		push(&out->servers, &out->nservers, servers[i].id);
		if (bot) {
			char member_topic[TOPIC_MAX];
			snprintf(member_topic, sizeof(member_topic), "%su", servers[i].id);
			push(&out->topics, &out->ntopics, member_topic);
		}
	}

	jsonw_key(sb, "channels");
	jsonw_open(sb, '[');
	for (size_t i = 0; i < ngroups; i++) {
		if (channel_object(sb, &groups[i]))
			goto out;
		push(&out->topics, &out->ntopics, groups[i].id);
	}
	for (size_t i = 0; i < nservers; i++)
		if (visible_channel_items(sb, &servers[i], u, &out->topics, &out->ntopics))
			goto out;
	jsonw_close(sb, ']');

	jsonw_key(sb, "members");
	jsonw_open(sb, '[');
	for (size_t i = 0; i < nservers; i++) {
		int64_t born = 0;
		ids_parse_ulid(servers[i].id, &born);
		ready_member(sb, servers[i].id, u->id, born);
	}
	jsonw_close(sb, ']');
	jsonw_key(sb, "emojis");
	jsonw_raw(sb, "[]");
	jsonw_key(sb, "voice_states");
	jsonw_raw(sb, "[]");
	/* REAL: impl.rs - no policy_changes for a bot. DIFF (opt-in): --ready-policy-changes
	 * always gives bots [] too, which stoat.js 7.3.4 needs
	 * (docs/fidelity.md#policy-changes) */
	if (!bot || config.ready_policy == READY_POLICY_ALWAYS) {
		jsonw_key(sb, "policy_changes");
		jsonw_raw(sb, "[]");
	}
	jsonw_close(sb, '}');
	rc = 0;
out:
	cJSON_Delete(relations);
	store_rows_free(servers, nservers);
	store_rows_free(groups, ngroups);
	store_ids_free(users, nusers);
	if (rc)
		ready_release(out);
	return rc;
}

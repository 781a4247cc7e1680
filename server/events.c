/* events.c: publishing, the event renderers, and what events do to subscriptions
 * (see events.h).
 *
 * The pending list is one per server: requests run one at a time under the
 * server lock, so the list always belongs to the request in flight. */
#include "events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "jsonw.h"
#include "ready.h"
#include "sessions.h"
#include "store.h"
#include "store_gateway.h"
#include "strbuf.h"

#define TOPIC_MAX 96

static struct event *pending, **pending_tail = &pending;
static uint64_t last_seq;
static void (*sink)(struct event *list);

/* Does delivering json subscribe anyone to anything (events_effects' additions:
 * ChannelCreate, ChannelGroupJoin, ServerCreate)? A frame that does not start
 * with its type may: counted as one that does. */
static bool adds_topics(const char *json)
{
	static const char *const adding[] = {"ChannelCreate\"", "ChannelGroupJoin\"", "ServerCreate\""};
	static const char prefix[] = "{\"type\":\"";
	if (strncmp(json, prefix, sizeof(prefix) - 1) != 0)
		return true;
	for (size_t i = 0; i < sizeof(adding) / sizeof(adding[0]); i++)
		if (strncmp(json + sizeof(prefix) - 1, adding[i], strlen(adding[i])) == 0)
			return true;
	return false;
}

struct event *event_new(const char *const *topics, size_t ntopics, char *json)
{
	struct event *ev = calloc(1, sizeof(*ev));
	if (!ev || !json || !(ev->topics = calloc(ntopics ? ntopics : 1, sizeof(char *)))) {
		free(ev);
		free(json);
		return NULL;
	}
	for (size_t i = 0; i < ntopics; i++)
		if ((ev->topics[ev->ntopics] = strdup(topics[i])))
			ev->ntopics++;
	ev->json = json;
	ev->len = strlen(json);
	ev->adds_topics = adds_topics(json);
	return ev;
}

void events_free(struct event *list)
{
	while (list) {
		struct event *ev = list;
		list = ev->next;
		for (size_t i = 0; i < ev->ntopics; i++)
			free(ev->topics[i]);
		free(ev->topics);
		free(ev->json);
		free(ev);
	}
}

void events_publish(const char *const *topics, size_t ntopics, char *json)
{
	struct event *ev = event_new(topics, ntopics, json);
	if (!ev)
		return;
	*pending_tail = ev;
	pending_tail = &ev->next;
}

void events_commit(void)
{
	struct event *list = pending;
	pending = NULL;
	pending_tail = &pending;
	for (struct event *ev = list; ev; ev = ev->next)
		ev->seq = ++last_seq;
	if (!list)
		return;
	if (sink)
		sink(list);
	else
		events_free(list);
}

void events_discard(void)
{
	events_free(pending);
	pending = NULL;
	pending_tail = &pending;
}

uint64_t events_last_seq(void) { return last_seq; }
void events_set_sink(void (*fn)(struct event *list)) { sink = fn; }
bool events_listened(void) { return sink && sessions_count() > 0; }

/* ---- renderers ------------------------------------------------------------------ */

/* Publishes sb's text to U and <S>u for each server S of U (p_user in the real
 * server). */
static void publish_user(const char *user_id, struct strbuf *sb)
{
	char **servers = NULL;
	size_t n = 0;
	if (store_server_ids_of_user(user_id, &servers, &n)) {
		strbuf_release(sb);
		return;
	}
	const char **topics = calloc(n + 1, sizeof(*topics));
	char (*member)[TOPIC_MAX] = calloc(n + 1, sizeof(*member));
	if (topics && member) {
		topics[0] = user_id;
		for (size_t i = 0; i < n; i++) {
			snprintf(member[i], TOPIC_MAX, "%su", servers[i]);
			topics[i + 1] = member[i];
		}
		events_publish(topics, n + 1, strbuf_detach(sb, NULL));
	}
	strbuf_release(sb);
	free(topics);
	free(member);
	store_ids_free(servers, n);
}

/* Publishes sb's text (emptied) to one topic. */
static void publish_to(const char *topic, struct strbuf *sb)
{
	const char *topics[] = {topic};
	events_publish(topics, 1, strbuf_detach(sb, NULL));
}

/* ... to U! (private in the real server): that user's sessions alone. */
static void publish_private(const char *user_id, struct strbuf *sb)
{
	char priv[TOPIC_MAX];
	snprintf(priv, sizeof(priv), "%s!", user_id);
	publish_to(priv, sb);
}

/* {"type":T,"id":I[,"user":U] ...then the caller's keys and the closing brace */
static void event_begin(struct strbuf *sb, const char *type, const char *id, const char *user)
{
	jsonw_open(sb, '{');
	jsonw_key(sb, "type");
	jsonw_string(sb, type);
	if (id) {
		jsonw_key(sb, "id");
		jsonw_string(sb, id);
	}
	if (user) {
		jsonw_key(sb, "user");
		jsonw_string(sb, user);
	}
}

/* {"type":"UserUpdate","id":U,"data":{ ...then the caller's keys, closed by
 * user_update_end */
static void user_update_begin(struct strbuf *sb, const char *user_id)
{
	event_begin(sb, "UserUpdate", user_id, NULL);
	jsonw_key(sb, "data");
	jsonw_open(sb, '{');
}

/* REAL: a UserUpdate is published with a ULID event_id that bonfire uses to send it
 * once per connection, then writes as null (events.md §5.1) */
static void user_update_end(struct strbuf *sb, const char *clear_json)
{
	jsonw_close(sb, '}');
	jsonw_key(sb, "clear");
	jsonw_raw(sb, clear_json);
	jsonw_key(sb, "event_id");
	jsonw_raw(sb, "null");
	jsonw_close(sb, '}');
}

/* REAL: users/model.rs update_username -> User::update (PartialUser, struct order) */
void events_user_renamed(const struct user *u, bool with_discriminator)
{
	struct strbuf sb = STRBUF_INIT;
	user_update_begin(&sb, u->id);
	jsonw_key(&sb, "username");
	jsonw_string(&sb, u->username);
	if (with_discriminator) {
		jsonw_key(&sb, "discriminator");
		jsonw_string(&sb, u->discriminator);
	}
	user_update_end(&sb, "[]");
	publish_user(u->id, &sb);
}

/* REAL: users/model.rs mark_deleted (events.md §5.2: nothing else, no Logout) */
void events_user_deleted(const char *user_id)
{
	struct strbuf sb = STRBUF_INIT;
	char name[128];
	snprintf(name, sizeof(name), "Deleted User %s", user_id);
	user_update_begin(&sb, user_id);
	jsonw_key(&sb, "username");
	jsonw_string(&sb, name);
	jsonw_key(&sb, "discriminator");
	jsonw_string(&sb, "0000");
	jsonw_key(&sb, "relations");
	jsonw_raw(&sb, "[]");
	jsonw_key(&sb, "flags");
	jsonw_int(&sb, USER_FLAG_DELETED);
	user_update_end(&sb, "[\"Avatar\",\"StatusText\",\"StatusPresence\",\"ProfileContent\",\"ProfileBackground\","
			     "\"Internal\"]");
	publish_user(user_id, &sb);
}

/* REAL: bots/model.rs remove_field(Token) - EventV1::Logout.private(bot id) */
void events_logout(const char *user_id)
{
	struct strbuf sb = STRBUF_INIT;
	event_begin(&sb, "Logout", NULL, NULL);
	jsonw_close(&sb, '}');
	publish_private(user_id, &sb);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts); /* not ids_now_ms: that would move a seeded clock */
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* REAL: server_members/model.rs Member::create - ServerMemberJoin to the server,
 * then ServerCreate privately to the new member (events.md §5.2) */
void events_server_joined(const char *server_id, const char *user_id)
{
	struct strbuf sb = STRBUF_INIT;
	struct store_row server = {0};
	struct user u = {0};
	event_begin(&sb, "ServerMemberJoin", server_id, user_id);
	jsonw_key(&sb, "member");
	ready_member(&sb, server_id, user_id, now_ms());
	jsonw_close(&sb, '}');
	publish_to(server_id, &sb);

	if (store_server_for_user(server_id, user_id, &server) != 1 || store_user_get(user_id, &u) != 1)
		goto out;
	event_begin(&sb, "ServerCreate", server_id, NULL);
	jsonw_key(&sb, "server");
	if (ready_server_json(&sb, &server))
		goto out;
	jsonw_key(&sb, "channels");
	if (ready_visible_channels(&sb, &server, &u, NULL, NULL))
		goto out;
	jsonw_key(&sb, "emojis");
	jsonw_raw(&sb, "[]");
	jsonw_key(&sb, "voice_states");
	jsonw_raw(&sb, "[]");
	jsonw_close(&sb, '}');
	publish_private(user_id, &sb);
out:
	strbuf_release(&sb);
	store_row_release(&server);
	user_release(&u);
}

/* REAL: channels/model.rs add_user_to_group - ChannelGroupJoin to the group, (a
 * system message, not emulated), then ChannelCreate privately to the new member */
void events_group_joined(const char *channel_id, const char *user_id)
{
	struct strbuf sb = STRBUF_INIT;
	struct store_row channel = {0};
	event_begin(&sb, "ChannelGroupJoin", channel_id, user_id);
	jsonw_close(&sb, '}');
	publish_to(channel_id, &sb);

	if (store_channel_row(channel_id, &channel) != 1)
		goto out;
	event_begin(&sb, "ChannelCreate", NULL, NULL);
	if (ready_channel_fields(&sb, &channel))
		goto out;
	jsonw_close(&sb, '}');
	publish_private(user_id, &sb);
out:
	strbuf_release(&sb);
	store_row_release(&channel);
}

/* REAL: crates/bonfire/src/events/impl.rs broadcast_presence_change */
struct event *events_presence(const char *user_id, bool online, char *const *servers, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	user_update_begin(&sb, user_id);
	jsonw_key(&sb, "online");
	jsonw_bool(&sb, online);
	user_update_end(&sb, "[]");
	const char **topics = calloc(n + 1, sizeof(*topics));
	if (!topics) {
		strbuf_release(&sb);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		topics[i] = servers[i];
	topics[n] = user_id;
	struct event *ev = event_new(topics, n + 1, strbuf_detach(&sb, NULL));
	free(topics);
	return ev;
}

/* ---- effects ---------------------------------------------------------------------- */

static void add_topic(char ***list, size_t *n, const char *a, const char *suffix)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));
	if (!grown)
		return;
	*list = grown;
	size_t len = strlen(a) + strlen(suffix) + 1;
	char *t = malloc(len);
	if (!t)
		return;
	snprintf(t, len, "%s%s", a, suffix);
	(*list)[(*n)++] = t;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

void events_effects(const char *json, size_t len, struct event_effects *out)
{
	memset(out, 0, sizeof(*out));
	cJSON *ev = cJSON_ParseWithLength(json, len);
	const char *type = str_of(ev, "type");
	if (!type)
		goto out;
	const char *id = str_of(ev, "id"), *user = str_of(ev, "user");
	if (strcmp(type, "Logout") == 0) {
		out->logout = true;
	} else if (strcmp(type, "ChannelCreate") == 0 && str_of(ev, "_id")) {
		add_topic(&out->add, &out->nadd, str_of(ev, "_id"), "");
	} else if (strcmp(type, "ChannelDelete") == 0 && id) {
		add_topic(&out->remove, &out->nremove, id, "");
	} else if (strcmp(type, "ChannelGroupJoin") == 0 && user) {
		add_topic(&out->add, &out->nadd, user, "");
	} else if (strcmp(type, "ChannelGroupLeave") == 0 && id && user) {
		add_topic(&out->remove, &out->nremove, id, "");
		out->self = strdup(user);
	} else if (strcmp(type, "ServerCreate") == 0 && id) {
		add_topic(&out->add, &out->nadd, id, "");
		const cJSON *c;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ev, "channels"))
		{
			const char *cid = str_of(c, "_id");
			if (cid)
				add_topic(&out->add, &out->nadd, cid, "");
		}
		size_t n = strlen(id) + 2;
		if ((out->add_bot = malloc(n)))
			snprintf(out->add_bot, n, "%su", id);
	} else if ((strcmp(type, "ServerDelete") == 0 && id) ||
		   (strcmp(type, "ServerMemberLeave") == 0 && id && user)) {
		add_topic(&out->remove, &out->nremove, id, "");
		add_topic(&out->remove, &out->nremove, id, "u");
		if (type[6] == 'M')
			out->self = strdup(user);
	}
out:
	cJSON_Delete(ev);
}

void events_effects_release(struct event_effects *e)
{
	for (size_t i = 0; i < e->nadd; i++)
		free(e->add[i]);
	for (size_t i = 0; i < e->nremove; i++)
		free(e->remove[i]);
	free(e->add);
	free(e->remove);
	free(e->add_bot);
	free(e->self);
	memset(e, 0, sizeof(*e));
}

/* events.h: what the events WebSocket publishes, and how an HTTP request
 * publishes it.
 *
 * A handler publishes while its request runs (under the server lock, inside the
 * request's transaction); the events wait in the request's pending list until
 * dispatch knows the outcome: events_commit() after a successful COMMIT hands
 * them, in order, to the gateway (never waiting for it), events_discard() after a
 * rollback forgets them. So a client never hears of a change that did not happen,
 * and hears of each one after the HTTP answer's data is durable. Events are not
 * durable themselves: a session that is not connected misses them, as with the
 * real server.
 *
 * The renderers of events.md §5.2 and §5.4 live here, in one place; each builds
 * the exact frame (key order, "event_id": null) and its topics (§5.1). */
#ifndef STOAT_EVENTS_H
#define STOAT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct event {
	struct event *next;
	uint64_t seq;   /* commit order, from 1; 0: published by the gateway itself */
	char **topics;
	size_t ntopics;
	char *json;     /* the frame */
	size_t len;
	bool adds_topics; /* delivering it subscribes sessions to more topics (events_effects) */
};

/* A new event (topics copied, json owned); NULL when out of memory (json freed). */
struct event *event_new(const char *const *topics, size_t ntopics, char *json);
/* Frees a list linked through next. */
void events_free(struct event *list);

/* ---- the request side (server lock held) ------------------------------------------ */

/* Appends to the pending list; json (malloc'd) is taken. */
void events_publish(const char *const *topics, size_t ntopics, char *json);
void events_commit(void);
void events_discard(void);
/* The seq of the last committed event (a session's Ready sees everything up to it). */
uint64_t events_last_seq(void);
/* Where committed events go (the gateway); without a sink they are freed. */
void events_set_sink(void (*sink)(struct event *list));
/* Could an event published now reach a session? False while the gateway is not
 * running or no session is open: an event published then would be sent to
 * nobody, since a session that opens later builds its Ready under the server
 * lock, after this request commits, and is never sent what its Ready already
 * shows (ready_seq). The bots API renders its events only when this is true
 * (PERF: a rename cost 19 000 instructions more without it). */
bool events_listened(void);

/* ---- events.md §5.2: what the bots API publishes ------------------------------------ */

/* PATCH with a name: UserUpdate {username[, discriminator]} to U and <server>u of
 * each of U's servers; the discriminator when the name changed beyond case. */
void events_user_renamed(const struct user *u, bool with_discriminator);
/* DELETE: UserUpdate "Deleted User <id>" to the same topics. */
void events_user_deleted(const char *user_id);
/* remove Token: Logout to U! (the sessions end after it). */
void events_logout(const char *user_id);
/* invite to a server: ServerMemberJoin to S, then ServerCreate to U!. */
void events_server_joined(const char *server_id, const char *user_id);
/* invite to a group: ChannelGroupJoin to G, then ChannelCreate to U!. */
void events_group_joined(const char *channel_id, const char *user_id);

/* ---- §5.4: presence, published by the gateway itself --------------------------------- */

/* UserUpdate {online} to U and each of servers[0..n). */
struct event *events_presence(const char *user_id, bool online, char *const *servers, size_t n);

/* ---- what an event does to the subscriptions of a session that receives it ---------- */

struct event_effects {
	bool logout;      /* Logout: the session ends after it */
	char *self;       /* when set: the effects apply only to this user's sessions */
	char **add, **remove; /* topics */
	size_t nadd, nremove;
	char *add_bot;    /* one more topic, for bot sessions only (<server>u) */
};

/* Reads json (an event frame): ChannelCreate +_id; ChannelDelete -id;
 * ChannelGroupJoin +user; ChannelGroupLeave of self -id; ServerCreate +id, +each
 * channel, +<id>u for bots; ServerDelete -id -<id>u; ServerMemberLeave of self
 * -id -<id>u; Logout. REAL: crates/bonfire/src/events/impl.rs (events.md §5.1). */
void events_effects(const char *json, size_t len, struct event_effects *out);
void events_effects_release(struct event_effects *e);

#endif

/* ready.h: the Ready event of the events WebSocket, built from the store, and the
 * Server, Channel and Member objects it shares with ServerCreate and
 * ChannelCreate (events.c). Everything here runs under the server lock.
 *
 * REAL: crates/bonfire/src/events/impl.rs generate_ready_payload,
 * crates/core/database/src/events/client.rs EventV1::Ready (events.md §2). */
#ifndef STOAT_READY_H
#define STOAT_READY_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "store_gateway.h"
#include "strbuf.h"

struct ready {
	struct strbuf json; /* the whole frame */
	char **topics;      /* what the session subscribes to after Ready (events.md §5.1) */
	size_t ntopics;
	char **servers;     /* the user's server ids (presence goes to them) */
	size_t nservers;
};

/* Ready for u (an authenticated user, bot or not): key order type, users,
 * servers, channels, members, emojis, voice_states[, policy_changes]; users are
 * those u knows (relations, fellow group recipients) from its perspective, then
 * u itself, last, as self. Its "online" is what presence says: the caller counts
 * the session (presence_add) first. Returns 0, or -1 on a store error (out is
 * released then). */
int ready_build(const struct user *u, struct ready *out);
void ready_release(struct ready *r);

/* The Server object (v0 key order; channels = every channel of the server). */
int ready_server_json(struct strbuf *sb, const struct store_row *server);
/* A JSON array of the channels of server that u may view. With ids non-NULL,
 * their ids are appended to *ids (*nids grows; the caller frees them). */
int ready_visible_channels(struct strbuf *sb, const struct store_row *server, const struct user *u, char ***ids,
			   size_t *nids);
/* The keys of a Channel object, without braces, channel_type first (ChannelCreate
 * carries them after its "type"). Groups read their recipients from the store. */
int ready_channel_fields(struct strbuf *sb, const struct store_row *channel);
/* A Member object: {"_id":{"server","user"},"joined_at"} (ms since the epoch). */
void ready_member(struct strbuf *sb, const char *server_id, const char *user_id, long long joined_ms);

#endif

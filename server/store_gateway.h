/* store_gateway.h: what the events gateway reads from the store (store_gateway.c):
 * a user's servers and groups, a server's channels, a group's recipients, for
 * Ready, ServerCreate, ChannelCreate and the topics of events. Same rules as
 * store.h: called under the server lock, 1/0/-1 for lookups, 0/-1 for lists
 * (filled arrays owned by the caller: store_rows_free / store_ids_free). */
#ifndef STOAT_STORE_GATEWAY_H
#define STOAT_STORE_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>

/* A server or a channel row, with its fixture document (doc, JSON text). */
struct store_row {
	char *id;
	char *channel_type;          /* channels: Group, TextChannel, VoiceChannel */
	char *server;                /* channels: the server; servers: NULL */
	char *owner;                 /* servers; groups */
	char *name;
	char *doc;
	long long default_permissions; /* servers */
	long long granted;             /* servers: what the member row grants the user */
	long long permissions;         /* groups: permissions for members */
	bool has_permissions;
};
void store_row_release(struct store_row *r);
void store_rows_free(struct store_row *rows, size_t n);
void store_ids_free(char **ids, size_t n);

/* The servers user_id is a member of, in server order, with its grant. */
int store_servers_of_user(const char *user_id, struct store_row **out, size_t *n);
/* One server with user_id's grant (0 when not a member). */
int store_server_for_user(const char *server_id, const char *user_id, struct store_row *out);
/* The ids of the servers user_id is a member of. */
int store_server_ids_of_user(const char *user_id, char ***out, size_t *n);
/* A server's channels, in channel order. */
int store_server_channels(const char *server_id, struct store_row **out, size_t *n);
/* The groups user_id is a recipient of, in channel order. */
int store_groups_of_user(const char *user_id, struct store_row **out, size_t *n);
int store_channel_row(const char *id, struct store_row *out);
/* A group's recipients, in the order they joined. */
int store_recipients(const char *channel_id, char ***out, size_t *n);

#endif

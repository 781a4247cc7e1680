/* fixtures.h: fixture documents <-> the store.
 *
 * A fixture document mirrors the wire shapes (so API responses can be pasted in):
 *   {"users": [User + "sessions": [{"token", "_id"?, "name"?}]],
 *    "bots": [Bot + "username", "discriminator" (the bot's user) ...],
 *    "servers": [{"_id","owner","name","default_permissions"?,
 *                 "members": [{"user","permissions"?}], "bans": [user id]}],
 *    "channels": [{"_id","channel_type":"Group","name","owner","recipients",
 *                  "permissions"?} | {"_id","channel_type":"TextChannel","server","name"}]}
 * The README documents every field. */
#ifndef STOAT_FIXTURES_H
#define STOAT_FIXTURES_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The bundled fixtures/default.json (embedded at build time). */
extern const char embedded_default_fixtures[];

/* Checks a whole document and inserts it into the (empty) store, inside the
 * caller's transaction. Returns 0, or -1 with "<json path>: <problem>" in err.
 * An unknown key (one the format neither reads nor knows from the real API's shape
 * of that object: the README's "Fixtures" section) is such a problem:
 * "$.bots[0].publc: unknown key". */
int fixtures_load(const cJSON *doc, char *err, size_t errlen);
/* Parses text first (the error then names the line). */
int fixtures_load_text(const char *text, size_t len, char *err, size_t errlen);

/* The same, but an unknown key is not refused: warn(arg, "$.bots[0].publc: unknown
 * key") is called for each and the key left out (not stored, so never exported). */
typedef void fixtures_warn_fn(void *arg, const char *problem);
int fixtures_load_text_warn(const char *text, size_t len, fixtures_warn_fn *warn, void *arg, char *err,
			    size_t errlen);

/* The whole state as a fixture document (caller frees); NULL on a store error.
 * Loading the export into an empty store and exporting again gives the same bytes. */
cJSON *fixtures_export(void);

#endif

/* wire.h: stored objects -> the JSON shapes clients parse, with the real omission
 * rules and key order; and request-body decoding with serde's rules. */
#ifndef STOAT_WIRE_H
#define STOAT_WIRE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "model.h"
#include "strbuf.h"

/* How a User is rendered (auth-and-users.md §2.2). */
enum user_view {
	VIEW_SELF, /* into_self: relationship "User", own relations shown */
	VIEW_NONE, /* no perspective: relationship "None", relations omitted */
	VIEW_OTHER /* seen by another user: relationship given, relations omitted */
};

/* The answers are appended to sb as JSON text (jsonw.h).
 * REAL: crates/core/models/src/v0/bots.rs Bot, bridge/v0.rs */
void wire_bot(struct strbuf *sb, const struct bot *b);
/* relationship is used for VIEW_OTHER only; show_status false leaves out the
 * status a caller without ViewProfile may not see. */
void wire_user(struct strbuf *sb, const struct user *u, enum user_view view, const char *relationship,
	       bool show_status);
/* BotWithUserResponse: the bot keys, then "user" as self. */
void wire_bot_with_user(struct strbuf *sb, const struct bot *b, const struct user *u);
/* PublicBot: _id, username, avatar (file id), description. */
void wire_public_bot(struct strbuf *sb, const struct bot *b, const struct user *u);

/* ---- request bodies -------------------------------------------------------- */

/* How a body or a value failed to decode: Rocket answers 400 for serde_json's
 * syntax/EOF/IO categories and 422 for its data category. */
enum decode {
	DECODE_OK = 0,
	DECODE_400 = 400,
	DECODE_422 = 422,
};

/* Strict JSON syntax as serde_json: RFC 8259, no BOM, depth <= 128, finite
 * numbers, paired surrogates, no raw control characters, only trailing
 * whitespace. Returns DECODE_OK or DECODE_400. */
enum decode wire_json_syntax(const char *s, size_t n);

/* NUL inside JSON strings. serde keeps an escaped \u0000 in a String; cJSON ends
 * its strings at the first NUL, which would cut "ab\u0000cd" to a valid "ab". So
 * a body travels with each escaped NUL as the byte WIRE_NUL (never part of UTF-8
 * text, which the body was checked to be): keys with it match no field, names
 * with it fail the pattern, and stored values keep it until the reply is written,
 * where wire_nul_escape() turns it back into \u0000. */
#define WIRE_NUL '\xff'
/* For text that passed wire_json_syntax: NULL when it has no escaped NUL, else a
 * malloc'd copy with each \u0000 escape replaced by WIRE_NUL (*len set). */
char *wire_nul_unescape(const char *s, size_t n, size_t *len);
/* Rewrites every WIRE_NUL byte of the malloc'd reply body *body as \u0000. */
void wire_nul_escape(char **body, size_t *len);

/* Reads a serde struct from an object or (by position) an array: vals[i] gets the
 * value of fields[i] (possibly a JSON null), or NULL when absent. A known field given twice is
 * 422; unknown keys are ignored; an array longer than nfields is 400, shorter than
 * nrequired is 422; any other JSON type is 422. */
enum decode wire_struct(const cJSON *v, const char *const *fields, size_t nfields, size_t nrequired,
			const cJSON **vals);

#endif

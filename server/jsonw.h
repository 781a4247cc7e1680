/* jsonw.h: JSON text written straight into a strbuf, for the answers served most
 * (bots, users, errors). Byte for byte what cJSON_PrintUnformatted prints for the
 * same tree, which is also what serde_json writes: no spaces, strings with '"',
 * '\\' and the control characters escaped (\b \f \n \r \t, else \u00xx in lower
 * case), every other byte as it is. Keys are string literals (never escaped).
 * PERF: building, printing and freeing a cJSON tree was half of a GET /bots/{id}
 * (docs/performance.md#json). */
#ifndef STOAT_JSONW_H
#define STOAT_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* s as a JSON string, quotes included, into out; returns the bytes written. With
 * out NULL, only counts them. */
size_t jsonw_quote(char *out, const char *s);

/* Each value appends to an object or array being written: a ',' first unless it
 * is the first member. jsonw_key() writes the separator and "key": itself, so the
 * value after a key is written with the plain functions below. */
void jsonw_open(struct strbuf *sb, char bracket);  /* '{' or '[' (with separator) */
void jsonw_close(struct strbuf *sb, char bracket); /* '}' or ']' */
/* key must be a string literal (its length is taken with sizeof) */
#define jsonw_key(sb, key) jsonw_key_n((sb), "" key, sizeof(key) - 1)
void jsonw_key_n(struct strbuf *sb, const char *key, size_t len);
void jsonw_string(struct strbuf *sb, const char *s);
void jsonw_bool(struct strbuf *sb, bool v);
void jsonw_int(struct strbuf *sb, long long v);
void jsonw_raw(struct strbuf *sb, const char *json); /* a JSON text, as it is */

/* ms since the Unix epoch as ISO 8601 UTC with milliseconds, the way the real
 * server writes a time ("2026-01-01T00:00:00.000Z"): the text without quotes,
 * into out (at least JSONW_TIME_MAX bytes). */
#define JSONW_TIME_MAX 40
void jsonw_time_text(char *out, long long ms);
/* The same as a JSON string value. */
void jsonw_time(struct strbuf *sb, long long ms);

#endif

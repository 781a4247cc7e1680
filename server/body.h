/* body.h: what the server does with a request body after the data guard
 * (jsonguard.h) accepted it: carry escaped NULs through cJSON, and read a serde
 * struct out of the decoded tree. Answers are written by wire.h; the JSON syntax
 * and shape rules themselves live in jsonguard.h. */
#ifndef STOAT_BODY_H
#define STOAT_BODY_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* How a body or a value failed to decode: Rocket answers 400 for serde_json's
 * syntax/EOF/IO categories and 422 for its data category. */
enum decode {
	DECODE_OK = 0,
	DECODE_400 = 400,
	DECODE_422 = 422,
};

/* NUL inside JSON strings. serde keeps an escaped \u0000 in a String; cJSON ends
 * its strings at the first NUL, which would cut "ab\u0000cd" to a valid "ab". So
 * a body travels with each escaped NUL as the byte BODY_NUL (never part of UTF-8
 * text, which the body was checked to be): keys with it match no field, names
 * with it fail the pattern, and stored values keep it until the reply is written,
 * where body_nul_escape() turns it back into \u0000. */
#define BODY_NUL '\xff'
/* For strict JSON text (what jsonguard_check hands back): NULL when it has no
 * escaped NUL, else a malloc'd copy with each \u0000 escape replaced by BODY_NUL
 * (*len set). */
char *body_nul_unescape(const char *s, size_t n, size_t *len);
/* Rewrites every BODY_NUL byte of the malloc'd reply body *body as \u0000. */
void body_nul_escape(char **body, size_t *len);

/* Reads a serde struct from an object or (by position) an array: vals[i] gets the
 * value of fields[i] (possibly a JSON null), or NULL when absent. A known field given twice is
 * 422; unknown keys are ignored; an array longer than nfields is 400, shorter than
 * nrequired is 422; any other JSON type is 422. */
enum decode body_struct(const cJSON *v, const char *const *fields, size_t nfields, size_t nrequired,
			const cJSON **vals);

#endif

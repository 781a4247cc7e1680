/* body.h: an escaped NUL's way from a request body to an answer.
 *
 * serde keeps an escaped \u0000 in a String, but the server works on C strings,
 * which would end at it ("ab\u0000cd" would become a valid "ab"). So jsonguard
 * decodes each escaped NUL to the byte BODY_NUL (never part of UTF-8 text, which
 * the body was checked to be): keys with it match no field, names with it fail the
 * pattern, and stored values keep it until the answer is written, where
 * body_nul_escape() turns it back into \u0000. */
#ifndef STOAT_BODY_H
#define STOAT_BODY_H

#include <stddef.h>

#define BODY_NUL '\xff'

/* Rewrites every BODY_NUL byte of the malloc'd answer body *body as \u0000. */
void body_nul_escape(char **body, size_t *len);

#endif

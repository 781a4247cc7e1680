/* jsonguard.h: Rocket's Json<T> data guard, as serde_json 1.0.150 and serde_derive
 * decide it for the body types of the emulated routes: accepted, 400 or 422.
 *
 * REAL: Rocket v0.5.1 core/lib/src/serde/json.rs - serde_json::from_str, then 422
 * for an error of serde_json's Data category and 400 for every other (Syntax, Eof).
 * serde_json reads the body as one stream and stops at the first error, so which
 * of the two a body gets depends on what comes first in it: {"public":"yes" ...garbage
 * is 422 (a wrong type is seen before the garbage), while unknown fields are
 * skipped by a lenient scanner (no depth limit, no number range, lone surrogates
 * allowed) and never fail for their content. A strict whole-body syntax check
 * followed by a shape check cannot reproduce that; this module walks the body the
 * way serde_json does, with the type's shape in hand.
 *
 * On success it also hands back the body normalised for the handlers: known
 * fields only, structs as objects (an array body becomes an object), enum values
 * as plain strings, untagged enums reduced to the variant that matched. The
 * handlers then decode that with cJSON and never see what serde_json skipped. */
#ifndef STOAT_JSONGUARD_H
#define STOAT_JSONGUARD_H

#include <stdbool.h>
#include <stddef.h>

struct jg_type;

/* The body type of a route (by its name in routes.c), or NULL when it has none
 * described here (route_table_check() refuses a ROUTE_BODY row without one). */
const struct jg_type *jsonguard_body_type(const char *route_name);

/* Decides a UTF-8 body of n bytes. Returns 0 and sets *normal (malloc'd,
 * NUL-terminated JSON text; the caller frees it), or returns 400 or 422. */
int jsonguard_check(const struct jg_type *t, const char *body, size_t n, char **normal);

#endif

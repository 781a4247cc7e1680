/* catcher.h: Rocket 0.5.1's default catcher pages (family B).
 * REAL: Rocket v0.5.1 core/lib/src/catcher/catcher.rs default_handler; the JSON or
 * HTML variant is chosen by the request's preferred Accept media type
 * (core/http/src/header/accept.rs Accept::preferred). */
#ifndef STOAT_CATCHER_H
#define STOAT_CATCHER_H

#include <stdbool.h>

/* True when the preferred media type of this Accept header value is
 * application/json (parameters ignored). NULL or unparsable → false (HTML). */
bool catcher_prefers_json(const char *accept);

/* The page for code (400, 401, 404, 413, 422, 500, or any other code Rocket
 * knows), as malloc'd bytes; *ctype is a static Content-Type. */
char *catcher_page(int code, bool json, const char **ctype);

#endif

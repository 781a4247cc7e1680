/* control_origin.h: the control API is not a cross-site door.
 *
 * Any web page a developer has open while stoat-mock runs can make the browser send
 * requests to it: a form post, fetch() in no-cors mode. The browser sends them with
 * the page's Origin whether or not the page may read the answer, so for /_mock
 * (unless --no-control) two rules hold:
 *   1. no answer carries a CORS grant: the CORS fairing does not run for /_mock, and
 *      an OPTIONS preflight gets the catch-all's 200 without one, so no other site
 *      reads the state, its tokens or the journal;
 *   2. a request that can change something (any method but GET, HEAD and OPTIONS)
 *      whose Origin is not the server's own is refused with 403 before routing:
 *      nothing runs. A request without an Origin passes (curl, test suites, any
 *      client outside a browser): a browser sends one with every cross-site POST,
 *      PUT, PATCH or DELETE.
 * The server's own origins: http://HOST where HOST is the request's Host header (the
 * address the dashboard was loaded from), and the origin of --public-url (a proxy in
 * front of the mock, https included). Both are compared after the url crate's
 * serialisation (url_origin: lower case, default port dropped). "null", an opaque
 * origin and one that does not parse are never our own.
 *
 * Not covered: DNS rebinding (a site whose name is made to resolve to the mock's
 * address has the Host it sends as its origin); the mock listens on 127.0.0.1 by
 * default. The emulated API keeps the real server's CORS (rocket.h). */
#ifndef STOAT_CONTROL_ORIGIN_H
#define STOAT_CONTROL_ORIGIN_H

#include <stdbool.h>

#include "request.h"

/* Called by dispatch for a /_mock request in place of the CORS fairing. Returns
 * true when the request is answered here: refused (403, rp filled) or an OPTIONS
 * (200, empty, no CORS headers). Else the request goes on to its route. */
bool control_origin_check(const struct request *rq, struct reply *rp);

/* Whether origin (an Origin header) is the server's own for a request that came
 * with this Host header (NULL when none). */
bool control_origin_own(const char *origin, const char *host);

#endif

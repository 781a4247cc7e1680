/* auth.h: the user guard. x-bot-token first (it alone decides when present), then
 * x-session-token. REAL: crates/core/database/src/models/users/rocket.rs */
#ifndef STOAT_AUTH_H
#define STOAT_AUTH_H

#include "request.h"

/* Fills rq->who and rq->caller. A database failure counts as no caller (the real
 * guard turns it into 401 too). */
enum principal_kind auth_resolve(struct request *rq);

/* The auth header kind for logs and the journal: "bot", "session", "oauth2" or
 * "none". Never the token. */
const char *auth_header_kind(const struct request *rq);

#endif

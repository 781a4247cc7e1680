/* rocket.h: what Rocket 0.5.1 and rocket_cors (rev 072d9035) do around every
 * route of the real server, as the real configuration sets them up
 * (crates/delta/src/main.rs): method checks, the `_method` form override, media
 * types, the Server and Shield headers, and CORS. The pages themselves are in
 * catcher.h, the rate limiter in ratelimit.h; dispatch.c runs them in order:
 *
 *   method check -> _method override -> [request fairings: rate limiter, CORS]
 *   -> routing -> guards -> handler -> Server -> [response fairings: Shield,
 *   rate limiter, CORS] -> (HEAD: body stripped by http.c)
 *
 * Header names are written lower-case, as hyper puts them on the wire. */
#ifndef STOAT_ROCKET_H
#define STOAT_ROCKET_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

/* GET PUT POST DELETE OPTIONS HEAD TRACE CONNECT PATCH, case-sensitive.
 * REAL: Rocket core/http/src/method.rs Method::from_hyp; anything else is a 400
 * page answered before any fairing (core/lib/src/server.rs, from_hyp error). */
bool rocket_method_standard(const char *method);

/* A method name compared case-insensitively (Method::from_str), as the static
 * upper-case name; NULL when it is none of the nine. */
const char *rocket_method_parse(const char *s, size_t n);

/* REAL: core/lib/src/server.rs preprocess_request - a POST whose Content-Type is
 * application/x-www-form-urlencoded and whose first 14 body bytes start with a
 * `_method=<verb>` field is routed as that verb. Returns the new method (static)
 * or NULL. */
const char *rocket_method_override(const struct request *rq);

/* One media type (core/http/src/parse/media_type.rs): top/sub are views into the
 * parsed text. */
struct media_type {
	const char *top, *sub;
	size_t top_len, sub_len;
	const char *q;       /* value of a first parameter named q, or NULL */
	size_t q_len;
	int nparams;
};
/* Parses a whole Content-Type style value; 0 or -1. */
int rocket_media_type(const char *s, size_t n, struct media_type *mt);
bool rocket_media_is(const struct media_type *mt, const char *top, const char *sub);

/* REAL: core/http/src/header/accept.rs Accept::preferred over the first Accept
 * header (parse/accept.rs). Fills *mt with the preferred type and returns 0; -1
 * when there is no Accept header or it does not parse (Rocket then has none). */
int rocket_accept_preferred(const char *accept, struct media_type *mt);

/* The result of the CORS request fairing (rocket_cors fairing.rs on_request). */
enum cors_kind {
	CORS_NONE,      /* no Origin header: not a CORS request */
	CORS_ACTUAL,    /* a valid Origin on a non-OPTIONS request */
	CORS_PREFLIGHT, /* OPTIONS with a valid Origin and request method */
	CORS_FAILED,    /* rewritten to GET /cors/400: a 400 page, no CORS headers */
};
struct cors {
	enum cors_kind kind;
	bool origin_bad;   /* the Origin header does not parse (see rocket_cors_reply) */
	char origin[512];  /* its ASCII serialisation, echoed as Allow-Origin */
};

/* REAL: rocket_cors lib.rs validate() with AllowedOrigins::All, the nine methods
 * and all headers, for the request's current method. */
void rocket_cors_request(const struct request *rq, struct cors *c);

/* The serialisation of an Origin header value as rocket_cors echoes it
 * (headers.rs Origin: "null", url::Origin::ascii_serialization of a tuple origin
 * (url_origin, url.h), or the input itself for an opaque one). Returns 0, or -1
 * when url::Url::parse would fail. */
int rocket_cors_origin(const char *in, char *out, size_t size);

/* The catch-all OPTIONS route (rocket_cors catch_all_options_routes): 200, empty
 * body, the preflight headers merged once here (and again by rocket_cors_reply). */
enum err rocket_options_catch_all(struct request *rq, struct reply *rp);

/* GET /cors/<status> (rocket_cors fairing.rs FairingErrorRoute): the page for
 * that status when Rocket knows it, else the 500 page. */
enum err rocket_cors_status(struct request *rq, struct reply *rp);

/* Status codes Rocket's Status::from_code knows (core/http/src/status.rs). */
bool rocket_status_known(int code);

/* Response side, in the real order: Server (if absent), then the Shield headers
 * (each if absent). REAL: server.rs dispatch, shield/shield.rs defaults. */
void rocket_server_shield(struct reply *rp);

/* rocket_cors fairing on_response for the request's current method: CORS headers
 * for a valid CORS request; nothing for none or a failed one; status 500 when the
 * Origin header does not parse (on_response_wrapper's `origin(request)?` fails
 * and the fairing turns that into an internal error, keeping the body). */
void rocket_cors_reply(const struct request *rq, const struct cors *c, struct reply *rp);

#endif

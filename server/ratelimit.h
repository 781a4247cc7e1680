/* ratelimit.h: the real server's rate limiter (family C of errors.h), on with
 * --rate-limits (STOAT_MOCK_RATE_LIMITS); off, none of this runs.
 *
 * REAL: crates/core/ratelimits/src/ratelimiter.rs (window, key), rocket.rs (the
 * fairing: before routing, auth and body; the four headers on every response;
 * a rejected request is rewritten to GET /ratelimit and answered 429),
 * crates/delta/src/util/ratelimits.rs (buckets and limits).
 *
 * Facts the rest of the server relies on (root-and-ratelimits.md §2):
 * - every request counts: any method, any path, 404s included;
 * - the key is SipHash-1-3 with zero keys (Rust's DefaultHasher) over
 *   identity ‖ bucket ‖ resource, and is also the X-RateLimit-Bucket value;
 * - identity = the session id when x-session-token names a session, else the
 *   client IP (X-Forwarded-For when its whole value is one IP, else the peer);
 * - fixed 10 s windows: at most `limit` requests pass per window.
 * Counters live in this process only, like the real server's DashMap.
 * Not thread-safe: the caller holds the dispatch lock. */
#ifndef STOAT_RATELIMIT_H
#define STOAT_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request.h"

#define RATELIMIT_WINDOW_MS 10000 /* REAL: ratelimiter.rs Duration::from_secs(10) */

/* The limiter's verdict for one request (the real `Ratelimiter` guard value). */
struct ratelimit {
	uint64_t key;       /* X-RateLimit-Bucket */
	unsigned limit;     /* X-RateLimit-Limit */
	unsigned remaining; /* X-RateLimit-Remaining, after this request */
	uint64_t reset_ms;  /* X-RateLimit-Reset-After; retry_after of a 429 */
	bool limited;       /* the bucket was empty: the answer is the 429 */
};

/* Counts rq against its bucket and fills *rl. Returns false when the request is
 * rate-limited (rl->limited): the caller answers ratelimit_info() and nothing of
 * the original route runs. rq->seg must be split already. */
bool ratelimit_check(const struct request *rq, struct ratelimit *rl);

/* The bucket name and its resource (NULL = none; *rlen its length) for a request,
 * from its first decoded segments and its method. */
const char *ratelimit_bucket(const struct request *rq, const char **resource, size_t *rlen);
/* REAL: util/ratelimits.rs resolve_bucket_limit */
unsigned ratelimit_bucket_limit(const char *bucket);
/* The identity string of the key (session id or client IP) into buf. */
void ratelimit_identity(const struct request *rq, char *buf, size_t size);
/* Rust's IpAddr::from_str then Display: 0 and the canonical text in out when s is
 * exactly one IPv4 or IPv6 address, else -1. */
int ratelimit_ip_canonical(const char *s, char *out, size_t size);

/* SipHash-1-3 with k0 = k1 = 0 over the concatenation of the n parts: what
 * Rust's DefaultHasher::new() + write(part)... + finish() computes. */
uint64_t ratelimit_siphash13(const void *const *parts, const size_t *lens, size_t n);

/* GET /ratelimit (REAL: ratelimits/src/rocket.rs ratelimit_info): 200 with
 * {"key","limit","remaining","reset"}, or {"retry_after"} for a limited request
 * (the 429 status is set by ratelimit_reply). 404 page when the limiter is off. */
enum err ratelimit_info(struct request *rq, struct reply *rp);

/* The fairing's response hook: the four X-RateLimit-* headers, and status 429
 * when the request was limited. */
void ratelimit_reply(const struct ratelimit *rl, struct reply *rp);

/* Forgets every counter (tests, /_mock/reset). */
void ratelimit_clear(void);

#endif

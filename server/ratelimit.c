/* ratelimit.c: buckets, keys, the fixed window and the headers (see ratelimit.h).
 * REAL: crates/core/ratelimits/src/{ratelimiter,rocket}.rs,
 * crates/delta/src/util/ratelimits.rs, crates/core/database/src/util/ip.rs. */
#include "ratelimit.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catcher.h"
#include "store.h"
#include "url.h"

/* ---- the key: Rust's DefaultHasher ---------------------------------------------- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

static void sip_block(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v); /* c = 1 */
	v[0] ^= m;
}

/* REAL: std DefaultHasher = SipHasher13 with zero keys; successive write() calls
 * hash like one write of the concatenation (the tail carries over). */
uint64_t ratelimit_siphash13(const void *const *parts, const size_t *lens, size_t n)
{
	uint64_t v[4] = {0x736f6d6570736575ULL, 0x646f72616e646f6dULL, 0x6c7967656e657261ULL,
			 0x7465646279746573ULL};
	uint64_t tail = 0;
	unsigned ntail = 0;
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = parts[i];
		for (size_t k = 0; k < lens[i]; k++) {
			tail |= (uint64_t)p[k] << (8 * ntail);
			if (++ntail == 8) {
				sip_block(v, tail);
				tail = 0;
				ntail = 0;
			}
		}
		total += lens[i];
	}
	uint64_t b = ((total & 0xff) << 56) | tail;
	sip_block(v, b);
	v[2] ^= 0xff;
	sip_round(v); /* d = 3 */
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* ---- bucket, limit, identity ----------------------------------------------------- */

static bool seg_is(const struct request *rq, int i, const char *s)
{
	return i < rq->nseg && rq->seglen[i] == strlen(s) && memcmp(rq->seg[i], s, rq->seglen[i]) == 0;
}

/* REAL: util/ratelimits.rs resolve_bucket - on request.routed_segment(n), the
 * non-empty percent-decoded segments (a leading "0.8" is already skipped in
 * rq->seg, as the real code skips it), and the method the fairing sees. */
const char *ratelimit_bucket(const struct request *rq, const char **resource, size_t *rlen)
{
	*resource = NULL;
	*rlen = 0;
	const char *m = rq->method;
	if (rq->nseg == 0)
		return "any";
	if (seg_is(rq, 0, "users")) {
		if (strcmp(m, "PATCH") == 0) {
			if (rq->nseg > 1) {
				*resource = rq->seg[1];
				*rlen = rq->seglen[1];
			}
			return "user_edit";
		}
		return seg_is(rq, 2, "default_avatar") ? "default_avatar" : "users";
	}
	if (seg_is(rq, 0, "bots"))
		return "bots";
	if (seg_is(rq, 0, "channels") && rq->nseg > 1) {
		*resource = rq->seg[1];
		*rlen = rq->seglen[1];
		return strcmp(m, "POST") == 0 && seg_is(rq, 2, "messages") ? "messaging" : "channels";
	}
	if (seg_is(rq, 0, "servers") && rq->nseg > 1) {
		*resource = rq->seg[1];
		*rlen = rq->seglen[1];
		return "servers";
	}
	if (seg_is(rq, 0, "auth"))
		return strcmp(m, "DELETE") == 0 ? "auth_delete" : "auth";
	if (seg_is(rq, 0, "swagger"))
		return "swagger";
	if (seg_is(rq, 0, "safety")) {
		if (seg_is(rq, 1, "report")) {
			*resource = "report";
			*rlen = 6;
			return "safety_report";
		}
		return "safety";
	}
	return "any";
}

unsigned ratelimit_bucket_limit(const char *bucket)
{
	static const struct {
		const char *bucket;
		unsigned limit;
	} limits[] = {
		{"user_edit", 2}, {"users", 20},    {"bots", 10},        {"messaging", 10},
		{"channels", 15}, {"servers", 5},   {"auth", 15},        {"auth_delete", 255},
		{"default_avatar", 255},            {"swagger", 100},    {"safety", 15},
		{"safety_report", 3},
	};
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (strcmp(bucket, limits[i].bucket) == 0)
			return limits[i].limit;
	return 20; /* REAL: `_ => 20` (any) */
}

/* Rust's Ipv6Addr Display: an IPv4-mapped address as ::ffff:a.b.c.d, otherwise
 * the common form (url_ipv6_text). */
static void ipv6_rust(const unsigned char b[16], char *out, size_t size)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(b, mapped, sizeof(mapped)) == 0)
		snprintf(out, size, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
	else
		url_ipv6_text(b, out, size);
}

int ratelimit_ip_canonical(const char *s, char *out, size_t size)
{
	unsigned char b[16];
	/* glibc's inet_pton takes the same strict forms as Rust's parser (four
	 * decimal parts without leading zeros; RFC 4291 text without a zone) */
	if (inet_pton(AF_INET, s, b) == 1) {
		snprintf(out, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		ipv6_rust(b, out, size);
		return 0;
	}
	return -1;
}

/* REAL: ratelimits/src/rocket.rs - the Session guard's id when x-session-token
 * matches a session (bot tokens never count), else to_real_ip(): Rocket's
 * client_ip() with ip_header X-Forwarded-For, unwrap_or_default(). */
void ratelimit_identity(const struct request *rq, char *buf, size_t size)
{
	if (rq->session_token && store_session_id(rq->session_token, buf, size) == 1)
		return;
	if (rq->forwarded_for && ratelimit_ip_canonical(rq->forwarded_for, buf, size) == 0)
		return;
	if (ratelimit_ip_canonical(rq->client_ip, buf, size) == 0)
		return;
	buf[0] = 0;
}

/* ---- the counters ------------------------------------------------------------------ */

/* REAL: ratelimiter.rs Entry { used, reset } in a DashMap<u64, Entry>. An expired
 * entry behaves exactly like an absent one, so growing the table drops them. */
struct entry {
	uint64_t key;
	uint64_t reset; /* absolute ms */
	unsigned used;
	bool live;
};

static struct entry *table;
static size_t cap, count;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct entry *slot(struct entry *t, size_t c, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 32)) & (c - 1);
	while (t[i].live && t[i].key != key)
		i = (i + 1) & (c - 1);
	return &t[i];
}

static int grow(uint64_t now)
{
	size_t ncap = cap ? cap : 256;
	size_t keep = 0;
	for (size_t i = 0; i < cap; i++)
		keep += table[i].live && table[i].reset >= now;
	while (keep * 2 >= ncap)
		ncap *= 2;
	struct entry *t = calloc(ncap, sizeof(*t));
	if (!t)
		return -1;
	for (size_t i = 0; i < cap; i++)
		if (table[i].live && table[i].reset >= now)
			*slot(t, ncap, table[i].key) = table[i];
	free(table);
	table = t;
	cap = ncap;
	count = keep;
	return 0;
}

void ratelimit_clear(void)
{
	free(table);
	table = NULL;
	cap = count = 0;
}

bool ratelimit_check(const struct request *rq, struct ratelimit *rl)
{
	char identity[128];
	const char *resource;
	size_t rlen;
	const char *bucket = ratelimit_bucket(rq, &resource, &rlen);
	ratelimit_identity(rq, identity, sizeof(identity));
	const void *parts[3] = {identity, bucket, resource};
	size_t lens[3] = {strlen(identity), strlen(bucket), rlen};
	rl->key = ratelimit_siphash13(parts, lens, resource ? 3 : 2);
	rl->limit = ratelimit_bucket_limit(bucket);
	rl->limited = false;

	uint64_t now = now_ms();
	if ((count + 1) * 2 > cap && grow(now)) {
		/* out of memory: let the request through unmetered */
		rl->remaining = rl->limit - 1;
		rl->reset_ms = RATELIMIT_WINDOW_MS;
		return true;
	}
	struct entry *e = slot(table, cap, rl->key);
	if (!e->live) {
		/* REAL: Entry::from - a new key starts at used 0, reset now + 10 s */
		*e = (struct entry){rl->key, now + RATELIMIT_WINDOW_MS, 0, true};
		count++;
	}
	/* REAL: get_remaining / left_until_reset, then reject at 0 without recording */
	bool expired = now > e->reset;
	rl->remaining = expired ? rl->limit : rl->limit - e->used;
	rl->reset_ms = e->reset > now ? e->reset - now : 0;
	if (rl->remaining == 0) {
		rl->limited = true;
		return false;
	}
	/* REAL: deduct - a new window starts at the first request after expiry */
	if (expired) {
		e->used = 1;
		e->reset = now + RATELIMIT_WINDOW_MS;
	} else {
		e->used++;
	}
	rl->remaining--;
	rl->reset_ms = e->reset > now ? e->reset - now : 0;
	return true;
}

/* ---- the answers ------------------------------------------------------------------- */

enum err ratelimit_info(struct request *rq, struct reply *rp)
{
	const struct ratelimit *rl = rq->rl;
	char buf[160];
	if (!rl) {
		/* DIFF: without --rate-limits there is no limiter, so no /ratelimit
		 * (docs/fidelity.md#ratelimit-control) */
		return reply_catcher(rp, 404);
	}
	/* REAL: RatelimitInformation, #[serde(untagged)]: Failure { retry_after } or the
	 * Ratelimiter struct (key, limit, remaining, reset). Written by hand: a u64 key
	 * does not survive a double. */
	if (rl->limited)
		snprintf(buf, sizeof(buf), "{\"retry_after\":%" PRIu64 "}", rl->reset_ms);
	else
		snprintf(buf, sizeof(buf), "{\"key\":%" PRIu64 ",\"limit\":%u,\"remaining\":%u,\"reset\":%" PRIu64 "}",
			 rl->key, rl->limit, rl->remaining, rl->reset_ms);
	rp->body = strdup(buf);
	rp->body_len = rp->body ? strlen(rp->body) : 0;
	rp->content_type = "application/json";
	return ERR_OK;
}

void ratelimit_reply(const struct ratelimit *rl, struct reply *rp)
{
	char v[32];
	/* REAL: rocket.rs on_response - set_raw_header (replaces), names as written
	 * there; hyper sends them lower-case */
	snprintf(v, sizeof(v), "%u", rl->limit);
	reply_set_header(rp, "x-ratelimit-limit", v);
	snprintf(v, sizeof(v), "%" PRIu64, rl->key);
	reply_set_header(rp, "x-ratelimit-bucket", v);
	snprintf(v, sizeof(v), "%u", rl->remaining);
	reply_set_header(rp, "x-ratelimit-remaining", v);
	snprintf(v, sizeof(v), "%" PRIu64, rl->reset_ms);
	reply_set_header(rp, "x-ratelimit-reset-after", v);
	if (rl->limited)
		rp->status = 429;
}

/* test_ratelimit.c: unit tests for server/ratelimit.c - the key (Rust's
 * DefaultHasher), the bucket table, the identity, the fixed window and the headers.
 * EVIDENCE-OF: spec root-and-ratelimits.md §2. REAL: stoatchat main 99b3ea14
 * crates/core/ratelimits/src/ratelimiter.rs, rocket.rs; crates/delta/src/util/ratelimits.rs.
 * Expected keys were computed with rustc 1.95: DefaultHasher::new(), write(identity),
 * write(bucket), [write(resource)], finish(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"
#include "request.h"
#include "suite.h"

/* ---- the key --------------------------------------------------------------------------- */

static const struct {
	const char *identity, *bucket, *resource;
	unsigned long long key;
} keys[] = {
	{"127.0.0.1", "bots", NULL, 2867750476851998782ULL},
	{"127.0.0.1", "any", NULL, 9059726956801555979ULL},
	{"01HZ5W2X8A1B3C4D5E6F7G8S01", "bots", NULL, 3408146518625993152ULL},
	{"", "", NULL, 15130871412783076140ULL}, /* SipHash-1-3 of nothing */
	{"198.51.100.6", "user_edit", "x", 113197934050123392ULL},
	{"198.51.100.10", "servers", "abc", 2105540669815174397ULL},
	{"198.51.100.13", "safety_report", "report", 2442024619541389666ULL},
	{"2001:db8::1", "any", NULL, 18093083447809920032ULL},
};

START_TEST(key_is_rust_default_hasher)
{
	const void *parts[3] = {keys[_i].identity, keys[_i].bucket, keys[_i].resource};
	size_t lens[3] = {strlen(keys[_i].identity), strlen(keys[_i].bucket),
			  keys[_i].resource ? strlen(keys[_i].resource) : 0};
	ck_assert_uint_eq(ratelimit_siphash13(parts, lens, keys[_i].resource ? 3 : 2), keys[_i].key);
}
END_TEST

/* Successive writes hash like one write of the concatenation (the tail carries). */
START_TEST(key_is_streaming)
{
	const char *whole = "01HZ5W2X8A1B3C4D5E6F7G8S01bots";
	const void *one[1] = {whole};
	size_t n1[1] = {strlen(whole)};
	const void *three[3] = {"01HZ5W2X8A", "1B3C4D5E6F7G8S01b", "ots"};
	size_t n3[3] = {10, 17, 3};
	ck_assert_uint_eq(ratelimit_siphash13(one, n1, 1), 3408146518625993152ULL);
	ck_assert_uint_eq(ratelimit_siphash13(three, n3, 3), 3408146518625993152ULL);
}
END_TEST

/* ---- buckets ------------------------------------------------------------------------------- */

static void with_path(struct request *rq, const char *method, const char *const *segs, int n)
{
	memset(rq, 0, sizeof(*rq));
	rq->method = method;
	for (int i = 0; i < n; i++) {
		rq->seg[i] = (char *)segs[i];
		rq->seglen[i] = strlen(segs[i]);
	}
	rq->nseg = n;
	snprintf(rq->client_ip, sizeof(rq->client_ip), "127.0.0.1");
}

static const struct {
	const char *method;
	const char *segs[4];
	int nseg;
	const char *bucket, *resource;
	unsigned limit;
} buckets[] = {
	{"GET", {NULL}, 0, "any", NULL, 20},
	{"GET", {"bots", "@me"}, 2, "bots", NULL, 10},
	{"DELETE", {"bots", "x", "y", "z"}, 4, "bots", NULL, 10},
	{"OPTIONS", {"bots"}, 1, "bots", NULL, 10},
	{"PATCH", {"users", "x"}, 2, "user_edit", "x", 2},
	{"PATCH", {"users"}, 1, "user_edit", NULL, 2},
	{"GET", {"users", "x", "default_avatar"}, 3, "default_avatar", NULL, 255},
	{"GET", {"users", "@me"}, 2, "users", NULL, 20},
	{"POST", {"channels", "c", "messages"}, 3, "messaging", "c", 10},
	{"GET", {"channels", "c", "messages"}, 3, "channels", "c", 15},
	{"GET", {"channels"}, 1, "any", NULL, 20},
	{"POST", {"servers", "create"}, 2, "servers", "create", 5},
	{"GET", {"servers"}, 1, "any", NULL, 20},
	{"DELETE", {"auth", "session", "x"}, 3, "auth_delete", NULL, 255},
	{"POST", {"auth", "session", "login"}, 3, "auth", NULL, 15},
	{"GET", {"swagger", "index.html"}, 2, "swagger", NULL, 100},
	{"POST", {"safety", "report"}, 2, "safety_report", "report", 3},
	{"POST", {"safety", "reports"}, 2, "safety", NULL, 15},
	{"GET", {"ratelimit"}, 1, "any", NULL, 20},
	{"GET", {"Bots"}, 1, "any", NULL, 20}, /* segments compare exactly */
};

START_TEST(bucket_table)
{
	struct request rq;
	with_path(&rq, buckets[_i].method, buckets[_i].segs, buckets[_i].nseg);
	const char *res;
	size_t rlen;
	const char *b = ratelimit_bucket(&rq, &res, &rlen);
	ck_assert_str_eq(b, buckets[_i].bucket);
	if (buckets[_i].resource) {
		ck_assert_ptr_nonnull(res);
		ck_assert_uint_eq(rlen, strlen(buckets[_i].resource));
		ck_assert(memcmp(res, buckets[_i].resource, rlen) == 0);
	} else {
		ck_assert_ptr_null(res);
	}
	ck_assert_uint_eq(ratelimit_bucket_limit(b), buckets[_i].limit);
}
END_TEST

/* ---- identity: Rust's IpAddr parse and Display ----------------------------------------------- */

static const struct {
	const char *in, *out; /* out NULL: does not parse as one IP */
} ips[] = {
	{"1.2.3.4", "1.2.3.4"},
	{"01.2.3.4", NULL},
	{"1.2.3", NULL},
	{"1.2.3.4, 5.6.7.8", NULL},
	{" 1.2.3.4", NULL},
	{"::1", "::1"},
	{"0:0:0:0:0:0:0:1", "::1"},
	{"2001:DB8:0:0::1", "2001:db8::1"},
	{"1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"}, /* a single zero group is not compressed */
	{"1:0:0:2:0:0:0:3", "1:0:0:2::3"},      /* the longest run */
	{"::FFFF:1.2.3.4", "::ffff:1.2.3.4"},   /* IPv4-mapped keeps the dotted form */
	{"::1.2.3.4", "::102:304"},             /* IPv4-compatible does not (glibc would) */
	{"fe80::1%eth0", NULL},
	{"[::1]", NULL},
};

START_TEST(ip_canonical)
{
	char out[64];
	int rc = ratelimit_ip_canonical(ips[_i].in, out, sizeof(out));
	if (ips[_i].out) {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(out, ips[_i].out);
	} else {
		ck_assert_int_eq(rc, -1);
	}
}
END_TEST

START_TEST(identity_prefers_forwarded_for_when_it_is_one_ip)
{
	struct request rq;
	char id[128];
	with_path(&rq, "GET", NULL, 0);
	ratelimit_identity(&rq, id, sizeof(id));
	ck_assert_str_eq(id, "127.0.0.1");
	rq.forwarded_for = "203.0.113.9";
	ratelimit_identity(&rq, id, sizeof(id));
	ck_assert_str_eq(id, "203.0.113.9");
	rq.forwarded_for = "203.0.113.9, 10.0.0.1";
	ratelimit_identity(&rq, id, sizeof(id));
	ck_assert_str_eq(id, "127.0.0.1");
	rq.client_ip[0] = 0; /* no peer: unwrap_or_default() */
	ratelimit_identity(&rq, id, sizeof(id));
	ck_assert_str_eq(id, "");
}
END_TEST

/* ---- the window ------------------------------------------------------------------------------ */

START_TEST(window_allows_limit_then_rejects)
{
	static const char *const segs[] = {"bots", "@me"};
	struct request rq;
	struct ratelimit rl;
	ratelimit_clear();
	with_path(&rq, "GET", segs, 2);
	rq.forwarded_for = "198.51.100.2";
	for (unsigned i = 0; i < 10; i++) {
		ck_assert(ratelimit_check(&rq, &rl));
		ck_assert_uint_eq(rl.limit, 10);
		ck_assert_uint_eq(rl.remaining, 9 - i);
		ck_assert_uint_eq(rl.key, 412540488720729072ULL);
		ck_assert(rl.reset_ms <= RATELIMIT_WINDOW_MS && rl.reset_ms > RATELIMIT_WINDOW_MS - 5000);
		ck_assert(!rl.limited);
	}
	ck_assert(!ratelimit_check(&rq, &rl));
	ck_assert(rl.limited);
	ck_assert_uint_eq(rl.remaining, 0);
	/* a rejected request records nothing; another identity has its own bucket */
	rq.forwarded_for = "198.51.100.3";
	ck_assert(ratelimit_check(&rq, &rl));
	ck_assert_uint_eq(rl.remaining, 9);
	ratelimit_clear();
	rq.forwarded_for = "198.51.100.2";
	ck_assert(ratelimit_check(&rq, &rl));
	ck_assert_uint_eq(rl.remaining, 9);
}
END_TEST

/* Many identities: the table grows and keeps every live counter. */
START_TEST(window_survives_growth)
{
	struct request rq;
	struct ratelimit rl;
	char ip[32];
	ratelimit_clear();
	with_path(&rq, "GET", NULL, 0);
	rq.forwarded_for = ip;
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 3000; i++) {
			snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 256, i % 256);
			ck_assert(ratelimit_check(&rq, &rl));
			ck_assert_uint_eq(rl.remaining, 19 - (unsigned)round);
		}
	ratelimit_clear();
}
END_TEST

START_TEST(headers_and_429)
{
	struct reply rp;
	reply_init(&rp);
	struct ratelimit rl = {412540488720729072ULL, 10, 0, 4312, true};
	rp.status = 200;
	ratelimit_reply(&rl, &rp);
	ck_assert_int_eq(rp.status, 429);
	ck_assert_str_eq(reply_get_header(&rp, "X-RateLimit-Limit"), "10");
	ck_assert_str_eq(reply_get_header(&rp, "x-ratelimit-bucket"), "412540488720729072");
	ck_assert_str_eq(reply_get_header(&rp, "x-ratelimit-remaining"), "0");
	ck_assert_str_eq(reply_get_header(&rp, "x-ratelimit-reset-after"), "4312");
	/* set, not added: a second pass replaces */
	ratelimit_reply(&rl, &rp);
	ck_assert_int_eq(rp.nheaders, 4);
	reply_release(&rp);
}
END_TEST

START_TEST(info_bodies)
{
	struct request rq = {0};
	struct reply rp;
	struct ratelimit rl = {412540488720729072ULL, 10, 0, 4312, true};
	reply_init(&rp);
	rq.rl = &rl;
	ratelimit_info(&rq, &rp);
	ck_assert_str_eq(rp.body, "{\"retry_after\":4312}");
	ck_assert_str_eq(rp.content_type, "application/json");
	reply_release(&rp);
	rl.limited = false;
	rl.remaining = 7;
	ratelimit_info(&rq, &rp);
	ck_assert_str_eq(rp.body, "{\"key\":412540488720729072,\"limit\":10,\"remaining\":7,\"reset\":4312}");
	reply_release(&rp);
	rq.rl = NULL; /* limiter off: no such route */
	ratelimit_info(&rq, &rp);
	ck_assert_int_eq(rp.catcher, 404);
	reply_release(&rp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("key");
	tcase_add_loop_test(tc, key_is_rust_default_hasher, 0, sizeof(keys) / sizeof(keys[0]));
	tcase_add_test(tc, key_is_streaming);
	suite_add_tcase(s, tc);
	tc = tcase_create("buckets");
	tcase_add_loop_test(tc, bucket_table, 0, sizeof(buckets) / sizeof(buckets[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("identity");
	tcase_add_loop_test(tc, ip_canonical, 0, sizeof(ips) / sizeof(ips[0]));
	tcase_add_test(tc, identity_prefers_forwarded_for_when_it_is_one_ip);
	suite_add_tcase(s, tc);
	tc = tcase_create("window");
	tcase_add_test(tc, window_allows_limit_then_rejects);
	tcase_add_test(tc, window_survives_growth);
	tcase_add_test(tc, headers_and_429);
	tcase_add_test(tc, info_bodies);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

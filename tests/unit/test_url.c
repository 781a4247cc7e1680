/* test_url.c: unit tests for server/url.c - url::Url::parse and Url::origin as far
 * as an Origin header needs them, and the IPv6 text form.
 * EVIDENCE-OF: spec root-and-ratelimits.md §3 (the echoed origin is re-serialised).
 * REAL: the url crate's WHATWG parser (parser.rs, host.rs, origin.rs); the
 * rocket_cors layer over it ("null", opaque origins echoed) is in test_rocket.c. */
#include <arpa/inet.h>
#include <check.h>
#include <string.h>

#include "suite.h"
#include "url.h"

/* ---- origins ----------------------------------------------------------------------------------- */

enum { TUPLE = 1, OPAQUE = 0, FAILS = -1 };

static const struct {
	const char *url;
	int want;          /* url_origin's answer */
	const char *ascii; /* for TUPLE: the ASCII serialisation */
} origins[] = {
	{"https://app.example", TUPLE, "https://app.example"},
	{"http://a.com:80", TUPLE, "http://a.com"},
	{"HTTP://App.Example:8080/path?q#f", TUPLE, "http://app.example:8080"},
	{"https://a.com:443", TUPLE, "https://a.com"},
	{"wss://a.com:443", TUPLE, "wss://a.com"},
	{"http://user:pw@a.com", TUPLE, "http://a.com"},
	{"http://127.1", TUPLE, "http://127.0.0.1"},
	{"http://0x7f.0.0.1:8000", TUPLE, "http://127.0.0.1:8000"},
	{"http://[::FFFF:1.2.3.4]", TUPLE, "http://[::ffff:102:304]"},
	{"http:a.com", TUPLE, "http://a.com"},
	{"blob:https://a.com/uuid", TUPLE, "https://a.com"}, /* the inner URL's origin */
	{"file:///etc", OPAQUE, NULL},
	{"chrome-extension://abc", OPAQUE, NULL},
	{"null", FAILS, NULL}, /* a relative reference: rocket_cors checks "null" first */
	{"foo", FAILS, NULL},
	{"", FAILS, NULL},
	{"http://", FAILS, NULL},
	{"http://a b.com", FAILS, NULL},
	{"http://a.com:99999", FAILS, NULL},
	{"http://a.com:8x", FAILS, NULL},
	{"http://1.2.3.4.5", FAILS, NULL},
	{"http://[::1", FAILS, NULL},
	{"1http://a.com", FAILS, NULL},
};

START_TEST(origin)
{
	char out[512] = "untouched";
	int rc = url_origin(origins[_i].url, out, sizeof(out));
	ck_assert_msg(rc == origins[_i].want, "%s: %d", origins[_i].url, rc);
	ck_assert_str_eq(out, origins[_i].want == TUPLE ? origins[_i].ascii : "untouched");
}
END_TEST

/* ---- IPv6 text --------------------------------------------------------------------------------- */

static const struct {
	const char *in, *text;
} ipv6[] = {
	{"::", "::"},
	{"::1", "::1"},
	{"1::", "1::"},
	{"2001:DB8:0:0::1", "2001:db8::1"},
	{"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
	{"1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"}, /* one zero piece is not a run */
	{"1:0:0:2:0:0:0:3", "1:0:0:2::3"},      /* the longest run */
	{"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"},    /* the first of equal runs */
	{"0:0:1:0:0:0:0:0", "0:0:1::"},
	{"::ffff:1.2.3.4", "::ffff:102:304"},   /* no dotted form here (ratelimit.c adds it) */
};

START_TEST(ipv6_text)
{
	unsigned char b[16];
	char out[64];
	ck_assert_int_eq(inet_pton(AF_INET6, ipv6[_i].in, b), 1);
	url_ipv6_text(b, out, sizeof(out));
	ck_assert_str_eq(out, ipv6[_i].text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("origin");
	tcase_add_loop_test(tc, origin, 0, sizeof(origins) / sizeof(origins[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("ipv6");
	tcase_add_loop_test(tc, ipv6_text, 0, sizeof(ipv6) / sizeof(ipv6[0]));
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_gw_message.c: unit tests for server/gw_message.c, the inbound message
 * decoder of the events WebSocket, as a table of frames and what serde_json makes
 * of them (events.md §1.4, §3, §4): the client message and its text (the token,
 * the channel, the server, or the Ping data as the Pong writes it back), or
 * ignored. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_message.h"
#include "suite.h"

static const struct {
	const char *frame;
	enum gw_kind kind;
	const char *text;
} cases[] = {
	/* Authenticate (stoat.py's first frame) */
	{"{\"type\":\"Authenticate\",\"token\":\"abc\"}", GW_AUTHENTICATE, "abc"},
	{" {\"token\":\"abc\",\"type\":\"Authenticate\",\"extra\":[1,{}]}\n", GW_AUTHENTICATE, "abc"},
	{"{\"type\":\"Authenticate\",\"token\":\"a\\u0062c\"}", GW_AUTHENTICATE, "abc"},
	{"{\"type\":\"Authenticate\"}", GW_IGNORED, NULL},
	{"{\"type\":\"Authenticate\",\"token\":1}", GW_IGNORED, NULL},
	{"{\"type\":\"Authenticate\",\"token\":null}", GW_IGNORED, NULL},
	{"{\"type\":\"Authenticate\",\"token\":\"a\",\"token\":\"b\"}", GW_IGNORED, NULL}, /* duplicate field */
	{"{\"type\":\"Authenticate\",\"type\":\"Authenticate\",\"token\":\"a\"}", GW_IGNORED, NULL},
	/* Ping: usize or [u8], responded absent or null */
	{"{\"type\":\"Ping\",\"data\":0}", GW_PING, "0"},
	{"{\"type\":\"Ping\",\"data\":2}", GW_PING, "2"},
	{"{\"type\":\"Ping\",\"data\":1764873600123}", GW_PING, "1764873600123"}, /* stoat.js: Date.now() */
	{"{\"type\":\"Ping\",\"data\":18446744073709551615}", GW_PING, "18446744073709551615"},
	{"{\"type\":\"Ping\",\"data\":18446744073709551616}", GW_IGNORED, NULL}, /* over usize */
	{"{\"type\":\"Ping\",\"data\":-0}", GW_PING, "0"},
	{"{\"type\":\"Ping\",\"data\":-1}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":1.0}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":1e3}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":1.5}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":\"5\"}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":null}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\"}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":[]}", GW_PING, "[]"},
	{"{\"type\":\"Ping\",\"data\":[ 1, 2 ,255 ]}", GW_PING, "[1,2,255]"},
	{"{\"type\":\"Ping\",\"data\":[256]}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":[1,\"2\"]}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":[1.0]}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":{}}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":7,\"responded\":null}", GW_PING, "7"},
	{"{\"type\":\"Ping\",\"data\":7,\"responded\":true}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":7,\"responded\":{}}", GW_IGNORED, NULL},
	{"{\"s\":\"1.5 -2 \\\"\",\"type\":\"Ping\",\"data\":3}", GW_PING, "3"}, /* numbers in strings */
	{"{\"n\":[-1.5e3,4],\"type\":\"Ping\",\"data\":[9]}", GW_PING, "[9]"},
	{"{\"type\":\"Ping\",\"data\":1,\"data\":2}", GW_IGNORED, NULL},
	/* typing, Subscribe */
	{"{\"type\":\"BeginTyping\",\"channel\":\"C\"}", GW_BEGIN_TYPING, "C"},
	{"{\"type\":\"EndTyping\",\"channel\":\"C\"}", GW_END_TYPING, "C"},
	{"{\"type\":\"BeginTyping\"}", GW_IGNORED, NULL},
	{"{\"type\":\"Subscribe\",\"server_id\":\"S\"}", GW_SUBSCRIBE, "S"},
	{"{\"type\":\"Subscribe\",\"server_id\":5}", GW_IGNORED, NULL},
	/* not ClientMessages */
	{"{\"type\":\"Pong\",\"data\":1}", GW_IGNORED, NULL},
	{"{\"type\":\"BeginEditing\",\"channel\":\"C\"}", GW_IGNORED, NULL},
	{"{\"type\":\"ping\",\"data\":1}", GW_IGNORED, NULL},
	{"{\"type\":5}", GW_IGNORED, NULL},
	{"{\"data\":1}", GW_IGNORED, NULL},
	{"[\"Ping\",1]", GW_IGNORED, NULL},
	{"\"Ping\"", GW_IGNORED, NULL},
	{"", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":1} x", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":1}{}", GW_IGNORED, NULL},
	{"{\"type\":\"Ping\",\"data\":1", GW_IGNORED, NULL},
	{"{'type':'Ping','data':1}", GW_IGNORED, NULL},
};

START_TEST(decode_table)
{
	struct gw_msg m;
	const char *f = cases[_i].frame;
	enum gw_kind k = gw_decode(f, strlen(f), &m);
	ck_assert_msg(k == cases[_i].kind && m.kind == k, "%s: kind %d, expected %d", f, k, cases[_i].kind);
	if (cases[_i].text)
		ck_assert_pstr_eq(m.text, cases[_i].text);
	else
		ck_assert_ptr_null(m.text);
	gw_msg_release(&m);
}
END_TEST

/* Deeper than serde_json's 128 levels: ignored, whatever it holds. */
START_TEST(too_deep)
{
	char frame[600];
	size_t n = 0;
	n += (size_t)sprintf(frame + n, "{\"type\":\"Ping\",\"data\":1,\"x\":");
	for (int i = 0; i < 130; i++)
		frame[n++] = '[';
	for (int i = 0; i < 130; i++)
		frame[n++] = ']';
	frame[n++] = '}';
	struct gw_msg m;
	ck_assert_int_eq(gw_decode(frame, n, &m), GW_IGNORED);
	gw_msg_release(&m);
}
END_TEST

/* The length given counts, not a NUL: a frame is not a C string. */
START_TEST(length_counts)
{
	static const char frame[] = "{\"type\":\"Ping\",\"data\":12}garbage";
	struct gw_msg m;
	ck_assert_int_eq(gw_decode(frame, 25, &m), GW_PING);
	ck_assert_str_eq(m.text, "12");
	gw_msg_release(&m);
	ck_assert_int_eq(gw_decode(frame, sizeof(frame) - 1, &m), GW_IGNORED);
	gw_msg_release(&m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gw_message");
	TCase *tc = tcase_create("decode");
	tcase_add_loop_test(tc, decode_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, too_deep);
	tcase_add_test(tc, length_counts);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_accesslog.c: unit tests for server/accesslog.c - the access log line in both
 * formats, byte for byte: the time, the not-emulated mark, a closed connection, the
 * JSON keys and their order, a path that is not UTF-8, and never a token (the entry
 * has no field that could hold one). EVIDENCE-OF: issue 18 item 4. */
#include <check.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "accesslog.h"
#include "suite.h"

/* 2026-11-25T21:58:35.971Z */
#define T {1795643915, 971000000}

static const struct {
	struct accesslog_entry e;
	const char *text, *json;
} lines[] = {
	{{T, "GET", "/bots/@me", "bots.fetch_owned", NULL, "session", 200, NULL, 1136},
	 "2026-11-25T21:58:35.971Z GET /bots/@me 200 1136us\n",
	 "{\"time\":\"2026-11-25T21:58:35.971Z\",\"method\":\"GET\",\"path\":\"/bots/@me\",\"route\":\"bots.fetch_owned\","
	 "\"status\":200,\"duration_us\":1136,\"auth\":\"session\"}\n"},
	{{T, "POST", "/channels/x/messages", "not_emulated", "POST /channels/{target}/messages", "bot", 501, NULL, 48},
	 "2026-11-25T21:58:35.971Z POST /channels/x/messages 501 48us not emulated: POST /channels/{target}/messages\n",
	 "{\"time\":\"2026-11-25T21:58:35.971Z\",\"method\":\"POST\",\"path\":\"/channels/x/messages\","
	 "\"route\":\"not_emulated\",\"not_emulated\":\"POST /channels/{target}/messages\",\"status\":501,"
	 "\"duration_us\":48,\"auth\":\"bot\"}\n"},
	{{T, "PATCH", "/bots/x", "bots.edit", NULL, "session", 0, "fault: drop", 12},
	 "2026-11-25T21:58:35.971Z PATCH /bots/x closed (fault: drop) 12us\n",
	 "{\"time\":\"2026-11-25T21:58:35.971Z\",\"method\":\"PATCH\",\"path\":\"/bots/x\",\"route\":\"bots.edit\","
	 "\"status\":0,\"closed\":\"fault: drop\",\"duration_us\":12,\"auth\":\"session\"}\n"},
	/* no route answered (404, 431, a WebSocket upgrade): null; no auth kind: none */
	{{{0, 5000000}, "GET", "/a\"b\\c", NULL, NULL, NULL, 404, NULL, 0},
	 "1970-01-01T00:00:00.005Z GET /a\"b\\c 404 0us\n",
	 "{\"time\":\"1970-01-01T00:00:00.005Z\",\"method\":\"GET\",\"path\":\"/a\\\"b\\\\c\",\"route\":null,"
	 "\"status\":404,\"duration_us\":0,\"auth\":\"none\"}\n"},
	/* bytes that are not UTF-8: U+FFFD in JSON (the text line keeps them as sent) */
	{{T, "GET", "/x\xff\xfey\xe2\x82", NULL, NULL, "oauth2", 404, NULL, 7},
	 "2026-11-25T21:58:35.971Z GET /x\xff\xfey\xe2\x82 404 7us\n",
	 "{\"time\":\"2026-11-25T21:58:35.971Z\",\"method\":\"GET\",\"path\":\"/x\xef\xbf\xbd\xef\xbf\xbdy\xef\xbf\xbd\","
	 "\"route\":null,\"status\":404,\"duration_us\":7,\"auth\":\"oauth2\"}\n"},
};

START_TEST(text_line)
{
	struct strbuf sb = STRBUF_INIT;
	accesslog_format(&sb, LOG_FORMAT_TEXT, &lines[_i].e);
	ck_assert_str_eq(strbuf_str(&sb), lines[_i].text);
	strbuf_release(&sb);
}
END_TEST

START_TEST(json_line)
{
	struct strbuf sb = STRBUF_INIT;
	accesslog_format(&sb, LOG_FORMAT_JSON, &lines[_i].e);
	ck_assert_str_eq(strbuf_str(&sb), lines[_i].json);
	/* one line, one JSON object */
	ck_assert_ptr_eq(strchr(sb.buf, '\n'), sb.buf + sb.len - 1);
	cJSON *j = cJSON_ParseWithLength(sb.buf, sb.len);
	ck_assert(cJSON_IsObject(j));
	cJSON_Delete(j);
	strbuf_release(&sb);
}
END_TEST

/* Lines append: a second JSON line after the first is an object of its own. */
START_TEST(lines_append)
{
	struct strbuf sb = STRBUF_INIT;
	accesslog_format(&sb, LOG_FORMAT_JSON, &lines[0].e);
	accesslog_format(&sb, LOG_FORMAT_JSON, &lines[1].e);
	size_t first = strlen(lines[0].json);
	ck_assert_str_eq(sb.buf + first, lines[1].json);
	strbuf_release(&sb);
}
END_TEST

/* The time: UTC, milliseconds truncated, across a second's end. */
START_TEST(time_format)
{
	struct accesslog_entry e = lines[0].e;
	struct strbuf sb = STRBUF_INIT;
	e.time = (struct timespec){1795643915, 999999999};
	accesslog_format(&sb, LOG_FORMAT_TEXT, &e);
	e.time = (struct timespec){1795643916, 0};
	accesslog_format(&sb, LOG_FORMAT_TEXT, &e);
	ck_assert_str_eq(strbuf_str(&sb), "2026-11-25T21:58:35.999Z GET /bots/@me 200 1136us\n"
					  "2026-11-25T21:58:36.000Z GET /bots/@me 200 1136us\n");
	strbuf_release(&sb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("accesslog");
	TCase *tc = tcase_create("lines");
	tcase_add_loop_test(tc, text_line, 0, sizeof(lines) / sizeof(lines[0]));
	tcase_add_loop_test(tc, json_line, 0, sizeof(lines) / sizeof(lines[0]));
	tcase_add_test(tc, lines_append);
	tcase_add_test(tc, time_format);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

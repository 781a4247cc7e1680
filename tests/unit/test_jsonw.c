/* test_jsonw.c: unit tests for server/jsonw.c - JSON text written directly must be
 * byte for byte what cJSON prints for the same value (which is what serde_json
 * writes), whatever the bytes and wherever they fall in the eight-byte blocks
 * the writer checks at once. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonw.h"
#include "suite.h"

static char *cjson_string(const char *s)
{
	cJSON *v = cJSON_CreateString(s);
	char *out = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	return out;
}

static void expect_same(const char *s)
{
	char *want = cjson_string(s);
	struct strbuf sb = STRBUF_INIT;
	jsonw_string(&sb, s);
	ck_assert_str_eq(strbuf_str(&sb), want);
	ck_assert_uint_eq(sb.len, strlen(want));
	ck_assert_uint_eq(jsonw_quote(NULL, s), strlen(want));
	strbuf_release(&sb);
	free(want);
}

/* Every byte value 1..255 alone and at each offset of runs up to 24 bytes long. */
START_TEST(every_byte_everywhere)
{
	char s[32];
	for (int c = 1; c < 256; c++) {
		for (size_t len = 1; len <= 24; len++) {
			for (size_t at = 0; at < len; at++) {
				memset(s, 'a', len);
				s[len] = 0;
				s[at] = (char)c;
				expect_same(s);
			}
		}
	}
}
END_TEST

/* Several specials in one block, and long plain runs around them. */
START_TEST(mixed_texts)
{
	expect_same("");
	expect_same("\"\\\"\\\n\t\r\b\f\x01\x1f\x7f\xff");
	expect_same("https://helper.example/callback?a=\"b\"&c=\\d");
	expect_same("é€𝕏ᚋ\u202e plain text that goes on for well over eight bytes \x01 and on");
	char big[4096];
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)(1 + (i * 37) % 255);
	big[sizeof(big) - 1] = 0;
	expect_same(big);
}
END_TEST

/* Members are separated by commas, keys end with ':', nesting works. */
START_TEST(objects_and_arrays)
{
	struct strbuf sb = STRBUF_INIT;
	jsonw_open(&sb, '{');
	jsonw_key(&sb, "a");
	jsonw_string(&sb, "x");
	jsonw_key(&sb, "b");
	jsonw_open(&sb, '[');
	jsonw_int(&sb, -12);
	jsonw_bool(&sb, true);
	jsonw_open(&sb, '{');
	jsonw_close(&sb, '}');
	jsonw_raw(&sb, "{\"r\":null}");
	jsonw_close(&sb, ']');
	jsonw_key(&sb, "c");
	jsonw_bool(&sb, false);
	jsonw_close(&sb, '}');
	ck_assert_str_eq(strbuf_str(&sb), "{\"a\":\"x\",\"b\":[-12,true,{},{\"r\":null}],\"c\":false}");
	strbuf_release(&sb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jsonw");
	TCase *tc = tcase_create("jsonw");
	tcase_add_test(tc, every_byte_everywhere);
	tcase_add_test(tc, mixed_texts);
	tcase_add_test(tc, objects_and_arrays);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

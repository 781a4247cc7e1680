/* test_validate.c: unit tests for server/validate.c - the request checks of bot
 * names (length in code points, the username pattern), the FailedValidation text in
 * validator 0.16's format, Rust's Debug rendering of strings inside it, and the
 * blocked names applied to cured names.
 * EVIDENCE-OF: spec auth-and-users.md §3.1, §3.3; errors.md §4. */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "strbuf.h"
#include "validate.h"
#include "suite.h"

/* ---- the name rule: 2..=32 code points, ^(\p{L}|[\d_.-])+$ ------------------ */

struct name_case {
	const char *name;
	bool valid;
	const char *why;
};

static const struct name_case names[] = {
	{"Bot_2.0", true, "ASCII letters, digit, _ and ."},
	{"a-b.c_d", true, "every allowed symbol"},
	{"ab", true, "2 characters: the minimum"},
	{"abcdefghijklmnopqrstuvwxyz012345", true, "32 characters: the maximum"},
	{"名前", true, "CJK letters (2 characters, 6 bytes)"},
	{"名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前", true, "32 CJK characters = 96 bytes"},
	{"Привет", true, "Cyrillic"},
	{"ÉcoleBot", true, "precomposed É is one letter"},
	{"𝐁𝐨𝐭", true, "mathematical bold: 3 characters in 12 bytes"},
	{"٣٤", true, "Arabic-Indic digits are \\d (Nd)"},
	{"१२३", true, "Devanagari digits are \\d (Nd)"},
	{"０１", true, "full-width digits are Nd"},
	{"\u3164\u3164", true, "Hangul fillers are letters (Lo)"},
	{"a", false, "1 character"},
	{"é", false, "1 character in 2 bytes"},
	{"abcdefghijklmnopqrstuvwxyz0123456", false, "33 characters"},
	{"名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名前名", false, "33 CJK characters"},
	{"", false, "empty"},
	{"bot bot", false, "a space"},
	{"bot\tbot", false, "a tab"},
	{"ab\n", false, "a trailing newline: Rust's $ is the very end"},
	{"\nab", false, "a leading newline"},
	{"a\u00a0b", false, "no-break space"},
	{"e\u0301e", false, "decomposed é: a combining mark is not a letter"},
	{"bot!", false, "a symbol"},
	{"a:b", false, "colon"},
	{"a/b", false, "slash"},
	{"a`b", false, "backtick"},
	{"a+b", false, "plus"},
	{"😀😀", false, "emoji"},
	{"²²", false, "superscript two is No, not Nd"},
	{"ⅫⅫ", false, "roman numerals are Nl, not L"},
};

START_TEST(name_rule)
{
	const struct name_case *c = &names[_i];
	struct strbuf text = STRBUF_INIT;
	bool ok = validate_name_field("name", c->name, &text);
	ck_assert_msg(ok == c->valid, "\"%s\" (%s): got %s, want %s", c->name, c->why, ok ? "valid" : "invalid",
		      c->valid ? "valid" : "invalid");
	/* the text is written exactly when the name fails */
	ck_assert_msg((text.len == 0) == c->valid, "\"%s\": error text \"%s\"", c->name, strbuf_str(&text));
	strbuf_release(&text);
}
END_TEST

START_TEST(pattern_alone)
{
	ck_assert(validate_username_pattern("a"));         /* the pattern has no length */
	ck_assert(validate_username_pattern("ab"));
	ck_assert(!validate_username_pattern(""));
	ck_assert(!validate_username_pattern("ab\n"));
	ck_assert(!validate_username_pattern("ab\r\n"));
	ck_assert(validate_username_pattern("_.-"));
	ck_assert(validate_username_pattern("ひらがな"));
}
END_TEST

START_TEST(lengths_count_code_points)
{
	ck_assert_uint_eq(utf8_count(""), 0);
	ck_assert_uint_eq(utf8_count("abc"), 3);
	ck_assert_uint_eq(utf8_count("名前"), 2);
	ck_assert_uint_eq(utf8_count("𝐁𝐨𝐭"), 3);
	ck_assert_uint_eq(utf8_count("e\u0301"), 2); /* scalar values, not graphemes */
}
END_TEST

START_TEST(utf8_validity)
{
	ck_assert(utf8_valid("", 0));
	ck_assert(utf8_valid("名前𝐁", strlen("名前𝐁")));
	ck_assert(!utf8_valid("\xff", 1));
	ck_assert(!utf8_valid("\xc0\xaf", 2));          /* overlong */
	ck_assert(!utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
	ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4));  /* past U+10FFFF */
	ck_assert(!utf8_valid("\xe5\x90", 2));          /* cut short */
	ck_assert(utf8_valid("a\0b", 3));               /* NUL is a valid character */
}
END_TEST

/* ---- the FailedValidation text (errors.md §4) --------------------------------- */

struct text_case {
	const char *name;
	const char *want;
};

static const struct text_case texts[] = {
	/* EVIDENCE-OF: errors.md §4, the {"name":"a"} example */
	{"a", "name: Validation error: length [{\"min\": Number(2), \"max\": Number(32), \"value\": String(\"a\")}]"},
	/* both errors on one line, length first, joined by ", " */
	{"!", "name: Validation error: length [{\"min\": Number(2), \"max\": Number(32), \"value\": String(\"!\")}], "
	      "Validation error: regex [{\"value\": String(\"!\")}]"},
	{"bot bot", "name: Validation error: regex [{\"value\": String(\"bot bot\")}]"},
	{"abcdefghijklmnopqrstuvwxyz0123456",
	 "name: Validation error: length [{\"min\": Number(2), \"max\": Number(32), "
	 "\"value\": String(\"abcdefghijklmnopqrstuvwxyz0123456\")}]"},
	/* Rust's str Debug: short escapes for \t \r \n \\ \" */
	{"ab\n", "name: Validation error: regex [{\"value\": String(\"ab\\n\")}]"},
	{"a\tb\r", "name: Validation error: regex [{\"value\": String(\"a\\tb\\r\")}]"},
	{"a\"b\\", "name: Validation error: regex [{\"value\": String(\"a\\\"b\\\\\")}]"},
	/* printable non-ASCII stays as it is */
	{"名 前", "name: Validation error: regex [{\"value\": String(\"名 前\")}]"},
	/* \u{..} for grapheme extenders, controls, format characters and every space
	 * separator except U+0020 (Rust core/src/unicode/printable.py escapes
	 * Cc Cf Cs Co Cn Zl Zp Zs) */
	{"e\u0301e", "name: Validation error: regex [{\"value\": String(\"e\\u{301}e\")}]"},
	/* Grapheme_Extend beyond the Mn/Me marks: a spacing mark (Mc) and a letter (Lm) */
	{"a\u09be", "name: Validation error: regex [{\"value\": String(\"a\\u{9be}\")}]"},
	{"\uff9e!", "name: Validation error: regex [{\"value\": String(\"\\u{ff9e}!\")}]"},
	{"a\x01" "b", "name: Validation error: regex [{\"value\": String(\"a\\u{1}b\")}]"},
	{"a\u200bb", "name: Validation error: regex [{\"value\": String(\"a\\u{200b}b\")}]"},
	{"a\u00a0b", "name: Validation error: regex [{\"value\": String(\"a\\u{a0}b\")}]"},
	{"a\u3000b", "name: Validation error: regex [{\"value\": String(\"a\\u{3000}b\")}]"},
	{"a\u2028b", "name: Validation error: regex [{\"value\": String(\"a\\u{2028}b\")}]"},
	{"a\x7f", "name: Validation error: regex [{\"value\": String(\"a\\u{7f}\")}]"},
};

START_TEST(failed_validation_text)
{
	const struct text_case *c = &texts[_i];
	struct strbuf text = STRBUF_INIT;
	ck_assert(!validate_name_field("name", c->name, &text));
	ck_assert_str_eq(strbuf_str(&text), c->want);
	strbuf_release(&text);
}
END_TEST

/* Fields in struct order, one line each, "\n" between lines, none trailing. */
START_TEST(several_fields_one_line_each)
{
	struct strbuf text = STRBUF_INIT;
	ck_assert(!validate_name_field("name", "a", &text));
	ck_assert(!validate_len_field("interactions_url", "", 1, 2048, &text));
	const char *none[] = {NULL};
	ck_assert(!validate_list_field("oauth2.redirects", none, 0, 1, 10, &text));
	ck_assert_str_eq(strbuf_str(&text),
			 "name: Validation error: length [{\"min\": Number(2), \"max\": Number(32), \"value\": String(\"a\")}]\n"
			 "interactions_url: Validation error: length [{\"min\": Number(1), \"max\": Number(2048), "
			 "\"value\": String(\"\")}]\n"
			 "oauth2.redirects: Validation error: length [{\"min\": Number(1), \"max\": Number(10), "
			 "\"value\": Array []}]");
	strbuf_release(&text);
}
END_TEST

START_TEST(passing_fields_write_nothing)
{
	struct strbuf text = STRBUF_INIT;
	ck_assert(validate_name_field("name", "HelperBot", &text));
	ck_assert(validate_len_field("interactions_url", "x", 1, 2048, &text));
	const char *one[] = {"https://x"};
	ck_assert(validate_list_field("oauth2.redirects", one, 1, 1, 10, &text));
	ck_assert_uint_eq(text.len, 0);
	strbuf_release(&text);
}
END_TEST

/* interactions_url: 1..=2048 code points, no URL syntax check. */
START_TEST(interactions_url_length)
{
	static char url[2049 * 3 + 1];
	struct strbuf text = STRBUF_INIT;
	memset(url, 'u', 2048);
	url[2048] = 0;
	ck_assert(validate_len_field("interactions_url", url, 1, 2048, &text));
	ck_assert(validate_len_field("interactions_url", "not a url", 1, 2048, &text));
	ck_assert_uint_eq(text.len, 0);
	/* 2048 three-byte characters are 6144 bytes but still 2048 characters */
	url[0] = 0;
	for (int i = 0; i < 2048; i++)
		strcat(url + i * 3, "名");
	ck_assert(validate_len_field("interactions_url", url, 1, 2048, &text));
	strcat(url, "名");
	ck_assert(!validate_len_field("interactions_url", url, 1, 2048, &text));
	ck_assert(strncmp(strbuf_str(&text),
			  "interactions_url: Validation error: length [{\"min\": Number(1), \"max\": Number(2048), "
			  "\"value\": String(\"名名",
			  strlen("interactions_url: Validation error: length [{\"min\": Number(1), \"max\": "
				 "Number(2048), \"value\": String(\"名名")) == 0);
	ck_assert_str_eq(strbuf_str(&text) + text.len - strlen("名\")}]"), "名\")}]");
	strbuf_release(&text);
}
END_TEST

/* oauth2.redirects: 1..=10 items; values printed as an Array of String. */
START_TEST(redirects_count)
{
	const char *items[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
	struct strbuf text = STRBUF_INIT;
	ck_assert(validate_list_field("oauth2.redirects", items, 1, 1, 10, &text));
	ck_assert(validate_list_field("oauth2.redirects", items, 10, 1, 10, &text));
	ck_assert_uint_eq(text.len, 0);
	ck_assert(!validate_list_field("oauth2.redirects", items, 11, 1, 10, &text));
	ck_assert_str_eq(strbuf_str(&text),
			 "oauth2.redirects: Validation error: length [{\"min\": Number(1), \"max\": Number(10), "
			 "\"value\": Array [String(\"a\"), String(\"b\"), String(\"c\"), String(\"d\"), String(\"e\"), "
			 "String(\"f\"), String(\"g\"), String(\"h\"), String(\"i\"), String(\"j\"), String(\"k\")]}]");
	strbuf_release(&text);
}
END_TEST

/* ---- blocked names, checked on the cured name (auth-and-users.md §3.3) -------- */

struct blocked_case {
	const char *cured;
	bool blocked;
};

static const struct blocked_case blocked[] = {
	{"admin", true},
	{"Admin", true},
	{"ADMIN", true},
	{"revolt", true},
	{"ReVoLt", true},
	{"stoat", true},
	{"STOAT", true},
	{"admin_", false}, /* whole name only */
	{"admins", false},
	{"myadmin", false},
	{"stoatbot", false},
	{"discord.gg", true},
	{"mydiscord.ggbot", true}, /* patterns match anywhere */
	{"rvlt.gg", true},
	{"guilded.gg", true},
	{"stt.gg", true},
	{"x.STT.GG.y", true}, /* case-insensitive */
	{"revolt.chat", true},
	{"stoat.chat", true},
	{"Stoat.Chat", true},
	{"http://", true},
	{"see-https://x", true},
	{"```", true},
	{"``", false},
	{"discord.g", false},
	{"stoatchat", false},
	{"stt_gg", false},
	{"sttgg", false},
	{"HelperBot", false},
};

START_TEST(blocked_names)
{
	const struct blocked_case *c = &blocked[_i];
	ck_assert_msg(validate_username_blocked(c->cured) == c->blocked, "\"%s\": want %s", c->cured,
		      c->blocked ? "blocked" : "allowed");
}
END_TEST

/* The block applies after the cure: names that pass the request pattern but cure
 * into a blocked name are refused (the real server answers InvalidUsername). */
static const struct {
	const char *name, *cured;
	bool blocked;
} cured_cases[] = {
	{"Ａｄｍｉｎ", "admin", true},
	{"ＲＥＶＯＬＴ", "revolt", true},
	{"ｓｔｏａｔ", "stoat", true},
	{"ｓｔｔ.gg", "stt.gg", true},
	{"my.ｓｔｏａｔ.chat", "my.stoat.chat", true},
	{"Ａｄｍｉｎ_", "admin_", false},
};

START_TEST(blocked_after_cure)
{
	struct strbuf text = STRBUF_INIT;
	ck_assert(validate_name_field("name", cured_cases[_i].name, &text));
	strbuf_release(&text);
	char *cured = sanitize_username(cured_cases[_i].name);
	ck_assert_str_eq(cured, cured_cases[_i].cured);
	ck_assert(validate_username_blocked(cured) == cured_cases[_i].blocked);
	free(cured);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("names");
	tcase_add_loop_test(tc, name_rule, 0, sizeof(names) / sizeof(names[0]));
	tcase_add_test(tc, pattern_alone);
	tcase_add_test(tc, lengths_count_code_points);
	tcase_add_test(tc, utf8_validity);
	suite_add_tcase(s, tc);

	tc = tcase_create("failed_validation");
	tcase_add_loop_test(tc, failed_validation_text, 0, sizeof(texts) / sizeof(texts[0]));
	tcase_add_test(tc, several_fields_one_line_each);
	tcase_add_test(tc, passing_fields_write_nothing);
	tcase_add_test(tc, interactions_url_length);
	tcase_add_test(tc, redirects_count);
	suite_add_tcase(s, tc);

	tc = tcase_create("blocked");
	tcase_add_loop_test(tc, blocked_names, 0, sizeof(blocked) / sizeof(blocked[0]));
	tcase_add_loop_test(tc, blocked_after_cure, 0, sizeof(cured_cases) / sizeof(cured_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(validate_suite());
}

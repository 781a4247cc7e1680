/* test_sanitize.c: unit tests for server/sanitize.c (usernames as the real server
 * stores them). A standalone check program: exits non-zero when a case fails.
 *
 * Every expected value below is what npm decancer@3.3.3 returns for the name with
 * {retainCapitalization: true}, padded with '_' to 2 bytes, i.e. what the real
 * server stores (REAL: users/model.rs sanitise_username). Right-to-left text is
 * written with \u escapes so the source does not reorder itself on screen.
 * tests/names/differential.js compares thousands more through the server.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "suite.h"

struct cure_case {
	const char *name;
	const char *want;
};

/* EVIDENCE-OF: spec auth-and-users.md §3.2; all agree with the oracle */
static const struct cure_case spec_cases[] = {
	{ "Ｈｅｌｐｅｒ", "helper" },       /* full-width: capitals lost */
	{ "Ａｄｍｉｎ", "admin" },          /* cured into a blocked name (the caller checks) */
	{ "ＢＯＴ", "bot" },
	{ "ÉcoleBot", "ecoleBot" },       /* non-ASCII capital lost, ASCII B kept */
	{ "BotÉ", "Bote" },
	{ "𝐁𝐨𝐭", "bot" },                 /* mathematical bold */
	{ "𝔽𝕌Ňℕｙ", "funny" },            /* the real repository's own test */
	{ "Ω", "O_" },                    /* case-sensitive entry: upper-case O; then padded */
	{ "ΩΩ", "OO" },
	{ "ΑΒΓ", "abR" },
	{ "Привет", "npnbet" },
	{ "Жж", "xx" },
	{ "名前", "名前" },                /* CJK stays */
	{ "\u3164\u3164", "  " },         /* Hangul fillers become spaces */
	{ "\u1160\u1160", "  " },
	{ "ǄǄ", "dzdz" },                 /* expansions */
	{ "ﬁx", "fix" },
	{ "HelperBot", "HelperBot" },     /* ASCII unchanged, case kept */
	{ "Bot_2.0", "Bot_2.0" },
	{ "a-b.c_d", "a-b.c_d" },
	{ "\u05e9\u05dc\u05d5\u05dd", "oi\u05dcw" }, /* Hebrew "shalom": cured and reordered */
};

/* Found by probing the oracle: what sanitize.c must reproduce beyond the spec. */
static const struct cure_case probe_cases[] = {
	/* per code point, no neighbour effects */
	{ "h3ll0", "h3ll0" },                /* no leetspeak */
	{ "aaaa", "aaaa" },                  /* repeats kept */
	{ "ßoß", "bob" },
	{ "ſſ", "ff" },
	{ "İstanbul", "İstanbul" },          /* no entry: kept, capital and all */
	{ "Ϡx", "Ϡx" },
	{ "Ꭺꭰ", "ad" },
	{ "Ы1", "BL1" },                     /* case-sensitive entry, two letters */
	{ "ᚏx", "/////x" },                  /* longest replacement: 5 bytes */
	{ "𝐀𝐙𝐚𝐳", "azaz" },                 /* ends of a counting-up run */
	{ "０１９", "019" },
	{ "\u0674\u0674", "__" },            /* both cure to "": padded to 2 bytes */
	{ "\u0674a", "a_" },
	/* right-to-left: bidi reordering first, then the per-character cure */
	{ "\u05e9-12", "12-w" },                                  /* RTL paragraph */
	{ "\u05e9\u05dc\u05d5\u05dd" "123", "123oi\u05dcw" },
	{ "Hello-\u05e9\u05dc\u05d5\u05dd", "Hello-oi\u05dcw" },    /* LTR paragraph */
	{ "\u05e2\u05d1\u05e8\u05d9\u05ea.bot", "bot.n'rdv" },
	{ "\u0645\u0631\u062d\u0628\u0627", "i\u0628cj\u0645" },    /* Arabic "marhaba" */
	{ "\u0628\u0648\u062a_1", "1_\u062ag\u0628" },
	{ "\u06c6\u06f1\u06f2", "i\u06f2g" },                      /* W2: EN after AL is AN */
	{ "\u0661\u0662\u0663", "i\u0662\u0663" },                /* Arabic digits alone stay in order */
	{ "abc\u0661\u0662\u0663", "abci\u0662\u0663" },
	{ "\u0662\u0660\u0662\u0664", "\u0662.\u0662e" },
	{ "\U00010d44-\u0669", "q-\U00010d44" },                  /* AN ON AN: reversed */
	{ "\u05f0xy", "xyii" },                                   /* an expansion is not reversed */
	{ "\u02b9\u05e9", "w'" },                                 /* neutral takes the RTL side */
};

static void check_case(const struct cure_case *c)
{
	char *got = sanitize_username(c->name);
	ck_assert_msg(got != NULL, "sanitize_username(\"%s\") returned NULL", c->name);
	ck_assert_msg(strcmp(got, c->want) == 0, "sanitize_username(\"%s\") = \"%s\", want \"%s\"",
		      c->name, got, c->want);
	free(got);
}

START_TEST(test_spec_examples)
{
	check_case(&spec_cases[_i]);
}
END_TEST

START_TEST(test_probed_behaviour)
{
	check_case(&probe_cases[_i]);
}
END_TEST

/* The real server never sees these (JSON bodies are valid UTF-8); we refuse them. */
static const char *const bad_utf8[] = {
	"\xff\xfe",         /* not UTF-8 at all */
	"ab\xc0\xaf",       /* overlong '/' */
	"\xed\xa0\x80x",    /* surrogate */
	"\xf4\x90\x80\x80", /* past U+10FFFF */
	"x\xe4\xbd",        /* truncated */
};

START_TEST(test_bad_utf8_is_refused)
{
	ck_assert_ptr_null(sanitize_username(bad_utf8[_i]));
}
END_TEST

START_TEST(test_padding)
{
	char *s = sanitize_username("");
	ck_assert_str_eq(s, "__");
	free(s);
	s = sanitize_username("a");
	ck_assert_str_eq(s, "a_");
	free(s);
	s = sanitize_username("é"); /* one character, one byte after the cure */
	ck_assert_str_eq(s, "e_");
	free(s);
}
END_TEST

/* Longer than the stack buffers (64 code points): same answer from the heap path. */
START_TEST(test_long_input)
{
	char name[100 * 4 + 1] = "", want[100 * 4 + 1] = "";
	for (int i = 0; i < 100; i++) {
		strcat(name, "Ｈ");
		strcat(want, "h");
	}
	char *got = sanitize_username(name);
	ck_assert_str_eq(got, want);
	free(got);

	strcpy(name, "");
	for (int i = 0; i < 50; i++)
		strcat(name, "\u05e9\u05dc"); /* 100 Hebrew letters, reversed: lamed then shin */
	strcpy(want, "");
	for (int i = 0; i < 50; i++)
		strcat(want, "\u05dcw");
	got = sanitize_username(name);
	ck_assert_str_eq(got, want);
	free(got);
}
END_TEST

static Suite *sanitize_suite(void)
{
	Suite *s = suite_create("sanitize");
	TCase *tc = tcase_create("cure");
	tcase_add_loop_test(tc, test_spec_examples, 0, sizeof(spec_cases) / sizeof(spec_cases[0]));
	tcase_add_loop_test(tc, test_probed_behaviour, 0, sizeof(probe_cases) / sizeof(probe_cases[0]));
	tcase_add_loop_test(tc, test_bad_utf8_is_refused, 0, sizeof(bad_utf8) / sizeof(bad_utf8[0]));
	tcase_add_test(tc, test_padding);
	tcase_add_test(tc, test_long_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(sanitize_suite());
}

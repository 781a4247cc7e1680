/* test_json_oracle.c: unit tests for tests/fuzz/json_oracle.c - serde_json's strict
 * syntax, the oracle the fuzzers hold jsonguard.c and cJSON to.
 * EVIDENCE-OF: spec errors.md §5 (syntax vs shape). */
#include <check.h>
#include <stdbool.h>
#include <string.h>

#include "json_oracle.h"
#include "suite.h"

static const struct {
	const char *text;
	bool ok;
} syntax[] = {
	{"{}", true},
	{" \t\r\n{\"a\" : [1, -2.5e3, true, false, null, \"x\"]} \n", true},
	{"[]", true},
	{"null", true}, /* valid JSON, wrong shape: a 422, not a 400 */
	{"\"\\ud83d\\ude00\"", true},
	{"1e308", true},
	{"", false},
	{"   ", false},
	{"{", false},
	{"{\"a\":1", false},
	{"{\"a\":1}}", false},         /* trailing characters */
	{"{\"a\":1} x", false},
	{"{'a':1}", false},
	{"{\"a\":1,}", false},         /* trailing comma */
	{"[null,]", false},
	{"{a:1}", false},
	{"\xef\xbb\xbf{}", false},     /* a UTF-8 BOM */
	{"1e400", false},             /* number out of range */
	{"-1e400", false},
	{"01", false},
	{"1.", false},
	{".5", false},
	{"+1", false},
	{"NaN", false},
	{"tru", false},
	{"\"\\ud83d\"", false},        /* lone high surrogate */
	{"\"\\ude00\"", false},        /* lone low surrogate */
	{"\"\\x41\"", false},          /* bad escape */
	{"\"a\tb\"", false},           /* raw control character */
	{"\"abc", false},
};

START_TEST(json_syntax)
{
	ck_assert_msg(json_oracle_syntax(syntax[_i].text, strlen(syntax[_i].text)) == syntax[_i].ok, "%s",
		      syntax[_i].text);
}
END_TEST

/* serde_json's recursion limit: 128 levels parse, 129 do not. */
START_TEST(json_depth)
{
	char buf[300];
	memset(buf, '[', 128);
	memset(buf + 128, ']', 128);
	ck_assert(json_oracle_syntax(buf, 256));
	memset(buf, '[', 129);
	memset(buf + 129, ']', 129);
	ck_assert(!json_oracle_syntax(buf, 258));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json_oracle");
	TCase *tc = tcase_create("syntax");
	tcase_add_loop_test(tc, json_syntax, 0, sizeof(syntax) / sizeof(syntax[0]));
	tcase_add_test(tc, json_depth);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

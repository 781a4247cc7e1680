/* test_path.c: unit tests for server/path.c - the path as the router sees it
 * (segments percent-decoded with Rocket's lossy rules, empty ones and a leading
 * "0.8" dropped), query values ('+' is a space), UTF-8 stepping and the glob of
 * fault and journal filters.
 * EVIDENCE-OF: Rocket 0.5.1 core/http/src/uri/segments.rs (percent_decode_lossy),
 * Rust's String::from_utf8_lossy (one U+FFFD per maximal ill-formed subpart). */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "suite.h"

/* ---- path_normal: split, decode, join ----------------------------------------- */

static const struct {
	const char *raw, *normal, *why;
} normals[] = {
	{"/bots/01ABC", "/bots/01ABC", "plain ASCII"},
	{"", "/", "nothing"},
	{"/", "/", "the root"},
	{"//bots///x/", "/bots/x", "empty segments dropped"},
	{"/0.8/bots/x", "/bots/x", "a leading 0.8 dropped"},
	{"/bots/0.8", "/bots/0.8", "only a leading 0.8"},
	{"/0.8/0.8", "/0.8", "only the first 0.8"},
	{"/%30.8/x", "/x", "a 0.8 spelt with an escape is still 0.8"},
	{"/a%2Fb", "/a/b", "an escaped slash stays inside its segment"},
	{"/a%20b", "/a b", "an escaped space"},
	{"/a+b", "/a+b", "'+' is itself in a path"},
	{"/%41%62", "/Ab", "upper- and lower-case hex"},
	{"/%4", "/%4", "one hex digit stays as written"},
	{"/%zz", "/%zz", "not hex: stays"},
	{"/x%00y", "/x%00y", "%00 stays as written"},
	{"/%C3%A9", "/\xC3\xA9", "an escaped UTF-8 sequence"},
	{"/%FF", "/\xEF\xBF\xBD", "a byte that is not UTF-8 becomes U+FFFD"},
	{"/%E2%82", "/\xEF\xBF\xBD", "a cut sequence is one U+FFFD"},
	{"/%C0%80", "/\xEF\xBF\xBD\xEF\xBF\xBD", "an overlong form: one U+FFFD per byte"},
	{"http://host:80/bots/x", "/bots/x", "absolute form: only the path"},
	{"http://host", "/", "absolute form without a path"},
};

START_TEST(normal_paths)
{
	char *got = path_normal(normals[_i].raw);
	ck_assert_msg(strcmp(got, normals[_i].normal) == 0, "%s: '%s' gave '%s', want '%s'", normals[_i].why,
		      normals[_i].raw, got, normals[_i].normal);
	free(got);
}
END_TEST

START_TEST(normal_of_null)
{
	char *got = path_normal(NULL);
	ck_assert_str_eq(got, "/");
	free(got);
}
END_TEST

START_TEST(split_segments)
{
	struct request rq = {0};
	rq.path = "/bots/%41b//c";
	path_split(&rq);
	ck_assert_int_eq(rq.nseg, 3);
	ck_assert_str_eq(rq.seg[0], "bots");
	ck_assert_str_eq(rq.seg[1], "Ab");
	ck_assert_str_eq(rq.seg[2], "c");
	ck_assert_uint_eq(rq.seglen[1], 2);
	ck_assert(!rq.path_bad);
	request_release(&rq);
}
END_TEST

START_TEST(split_too_many_segments)
{
	struct request rq = {0};
	char path[4 * (PATH_SEGMENTS_MAX + 1) + 1] = "";
	for (int i = 0; i <= PATH_SEGMENTS_MAX; i++)
		strcat(path, "/ab");
	rq.path = path;
	path_split(&rq);
	ck_assert(rq.path_bad);
	ck_assert_int_eq(rq.nseg, PATH_SEGMENTS_MAX);
	request_release(&rq);
}
END_TEST

/* ---- query values -------------------------------------------------------------- */

static const struct {
	const char *in, *out;
} queries[] = {
	{"GET", "GET"},     {"a+b", "a b"},     {"a%2Bb", "a+b"},   {"%2Fbots%2F*", "/bots/*"},
	{"%", "%"},         {"%4", "%4"},       {"%00", "%00"},     {"", ""},
	{"%C3%A9", "\xC3\xA9"},
};

START_TEST(query_values)
{
	char *got = path_query_value(queries[_i].in, strlen(queries[_i].in));
	ck_assert_str_eq(got, queries[_i].out);
	free(got);
}
END_TEST

START_TEST(query_value_not_utf8)
{
	char *got = path_query_value("%FF", 3);
	ck_assert_str_eq(got, "\xFF"); /* bytes as decoded: no U+FFFD here */
	free(got);
}
END_TEST

/* ---- UTF-8 stepping ---------------------------------------------------------------- */

static const struct {
	const char *s;
	long step;
} steps[] = {
	{"a", 1},
	{"\xC3\xA9", 2},
	{"\xE2\x82\xAC", 3},
	{"\xF0\x9F\x98\x80", 4},
	{"\x80", -1},             /* a continuation byte alone */
	{"\xC0\x80", -1},         /* C0 never starts a sequence */
	{"\xE0\x80\x80", -1},     /* overlong: E0 needs A0..BF next */
	{"\xED\xA0\x80", -1},     /* a surrogate */
	{"\xF4\x90\x80\x80", -1}, /* above U+10FFFF */
	{"\xF5\x80", -1},
	{"\xE2\x82", -2},         /* cut short: both bytes are one subpart */
	{"\xF0\x9F\x98", -3},
	{"\xE2\x82z", -2},
};

START_TEST(utf8_steps)
{
	const unsigned char *s = (const unsigned char *)steps[_i].s;
	ck_assert_int_eq(path_utf8_step(s, strlen(steps[_i].s)), steps[_i].step);
}
END_TEST

/* ---- the glob ------------------------------------------------------------------------ */

static const struct {
	const char *pattern, *s;
	bool match;
} globs[] = {
	{"*", "/", true},
	{"*", "/bots/x", true},
	{"/bots/*", "/bots/x/invite", true},
	{"/bots/*", "/bots", false},
	{"/bots/*/invite", "/bots/x/invite", true},
	{"/bots/*/invite", "/bots/x/y", false},
	{"/bots/x", "/bots/x", true},
	{"/bots/x", "/bots/xy", false},
	{"*/invite", "/bots/a/invite", true},
	{"/a*b*c", "/aXbYbc", true},
	{"/a**", "/a", true},
	{"", "", true},
	{"", "/", false},
};

START_TEST(glob_rows)
{
	ck_assert_msg(path_glob(globs[_i].pattern, globs[_i].s) == globs[_i].match, "'%s' against '%s'",
		      globs[_i].pattern, globs[_i].s);
}
END_TEST

static Suite *path_suite(void)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("segments");
	tcase_add_loop_test(tc, normal_paths, 0, sizeof(normals) / sizeof(normals[0]));
	tcase_add_test(tc, normal_of_null);
	tcase_add_test(tc, split_segments);
	tcase_add_test(tc, split_too_many_segments);
	suite_add_tcase(s, tc);

	tc = tcase_create("query");
	tcase_add_loop_test(tc, query_values, 0, sizeof(queries) / sizeof(queries[0]));
	tcase_add_test(tc, query_value_not_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_loop_test(tc, utf8_steps, 0, sizeof(steps) / sizeof(steps[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("glob");
	tcase_add_loop_test(tc, glob_rows, 0, sizeof(globs) / sizeof(globs[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(path_suite());
}

/* test_body.c: unit tests for server/body.c - serde's struct decoding from objects
 * and arrays, and escaped NULs carried through cJSON.
 * EVIDENCE-OF: spec errors.md §5 (syntax vs shape, arrays as bodies). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "suite.h"

/* ---- struct decoding (422 / 400) --------------------------------------------------- */

static const char *const edit_fields[] = {"name", "public", "analytics", "interactions_url", "oauth2", "remove"};

static enum decode decode_edit(const char *text, const cJSON **vals)
{
	cJSON *v = cJSON_Parse(text);
	ck_assert_ptr_nonnull(v);
	enum decode d = body_struct(v, edit_fields, 6, 4, vals);
	cJSON_Delete(v);
	return d;
}

START_TEST(struct_from_object)
{
	const cJSON *f[6];
	cJSON *v = cJSON_Parse("{\"public\":true,\"unknown\":1,\"name\":\"x\"}");
	ck_assert_int_eq(body_struct(v, edit_fields, 6, 4, f), DECODE_OK);
	ck_assert_str_eq(f[0]->valuestring, "x");
	ck_assert(cJSON_IsTrue(f[1]));
	ck_assert_ptr_null(f[2]);
	ck_assert_ptr_null(f[5]);
	cJSON_Delete(v);
}
END_TEST

static const struct {
	const char *text;
	enum decode want;
} shapes[] = {
	{"{}", DECODE_OK},
	{"{\"Name\":1}", DECODE_OK},                 /* keys are case-sensitive: unknown, ignored */
	{"{\"name\":\"a\",\"name\":\"b\"}", DECODE_422}, /* a duplicate field */
	{"{\"x\":1,\"x\":2}", DECODE_OK},            /* duplicates of an unknown key are ignored */
	{"null", DECODE_422},
	{"true", DECODE_422},
	{"1", DECODE_422},
	{"\"name\"", DECODE_422},
	{"[]", DECODE_422},                          /* arrays fill fields by position */
	{"[null,null,null]", DECODE_422},            /* fewer than the 4 required */
	{"[null,null,null,null]", DECODE_OK},
	{"[null,null,null,null,null,[]]", DECODE_OK},
	{"[null,null,null,null,null,[],null]", DECODE_400}, /* longer: trailing characters */
};

START_TEST(struct_shapes)
{
	const cJSON *f[6];
	ck_assert_msg(decode_edit(shapes[_i].text, f) == shapes[_i].want, "%s", shapes[_i].text);
}
END_TEST

START_TEST(struct_from_array)
{
	const cJSON *f[6];
	cJSON *v = cJSON_Parse("[\"HelperBot\",true,null,\"https://x\"]");
	ck_assert_int_eq(body_struct(v, edit_fields, 6, 4, f), DECODE_OK);
	ck_assert_str_eq(f[0]->valuestring, "HelperBot");
	ck_assert(cJSON_IsTrue(f[1]));
	ck_assert(cJSON_IsNull(f[2]));
	ck_assert_str_eq(f[3]->valuestring, "https://x");
	ck_assert_ptr_null(f[4]);
	ck_assert_ptr_null(f[5]);
	cJSON_Delete(v);
}
END_TEST

/* An escaped NUL survives cJSON as BODY_NUL and goes back out as \u0000. */
START_TEST(nul_round_trip)
{
	static const char in[] = "{\"name\":\"ab\\u0000cd\"}";
	size_t len = 0;
	char *un = body_nul_unescape(in, sizeof(in) - 1, &len);
	ck_assert_ptr_nonnull(un);
	ck_assert_uint_eq(len, sizeof(in) - 1 - 5);
	ck_assert_int_eq(memcmp(un, "{\"name\":\"ab\xff" "cd\"}", len), 0);
	cJSON *j = cJSON_ParseWithLength(un, len);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "name")->valuestring, "ab\xff" "cd");
	char *out = cJSON_PrintUnformatted(j);
	size_t olen = strlen(out);
	body_nul_escape(&out, &olen);
	ck_assert_str_eq(out, in);
	ck_assert_uint_eq(olen, strlen(in));
	free(out);
	cJSON_Delete(j);
	free(un);
	/* text without an escaped NUL is not copied */
	ck_assert_ptr_null(body_nul_unescape("{\"a\":\"\\u0001\"}", 13, &len));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("body");
	TCase *tc = tcase_create("struct");
	tcase_add_test(tc, struct_from_object);
	tcase_add_loop_test(tc, struct_shapes, 0, sizeof(shapes) / sizeof(shapes[0]));
	tcase_add_test(tc, struct_from_array);
	suite_add_tcase(s, tc);
	tc = tcase_create("nul");
	tcase_add_test(tc, nul_round_trip);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

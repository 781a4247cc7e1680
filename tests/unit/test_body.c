/* test_body.c: an escaped NUL in a request body survives decoding as BODY_NUL and
 * goes back out as \u0000 (body.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "bodies.h"
#include "jsonguard.h"
#include "suite.h"

START_TEST(nul_round_trip)
{
	static const char in[] = "{\"name\":\"ab\\u0000cd\"}";
	void *v = NULL;
	ck_assert_int_eq(jsonguard_decode(&DataCreateBot, in, sizeof(in) - 1, &v), 0);
	const struct data_create_bot *data = v;
	ck_assert_str_eq(data->name, "ab\xff" "cd");
	struct strbuf sb = STRBUF_INIT;
	jsonguard_render(&DataCreateBot, v, &sb);
	size_t len = sb.len;
	char *out = strbuf_detach(&sb, NULL);
	body_nul_escape(&out, &len);
	ck_assert_str_eq(out, in);
	ck_assert_uint_eq(len, strlen(in));
	free(out);
	jsonguard_free(&DataCreateBot, v);
	/* an answer without BODY_NUL is left as it is */
	char *plain = strdup("{\"a\":\"\\u0001\"}");
	char *was = plain;
	len = strlen(plain);
	body_nul_escape(&plain, &len);
	ck_assert_ptr_eq(plain, was);
	free(plain);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("body");
	TCase *tc = tcase_create("nul");
	tcase_add_test(tc, nul_round_trip);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_root.c: GET / over HTTP - the node configuration clients read first. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "suite.h"

static struct server srv;

static void up(void) { ck_assert_int_eq(server_start(&srv, NULL), 0); }
static void down(void) { server_stop(&srv); }

START_TEST(root_points_back_at_the_server)
{
	struct resp r;
	ck_assert_int_eq(http(&srv, "GET", "/", NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.content_type, "application/json");
	ck_assert_str_eq(jstr(r.json, "revolt"), "0.15.1");
	char want[128];
	snprintf(want, sizeof(want), "ws://127.0.0.1:%u/ws", srv.port);
	ck_assert_str_eq(jstr(r.json, "ws"), want);
	snprintf(want, sizeof(want), "http://127.0.0.1:%u", srv.port);
	ck_assert_str_eq(jstr(r.json, "app"), want);
	ck_assert(cJSON_IsFalse(jget(r.json, "features.captcha.enabled")));
	/* services stoat-mock does not serve: disabled, as a real instance without them
	 * (docs/fidelity.md#root-services) */
	static const char *const off[] = {"features.autumn", "features.january"};
	for (size_t i = 0; i < 2; i++) {
		char *got = cJSON_PrintUnformatted(jget(r.json, off[i]));
		ck_assert_str_eq(got, "{\"enabled\":false,\"url\":\"\"}");
		free(got);
	}
	ck_assert_int_eq(jget(r.json, "features.limits.default.bots")->valueint, 5);
	ck_assert_int_eq(jget(r.json, "features.limits.new_user.bots")->valueint, 2);
	ck_assert_ptr_nonnull(jstr(r.json, "build.commit_sha"));
	/* the same answer under the /0.8 prefix the public deployment uses */
	struct resp r2;
	ck_assert_int_eq(http(&srv, "GET", "/0.8/", NULL, NULL, &r2), 0);
	ck_assert_int_eq(r2.status, 200);
	ck_assert_str_eq(r2.body, r.body);
	resp_release(&r);
	resp_release(&r2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("root");
	TCase *tc = tcase_create("root");
	tcase_add_checked_fixture(tc, up, down);
	tcase_add_test(tc, root_points_back_at_the_server);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_reset.c: POST /_mock/reset gives back the start-up state exactly (issue 18
 * item 7), what the loader generated at start-up included: GET /_mock/state, then
 * POST /_mock/reset, then GET /_mock/state answer the same bytes, with and without
 * --seed, also after the state was changed in between; with a seed, what follows a
 * reset (a new account's ids and token) is what followed start-up. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

/* Sessions without an _id and a bot without a discriminator: the loader makes them. */
static const char DOC[] =
	"{\"users\":[{\"_id\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"username\":\"alice\",\"discriminator\":\"0001\","
	"\"sessions\":[{\"token\":\"alice-session\"},{\"token\":\"alice-phone\",\"name\":\"phone\"}]},"
	"{\"_id\":\"01HZ6A7B8C9D0E1F2G3H4J5K6M\",\"username\":\"bob\",\"discriminator\":\"0002\","
	"\"sessions\":[{\"token\":\"bob-session\"}]}],"
	"\"bots\":[{\"_id\":\"01J0H3HPB0T5T0KEN000000AAA\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\","
	"\"username\":\"Helper\",\"token\":\"helper-token\"}]}";

static char path[64];

static char *call(const struct server *s, const char *method, const char *target, const char *body, long status)
{
	struct resp r;
	ck_assert_int_eq(http_as(s, method, target, "x-session-token", "alice-session", body, &r), 0);
	ck_assert_msg(r.status == status, "%s %s: %ld %s", method, target, r.status, r.body);
	char *b = r.body ? strdup(r.body) : strdup("");
	resp_release(&r);
	return b;
}

/* export -> reset -> export, also after changes; returns nothing, asserts. */
static void export_reset_export(const char *const *extra)
{
	snprintf(path, sizeof(path), "/tmp/stoat-reset-%d.json", (int)getpid());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(DOC, f);
	fclose(f);
	const char *args[8] = {"--quiet", "--fixtures", path};
	int n = 3;
	for (int i = 0; extra && extra[i]; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	struct server s;
	ck_assert_int_eq(server_start(&s, args), 0);
	char *before = call(&s, "GET", "/_mock/state", NULL, 200);
	ck_assert_ptr_nonnull(strstr(before, "\"token\":\"alice-phone\",\"_id\":\"")); /* generated at load */
	free(call(&s, "POST", "/_mock/reset", NULL, 204));
	char *after = call(&s, "GET", "/_mock/state", NULL, 200);
	ck_assert_str_eq(after, before);
	free(after);
	/* changes, then a reset: the start-up state again */
	free(call(&s, "PATCH", "/bots/01J0H3HPB0T5T0KEN000000AAA", "{\"name\":\"Renamed\",\"remove\":[\"Token\"]}", 200));
	free(call(&s, "POST", "/_mock/users", "{\"username\":\"dave\"}", 200));
	free(call(&s, "PUT", "/_mock/state", "{}", 204));
	free(call(&s, "POST", "/_mock/reset", NULL, 204));
	after = call(&s, "GET", "/_mock/state", NULL, 200);
	ck_assert_str_eq(after, before);
	free(after);
	free(before);
	ck_assert_int_eq(server_stop(&s), 0);
	unlink(s.log);
	unlink(path);
}

START_TEST(reset_is_exact_without_a_seed) { export_reset_export(NULL); }
END_TEST

START_TEST(reset_is_exact_with_a_seed)
{
	const char *seed[] = {"--seed", "7", NULL};
	export_reset_export(seed);
}
END_TEST

/* With a seed the generator is put back as start-up left it: the first account made
 * after a reset is the first account made after start-up, byte for byte. */
START_TEST(what_follows_a_reset_follows_start_up)
{
	struct server s;
	const char *args[] = {"--quiet", "--seed", "42", NULL};
	ck_assert_int_eq(server_start(&s, args), 0);
	char *first = call(&s, "POST", "/_mock/users", "{\"username\":\"dave\"}", 200);
	char *bot = call(&s, "POST", "/bots/create", "{\"name\":\"Made\"}", 200);
	free(call(&s, "POST", "/_mock/reset", NULL, 204));
	char *again = call(&s, "POST", "/_mock/users", "{\"username\":\"dave\"}", 200);
	char *bot_again = call(&s, "POST", "/bots/create", "{\"name\":\"Made\"}", 200);
	ck_assert_str_eq(again, first);
	ck_assert_str_eq(bot_again, bot);
	free(first);
	free(again);
	free(bot);
	free(bot_again);
	ck_assert_int_eq(server_stop(&s), 0);
	unlink(s.log);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reset");
	TCase *tc = tcase_create("reset");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, reset_is_exact_without_a_seed);
	tcase_add_test(tc, reset_is_exact_with_a_seed);
	tcase_add_test(tc, what_follows_a_reset_follows_start_up);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* test_ids.c: unit tests for server/ids.c - bot tokens and OAuth2 secrets
 * (nanoid!(64): 64 symbols of `_-0-9a-zA-Z`, CSPRNG), ULIDs (26 Crockford base32
 * characters, 48-bit millisecond time first), the uniform draw behind
 * discriminators, and the seeded (deterministic) mode.
 * EVIDENCE-OF: spec auth-and-users.md §1.5, bots-api.md §2.6. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "suite.h"

#define DRAWS 20000

static int cmp_token(const void *a, const void *b) { return memcmp(a, b, TOKEN_LEN + 1); }

/* REAL: nanoid 0.4 default alphabet, in its order. */
START_TEST(alphabet_is_nanoids)
{
	ck_assert_str_eq(ids_token_alphabet, "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
	for (int i = 0; i < 64; i++)
		ck_assert_ptr_eq(strchr(ids_token_alphabet, ids_token_alphabet[i]), &ids_token_alphabet[i]);
}
END_TEST

/* 64 characters from the alphabet, every symbol used, no token drawn twice. */
START_TEST(tokens)
{
	char (*t)[TOKEN_LEN + 1] = malloc(DRAWS * sizeof(*t));
	long seen[256] = {0};
	for (int i = 0; i < DRAWS; i++) {
		ids_new_token(t[i]);
		ck_assert_uint_eq(strlen(t[i]), TOKEN_LEN);
		ck_assert_uint_eq(strspn(t[i], ids_token_alphabet), TOKEN_LEN);
		for (int k = 0; k < TOKEN_LEN; k++)
			seen[(unsigned char)t[i][k]]++;
	}
	/* uniform: each symbol is expected 20000 times; allow a wide margin */
	for (int i = 0; i < 64; i++) {
		long n = seen[(unsigned char)ids_token_alphabet[i]];
		ck_assert_msg(n > 17000 && n < 23000, "symbol '%c' drawn %ld times", ids_token_alphabet[i], n);
	}
	qsort(t, DRAWS, sizeof(*t), cmp_token);
	for (int i = 1; i < DRAWS; i++)
		ck_assert_msg(memcmp(t[i - 1], t[i], TOKEN_LEN) != 0, "token drawn twice: %s", t[i]);
	free(t);
}
END_TEST

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* 26 upper-case Crockford characters, the current time in front, all distinct. */
START_TEST(ulids)
{
	char (*u)[ULID_LEN + 1] = malloc(DRAWS * sizeof(*u));
	for (int i = 0; i < DRAWS; i++) {
		int64_t before = ids_now_ms();
		ids_new_ulid(u[i]);
		int64_t after = ids_now_ms(), ms = 0;
		ck_assert_uint_eq(strlen(u[i]), ULID_LEN);
		ck_assert_uint_eq(strspn(u[i], crockford), ULID_LEN);
		ck_assert(ids_parse_ulid(u[i], &ms));
		ck_assert(ms >= before && ms <= after);
	}
	qsort(u, DRAWS, sizeof(*u), (int (*)(const void *, const void *))strcmp);
	for (int i = 1; i < DRAWS; i++)
		ck_assert_str_ne(u[i - 1], u[i]);
	free(u);
}
END_TEST

struct ulid_case {
	const char *s;
	bool ok;
	int64_t ms;
};

static const struct ulid_case ulid_cases[] = {
	{"01HZ5W2X8A1B3C4D5E6F7G8H9J", true, 1717110404362LL}, /* alice in the bundled fixtures */
	{"00000000000000000000000000", true, 0},
	{"7ZZZZZZZZZZZZZZZZZZZZZZZZZ", true, 281474976710655LL}, /* the largest ULID */
	{"01HZ5W2X8A1B3C4D5E6F7G8H9", false, 0},                /* 25 characters */
	{"01HZ5W2X8A1B3C4D5E6F7G8H9JK", false, 0},              /* 27 */
	{"", false, 0},
	{"01HZ5W2X8A1B3C4D5E6F7G8HIJ", false, 0}, /* I, L, O, U are not Crockford digits */
	{"01HZ5W2X8A1B3C4D5E6F7G8HLJ", false, 0},
	{"01HZ5W2X8A1B3C4D5E6F7G8HOJ", false, 0},
	{"01HZ5W2X8A1B3C4D5E6F7G8HUJ", false, 0},
	{"01HZ5W2X8A1B3C4D5E6F7G8H[J", false, 0},
	{"alice-session-not-a-ulid00", false, 0},
};

START_TEST(parse_ulid)
{
	const struct ulid_case *c = &ulid_cases[_i];
	int64_t ms = -1;
	ck_assert_msg(ids_parse_ulid(c->s, &ms) == c->ok, "\"%s\"", c->s);
	if (c->ok)
		ck_assert_int_eq(ms, c->ms);
	ck_assert(ids_parse_ulid(c->s, NULL) == c->ok); /* the time is optional */
}
END_TEST

START_TEST(uniform_draws)
{
	int hits[7] = {0};
	for (int i = 0; i < 7000; i++) {
		uint32_t r = ids_uniform(7);
		ck_assert_uint_lt(r, 7);
		hits[r]++;
	}
	for (int i = 0; i < 7; i++)
		ck_assert_msg(hits[i] > 700 && hits[i] < 1300, "value %d drawn %d times", i, hits[i]);
	ck_assert_uint_eq(ids_uniform(1), 0);
}
END_TEST

/* A seed gives the same ids and tokens every time, on a virtual clock that starts
 * at 2026-01-01T00:00:00Z (ULID prefix 01KDVDNA00) and moves 1 ms per reading. */
START_TEST(seeded_runs_repeat)
{
	char a[3][TOKEN_LEN + 1], b[3][TOKEN_LEN + 1], ua[ULID_LEN + 1], ub[ULID_LEN + 1];
	ids_seed(42);
	ck_assert(ids_seeded());
	ids_new_ulid(ua);
	for (int i = 0; i < 3; i++)
		ids_new_token(a[i]);
	ids_seed(42);
	ids_new_ulid(ub);
	for (int i = 0; i < 3; i++)
		ids_new_token(b[i]);
	ck_assert_str_eq(ua, ub);
	ck_assert(strncmp(ua, "01KDVDNA00", 10) == 0);
	for (int i = 0; i < 3; i++)
		ck_assert_str_eq(a[i], b[i]);
	ck_assert_str_ne(a[0], a[1]);
	ids_seed(43);
	ids_new_ulid(ub);
	ck_assert_str_ne(ua, ub);
	ids_unseed();
	ck_assert(!ids_seeded());
	ids_new_token(b[0]);
	ck_assert_str_ne(a[0], b[0]);
}
END_TEST

static Suite *ids_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *tc = tcase_create("ids");
	tcase_set_timeout(tc, 60); /* the sanitizer build draws slower */
	tcase_add_test(tc, alphabet_is_nanoids);
	tcase_add_test(tc, tokens);
	tcase_add_test(tc, ulids);
	tcase_add_loop_test(tc, parse_ulid, 0, sizeof(ulid_cases) / sizeof(ulid_cases[0]));
	tcase_add_test(tc, uniform_draws);
	tcase_add_test(tc, seeded_runs_repeat);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(ids_suite());
}

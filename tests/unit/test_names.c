/* test_names.c: unit tests for server/names.c - the discriminator search space.
 * names_disc_space lists what is taken instead of walking every candidate; here
 * it is held against that walk (the real server's list of free values,
 * DISCRIMINATOR_SEARCH_SPACE less the used ones, in ascending order): the same
 * count and the same value at every index, for used sets from empty to full.
 * REAL: crates/core/database/src/models/users/model.rs find_discriminator. */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "suite.h"

/* The real server's list, built the obvious way. */
static int reference(const bool used[10000], int *list)
{
	static const int excluded[] = {123, 1234, 1111, 2222, 3333, 4444, 5555, 6666, 7777, 8888, 1488};
	int n = 0;
	for (int d = 2; d <= 9998; d++) {
		bool out = used[d];
		for (size_t i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++)
			out = out || excluded[i] == d;
		if (!out)
			list[n++] = d;
	}
	return n;
}

/* Every index of used's free list, against the reference. */
static void same_as_reference(const bool used[10000])
{
	static int list[10000];
	static struct disc_space s;
	int n = reference(used, list);
	names_disc_space(used, &s);
	ck_assert_int_eq(s.nfree, n);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(names_disc_nth(&s, i), list[i]);
}

/* Used sets: nothing; the ends of the range and outside it (0, 1, 9999, which
 * the space never holds); the excluded values and their neighbours; runs; every
 * value but one; every value. */
START_TEST(edges)
{
	static bool used[10000];
	memset(used, 0, sizeof(used));
	same_as_reference(used);
	used[0] = used[1] = used[2] = used[9998] = used[9999] = true;
	same_as_reference(used);
	memset(used, 0, sizeof(used));
	static const int near[] = {122, 123, 124, 1110, 1111, 1112, 1233, 1234, 1235, 1488, 8888, 8889};
	for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++)
		used[near[i]] = true;
	same_as_reference(used);
	memset(used, 0, sizeof(used));
	for (int d = 100; d < 2300; d++)
		used[d] = true;
	same_as_reference(used);
	memset(used, true, sizeof(used));
	used[5000] = false;
	same_as_reference(used);
	used[5000] = true;
	same_as_reference(used);
}
END_TEST

/* Random sets, sparse to dense. */
START_TEST(random_sets)
{
	static bool used[10000];
	srand(19);
	for (int round = 0; round < 40; round++) {
		int per_mille = round < 20 ? round : 50 * (round - 19);
		for (int d = 0; d < 10000; d++)
			used[d] = rand() % 1000 < per_mille;
		same_as_reference(used);
	}
}
END_TEST

static Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("discriminators");
	tcase_add_test(tc, edges);
	tcase_add_test(tc, random_sets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(names_suite());
}

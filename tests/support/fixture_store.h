/* fixture_store.h: the store the unit suites start from - SQLite in memory with
 * the bundled fixtures (fixtures/default.json) loaded, as the server starts. */
#ifndef STOAT_FIXTURE_STORE_H
#define STOAT_FIXTURE_STORE_H

#include <check.h>
#include <stdbool.h>
#include <string.h>

#include "fixtures.h"
#include "store.h"

static inline void fixture_store_open(void)
{
	bool fresh;
	char *why = NULL, err[400];
	ck_assert_msg(store_open(":memory:", &fresh, &why) == 0, "store_open: %s", why ? why : "?");
	ck_assert(fresh);
	ck_assert_int_eq(store_begin(), 0);
	ck_assert_msg(fixtures_load_text(embedded_default_fixtures, strlen(embedded_default_fixtures), err,
					 sizeof(err)) == 0,
		      "fixtures: %s", err);
	ck_assert_int_eq(store_commit(), 0);
}

#endif

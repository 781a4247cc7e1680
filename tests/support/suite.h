/* suite.h: how every check suite of the project is run: all its tests, the
 * summary on stdout, and the exit status CTest reads. */
#ifndef STOAT_TEST_SUITE_H
#define STOAT_TEST_SUITE_H

#include <check.h>
#include <stdlib.h>

static inline int suite_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif

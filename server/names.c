/* names.c: see names.h. */
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ids.h"
#include "limits.h"
#include "locations.h"
#include "sanitize.h"
#include "store.h"
#include "validate.h"

/* REAL: users/model.rs DISCRIMINATOR_SEARCH_SPACE - 2..9999 minus these */
static const int excluded[] = {123, 1234, 1111, 2222, 3333, 4444, 5555, 6666, 7777, 8888, 1488};

static bool in_search_space(int d)
{
	if (d < 2 || d > 9998)
		return false;
	for (size_t i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++)
		if (excluded[i] == d)
			return false;
	return true;
}

/* The free discriminators for name: fills free_list, returns how many (-1 db error). */
static int free_discriminators(const char *name, int *free_list)
{
	static bool used[10000];
	if (store_discriminators_in_use(name, used))
		return -1;
	int n = 0;
	for (int d = 2; d <= 9998; d++)
		if (in_search_space(d) && !used[d])
			free_list[n++] = d;
	return n;
}

/* Cure + blocked-name check. */
static enum err cure(const char *name, char **cured, struct err_detail *err)
{
	*cured = sanitize_username(name);
	if (!*cured)
		return err_set(err, ERR_InvalidUsername, LOC_USERNAME_CURE, NULL);
	if (validate_username_blocked(*cured)) {
		free(*cured);
		*cured = NULL;
		return err_set(err, ERR_InvalidUsername, LOC_USERNAME_BLOCKED, NULL);
	}
	return ERR_OK;
}

enum err names_for_new_user(const char *name, char **cured, char disc[5], struct err_detail *err)
{
	static int free_list[10000];
	enum err e = cure(name, cured, err);
	if (e)
		return e;
	int n = free_discriminators(*cured, free_list);
	if (n <= 0) {
		free(*cured);
		*cured = NULL;
		return n < 0 ? err_database(err, "find", "users", NULL)
			     : err_set(err, ERR_UsernameTaken, LOC_USERNAME_TAKEN, NULL);
	}
	snprintf(disc, 5, "%04d", free_list[ids_uniform((uint32_t)n)]);
	return ERR_OK;
}

enum err names_rename(struct user *u, const char *name, struct err_detail *err)
{
	static int free_list[10000];
	char *cured;
	enum err e = cure(name, &cured, err);
	if (e)
		return e;
	/* REAL: update_username - same name ignoring case: discriminator kept, no check.
	 * DIFF: ASCII case folding (Rust lower-cases all of Unicode) */
	if (strcasecmp(u->username, cured) == 0) {
		free(u->username);
		u->username = cured;
		return ERR_OK;
	}
	int n = free_discriminators(cured, free_list);
	if (n < 0) {
		free(cured);
		return err_database(err, "find", "users", NULL);
	}
	if (n == 0) {
		free(cured);
		return err_set(err, ERR_UsernameTaken, LOC_USERNAME_TAKEN, NULL);
	}
	int current = atoi(u->discriminator);
	bool keep = false;
	for (int i = 0; i < n && !keep; i++)
		keep = free_list[i] == current;
	if (!keep) {
		int64_t now = ids_now_ms();
		int recent = store_discriminator_changes_since(u->id, now - DISCRIMINATOR_CHANGE_MS);
		if (recent < 0 || (recent == 0 && store_discriminator_change_add(u->id, now))) {
			free(cured);
			return err_database(err, "find", "ratelimit_events", NULL);
		}
		if (recent > 0) {
			free(cured);
			return err_set(err, ERR_DiscriminatorChangeRatelimited, LOC_DISCRIMINATOR_RATELIMIT, NULL);
		}
		char disc[5];
		snprintf(disc, sizeof(disc), "%04d", free_list[ids_uniform((uint32_t)n)]);
		model_set(&u->discriminator, disc);
	}
	free(u->username);
	u->username = cured;
	return ERR_OK;
}

/* names.c: see names.h. */
#include "names.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ids.h"
#include "limits.h"
#include "locations.h"
#include "sanitize.h"
#include "store.h"
#include "validate.h"

/* REAL: users/model.rs DISCRIMINATOR_SEARCH_SPACE - 2..9998 minus these
 * (ascending: names_disc_space merges them with the used values) */
static const int excluded[] = {123, 1111, 1234, 1488, 2222, 3333, 4444, 5555, 6666, 7777, 8888};
#define NEXCLUDED (sizeof(excluded) / sizeof(excluded[0]))

/* PERF: the real server draws from the list of every free value; walking the
 * 9 997 candidates to build it cost 700 000 instructions a rename. The values
 * left out are few (eleven, and the users of that name), so they are listed
 * instead, found with memchr, and the i-th free value is counted past them
 * (docs/performance.md#fourth). */
void names_disc_space(const bool used[10000], struct disc_space *s)
{
	size_t e = 0;
	s->ntaken = 0;
	const bool *p = used + DISC_MIN, *end = used + DISC_MAX + 1;
	while (p < end && (p = memchr(p, true, (size_t)(end - p)))) {
		int d = (int)(p - used);
		while (e < NEXCLUDED && excluded[e] < d)
			s->taken[s->ntaken++] = excluded[e++];
		if (e < NEXCLUDED && excluded[e] == d)
			e++;
		s->taken[s->ntaken++] = d;
		p++;
	}
	while (e < NEXCLUDED)
		s->taken[s->ntaken++] = excluded[e++];
	s->nfree = DISC_MAX - DISC_MIN + 1 - s->ntaken;
}

int names_disc_nth(const struct disc_space *s, int i)
{
	int d = DISC_MIN + i;
	for (int k = 0; k < s->ntaken && s->taken[k] <= d; k++)
		d++;
	return d;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* Is d one of the free values? */
static bool disc_free(const struct disc_space *s, int d)
{
	return d >= DISC_MIN && d <= DISC_MAX && !bsearch(&d, s->taken, (size_t)s->ntaken, sizeof(int), cmp_int);
}

/* A value drawn uniformly from the free ones, as its four digits. */
static void draw(const struct disc_space *s, char disc[5])
{
	int d = names_disc_nth(s, (int)ids_uniform((uint32_t)s->nfree));
	for (int i = 3; i >= 0; i--, d /= 10)
		disc[i] = (char)('0' + d % 10);
	disc[4] = 0;
}

/* The free discriminators for name (-1: a database error). */
static int free_discriminators(const char *name, struct disc_space *s)
{
	static bool used[10000];
	if (store_discriminators_in_use(name, used))
		return -1;
	names_disc_space(used, s);
	return 0;
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
	static struct disc_space space;
	enum err e = cure(name, cured, err);
	if (e)
		return e;
	int rc = free_discriminators(*cured, &space);
	if (rc < 0 || space.nfree == 0) {
		free(*cured);
		*cured = NULL;
		return rc < 0 ? err_database(err, "find", "users", NULL)
			      : err_set(err, ERR_UsernameTaken, LOC_USERNAME_TAKEN, NULL);
	}
	draw(&space, disc);
	return ERR_OK;
}

enum err names_rename(struct user *u, const char *name, struct err_detail *err)
{
	static struct disc_space space;
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
	if (free_discriminators(cured, &space) < 0) {
		free(cured);
		return err_database(err, "find", "users", NULL);
	}
	if (space.nfree == 0) {
		free(cured);
		return err_set(err, ERR_UsernameTaken, LOC_USERNAME_TAKEN, NULL);
	}
	/* kept when it is one of the free values */
	int current = atoi(u->discriminator);
	if (!disc_free(&space, current)) {
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
		draw(&space, disc);
		model_set(&u->discriminator, disc);
	}
	free(u->username);
	u->username = cured;
	return ERR_OK;
}

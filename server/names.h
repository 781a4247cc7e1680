/* names.h: giving a user a name: the cure, the blocked names, the discriminator.
 * REAL: crates/core/database/src/models/users/model.rs (User::create,
 * update_username, find_discriminator, sanitise_username, validate_username). */
#ifndef STOAT_NAMES_H
#define STOAT_NAMES_H

#include <stdbool.h>

#include "request.h"

/* Cures and checks name for a new user; on success *cured (malloc'd) and disc
 * (5 bytes) hold the result. Errors: InvalidUsername, UsernameTaken, DatabaseError. */
enum err names_for_new_user(const char *name, char **cured, char disc[5], struct err_detail *err);

/* Renames u (in memory; the caller stores it). Errors as above plus
 * DiscriminatorChangeRatelimited; records the DiscriminatorChange event. */
enum err names_rename(struct user *u, const char *name, struct err_detail *err);

/* The discriminators a name can be given: REAL: DISCRIMINATOR_SEARCH_SPACE,
 * DISC_MIN..DISC_MAX less eleven values, less those used by the users of that
 * name. A new one is the free value at a uniform index, in ascending order. */
#define DISC_MIN 2
#define DISC_MAX 9998
struct disc_space {
	int nfree;                               /* how many are free */
	int ntaken;                              /* the values in DISC_MIN..DISC_MAX not free, */
	int taken[DISC_MAX - DISC_MIN + 1];      /* ascending */
};
/* Fills s from used (used[d]: a user of the name has discriminator d). */
void names_disc_space(const bool used[10000], struct disc_space *s);
/* The i-th free value, ascending (0 <= i < s->nfree). */
int names_disc_nth(const struct disc_space *s, int i);

#endif

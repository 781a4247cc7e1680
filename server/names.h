/* names.h: giving a user a name: the cure, the blocked names, the discriminator.
 * REAL: crates/core/database/src/models/users/model.rs (User::create,
 * update_username, find_discriminator, sanitise_username, validate_username). */
#ifndef STOAT_NAMES_H
#define STOAT_NAMES_H

#include "request.h"

/* Cures and checks name for a new user; on success *cured (malloc'd) and disc
 * (5 bytes) hold the result. Errors: InvalidUsername, UsernameTaken, DatabaseError. */
enum err names_for_new_user(const char *name, char **cured, char disc[5], struct err_detail *err);

/* Renames u (in memory; the caller stores it). Errors as above plus
 * DiscriminatorChangeRatelimited; records the DiscriminatorChange event. */
enum err names_rename(struct user *u, const char *name, struct err_detail *err);

#endif

/* sanitize.h: bot and user names as the real server stores them.
 *
 * REAL: crates/core/database/src/models/users/model.rs sanitise_username (main):
 * decancer 3.3.3 cure with retain_capitalization, then '_' padding up to
 * api.users.min_username_length (2) measured in bytes.
 *
 * The input is a name that already passed request validation
 * (validate_name_field: 2..=32 code points, ^(\p{L}|[\d_.-])+$).
 */
#ifndef STOAT_SANITIZE_H
#define STOAT_SANITIZE_H

/* Returns the cured name, NUL-terminated, owned by the caller (free()),
 * or NULL when the real server's cure would fail (→ 400 InvalidUsername). */
char *sanitize_username(const char *name);

#endif

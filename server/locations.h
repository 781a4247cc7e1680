/* locations.h: the `location` of each family-A error the emulated routes raise:
 * the file:line:column of the real server's create_error! call, at main 99b3ea14
 * (bots-api.md §9). A client that logs them sees real-looking positions.
 * DIFF: values are those of one commit: docs/fidelity.md#location. */
#ifndef STOAT_LOCATIONS_H
#define STOAT_LOCATIONS_H

#define LOC_CREATE_VALIDATION "crates/delta/src/routes/bots/create.rs:20:9"
#define LOC_CREATE_IS_BOT "crates/core/database/src/models/bots/model.rs:84:24"
#define LOC_CREATE_MAX_BOTS "crates/core/database/src/models/bots/model.rs:88:24"
#define LOC_USERNAME_BLOCKED "crates/core/database/src/models/users/model.rs:310:24"
#define LOC_USERNAME_CURE "crates/core/database/src/models/users/model.rs:322:26"
#define LOC_USERNAME_TAKEN "crates/core/database/src/models/users/model.rs:401:24"
#define LOC_DISCRIMINATOR_RATELIMIT "crates/core/database/src/models/users/model.rs:417:32"
#define LOC_EDIT_VALIDATION "crates/delta/src/routes/bots/edit.rs:22:9"
#define LOC_BOT_NOT_FOUND "crates/core/database/src/models/bots/ops/mongodb.rs:19:62"
#define LOC_EDIT_NOT_OWNER "crates/delta/src/routes/bots/edit.rs:29:20"
#define LOC_FETCH_IS_BOT "crates/delta/src/routes/bots/fetch.rs:17:20"
#define LOC_FETCH_NOT_OWNER "crates/delta/src/routes/bots/fetch.rs:22:20"
#define LOC_DELETE_NOT_OWNER "crates/delta/src/routes/bots/delete.rs:23:20"
#define LOC_PUBLIC_NOT_FOUND "crates/delta/src/routes/bots/fetch_public.rs:20:20"
#define LOC_INVITE_IS_BOT "crates/delta/src/routes/bots/invite.rs:27:20"
#define LOC_INVITE_PRIVATE "crates/delta/src/routes/bots/invite.rs:32:20"
#define LOC_SERVER_NOT_FOUND "crates/core/database/src/models/servers/ops/mongodb.rs:21:62"
#define LOC_CHANNEL_NOT_FOUND "crates/core/database/src/models/channels/ops/mongodb.rs:23:70"
#define LOC_MISSING_PERMISSION "crates/core/permissions/src/models/mod.rs:80:17"
#define LOC_MISSING_USER_PERMISSION "crates/core/permissions/src/models/mod.rs:69:17"
#define LOC_BANNED "crates/core/database/src/models/server_members/model.rs:115:24"
#define LOC_ALREADY_IN_SERVER "crates/core/database/src/models/server_members/model.rs:119:24"
#define LOC_ALREADY_IN_GROUP "crates/core/database/src/models/channels/model.rs:350:28"
#define LOC_GROUP_TOO_LARGE "crates/core/database/src/models/channels/model.rs:355:28"
#define LOC_INVALID_OPERATION "crates/core/database/src/models/channels/model.rs:400:22"
#define LOC_USER_NOT_FOUND "crates/core/database/src/models/users/ops/mongodb.rs:23:62"
#define LOC_BOT_UPDATE_CONFLICT "crates/core/database/src/models/bots/ops/mongodb.rs:67:9"
/* The user guard's error (never sent by the real server: Rocket discards it). */
#define LOC_INVALID_SESSION "crates/core/database/src/models/users/rocket.rs:41:51"
/* The control API's own (nothing in the real server raises these). */
#define LOC_RESET "stoat-mock/_mock/reset"
#define LOC_STATE "stoat-mock/_mock/state"
#define LOC_USERS "stoat-mock/_mock/users"
#define LOC_FAULTS "stoat-mock/_mock/faults"
#define LOC_REQUESTS "stoat-mock/_mock/requests"
#define LOC_SESSIONS "stoat-mock/_mock/sessions"
#define LOC_EVENTS "stoat-mock/_mock/events"
#define LOC_UI "stoat-mock/_mock/ui"
/* A route of the real API that stoat-mock does not emulate (routes.h). */
#define LOC_NOT_EMULATED "stoat-mock"
/* Generic store failures (our SQLite standing in for MongoDB): every route may
 * answer them (routes.h, implied rows). The real server's DatabaseError carries the
 * position of the failing query; the mock names the busiest one, fetch_bot's, which
 * is why the string equals LOC_BOT_NOT_FOUND (the type tells them apart). */
#define LOC_DATABASE "crates/core/database/src/models/bots/ops/mongodb.rs:19:62"

#endif

/* limits.h: named limits, each with where the real server takes it from. */
#ifndef STOAT_LIMITS_H
#define STOAT_LIMITS_H

#define NAME_LEN_MIN 2             /* REAL: crates/core/models/src/v0/bots.rs DataEditBot.name */
#define NAME_LEN_MAX 32            /* REAL: same */
#define USERNAME_PAD_MIN 2         /* REAL: Revolt.toml api.users.min_username_length */
#define INTERACTIONS_URL_MIN 1     /* REAL: bots.rs DataEditBot.interactions_url */
#define INTERACTIONS_URL_MAX 2048  /* REAL: same */
#define OAUTH2_REDIRECTS_MIN 1     /* REAL: feat/oauth2 bots.rs DataEditBotOauth2.redirects */
#define OAUTH2_REDIRECTS_MAX 10    /* REAL: same */
#define BOTS_MAX_DEFAULT 5         /* REAL: Revolt.toml features.limits.default.bots */
#define BOTS_MAX_NEW_USER 2        /* REAL: Revolt.toml features.limits.new_user.bots */
#define NEW_USER_HOURS 72          /* REAL: Revolt.toml features.limits.global.new_user_hours */
#define GROUP_SIZE_MAX 100         /* REAL: Revolt.toml features.limits.global.group_size */
#define DISCRIMINATOR_CHANGE_MS (24LL * 3600 * 1000) /* REAL: users/model.rs update_username */
#define JSON_LIMIT (1024 * 1024)   /* REAL: Rocket 0.5.1 default "json" data limit, 1 MiB */
#define JSON_DEPTH_MAX 128         /* REAL: serde_json recursion limit */

/* REAL: crates/core/permissions/src/models/channel.rs ChannelPermission bits */
#define PERM_MANAGE_SERVER (1ULL << 1)
#define PERM_INVITE_OTHERS (1ULL << 25)
#define PERM_ALL (~0ULL)
/* REAL: channel.rs DEFAULT_PERMISSION_VIEW_ONLY (ViewChannel + ReadMessageHistory) */
#define PERM_VIEW_ONLY ((1ULL << 20) | (1ULL << 21))
/* REAL: channel.rs DEFAULT_PERMISSION_DIRECT_MESSAGE: view only + SendMessage,
 * InviteOthers, SendEmbeds, UploadFiles, Connect, Speak, Listen, Video, ManageChannel,
 * React, Masquerade. Only InviteOthers matters to the emulated routes. */
#define PERM_GROUP_DEFAULT (PERM_VIEW_ONLY | (1ULL << 22) | PERM_INVITE_OTHERS | (1ULL << 26) | \
			    (1ULL << 27) | (1ULL << 0) | (1ULL << 28) | (1ULL << 29) | (1ULL << 30) | \
			    (1ULL << 31) | (1ULL << 32) | (1ULL << 33))

/* Our own bounds (no real counterpart; documented in the README). */
#define PATH_SEGMENTS_MAX 16
#define JOURNAL_BODY_MAX 4096      /* bytes of a request or answer body kept in the journal */
/* a journal entry's request headers (journal.h says why these): the first 32 lines,
 * each value cut to 1 KiB, 4 KiB of names and values in all */
#define JOURNAL_HEADERS_MAX 32
#define JOURNAL_HEADER_VALUE_MAX 1024
#define JOURNAL_HEADERS_BYTES 4096
#define FAULT_ID_MAX 24            /* room for a fault rule's id, "fault-N" (faults.h) */

#endif

/* errors.h: the error catalogue (errors.def) and the three wire families.
 *
 * Family A, application errors: {"type": ..., <fields>, "location": ...},
 *   status from the catalogue. Handlers return an enum err and fill a
 *   struct err_detail through err_set(); they never write status numbers.
 * Family B, Rocket's default catcher pages: see catcher.h.
 * Family C, the rate limiter's {"retry_after": ms}: see ratelimit.h.
 */
#ifndef STOAT_ERRORS_H
#define STOAT_ERRORS_H

#include <cjson/cJSON.h>

enum err_field {
	F_MAX = 1 << 0,
	F_RETRY_AFTER = 1 << 1,
	F_PERMISSION = 1 << 2,
	F_OPERATION = 1 << 3,
	F_COLLECTION = 1 << 4,
	F_ERROR = 1 << 5,
	F_WITH = 1 << 6,
	F_FEATURE = 1 << 7,
	F_SCOPE = 1 << 8,
};

enum err {
	ERR_OK = 0,
#define ERR(name, status, fields) ERR_##name,
#include "errors.def"
#undef ERR
	ERR__COUNT, /* end of the catalogue (its tables have this many rows): never returned */
	/* The mock's own error, not the real server's: 501 {"type":"NotEmulated",
	 * "route":text,"location":...} for a route of the real API stoat-mock does not
	 * emulate (routes.h). err_name, err_status and err_body know it; err_from_name
	 * does not (no fault can inject it). */
	ERR_NOT_EMULATED,
	/* Markers, not catalogue rows: no name, status or body (err_name and err_status
	 * take catalogue values only). */
	ERR_CATCHER,      /* rp->catcher answers: Rocket's page, not a family-A body (reply_catcher) */
	ERR_NO_SUCH_TYPE, /* err_from_name: the name is not a catalogue type */
};

/* What a failed request answers besides its type. Strings are owned copies. */
struct err_detail {
	enum err code;
	const char *location; /* static string: where the real server raises it */
	char *location_owned; /* or a copy given by the control API (location points here) */
	char *text;           /* error / with / feature / permission / scope, by type */
	char *operation;      /* DatabaseError */
	char *collection;     /* DatabaseError */
	long long num;        /* max / retry_after */
};

const char *err_name(enum err e);
int err_status(enum err e);
unsigned err_fields(enum err e);
/* ERR_NO_SUCH_TYPE when the name is not a catalogue type (exact spelling). */
enum err err_from_name(const char *name);

/* Records code + location + an optional text field; returns code so a handler can
 * `return err_set(&rp->err, ERR_NotFound, LOC_BOT_NOT_FOUND, NULL);` */
enum err err_set(struct err_detail *d, enum err code, const char *location, const char *text);
/* The store failed: DatabaseError with the operation and collection the real
 * server's MongoDB call would name ("find_one_by_id", "bots"), at location, or at
 * LOC_DATABASE (locations.h) when location is NULL. Returns ERR_DatabaseError:
 * `return err_database(&rp->err, "find", "bots", NULL);` */
enum err err_database(struct err_detail *d, const char *operation, const char *collection, const char *location);
void err_release(struct err_detail *d);

/* The wire body of a family-A error, compact JSON, caller frees. Blacklisted
 * gets its fixed body. */
char *err_body(const struct err_detail *d);

/* Builds a detail from a JSON object {"type": ..., fields..., "location"?} (control
 * API faults): returns 0, or -1 with a message in *why (static). Missing fields get
 * defaults; a "location" string is copied (location_owned). */
int err_from_json(const cJSON *obj, struct err_detail *d, const char **why);

#endif

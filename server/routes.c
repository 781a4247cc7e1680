/* routes.c: the map of the product. One row per route declares it whole: method and
 * path, guard, body type (bodies.h), the errors it answers (type and location, or a
 * Rocket page), the handler, and what the dispatcher wraps around it (routes.h).
 * Errors are listed in the order the real handler can raise them.
 * REAL: crates/delta/src/routes/bots/mod.rs, routes/mod.rs, routes/root.rs,
 * routes/users/mod.rs. Rocket has no 405: an unmatched method is a 404. */
#include "routes.h"

#include <string.h>

#include "bodies.h"
#include "locations.h"
#include "ratelimit.h"
#include "rocket.h"

#define NO_BOT_USER "a bot without its user: the fixture loader refuses such data"
#define NO_CURE "a 2..32 character name that decancer cannot cure: none exists"

static const struct route table[] = {
	/* api_users.c */
	{"GET", "", GUARD_NONE, NULL,
	 ERRORS(PAGE_UNREACHED(500, "the answer could not be formatted (out of memory)")),
	 root_fetch, 0, "root"},

	/* api_bots.c; body types in bodies.c, decoded and validated by dispatch.c before the handler */
	{"POST", "bots/create", GUARD_USER, &DataCreateBot,
	 ERRORS(E(FailedValidation, LOC_CREATE_VALIDATION),
		E(IsBot, LOC_CREATE_IS_BOT),
		/* the owner's id is no ULID, or one from the future: the real server panics */
		PAGE_UNREACHED(500, "a fixed fixture cannot hold an id from the future (the loader refuses one "
				    "over 60 s ahead): test_bots_create.c generates one"),
		E(ReachedMaximumBots, LOC_CREATE_MAX_BOTS),
		E_UNREACHED(InvalidUsername, LOC_USERNAME_CURE, NO_CURE),
		E(InvalidUsername, LOC_USERNAME_BLOCKED),
		E(UsernameTaken, LOC_USERNAME_TAKEN)),
	 bots_create, ROUTE_WRITES, "bots.create"},

	{"GET", "bots/@me", GUARD_USER, NULL, NO_ERRORS, bots_fetch_owned, 0, "bots.fetch_owned"},

	{"GET", "bots/:id", GUARD_USER, NULL,
	 ERRORS(E(IsBot, LOC_FETCH_IS_BOT),
		E(NotFound, LOC_BOT_NOT_FOUND),
		E(NotFound, LOC_FETCH_NOT_OWNER),
		E_UNREACHED(NotFound, LOC_USER_NOT_FOUND, NO_BOT_USER)),
	 bots_fetch, 0, "bots.fetch"},

	{"PATCH", "bots/:id", GUARD_USER, &DataEditBot,
	 ERRORS(E(FailedValidation, LOC_EDIT_VALIDATION),
		E(NotFound, LOC_BOT_NOT_FOUND),
		E(NotFound, LOC_EDIT_NOT_OWNER),
		E_UNREACHED(NotFound, LOC_USER_NOT_FOUND, NO_BOT_USER),
		E_UNREACHED(InvalidUsername, LOC_USERNAME_CURE, NO_CURE),
		E(InvalidUsername, LOC_USERNAME_BLOCKED),
		E(UsernameTaken, LOC_USERNAME_TAKEN),
		E(DiscriminatorChangeRatelimited, LOC_DISCRIMINATOR_RATELIMIT),
		E(DatabaseError, LOC_BOT_UPDATE_CONFLICT)), /* a field set and removed at once */
	 bots_edit, ROUTE_WRITES, "bots.edit"},

	{"DELETE", "bots/:id", GUARD_USER, NULL,
	 ERRORS(E(NotFound, LOC_BOT_NOT_FOUND),
		E(NotFound, LOC_DELETE_NOT_OWNER),
		E_UNREACHED(NotFound, LOC_USER_NOT_FOUND, NO_BOT_USER)),
	 bots_delete, ROUTE_WRITES | ROUTE_NO_CONTENT, "bots.delete"},

	{"GET", "bots/:id/invite", GUARD_OPT_USER, NULL,
	 ERRORS(E(NotFound, LOC_BOT_NOT_FOUND),
		E(NotFound, LOC_PUBLIC_NOT_FOUND),
		E_UNREACHED(NotFound, LOC_USER_NOT_FOUND, NO_BOT_USER)),
	 bots_fetch_public, 0, "bots.fetch_public"},

	{"POST", "bots/:id/invite", GUARD_USER, &InviteBotDestination,
	 ERRORS(E(IsBot, LOC_INVITE_IS_BOT),
		E(NotFound, LOC_BOT_NOT_FOUND),
		E(BotIsPrivate, LOC_INVITE_PRIVATE),
		E_UNREACHED(NotFound, LOC_USER_NOT_FOUND, NO_BOT_USER),
		/* to a server */
		E(NotFound, LOC_SERVER_NOT_FOUND),
		E(MissingPermission, LOC_MISSING_PERMISSION), /* ManageServer; InviteOthers in a group */
		E(Banned, LOC_BANNED),
		E(AlreadyInServer, LOC_ALREADY_IN_SERVER),
		/* to a group */
		E(NotFound, LOC_CHANNEL_NOT_FOUND),
		E(InvalidOperation, LOC_INVALID_OPERATION),
		E(AlreadyInGroup, LOC_ALREADY_IN_GROUP),
		E(GroupTooLarge, LOC_GROUP_TOO_LARGE)),
	 bots_invite, ROUTE_WRITES | ROUTE_NO_CONTENT, "bots.invite"},

	/* api_users.c */
	{"GET", "users/@me", GUARD_USER, NULL, NO_ERRORS, users_fetch_self, 0, "users.fetch_self"},

	{"GET", "users/:id", GUARD_USER, NULL,
	 ERRORS(E(NotFound, LOC_USER_NOT_FOUND),
		E(MissingPermission, LOC_MISSING_USER_PERMISSION)), /* Access */
	 users_fetch, 0, "users.fetch"},

	/* framework routes of the real server (ratelimit.c, rocket.c) */
	{"GET", "ratelimit", GUARD_NONE, NULL,
	 ERRORS(PAGE(404)), /* DIFF: without --rate-limits there is no limiter */
	 ratelimit_info, 0, "ratelimit"},
	{"GET", "cors/:id", GUARD_NONE, NULL,
	 ERRORS(PAGE_ANY), /* the page of the status in the path, or 500 */
	 rocket_cors_status, 0, "cors.status"},

	/* the control API (control.c, the README ("Testing with stoat-mock")), the
	 * mock's own and not the real server's: bodies are free-form JSON documents
	 * the handlers read themselves, so a bad one is a FailedValidation naming the
	 * field, never a Rocket page */
	{"GET", "_mock/health", GUARD_NONE, NULL, NO_ERRORS, control_health, ROUTE_CONTROL, "mock.health"},
	{"GET", "_mock/openapi.json", GUARD_NONE, NULL,
	 ERRORS(PAGE_UNREACHED(500, "the document could not be copied (out of memory)")),
	 control_openapi, ROUTE_CONTROL, "mock.openapi"},
	{"POST", "_mock/reset", GUARD_NONE, NULL,
	 ERRORS(E(DatabaseError, LOC_RESET)),
	 control_reset, ROUTE_CONTROL | ROUTE_WRITES | ROUTE_NO_CONTENT, "mock.reset"},
	{"GET", "_mock/state", GUARD_NONE, NULL,
	 ERRORS(E(DatabaseError, LOC_STATE)),
	 control_state_get, ROUTE_CONTROL, "mock.state"},
	{"PUT", "_mock/state", GUARD_NONE, NULL,
	 ERRORS(E(FailedValidation, LOC_STATE), E(DatabaseError, LOC_STATE)),
	 control_state_put, ROUTE_CONTROL | ROUTE_WRITES | ROUTE_NO_CONTENT, "mock.state_put"},
	{"POST", "_mock/users", GUARD_NONE, NULL,
	 ERRORS(E(FailedValidation, LOC_USERS), E(UsernameTaken, LOC_USERNAME_TAKEN),
		E(DatabaseError, LOC_USERS)),
	 control_users_create, ROUTE_CONTROL | ROUTE_WRITES, "mock.users"},
	{"GET", "_mock/faults", GUARD_NONE, NULL, NO_ERRORS, control_faults_list, ROUTE_CONTROL, "mock.faults"},
	{"POST", "_mock/faults", GUARD_NONE, NULL,
	 ERRORS(E(FailedValidation, LOC_FAULTS)),
	 control_faults_add, ROUTE_CONTROL, "mock.faults_add"},
	{"DELETE", "_mock/faults", GUARD_NONE, NULL, NO_ERRORS,
	 control_faults_clear, ROUTE_CONTROL | ROUTE_NO_CONTENT, "mock.faults_clear"},
	{"DELETE", "_mock/faults/:id", GUARD_NONE, NULL,
	 ERRORS(E(NotFound, LOC_FAULTS)),
	 control_faults_remove, ROUTE_CONTROL | ROUTE_NO_CONTENT, "mock.faults_remove"},
	{"GET", "_mock/requests", GUARD_NONE, NULL,
	 ERRORS(E(FailedValidation, LOC_REQUESTS)),
	 control_requests_list, ROUTE_CONTROL, "mock.requests"},
	{"GET", "_mock/requests/count", GUARD_NONE, NULL,
	 ERRORS(E(FailedValidation, LOC_REQUESTS)),
	 control_requests_count, ROUTE_CONTROL, "mock.requests_count"},
	{"DELETE", "_mock/requests", GUARD_NONE, NULL, NO_ERRORS,
	 control_requests_clear, ROUTE_CONTROL | ROUTE_NO_CONTENT, "mock.requests_clear"},
	/* the events WebSocket's (control_gateway.c): not in the real server either,
	 * which has no way to list, close or write to a client's session */
	{"GET", "_mock/sessions", GUARD_NONE, NULL, NO_ERRORS, control_sessions_list, ROUTE_CONTROL, "mock.sessions"},
	{"DELETE", "_mock/sessions", GUARD_NONE, NULL, NO_ERRORS,
	 control_sessions_end_all, ROUTE_CONTROL | ROUTE_NO_CONTENT, "mock.sessions_end"},
	{"POST", "_mock/sessions/:id/close", GUARD_NONE, NULL,
	 ERRORS(E(FailedValidation, LOC_SESSIONS), E(NotFound, LOC_SESSIONS)),
	 control_sessions_close, ROUTE_CONTROL | ROUTE_NO_CONTENT, "mock.sessions_close"},
	{"POST", "_mock/events", GUARD_NONE, NULL,
	 ERRORS(E(FailedValidation, LOC_EVENTS)),
	 control_events_push, ROUTE_CONTROL, "mock.events"},

	/* the dashboard (dashboard.c): the page, its files, its event stream, its read */
	{"GET", "_mock", GUARD_NONE, NULL, NO_ERRORS, dashboard_page, ROUTE_CONTROL, "mock.ui"},
	{"GET", "_mock/ui/changes", GUARD_NONE, NULL, NO_ERRORS, dashboard_changes, ROUTE_CONTROL, "mock.ui_changes"},
	{"GET", "_mock/ui/snapshot", GUARD_NONE, NULL,
	 ERRORS(E(FailedValidation, LOC_UI), E(DatabaseError, LOC_UI)),
	 dashboard_snapshot, ROUTE_CONTROL, "mock.ui_snapshot"},
	{"GET", "_mock/ui/:id", GUARD_NONE, NULL,
	 ERRORS(E(NotFound, LOC_UI)),
	 dashboard_asset, ROUTE_CONTROL, "mock.ui_file"},
};

/* Answers every route_absent row (not_emulated.c): no guard, no body, whatever the
 * request carries. */
static const struct route not_emulated = {
	"*", "*", GUARD_NONE, NULL, ERRORS(E(NOT_EMULATED, LOC_NOT_EMULATED)), route_not_emulated, 0, "not_emulated"};

/* Does the pattern's segments match the request's; a ":" segment captures. */
static bool segments_match(const char *pattern, struct request *rq)
{
	int i = 0;
	const char *p = pattern;
	const char *id = NULL;
	size_t id_len = 0;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (i >= rq->nseg)
			return false;
		if (p[0] == ':') {
			id = rq->seg[i];
			id_len = rq->seglen[i];
		} else if (rq->seglen[i] != len || memcmp(rq->seg[i], p, len) != 0) {
			return false;
		}
		i++;
		p += len;
		if (*p == '/')
			p++;
	}
	if (i != rq->nseg)
		return false;
	rq->id = id;
	rq->id_len = id_len;
	return true;
}

const struct route *route_match(struct request *rq)
{
	if (rq->path_bad)
		return NULL;
	const char *method = strcmp(rq->method, "HEAD") == 0 ? "GET" : rq->method;
	const struct route *r = NULL;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && !r; i++)
		if (strcmp(table[i].method, method) == 0 && segments_match(table[i].path, rq))
			r = &table[i];
	/* REAL: Rocket runs the best-ranked route that matches; an emulated one loses
	 * only to the few absent rows ranked above it. PERF: after a match only those
	 * are tried. */
	size_t n = r ? route_absent_outranking : route_absent_count;
	for (size_t i = 0; i < n; i++)
		if (strcmp(route_absent_rows[i].method, method) == 0 && segments_match(route_absent_rows[i].path, rq)) {
			rq->absent = &route_absent_rows[i];
			return &not_emulated;
		}
	return r;
}

/* 501 NotEmulated. REAL: the route exists (stoat-api's OpenAPI.json), stoat-mock
 * does not emulate it: say so rather than answer Rocket's 404 page, which a client
 * reports as its own bug. */
enum err route_not_emulated(struct request *rq, struct reply *rp)
{
	return err_set(&rp->err, ERR_NOT_EMULATED, LOC_NOT_EMULATED, rq->absent->name);
}

const struct route *route_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

bool route_named(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return true;
	return strcmp(not_emulated.name, name) == 0;
}

static bool implied(const struct route *r, enum err type, int page, const char *location)
{
	if (type == ERR_DatabaseError && location && strcmp(location, LOC_DATABASE) == 0)
		return true; /* our store failing, on any route */
	if (r->guard == GUARD_USER && (type == ERR_InvalidSession || (type == ERR_OK && page == 401)))
		return true;
	return r->body && type == ERR_OK && (page == 400 || page == 413 || page == 422);
}

bool route_declares(const struct route *r, enum err type, int page, const char *location)
{
	if (implied(r, type, page, location))
		return true;
	for (const struct route_error *e = r->errors; e->type != ERR_OK || e->page; e++) {
		if (e->type != type)
			continue;
		if (type == ERR_OK ? e->page == page || e->page == -1
				   : location && e->location && strcmp(e->location, location) == 0)
			return true;
	}
	return false;
}

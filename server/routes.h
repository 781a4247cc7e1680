/* routes.h: THE route table (API and control) and the path matcher.
 *
 * A route row is the route's declaration: method and path, the auth guard, the
 * body type (bodies.h), every error it can answer, the handler, and what the
 * dispatcher does around it. The dispatcher runs the generic steps in the real
 * server's order (bots-api.md §1): guard, body, transaction, handler.
 *
 * Errors a row implies through its other columns are not listed again:
 *   guard USER        401 (InvalidSession, or Rocket's page with --auth-errors rocket)
 *   a body type       Rocket's 400, 413 and 422 pages (the Json<T> data guard)
 *   any route         DatabaseError with the generic location (our store failing),
 *                     429 with --rate-limits, the CORS 400 page for a bad Origin
 * Every other answer is a row of .errors. The sanitizer build checks at run time
 * that a handler's error is one its row declares (dispatch.c), and tests/unit/
 * test_routes.c that the golden wire tables exercise every declared row and show
 * no undeclared one. */
#ifndef STOAT_ROUTES_H
#define STOAT_ROUTES_H

#include "jsonguard.h"
#include "request.h"

typedef enum err (*handler_fn)(struct request *rq, struct reply *rp);

enum route_guard {
	GUARD_NONE = 0, /* no user guard */
	GUARD_USER,     /* User guard: no caller -> 401 */
	GUARD_OPT_USER, /* Option<User>: no caller is anonymous, never 401 */
};

enum route_flags {
	ROUTE_WRITES = 1 << 0,     /* one transaction: commit on success, else roll back */
	ROUTE_CONTROL = 1 << 1,    /* /_mock: off with --no-control */
	ROUTE_NO_CONTENT = 1 << 2, /* success is 204 with an empty body */
};

/* One answer a route can give besides success: a catalogue type raised at a
 * location, or one of Rocket's catcher pages. */
struct route_error {
	enum err type;        /* ERR_OK for a catcher page */
	int page;             /* the page's status when type is ERR_OK */
	const char *location; /* where the real server raises it */
	const char *unreached; /* why the golden tables cannot show it, or NULL */
};
#define E(type, location) {ERR_##type, 0, location, NULL}
#define E_UNREACHED(type, location, why) {ERR_##type, 0, location, why}
#define PAGE(status) {ERR_OK, status, NULL, NULL}
#define PAGE_UNREACHED(status, why) {ERR_OK, status, NULL, why}
#define PAGE_ANY {ERR_OK, -1, NULL, NULL} /* a page of any status (GET /cors/{status}) */
/* A list of E() and PAGE() rows (ended by a row of zeros). */
#define ERRORS(...) ((const struct route_error[]){__VA_ARGS__, {ERR_OK, 0, NULL, NULL}})
#define NO_ERRORS ((const struct route_error[]){{ERR_OK, 0, NULL, NULL}})

struct route {
	const char *method;
	const char *path; /* segments; ":id" captures one */
	enum route_guard guard;
	const struct jg_type *body; /* the Json<T> body, decoded into rq->data; NULL: none read */
	const struct route_error *errors;
	handler_fn fn;
	unsigned flags;
	const char *name; /* for logs and the journal */
};

/* A route of the real API that stoat-mock does not emulate: an operation of
 * stoat-api's OpenAPI.json that the table above does not have. The rows are in
 * server/generated/not_emulated.c, written by tools/openapi-routes/gen.js (which
 * explains their order); a request for one is answered by the not_emulated row,
 * 501 {"type":"NotEmulated","route":name,"location":"stoat-mock"}, before any guard
 * or body is looked at (DIFF: docs/fidelity.md#not-emulated). */
struct route_absent {
	const char *method;
	const char *path; /* segments, as in struct route */
	const char *name; /* as the document writes it: "POST /channels/{target}/messages" */
};
/* The first route_absent_outranking rows are ranked by Rocket above an emulated row
 * that matches the same paths (GET /users/dms and GET /users/{target}). */
extern const struct route_absent route_absent_rows[];
extern const size_t route_absent_count, route_absent_outranking;

/* First row whose method and segments match (static rows come before captures
 * of the same shape, as Rocket ranks them). HEAD matches GET rows. When no row
 * matches, or an outranking absent row does, a route_absent row that matches
 * gives the not_emulated row (rq->absent says which). NULL = 404. */
const struct route *route_match(struct request *rq);

/* Every row, for the checks that walk the table (tests). */
const struct route *route_table(size_t *n);

/* Whether a row is named name ("bots.edit"), the not_emulated row's included: what
 * the journal's route filter accepts (control.c). */
bool route_named(const char *name);

/* Whether the route declares this answer: a catalogue error at this location, or
 * (type ERR_OK) the catcher page of this status. Implied errors (see above) count. */
bool route_declares(const struct route *r, enum err type, int page, const char *location);

/* The not_emulated row's handler: ERR_NOT_EMULATED naming rq->absent. */
enum err route_not_emulated(struct request *rq, struct reply *rp);

/* Handlers, one file per API area: bots_* in api_bots.c, root_fetch and users_* in
 * api_users.c, control_* in control.c; ratelimit_info in ratelimit.c and
 * rocket_cors_status in rocket.c. */
enum err bots_create(struct request *rq, struct reply *rp);
enum err bots_fetch_owned(struct request *rq, struct reply *rp);
enum err bots_fetch(struct request *rq, struct reply *rp);
enum err bots_edit(struct request *rq, struct reply *rp);
enum err bots_delete(struct request *rq, struct reply *rp);
enum err bots_fetch_public(struct request *rq, struct reply *rp);
enum err bots_invite(struct request *rq, struct reply *rp);
enum err root_fetch(struct request *rq, struct reply *rp);
enum err users_fetch_self(struct request *rq, struct reply *rp);
enum err users_fetch(struct request *rq, struct reply *rp);
/* /_mock control API (control.c) */
enum err control_health(struct request *rq, struct reply *rp);
enum err control_reset(struct request *rq, struct reply *rp);
enum err control_state_get(struct request *rq, struct reply *rp);
enum err control_state_put(struct request *rq, struct reply *rp);
enum err control_users_create(struct request *rq, struct reply *rp);
enum err control_faults_add(struct request *rq, struct reply *rp);
enum err control_faults_list(struct request *rq, struct reply *rp);
enum err control_faults_clear(struct request *rq, struct reply *rp);
enum err control_faults_remove(struct request *rq, struct reply *rp);
enum err control_requests_list(struct request *rq, struct reply *rp);
enum err control_requests_count(struct request *rq, struct reply *rp);
enum err control_requests_clear(struct request *rq, struct reply *rp);
/* /_mock control API of the events WebSocket (control_gateway.c) */
enum err control_sessions_list(struct request *rq, struct reply *rp);
enum err control_sessions_end_all(struct request *rq, struct reply *rp);
enum err control_sessions_close(struct request *rq, struct reply *rp);
enum err control_events_push(struct request *rq, struct reply *rp);
/* the dashboard at /_mock/ (dashboard.c) */
enum err dashboard_page(struct request *rq, struct reply *rp);
enum err dashboard_asset(struct request *rq, struct reply *rp);
enum err dashboard_changes(struct request *rq, struct reply *rp);
enum err dashboard_snapshot(struct request *rq, struct reply *rp);
enum err control_openapi(struct request *rq, struct reply *rp); /* control_doc.c */

#endif

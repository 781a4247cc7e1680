/* routes.h: THE route table (API and control) and the path matcher.
 * One row per method + path; flags tell the dispatcher what to do before the
 * handler, in the real server's order (bots-api.md §1). */
#ifndef STOAT_ROUTES_H
#define STOAT_ROUTES_H

#include "request.h"

typedef enum err (*handler_fn)(struct request *rq, struct reply *rp);

enum route_flags {
	ROUTE_NEED_USER = 1 << 0,  /* user guard: no caller -> 401 */
	ROUTE_OPT_USER = 1 << 1,   /* Option<User>: no caller = anonymous */
	ROUTE_BODY = 1 << 2,       /* Json<T> data guard: 413 / 400 before the handler */
	ROUTE_WRITES = 1 << 3,     /* one transaction: commit on success, else roll back */
	ROUTE_CONTROL = 1 << 4,    /* /_mock: off with --no-control */
	ROUTE_NO_CONTENT = 1 << 5, /* success is 204 with an empty body */
};

struct route {
	const char *method;
	const char *path; /* segments; ":id" captures one */
	handler_fn fn;
	unsigned flags;
	const char *name; /* for logs and the journal */
};

/* First row whose method and segments match (static rows come before captures
 * of the same shape, as Rocket ranks them). HEAD matches GET rows. NULL = 404. */
const struct route *route_match(struct request *rq);

/* Start-up check of the table (main.c): every ROUTE_BODY row has its body type in
 * jsonguard.c, the only reader of request bodies. Returns the name of the first
 * row without one, or NULL when there is none. */
const char *route_table_check(void);

/* Handlers, one file per API area. */
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
enum err control_requests_clear(struct request *rq, struct reply *rp);

#endif

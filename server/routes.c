/* routes.c: the map of the product. Each row names its handler; the handler's
 * comment names its validation and the error rows it can return.
 * REAL: crates/delta/src/routes/bots/mod.rs, routes/mod.rs, routes/root.rs,
 * routes/users/mod.rs. Rocket has no 405: an unmatched method is a 404. */
#include "routes.h"

#include <string.h>

#include "jsonguard.h"
#include "ratelimit.h"
#include "rocket.h"

static const struct route table[] = {
	/* method   path                  handler            flags */
	{"GET", "", root_fetch, 0, "root"},
	{"POST", "bots/create", bots_create, ROUTE_NEED_USER | ROUTE_BODY | ROUTE_WRITES, "bots.create"},
	{"GET", "bots/@me", bots_fetch_owned, ROUTE_NEED_USER, "bots.fetch_owned"},
	{"GET", "bots/:id", bots_fetch, ROUTE_NEED_USER, "bots.fetch"},
	{"PATCH", "bots/:id", bots_edit, ROUTE_NEED_USER | ROUTE_BODY | ROUTE_WRITES, "bots.edit"},
	{"DELETE", "bots/:id", bots_delete, ROUTE_NEED_USER | ROUTE_WRITES | ROUTE_NO_CONTENT, "bots.delete"},
	{"GET", "bots/:id/invite", bots_fetch_public, ROUTE_OPT_USER, "bots.fetch_public"},
	{"POST", "bots/:id/invite", bots_invite,
	 ROUTE_NEED_USER | ROUTE_BODY | ROUTE_WRITES | ROUTE_NO_CONTENT, "bots.invite"},
	{"GET", "users/@me", users_fetch_self, ROUTE_NEED_USER, "users.fetch_self"},
	{"GET", "users/:id", users_fetch, ROUTE_NEED_USER, "users.fetch"},
	/* framework routes of the real server (ratelimit.c, rocket.c) */
	{"GET", "ratelimit", ratelimit_info, 0, "ratelimit"},
	{"GET", "cors/:id", rocket_cors_status, 0, "cors.status"},
	/* the control API (control.c, the README ("Testing with stoat-mock")); bodies are read by the handlers */
	{"GET", "_mock/health", control_health, ROUTE_CONTROL, "mock.health"},
	{"POST", "_mock/reset", control_reset, ROUTE_CONTROL | ROUTE_WRITES | ROUTE_NO_CONTENT, "mock.reset"},
	{"GET", "_mock/state", control_state_get, ROUTE_CONTROL, "mock.state"},
	{"PUT", "_mock/state", control_state_put, ROUTE_CONTROL | ROUTE_WRITES | ROUTE_NO_CONTENT, "mock.state_put"},
	{"POST", "_mock/users", control_users_create, ROUTE_CONTROL | ROUTE_WRITES, "mock.users"},
	{"GET", "_mock/faults", control_faults_list, ROUTE_CONTROL, "mock.faults"},
	{"POST", "_mock/faults", control_faults_add, ROUTE_CONTROL, "mock.faults_add"},
	{"DELETE", "_mock/faults", control_faults_clear, ROUTE_CONTROL | ROUTE_NO_CONTENT, "mock.faults_clear"},
	{"DELETE", "_mock/faults/:id", control_faults_remove, ROUTE_CONTROL | ROUTE_NO_CONTENT, "mock.faults_remove"},
	{"GET", "_mock/requests", control_requests_list, ROUTE_CONTROL, "mock.requests"},
	{"DELETE", "_mock/requests", control_requests_clear, ROUTE_CONTROL | ROUTE_NO_CONTENT, "mock.requests_clear"},
};

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
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].method, method) == 0 && segments_match(table[i].path, rq))
			return &table[i];
	return NULL;
}

const char *route_table_check(void)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((table[i].flags & ROUTE_BODY) && !jsonguard_body_type(table[i].name))
			return table[i].name;
	return NULL;
}

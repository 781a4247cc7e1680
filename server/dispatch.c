/* dispatch.c: the generic part of every request, in the real server's order.
 *
 * REAL: Rocket v0.5.1 core/lib/src/server.rs (hyper_service_fn, preprocess_request,
 * dispatch, route_and_process) with the fairings of crates/delta/src/main.rs
 * attached in this order: Shield (by Rocket), Prometheus, the rate limiter, CORS.
 *
 *   1. a method outside the nine standard ones: 400 page, nothing else at all
 *   2. the `_method` form override (POST + form body)
 *   3. request fairings: the rate limiter (--rate-limits; a limited request
 *      becomes GET /ratelimit), then CORS (an invalid request becomes
 *      GET /cors/400)
 *   4. routing: 404 page, or the OPTIONS catch-all; HEAD is served by GET rows
 *   5. the user guard (401), the JSON data guard (413/400), the handler (422 for
 *      a body of the wrong shape, family-A errors), inside a transaction when the
 *      route writes
 *   6. response side: Server, Shield, the rate-limit headers (and 429), CORS
 *
 * The control API's hooks (control_origin_check in place of CORS, control_fault
 * before the route runs, control_journal at the end) are the mock's own; /_mock
 * requests are never rate-limited. */
#include "dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "body.h"
#include "catcher.h"
#include "config.h"
#include "control.h"
#include "control_origin.h"
#include "events.h"
#include "jsonguard.h"
#include "locations.h"
#include "path.h"
#include "ratelimit.h"
#include "rocket.h"
#include "routes.h"
#include "store.h"
#include "validate.h"

/* REAL: Rocket 0.5.1 core/lib/src/serde/json.rs - the body is read as a string up to
 * the limit (413 beyond it, 400 when the first MiB is not UTF-8), then decoded by
 * serde_json into the route's type: 400 or 422 by the first error in the stream
 * (jsonguard.c). The handler gets the decoded struct in rq->data. */
static int read_body(struct request *rq)
{
	if (rq->body_over_limit)
		return utf8_valid(rq->body, rq->body_len) ? 413 : 400;
	if (!utf8_valid(rq->body, rq->body_len))
		return 400;
	rq->data_type = rq->route->body;
	return jsonguard_decode(rq->route->body, rq->body, rq->body_len, &rq->data);
}

/* validator 0.16: data.validate() opens the handlers of the bodies with rules; its
 * FailedValidation carries the location the route row declares for it. */
static enum err validate_body(struct request *rq, struct reply *rp)
{
	struct strbuf text = STRBUF_INIT;
	enum err e = ERR_OK;
	if (!jsonguard_validate(rq->route->body, rq->data, &text)) {
		const char *loc = NULL;
		for (const struct route_error *r = rq->route->errors; r->type != ERR_OK || r->page; r++)
			if (r->type == ERR_FailedValidation)
				loc = r->location;
		e = err_set(&rp->err, ERR_FailedValidation, loc, strbuf_str(&text));
	}
	strbuf_release(&text);
	return e;
}

/* Turns what the request came to into bytes: Rocket's page for ERR_CATCHER
 * (rp->catcher), the family-A body for a catalogue error, else the success body. */
static void render(struct request *rq, struct reply *rp, enum err e)
{
	bool json = catcher_prefers_json(rq->accept);
	if (e == ERR_CATCHER) {
		rp->status = rp->catcher;
		rp->body = catcher_page(rp->catcher, json, &rp->content_type);
		rp->body_len = rp->body ? strlen(rp->body) : 0;
		return;
	}
	if (e != ERR_OK) {
		rp->status = err_status(e);
		rp->body = err_body(&rp->err);
		rp->body_len = strlen(rp->body);
		body_nul_escape(&rp->body, &rp->body_len);
		/* REAL: result/src/rocket.rs - Blacklisted has no Content-Type */
		rp->content_type = e == ERR_Blacklisted ? NULL : "application/json";
		return;
	}
	if (rq->route && (rq->route->flags & ROUTE_NO_CONTENT)) {
		rp->status = 204;
		return;
	}
	rp->status = rp->status ? rp->status : 200;
	if (rp->json) {
		free(rp->body);
		rp->body = cJSON_PrintUnformatted(rp->json);
		rp->body_len = strlen(rp->body);
		rp->content_type = "application/json";
	}
	if (rp->body && rp->content_type && strcmp(rp->content_type, "application/json") == 0)
		body_nul_escape(&rp->body, &rp->body_len);
}

/* The control API is the mock's own: never counted against a bucket
 * (DIFF: docs/fidelity.md#ratelimit-control), and outside the CORS fairing: no
 * grant to another site, no change from one (control_origin.h). */
static bool control_path(const struct request *rq)
{
	return !config.no_control && rq->nseg > 0 && rq->seglen[0] == 5 && memcmp(rq->seg[0], "_mock", 5) == 0;
}

void dispatch(struct request *rq, struct reply *rp)
{
	enum err e = ERR_OK;
	bool in_tx = false, faulted = false;
	const char *sent = rq->method; /* what the journal records */
	struct ratelimit rl;
	struct cors cors = {.kind = CORS_NONE};

	control_begin(rq); /* the journal's clock starts here, before any early answer */
	/* REAL: server.rs hyper_service_fn - Request::from_hyp fails on a method
	 * outside the nine, and handle_error answers at once: no fairing runs, so no
	 * Server, Shield, rate-limit or CORS header */
	if (!rocket_method_standard(rq->method)) {
		render(rq, rp, reply_catcher(rp, 400));
		control_journal(rq, rp);
		return;
	}
	path_split(rq);
	const char *override = rocket_method_override(rq);
	if (override)
		rq->method = override;

	/* request fairings, in attachment order */
	bool limited = false;
	if (config.rate_limits && !control_path(rq)) {
		limited = !ratelimit_check(rq, &rl);
		rq->rl = &rl;
		if (limited)
			rq->method = "GET"; /* REAL: rewritten to GET /ratelimit */
	}
	if (!control_path(rq))
		rocket_cors_request(rq, &cors);
	else if (control_origin_check(rq, rp))
		goto out; /* the mock's own API: no CORS grant, no change from another site */
	if (cors.kind == CORS_FAILED) {
		/* REAL: rocket_cors fairing.rs - rewritten to GET /cors/400, whose route
		 * answers Outcome::Error(400): the 400 page */
		rq->method = "GET";
		e = reply_catcher(rp, 400);
		goto out;
	}
	if (limited) {
		e = ratelimit_info(rq, rp);
		goto out;
	}

	rq->route = route_match(rq);
	if (rq->route && (rq->route->flags & ROUTE_CONTROL) && config.no_control)
		rq->route = NULL;

	/* control.c: a registered fault answers instead of the route (nothing runs) */
	if (control_fault(rq, rp)) {
		e = rp->err.code;
		faulted = true;
		goto out;
	}
	if (!rq->route) {
		if (strcmp(rq->method, "OPTIONS") == 0)
			e = rocket_options_catch_all(rq, rp); /* rank isize::MAX, any path */
		else
			e = reply_catcher(rp, 404); /* REAL: no route; Rocket 0.5 has no 405 */
		goto out;
	}
	if (strcmp(rq->method, "HEAD") == 0)
		rq->method = "GET"; /* REAL: route_and_process re-routes HEAD as GET */
	const struct route *route = rq->route;
	if (route->guard != GUARD_NONE) {
		enum principal_kind who = auth_resolve(rq);
		if (route->guard == GUARD_USER && who != PRINCIPAL_USER && who != PRINCIPAL_BOT) {
			if (config.auth_errors == AUTH_ERRORS_ROCKET)
				e = reply_catcher(rp, 401);
			else
				e = err_set(&rp->err, ERR_InvalidSession, LOC_INVALID_SESSION, NULL);
			goto out;
		}
	}
	if (route->body) {
		int code = read_body(rq);
		if (code) {
			e = reply_catcher(rp, code);
			goto out;
		}
		if ((e = validate_body(rq, rp)))
			goto out;
	}
	if (route->flags & ROUTE_WRITES) {
		if (store_begin()) {
			e = err_database(&rp->err, "start_session", "bots", NULL);
			goto out;
		}
		in_tx = true;
	}
	e = route->fn(rq, rp);
	if (in_tx) {
		bool ok = e == ERR_OK;
		if (ok && store_commit() != 0) {
			/* the write did not reach the store (disk full, I/O error): say so
			 * rather than acknowledge it */
			cJSON_Delete(rp->json);
			rp->json = NULL;
			e = err_database(&rp->err, "commit_transaction", "bots", NULL);
			ok = false;
		}
		if (!ok)
			store_rollback();
		/* the events WebSocket hears only of what was stored (events.h) */
		if (ok)
			events_commit();
		else
			events_discard();
	}
out:
#ifndef NDEBUG
	/* The route row is the declaration (routes.h): an answer it does not declare is
	 * a bug in the row or in the handler. Checked in the sanitizer build, which
	 * runs every suite. */
	if (rq->route && !faulted && e != ERR_OK &&
	    !route_declares(rq->route, e == ERR_CATCHER ? ERR_OK : e, rp->catcher, rp->err.location)) {
		fprintf(stderr, "dispatch: %s answered %s %d at %s, which its route row does not declare\n",
			rq->route->name, e == ERR_CATCHER ? "page" : err_name(e), rp->catcher,
			rp->err.location ? rp->err.location : "-");
		abort();
	}
#else
	(void)faulted;
#endif
	render(rq, rp, e);
	/* response side: Server, then the response fairings in attachment order */
	rocket_server_shield(rp);
	if (rq->rl)
		ratelimit_reply(rq->rl, rp);
	rocket_cors_reply(rq, &cors, rp);
	rq->rl = NULL; /* rl lives on this stack frame */
	rq->method = sent;
	control_journal(rq, rp);
}

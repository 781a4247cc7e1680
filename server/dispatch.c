/* dispatch.c: the generic part of every request, in the real server's order
 * (bots-api.md §1): method sanity, faults, routing (404), the user guard (401),
 * the JSON data guard (413/400), then the handler inside a transaction when the
 * route writes. The handler's result becomes the reply here and nowhere else. */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "catcher.h"
#include "config.h"
#include "control.h"
#include "locations.h"
#include "routes.h"
#include "store.h"
#include "validate.h"
#include "wire.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes p[0..len) into a new string; *n receives its length. */
static char *decode_segment(const char *p, size_t len, size_t *n)
{
	char *seg = malloc(len + 1);
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (p[i] == '%' && i + 2 < len &&
		    (hi = hexval(p[i + 1])) >= 0 && (lo = hexval(p[i + 2])) >= 0) {
			seg[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			seg[k++] = p[i];
		}
	}
	seg[k] = 0;
	*n = k;
	return seg;
}

void dispatch_split_path(struct request *rq)
{
	const char *p = rq->path;
	bool first = true;
	rq->nseg = 0;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, "/"), n;
		char *seg = decode_segment(p, len, &n);
		p += len;
		/* README decision 4: /0.8/... is served like /... */
		if (first && n == 3 && memcmp(seg, "0.8", 3) == 0) {
			first = false;
			free(seg);
			continue;
		}
		first = false;
		if (rq->nseg == PATH_SEGMENTS_MAX) {
			free(seg);
			rq->path_bad = true;
			return;
		}
		/* REAL: Rocket matches percent-decoded segments; one that does not decode
		 * to UTF-8 matches no route here */
		if (!utf8_valid(seg, n))
			rq->path_bad = true;
		rq->seg[rq->nseg] = seg;
		rq->seglen[rq->nseg] = n;
		rq->nseg++;
	}
}

static bool standard_method(const char *m)
{
	static const char *const ok[] = {"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "TRACE", "CONNECT", "PATCH"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(m, ok[i]) == 0)
			return true;
	return false;
}

/* REAL: Rocket 0.5.1 core/lib/src/serde/json.rs - the body is read as a string up to
 * the limit (413 beyond it, 400 when it is not UTF-8), then parsed (400 syntax). */
static int read_body(struct request *rq)
{
	if (rq->body_over_limit)
		return utf8_valid(rq->body, rq->body_len) ? 413 : 400;
	if (!utf8_valid(rq->body, rq->body_len))
		return 400;
	if (wire_json_syntax(rq->body, rq->body_len) != DECODE_OK)
		return 400;
	rq->json = cJSON_ParseWithLength(rq->body, rq->body_len);
	return rq->json ? 0 : 400;
}

static void render(struct request *rq, struct reply *rp, enum err e)
{
	bool json = catcher_prefers_json(rq->accept);
	if (rp->catcher) {
		rp->status = rp->catcher;
		rp->body = catcher_page(rp->catcher, json, &rp->content_type);
		rp->body_len = rp->body ? strlen(rp->body) : 0;
		return;
	}
	if (e != ERR_OK) {
		rp->status = err_status(e);
		rp->body = err_body(&rp->err);
		rp->body_len = strlen(rp->body);
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
		rp->body = cJSON_PrintUnformatted(rp->json);
		rp->body_len = strlen(rp->body);
		rp->content_type = "application/json";
	}
}

void dispatch(struct request *rq, struct reply *rp)
{
	enum err e = ERR_OK;
	bool in_tx = false;

	/* REAL: Rocket answers a non-standard method 400 before any fairing */
	if (!standard_method(rq->method)) {
		rp->catcher = 400;
		goto out;
	}
	dispatch_split_path(rq);
	rq->route = route_match(rq);
	if (rq->route && (rq->route->flags & ROUTE_CONTROL) && config.no_control)
		rq->route = NULL;

	/* control.c: a registered fault answers instead of the route (nothing runs) */
	if (control_fault(rq, rp)) {
		e = rp->err.code;
		goto out;
	}
	if (!rq->route) {
		/* REAL: rocket_cors catch_all_options_routes answers OPTIONS on any path */
		if (strcmp(rq->method, "OPTIONS") == 0)
			rp->status = 200;
		else
			rp->catcher = 404;
		goto out;
	}
	const unsigned flags = rq->route->flags;
	if (flags & (ROUTE_NEED_USER | ROUTE_OPT_USER)) {
		enum principal_kind who = auth_resolve(rq);
		if ((flags & ROUTE_NEED_USER) && who != PRINCIPAL_USER && who != PRINCIPAL_BOT) {
			if (config.auth_errors == AUTH_ERRORS_ROCKET)
				rp->catcher = 401;
			else
				e = err_set(&rp->err, ERR_InvalidSession, LOC_INVALID_SESSION, NULL);
			goto out;
		}
	}
	if (flags & ROUTE_BODY) {
		int code = read_body(rq);
		if (code) {
			rp->catcher = code;
			goto out;
		}
	}
	if (flags & ROUTE_WRITES) {
		if (store_begin()) {
			e = err_set(&rp->err, ERR_DatabaseError, LOC_DATABASE, NULL);
			rp->err.operation = strdup("start_session");
			rp->err.collection = strdup("bots");
			goto out;
		}
		in_tx = true;
	}
	e = rq->route->fn(rq, rp);
	if (in_tx) {
		if (e == ERR_OK && !rp->catcher && store_commit() == 0)
			in_tx = false;
		else
			store_rollback();
	}
out:
	render(rq, rp, rp->catcher ? ERR_OK : e);
	control_journal(rq, rp);
}

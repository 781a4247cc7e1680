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
 * The control API's hooks (control_fault before the route runs, control_journal
 * at the end) are the mock's own; /_mock requests are never rate-limited. */
#include "dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "body.h"
#include "catcher.h"
#include "config.h"
#include "control.h"
#include "jsonguard.h"
#include "locations.h"
#include "ratelimit.h"
#include "rocket.h"
#include "routes.h"
#include "store.h"
#include "validate.h"

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

/* Length of the valid UTF-8 sequence at s[0..n), or, when it is not valid, minus
 * the length of its maximal ill-formed subpart (what from_utf8_lossy replaces by
 * one U+FFFD). */
static long utf8_step(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
	} else {
		return -1;
	}
	for (size_t i = 1; i < len; i++) {
		if (i >= n || s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF))
			return -(long)i;
	}
	return (long)len;
}

/* Percent-decodes p[0..len) into a new string; *n receives its length.
 * REAL: Rocket decodes path segments with percent_decode_lossy: %XY with two hex
 * digits becomes that byte, anything else stays, and bytes that are not UTF-8
 * become U+FFFD. A %00 is kept as written: an id with a NUL byte matches nothing
 * either way, and the rest of the server works on C strings. */
static char *decode_segment(struct request *rq, const char *p, size_t len, size_t *n)
{
	/* PERF: a segment with no '%' and only ASCII decodes to itself: one copy,
	 * into the request's own buffer when it fits (docs/performance.md#http) */
	size_t plain = 0;
	while (plain < len && p[plain] != '%' && (unsigned char)p[plain] < 0x80)
		plain++;
	if (plain == len) {
		char *seg;
		if (rq->segused + len + 1 <= sizeof(rq->segbuf)) {
			seg = rq->segbuf + rq->segused;
			rq->segused += len + 1;
		} else {
			seg = malloc(len + 1);
		}
		memcpy(seg, p, len);
		seg[len] = 0;
		*n = len;
		return seg;
	}
	unsigned char *raw = malloc(len + 1);
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (p[i] == '%' && i + 2 < len && (hi = hexval(p[i + 1])) >= 0 &&
		    (lo = hexval(p[i + 2])) >= 0 && (hi || lo)) {
			raw[k++] = (unsigned char)(hi * 16 + lo);
			i += 2;
		} else {
			raw[k++] = (unsigned char)p[i];
		}
	}
	/* from_utf8_lossy: one U+FFFD (3 bytes) per maximal ill-formed subpart */
	char *seg = malloc(3 * k + 1);
	size_t m = 0;
	for (size_t i = 0; i < k;) {
		long step = utf8_step(raw + i, k - i);
		if (step > 0) {
			memcpy(seg + m, raw + i, (size_t)step);
			m += (size_t)step;
			i += (size_t)step;
		} else {
			memcpy(seg + m, "\xEF\xBF\xBD", 3);
			m += 3;
			i += (size_t)-step;
		}
	}
	seg[m] = 0;
	free(raw);
	*n = m;
	return seg;
}

void dispatch_split_path(struct request *rq)
{
	const char *p = rq->path;
	bool first = true;
	rq->nseg = 0;
	/* an absolute-form target (GET http://host/path): hyper keeps only the path */
	if (*p != '/') {
		const char *auth = strstr(p, "://");
		if (auth) {
			p = strchr(auth + 3, '/');
			if (!p)
				p = "/";
		}
	}
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, "/"), n;
		char *seg = decode_segment(rq, p, len, &n);
		p += len;
		/* README decision 4: /0.8/... is served like /... */
		if (first && n == 3 && memcmp(seg, "0.8", 3) == 0) {
			first = false;
			request_free_segment(rq, seg);
			continue;
		}
		first = false;
		if (rq->nseg == PATH_SEGMENTS_MAX) {
			request_free_segment(rq, seg);
			rq->path_bad = true; /* more segments than any route has: no match */
			return;
		}
		rq->seg[rq->nseg] = seg;
		rq->seglen[rq->nseg] = n;
		rq->nseg++;
	}
}

char *dispatch_normal_path(const char *raw)
{
	struct request rq = {0};
	struct strbuf out = STRBUF_INIT;
	rq.path = raw ? raw : "";
	dispatch_split_path(&rq);
	for (int i = 0; i < rq.nseg; i++) {
		strbuf_adds(&out, "/");
		strbuf_add(&out, rq.seg[i], rq.seglen[i]);
	}
	if (!out.len)
		strbuf_adds(&out, "/");
	request_release(&rq);
	return strbuf_detach(&out, NULL);
}

/* REAL: Rocket 0.5.1 core/lib/src/serde/json.rs - the body is read as a string up to
 * the limit (413 beyond it, 400 when the first MiB is not UTF-8), then decoded by
 * serde_json into the route's type: 400 or 422 by the first error in the stream
 * (jsonguard.c). The handler gets the body normalised to what serde kept. */
static int read_body(struct request *rq)
{
	if (rq->body_over_limit)
		return utf8_valid(rq->body, rq->body_len) ? 413 : 400;
	if (!utf8_valid(rq->body, rq->body_len))
		return 400;
	const struct jg_type *type = jsonguard_body_type(rq->route->name);
	if (!type) {
		/* a programming error, refused at start-up by route_table_check() */
		fprintf(stderr, "stoat-mock: route %s reads a body jsonguard.c does not describe\n", rq->route->name);
		abort();
	}
	char *normal = NULL;
	int code = jsonguard_check(type, rq->body, rq->body_len, &normal);
	if (code)
		return code;
	size_t len = strlen(normal);
	size_t n; /* escaped NULs as BODY_NUL (body.h) */
	char *nul = body_nul_unescape(normal, len, &n);
	rq->json = nul ? cJSON_ParseWithLength(nul, n) : cJSON_ParseWithLength(normal, len);
	free(nul);
	free(normal);
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

/* The control API is the mock's own: never counted against a bucket, never
 * refused for its Origin. DIFF: docs/fidelity.md#ratelimit-control */
static bool control_path(const struct request *rq)
{
	return !config.no_control && rq->nseg > 0 && rq->seglen[0] == 5 && memcmp(rq->seg[0], "_mock", 5) == 0;
}

void dispatch(struct request *rq, struct reply *rp)
{
	enum err e = ERR_OK;
	bool in_tx = false;
	const char *sent = rq->method; /* what the journal records */
	struct ratelimit rl;
	struct cors cors = {.kind = CORS_NONE};

	control_begin(); /* the journal's clock starts here, before any early answer */
	/* REAL: server.rs hyper_service_fn - Request::from_hyp fails on a method
	 * outside the nine, and handle_error answers at once: no fairing runs, so no
	 * Server, Shield, rate-limit or CORS header */
	if (!rocket_method_standard(rq->method)) {
		rp->catcher = 400;
		render(rq, rp, ERR_OK);
		control_journal(rq, rp);
		return;
	}
	dispatch_split_path(rq);
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
	rocket_cors_request(rq, &cors);
	if (cors.kind == CORS_FAILED && control_path(rq))
		cors.kind = CORS_NONE; /* the mock's own API answers whatever the Origin */
	if (cors.kind == CORS_FAILED) {
		/* REAL: rocket_cors fairing.rs - rewritten to GET /cors/400, whose route
		 * answers Outcome::Error(400): the 400 page */
		rq->method = "GET";
		rp->catcher = 400;
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
		goto out;
	}
	if (!rq->route) {
		if (strcmp(rq->method, "OPTIONS") == 0)
			e = rocket_options_catch_all(rq, rp); /* rank isize::MAX, any path */
		else
			rp->catcher = 404; /* REAL: no route; Rocket 0.5 has no 405 */
		goto out;
	}
	if (strcmp(rq->method, "HEAD") == 0)
		rq->method = "GET"; /* REAL: route_and_process re-routes HEAD as GET */
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
		bool ok = e == ERR_OK && !rp->catcher;
		if (ok && store_commit() != 0) {
			/* the write did not reach the store (disk full, I/O error): say so
			 * rather than acknowledge it */
			cJSON_Delete(rp->json);
			rp->json = NULL;
			e = err_set(&rp->err, ERR_DatabaseError, LOC_DATABASE, NULL);
			rp->err.operation = strdup("commit_transaction");
			rp->err.collection = strdup("bots");
			ok = false;
		}
		if (!ok)
			store_rollback();
	}
out:
	render(rq, rp, rp->catcher ? ERR_OK : e);
	/* response side: Server, then the response fairings in attachment order */
	rocket_server_shield(rp);
	if (rq->rl)
		ratelimit_reply(rq->rl, rp);
	rocket_cors_reply(rq, &cors, rp);
	rq->rl = NULL; /* rl lives on this stack frame */
	rq->method = sent;
	control_journal(rq, rp);
}

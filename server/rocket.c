/* rocket.c: Rocket 0.5.1 and rocket_cors behaviour around the routes (see rocket.h).
 * Everything here was read from rwf2/Rocket tag v0.5.1 and lawliet89/rocket_cors
 * rev 072d9035; each function names its source. */
#include "rocket.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "url.h"
#include "validate.h"

static const char *const methods[] = {"GET",  "PUT",   "POST",    "DELETE", "OPTIONS",
				      "HEAD", "TRACE", "CONNECT", "PATCH"};
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

bool rocket_method_standard(const char *m)
{
	for (size_t i = 0; i < NMETHODS; i++)
		if (strcmp(m, methods[i]) == 0)
			return true;
	return false;
}

/* REAL: core/http/src/method.rs FromStr - "a case-insensitive match" */
const char *rocket_method_parse(const char *s, size_t n)
{
	for (size_t i = 0; i < NMETHODS; i++)
		if (strlen(methods[i]) == n && strncasecmp(s, methods[i], n) == 0)
			return methods[i];
	return NULL;
}

/* ---- media types (core/http/src/parse/media_type.rs, checkers.rs) --------------- */

/* REAL: checkers.rs is_valid_token */
static bool token(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= '^' && c <= '~') ||
	       (c >= '#' && c <= '\'') || c == '!' || c == '*' || c == '+' || c == '-' || c == '.';
}

static bool ws(char c) { return c == ' ' || c == '\t'; }

struct cursor {
	const char *p, *end;
};

/* take_some_while_until(is_valid_token, until): at least one token character. */
static int take_token(struct cursor *c, const char **s, size_t *n)
{
	const char *start = c->p;
	while (c->p < c->end && token(*c->p))
		c->p++;
	*s = start;
	*n = (size_t)(c->p - start);
	return *n ? 0 : -1;
}

static bool eat(struct cursor *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && ws(*c->p))
		c->p++;
}

/* quoted_string: '"', anything with backslash escapes, '"'; the value is the inside. */
static int quoted(struct cursor *c, const char **s, size_t *n)
{
	if (!eat(c, '"'))
		return -1;
	const char *start = c->p;
	bool esc = false;
	while (c->p < c->end) {
		if (esc)
			esc = false;
		else if (*c->p == '\\')
			esc = true;
		else if (*c->p == '"')
			break;
		c->p++;
	}
	*s = start;
	*n = (size_t)(c->p - start);
	return eat(c, '"') ? 0 : -1;
}

/* media_type: top '/' sub, then (';' param)* with whitespace around each param. */
static int media_type(struct cursor *c, struct media_type *mt)
{
	memset(mt, 0, sizeof(*mt));
	if (take_token(c, &mt->top, &mt->top_len) || !eat(c, '/') || take_token(c, &mt->sub, &mt->sub_len))
		return -1;
	if (!eat(c, ';'))
		return 0;
	do {
		const char *k, *v;
		size_t kn, vn;
		skip_ws(c);
		if (take_token(c, &k, &kn) || !eat(c, '='))
			return -1;
		if (c->p < c->end && *c->p == '"') {
			if (quoted(c, &v, &vn))
				return -1;
		} else if (take_token(c, &v, &vn)) {
			return -1;
		}
		skip_ws(c);
		if (mt->nparams++ == 0 && kn == 1 && (k[0] == 'q' || k[0] == 'Q')) {
			mt->q = v;
			mt->q_len = vn;
		}
	} while (eat(c, ';'));
	return 0;
}

int rocket_media_type(const char *s, size_t n, struct media_type *mt)
{
	struct cursor c = {s, s + n};
	return media_type(&c, mt) == 0 && c.p == c.end ? 0 : -1;
}

bool rocket_media_is(const struct media_type *mt, const char *top, const char *sub)
{
	return mt->top_len == strlen(top) && strncasecmp(mt->top, top, mt->top_len) == 0 &&
	       mt->sub_len == strlen(sub) && strncasecmp(mt->sub, sub, mt->sub_len) == 0;
}

/* Rust's f32::from_str grammar: [+-] then digits[.digits] | .digits, optional
 * exponent, or inf/infinity/nan in any case. 0 and *out, or -1. */
static int rust_f32(const char *s, size_t n, float *out)
{
	char buf[16];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	const char *p = buf;
	if (*p == '+' || *p == '-')
		p++;
	if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0 || strcasecmp(p, "nan") == 0) {
		*out = strtof(buf, NULL);
		return 0;
	}
	size_t digits = 0;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
	}
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p)
		return -1;
	*out = strtof(buf, NULL);
	return 0;
}

struct weighted {
	struct media_type mt;
	bool has_q;
	float q;
};

/* REAL: parse/accept.rs weighted_media_type - a weight only from a first param
 * named q whose value has at most 5 characters; a weight that is not an f32, or
 * outside 0..=1, makes the whole header unparsable. */
static int weighted(struct cursor *c, struct weighted *w)
{
	if (media_type(c, &w->mt))
		return -1;
	w->has_q = false;
	if (w->mt.q && w->mt.q_len <= 5) {
		if (rust_f32(w->mt.q, w->mt.q_len, &w->q) || w->q > 1.0f || w->q < 0.0f)
			return -1;
		w->has_q = true;
	}
	return 0;
}

static int specificity(const struct media_type *mt)
{
	/* REAL: media_type.rs specificity - (top != "*") + (sub != "*") */
	return !(mt->top_len == 1 && mt->top[0] == '*') + !(mt->sub_len == 1 && mt->sub[0] == '*');
}

int rocket_accept_preferred(const char *accept, struct media_type *out)
{
	if (!accept)
		return -1;
	struct cursor c = {accept, accept + strlen(accept)};
	struct weighted best, cur;
	bool first = true;
	/* series(surrounded(weighted_media_type, whitespace), ','), then end of input */
	do {
		skip_ws(&c);
		if (weighted(&c, &cur))
			return -1;
		skip_ws(&c);
		if (first) {
			best = cur;
			first = false;
			continue;
		}
		/* REAL: accept.rs Accept::preferred */
		if (!cur.has_q && best.has_q)
			best = cur;
		else if ((cur.has_q ? cur.q : 0.0f) > (best.has_q ? best.q : 1.0f))
			best = cur;
		else if (specificity(&cur.mt) > specificity(&best.mt))
			best = cur;
	} while (eat(&c, ','));
	if (c.p != c.end)
		return -1;
	*out = best.mt;
	return 0;
}

/* ---- _method ------------------------------------------------------------------- */

const char *rocket_method_override(const struct request *rq)
{
	struct media_type mt;
	if (strcmp(rq->method, "POST") != 0 || !rq->content_type ||
	    rocket_media_type(rq->content_type, strlen(rq->content_type), &mt) ||
	    !rocket_media_is(&mt, "application", "x-www-form-urlencoded"))
		return NULL;
	/* REAL: data.peek("_method=delete".len()), used only when at least
	 * "_method=get".len() bytes are there and they are UTF-8 */
	size_t n = rq->body_len < 14 ? rq->body_len : 14;
	if (n < 11 || !utf8_valid(rq->body, n))
		return NULL;
	/* Form::values: '&'-separated, empty fields skipped, not URL-decoded */
	const char *p = rq->body, *end = rq->body + n;
	while (p < end && *p == '&')
		p++;
	const char *fe = memchr(p, '&', (size_t)(end - p));
	if (!fe)
		fe = end;
	const char *eq = memchr(p, '=', (size_t)(fe - p));
	if (!eq || eq - p != 7 || memcmp(p, "_method", 7) != 0)
		return NULL;
	return rocket_method_parse(eq + 1, (size_t)(fe - eq - 1));
}

/* ---- Server and Shield ---------------------------------------------------------- */

void rocket_server_shield(struct reply *rp)
{
	/* PERF: a reply with no header of its own (nearly all) gets the four without
	 * looking for them */
	bool none = rp->nheaders == 0;
	/* REAL: server.rs dispatch - "Add a default 'Server' header if it isn't
	 * already there" (config.ident, default "Rocket") */
	if (none || !reply_get_header(rp, "server"))
		reply_header_static(rp, "server", "Rocket");
	/* REAL: shield/shield.rs Shield::default - NoSniff, Frame (SAMEORIGIN),
	 * Permission (interest-cohort=()); an existing header is never overwritten */
	static const char *const shield[][2] = {
		{"x-content-type-options", "nosniff"},
		{"x-frame-options", "SAMEORIGIN"},
		{"permissions-policy", "interest-cohort=()"},
	};
	for (size_t i = 0; i < 3; i++)
		if (none || !reply_get_header(rp, shield[i][0]))
			reply_header_static(rp, shield[i][0], shield[i][1]);
}

int rocket_cors_origin(const char *in, char *out, size_t size)
{
	/* REAL: rocket_cors headers.rs Origin::from_str - "null" in any case first */
	if (strcasecmp(in, "null") == 0) {
		snprintf(out, size, "null");
		return 0;
	}
	int r = url_origin(in, out, size);
	if (r < 0)
		return -1;
	if (r == 0) /* Origin::Opaque(input) displays the input as given */
		snprintf(out, size, "%s", in);
	return 0;
}

/* ---- CORS fairing ------------------------------------------------------------------ */

void rocket_cors_request(const struct request *rq, struct cors *c)
{
	memset(c, 0, sizeof(*c));
	if (!rq->origin) {
		c->kind = CORS_NONE;
		return;
	}
	if (rocket_cors_origin(rq->origin, c->origin, sizeof(c->origin))) {
		/* REAL: Error::BadOrigin -> 400 -> GET /cors/400 */
		c->origin_bad = true;
		c->kind = CORS_FAILED;
		return;
	}
	if (strcmp(rq->method, "OPTIONS") != 0) {
		c->kind = CORS_ACTUAL; /* AllowedOrigins::All: every origin passes */
		return;
	}
	/* REAL: preflight_validate - MissingRequestMethod / BadRequestMethod are 400;
	 * every method and header is allowed */
	const char *m = rq->ac_request_method;
	c->kind = m && rocket_method_parse(m, strlen(m)) ? CORS_PREFLIGHT : CORS_FAILED;
}

/* The preflight's Allow-Headers: the Access-Control-Request-Headers names split
 * at ',', trimmed, de-duplicated without regard to case (first spelling kept).
 * DIFF: the real order is a HashSet's (random); ours is the request's
 * (docs/fidelity.md#wire-headers). */
static void allow_headers(const char *acrh, struct reply *rp)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = acrh;
	const char *seen[64];
	size_t seenlen[64], nseen = 0;
	bool blank = true;
	for (const char *q = acrh; *q; q++)
		blank = blank && isspace((unsigned char)*q);
	if (blank) {
		reply_remove_header(rp, "access-control-allow-headers");
		return;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *s = p, *e = comma ? comma : p + strlen(p);
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		bool dup = false;
		for (size_t i = 0; i < nseen; i++)
			dup = dup || (seenlen[i] == (size_t)(e - s) && strncasecmp(seen[i], s, seenlen[i]) == 0);
		if (!dup && nseen < 64) {
			seen[nseen] = s;
			seenlen[nseen++] = (size_t)(e - s);
			if (sb.len)
				strbuf_adds(&sb, ", ");
			strbuf_add(&sb, s, (size_t)(e - s));
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	reply_set_header(rp, "access-control-allow-headers", strbuf_str(&sb));
	strbuf_release(&sb);
}

/* REAL: rocket_cors lib.rs Response::merge for preflight_response or
 * actual_request_response with AllowedOrigins::All, send_wildcard false,
 * credentials off, no max age: set_raw_header replaces, Vary is adjoined. */
static void cors_merge(const struct request *rq, const struct cors *c, bool preflight, struct reply *rp)
{
	reply_set_header(rp, "access-control-allow-origin", c->origin);
	reply_remove_header(rp, "access-control-allow-credentials");
	if (preflight) {
		reply_remove_header(rp, "access-control-expose-headers");
		if (rq->ac_request_headers)
			allow_headers(rq->ac_request_headers, rp);
		else
			reply_remove_header(rp, "access-control-allow-headers");
		/* DIFF: the real order is a HashSet's (random): docs/fidelity.md#wire-headers */
		reply_set_header(rp, "access-control-allow-methods",
				 "GET, PUT, POST, DELETE, OPTIONS, HEAD, TRACE, CONNECT, PATCH");
	} else {
		/* REAL: main.rs expose_headers, written as there. DIFF: the real order is
		 * a HashSet's (docs/fidelity.md#wire-headers) */
		reply_set_header(rp, "access-control-expose-headers",
				 "X-Ratelimit-Limit, X-Ratelimit-Bucket, X-Ratelimit-Remaining, "
				 "X-Ratelimit-Reset-After");
		reply_remove_header(rp, "access-control-allow-headers");
		reply_remove_header(rp, "access-control-allow-methods");
	}
	reply_remove_header(rp, "access-control-max-age");
	reply_header_static(rp, "vary", "Origin");
}

enum err rocket_options_catch_all(struct request *rq, struct reply *rp)
{
	/* REAL: lib.rs CatchAllOptionsRouteHandler - the Guard re-validates (it passed
	 * in the fairing, or we would not be here) and responds `()` with the
	 * preflight headers merged; 200, empty body, no Content-Type */
	struct cors c;
	rocket_cors_request(rq, &c);
	if (c.kind == CORS_PREFLIGHT)
		cors_merge(rq, &c, true, rp);
	rp->status = 200;
	return ERR_OK;
}

void rocket_cors_reply(const struct request *rq, const struct cors *c, struct reply *rp)
{
	if (c->kind == CORS_NONE)
		return;
	if (c->origin_bad) {
		/* REAL: fairing.rs on_response_wrapper starts with `origin(request)?`,
		 * which fails again; on_response then sets 500 and keeps the body */
		rp->status = 500;
		return;
	}
	if (c->kind == CORS_FAILED)
		return;
	/* the method now: a rate-limited preflight became GET /ratelimit */
	cors_merge(rq, c, strcmp(rq->method, "OPTIONS") == 0, rp);
}

bool rocket_status_known(int code)
{
	static const short known[] = {100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
				      300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405,
				      406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421,
				      422, 423, 424, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505,
				      506, 507, 508, 510, 511};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == code)
			return true;
	return false;
}

enum err rocket_cors_status(struct request *rq, struct reply *rp)
{
	/* REAL: fairing.rs FairingErrorRoute - request.param::<u16>(0), 500 when it
	 * does not parse; Status::from_code, 500 when unknown; Outcome::Error(status)
	 * goes to the default catcher with that status */
	long code = -1;
	const char *s = rq->id;
	size_t n = rq->id_len, i = 0;
	if (n && s[0] == '+')
		i = 1;
	if (i < n) {
		code = 0;
		for (; i < n && code >= 0; i++) {
			if (!isdigit((unsigned char)s[i]))
				code = -1;
			else if ((code = code * 10 + (s[i] - '0')) > 65535)
				code = -1;
		}
	}
	return reply_catcher(rp, code >= 0 && rocket_status_known((int)code) ? (int)code : 500);
}

/* journal.c: the request journal (see journal.h). The ring grows on demand up to
 * config.journal entries, so a large --journal costs memory only when used. */
#include "journal.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth.h"
#include "config.h"
#include "jsonw.h"
#include "limits.h"
#include "path.h"
#include "routes.h"
#include "strbuf.h"
#include "validate.h"

/* The request headers an entry keeps for the dashboard (journal_since): those the
 * server reads. A token header's value is never kept, nor any value holding one of
 * the request's tokens: they read "[redacted]". */
static const struct {
	const char *name;
	size_t at; /* offsetof(struct request, ...) */
	bool token;
} kept_headers[] = {
	{"host", offsetof(struct request, host), false},
	{"accept", offsetof(struct request, accept), false},
	{"content-type", offsetof(struct request, content_type), false},
	{"origin", offsetof(struct request, origin), false},
	{"x-forwarded-for", offsetof(struct request, forwarded_for), false},
	{"access-control-request-method", offsetof(struct request, ac_request_method), false},
	{"access-control-request-headers", offsetof(struct request, ac_request_headers), false},
	{"x-session-token", offsetof(struct request, session_token), true},
	{"x-bot-token", offsetof(struct request, bot_token), true},
	{"x-oauth2-token", offsetof(struct request, oauth2_token), true},
};
#define KEPT_HEADERS (sizeof(kept_headers) / sizeof(kept_headers[0]))
static const char REDACTED[] = "[redacted]";
/* PERF: the values live in the entry (the ring), not in its allocation: a larger
 * allocation per request changed how malloc served the rest of the request
 * (callgrind, docs/performance.md#journal). Beyond the room a value is cut. */
#define HEADER_ROOM 240
#define AT_REDACTED 0xFFFF

struct entry {
	unsigned long long seq; /* 1, 2, ... in arrival order; never reused in a process */
	struct timespec time; /* wall clock; formatted (ISO 8601 UTC, ms) when read */
	cJSON *gateway;     /* a gateway entry's fields (then only path is set besides); NULL: HTTP */
	char *method;       /* one allocation holding method, path and query */
	char *path;         /* as received, without the query; inside method's block */
	char *query;        /* or NULL; inside method's block */
	unsigned short header[KEPT_HEADERS]; /* 0: absent; AT_REDACTED; else 1 + its place in hval */
	const char *auth;   /* static: auth_header_kind() */
	const char *route;  /* static: the route row's name, or NULL */
	int status;         /* 0: no answer (a drop fault) */
	long long duration_us;
	char *body;         /* valid UTF-8, redacted, at most JOURNAL_BODY_MAX bytes; NULL if empty */
	size_t body_bytes;  /* size of the body as received */
	bool truncated;
	char fault[FAULT_ID_MAX];
	unsigned delay_ms;
	size_t hval_used;
	char hval[HEADER_ROOM]; /* the kept header values, each NUL-ended; last: neither
				 * cleared nor copied beyond hval_used */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* the ring */
static struct entry *ring;
static size_t alloc, count, first; /* ring[first] is the oldest once the ring wrapped */
static unsigned long long next_seq = 1; /* under lock; not reset by journal_clear */

static void entry_release(struct entry *e)
{
	cJSON_Delete(e->gateway);
	free(e->method); /* path and query live in the same block */
	free(e->body);
	memset(e, 0, offsetof(struct entry, hval));
}

static bool mentions(const char *s, size_t len, const char *tok)
{
	return tok && *tok && memmem(s, len, tok, strlen(tok));
}

/* The same for a short text and a token of known length tl. PERF: memchr then
 * memcmp; glibc's memmem prepares a search that costs more than these few
 * bytes take to scan (a header value). */
static inline bool holds(const char *s, size_t len, const char *tok, size_t tl)
{
	if (!tl || len < tl)
		return false;
	for (const char *p = s, *last = s + len - tl; p <= last; p++) {
		p = memchr(p, tok[0], (size_t)(last - p) + 1);
		if (!p)
			return false;
		if (memcmp(p, tok, tl) == 0)
			return true;
	}
	return false;
}

/* Replaces each occurrence of the non-empty token tok in sb by "[redacted]". */
static void redact(struct strbuf *sb, const char *tok)
{
	if (!tok || !*tok || !sb->len)
		return;
	size_t n = strlen(tok);
	struct strbuf out = STRBUF_INIT;
	const char *p = sb->buf, *end = sb->buf + sb->len, *hit;
	bool any = false;
	while ((hit = memmem(p, (size_t)(end - p), tok, n))) {
		strbuf_add(&out, p, (size_t)(hit - p));
		strbuf_adds(&out, REDACTED);
		p = hit + n;
		any = true;
	}
	if (!any) {
		strbuf_release(&out);
		return;
	}
	strbuf_add(&out, p, (size_t)(end - p));
	strbuf_release(sb);
	*sb = out;
}

/* The body as a JSON-safe string: invalid UTF-8 and NUL bytes become U+FFFD, and
 * the text stops before JOURNAL_BODY_MAX bytes would be exceeded. */
static char *safe_text(const char *text, size_t len, bool *truncated)
{
	*truncated = false;
	/* PERF: most bodies are short UTF-8 without NUL: kept as they are, in one
	 * copy (docs/performance.md#journal) */
	if (len <= JOURNAL_BODY_MAX && !memchr(text, 0, len) && utf8_valid(text, len)) {
		char *copy = malloc(len + 1);
		if (copy) {
			memcpy(copy, text, len);
			copy[len] = 0;
		}
		return copy;
	}
	struct strbuf out = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;
	strbuf_add(&out, "", 0);
	while (i < len) {
		long step = path_utf8_step(p + i, len - i);
		size_t n = step > 0 ? (size_t)step : 0; /* 0: not valid UTF-8 here */
		const char *add = n && p[i] ? (const char *)p + i : "\xEF\xBF\xBD";
		size_t addn = n && p[i] ? n : 3;
		if (out.len + addn > JOURNAL_BODY_MAX) {
			*truncated = true;
			break;
		}
		strbuf_add(&out, add, addn);
		i += n ? n : 1;
	}
	return strbuf_detach(&out, NULL);
}

/* Copies e into a slot of the ring, its header values only as far as used. */
static void entry_put(struct entry *slot, const struct entry *e)
{
	memcpy(slot, e, offsetof(struct entry, hval) + e->hval_used);
}

/* Puts e (taken) at the end of the ring, the oldest entry making room; numbers it. */
static void append(struct entry *e)
{
	pthread_mutex_lock(&lock);
	e->seq = next_seq++;
	if (count < config.journal) {
		if (count == alloc) {
			size_t grown = alloc ? alloc * 2 : 64;
			if (grown > config.journal)
				grown = config.journal;
			struct entry *r = realloc(ring, grown * sizeof(*r));
			if (!r) {
				pthread_mutex_unlock(&lock);
				entry_release(e);
				return;
			}
			ring = r;
			alloc = grown;
		}
		entry_put(&ring[count++], e); /* first stays 0 until the ring is full */
	} else {
		entry_release(&ring[first]);
		entry_put(&ring[first], e);
		first = (first + 1) % count;
	}
	pthread_mutex_unlock(&lock);
}

/* The kept headers of rq into e->header and e->hval. */
static void keep_headers(const struct request *rq, struct entry *e)
{
	const char *tok[3] = {rq->bot_token, rq->session_token, rq->oauth2_token};
	size_t tl[3], shortest = (size_t)-1; /* of the tokens sent: a shorter value holds none */
	for (int t = 0; t < 3; t++) {
		tl[t] = tok[t] ? strlen(tok[t]) : 0;
		if (tl[t] && tl[t] < shortest)
			shortest = tl[t];
	}
	size_t used = 0;
	for (size_t i = 0; i < KEPT_HEADERS; i++) {
		const char *v = *(const char *const *)((const char *)rq + kept_headers[i].at);
		if (!v)
			continue;
		size_t n = strlen(v);
		if (kept_headers[i].token || (n >= shortest && (holds(v, n, tok[0], tl[0]) || holds(v, n, tok[1], tl[1]) ||
								  holds(v, n, tok[2], tl[2])))) {
			e->header[i] = AT_REDACTED;
			continue;
		}
		if (used + n >= HEADER_ROOM) /* cut at a character's start: still UTF-8 */
			for (n = HEADER_ROOM - used - 1; n && ((unsigned char)v[n] & 0xC0) == 0x80; n--)
				;
		memcpy(e->hval + used, v, n);
		e->hval[used + n] = 0;
		e->header[i] = (unsigned short)(used + 1);
		used += n + 1;
		if (used >= HEADER_ROOM)
			break;
	}
	e->hval_used = used;
}

void journal_record(const struct request *rq, const struct reply *rp, long long duration_us, const char *fault)
{
	if (config.journal == 0)
		return;
	struct entry e;
	memset(&e, 0, offsetof(struct entry, hval));
	/* PERF: the raw time; formatted only when the journal is read
	 * (docs/performance.md#journal) */
	clock_gettime(CLOCK_REALTIME, &e.time);
	const char *m = rq->method ? rq->method : "", *pa = rq->path ? rq->path : "";
	size_t ml = strlen(m) + 1, pl = strlen(pa) + 1, ql = rq->query ? strlen(rq->query) + 1 : 0;
	keep_headers(rq, &e);
	e.method = malloc(ml + pl + ql);
	if (!e.method)
		return;
	memcpy(e.method, m, ml);
	e.path = memcpy(e.method + ml, pa, pl);
	e.query = rq->query ? memcpy(e.method + ml + pl, rq->query, ql) : NULL;
	e.auth = auth_header_kind(rq);
	e.route = rq->route ? rq->route->name : NULL;
	e.status = rp->drop ? 0 : rp->status;
	e.duration_us = duration_us;
	e.body_bytes = rq->body_len;
	if (rq->body_len) {
		struct strbuf b = STRBUF_INIT;
		const char *text = rq->body;
		size_t len = rq->body_len;
		/* never a token: not even one a client put in a body by mistake */
		if (mentions(text, len, rq->bot_token) || mentions(text, len, rq->session_token) ||
		    mentions(text, len, rq->oauth2_token)) {
			strbuf_add(&b, rq->body, rq->body_len);
			redact(&b, rq->bot_token);
			redact(&b, rq->session_token);
			redact(&b, rq->oauth2_token);
			text = b.buf;
			len = b.len;
		}
		e.body = safe_text(text, len, &e.truncated);
		e.truncated |= rq->body_over_limit;
		strbuf_release(&b);
	}
	str_copy(e.fault, sizeof(e.fault), fault ? fault : "");
	e.delay_ms = rp->delay_ms;
	append(&e);
}

void journal_gateway(const char *path, cJSON *fields)
{
	struct entry e = {0};
	if (config.journal == 0 || !fields) {
		cJSON_Delete(fields);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &e.time);
	e.gateway = fields;
	e.method = malloc(1 + strlen(path) + 1);
	if (!e.method) {
		entry_release(&e);
		return;
	}
	e.method[0] = 0;
	e.path = strcpy(e.method + 1, path);
	append(&e);
}

static cJSON *entry_json(const struct entry *e)
{
	char time[JSONW_TIME_MAX];
	jsonw_time_text(time, (long long)e->time.tv_sec * 1000 + e->time.tv_nsec / 1000000);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "time", time);
	if (e->gateway) {
		for (const cJSON *f = e->gateway->child; f; f = f->next)
			cJSON_AddItemToObject(j, f->string, cJSON_Duplicate(f, 1));
		return j;
	}
	cJSON_AddStringToObject(j, "method", e->method);
	cJSON_AddStringToObject(j, "path", e->path);
	if (e->query)
		cJSON_AddStringToObject(j, "query", e->query);
	else
		cJSON_AddNullToObject(j, "query");
	if (e->route)
		cJSON_AddStringToObject(j, "route", e->route);
	else
		cJSON_AddNullToObject(j, "route");
	cJSON_AddStringToObject(j, "auth", e->auth);
	cJSON_AddNumberToObject(j, "status", e->status);
	cJSON_AddNumberToObject(j, "duration_us", (double)e->duration_us);
	if (e->body)
		cJSON_AddStringToObject(j, "body", e->body);
	else
		cJSON_AddNullToObject(j, "body");
	if (e->truncated) {
		cJSON_AddTrueToObject(j, "body_truncated");
		cJSON_AddNumberToObject(j, "body_bytes", (double)e->body_bytes);
	}
	if (e->fault[0])
		cJSON_AddStringToObject(j, "fault", e->fault);
	if (e->delay_ms)
		cJSON_AddNumberToObject(j, "delay_ms", e->delay_ms);
	return j;
}

cJSON *journal_list(const char *method, const char *path)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "requests");
	char *pattern = path ? path_normal(path) : NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < count; i++) {
		const struct entry *e = &ring[(first + i) % count];
		if (method && (e->gateway || strcasecmp(method, e->method) != 0))
			continue;
		if (pattern) {
			char *p = path_normal(e->path);
			bool ok = path_glob(pattern, p);
			free(p);
			if (!ok)
				continue;
		}
		cJSON_AddItemToArray(arr, entry_json(e));
	}
	pthread_mutex_unlock(&lock);
	free(pattern);
	return o;
}

cJSON *journal_since(unsigned long long after, size_t limit, unsigned long long *oldest, unsigned long long *latest)
{
	cJSON *arr = cJSON_CreateArray();
	pthread_mutex_lock(&lock);
	*oldest = count ? ring[first].seq : next_seq;
	*latest = next_seq - 1;
	for (size_t i = count; i-- > 0 && limit;) {
		const struct entry *e = &ring[(first + i) % count];
		if (e->seq <= after)
			break;
		cJSON *j = entry_json(e);
		cJSON_AddNumberToObject(j, "seq", (double)e->seq);
		cJSON *h = cJSON_AddObjectToObject(j, "headers");
		for (size_t k = 0; k < KEPT_HEADERS; k++)
			if (e->header[k])
				cJSON_AddStringToObject(h, kept_headers[k].name,
							e->header[k] == AT_REDACTED ? REDACTED : e->hval + e->header[k] - 1);
		cJSON_AddItemToArray(arr, j);
		limit--;
	}
	pthread_mutex_unlock(&lock);
	return arr;
}

void journal_clear(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < count; i++)
		entry_release(&ring[i]);
	count = first = 0;
	pthread_mutex_unlock(&lock);
}

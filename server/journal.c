/* journal.c: the request journal (see journal.h). The ring grows on demand up to
 * config.journal entries, so a large --journal costs memory only when used. */
#include "journal.h"

#include <pthread.h>
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

struct entry {
	struct timespec time; /* wall clock; formatted (ISO 8601 UTC, ms) when read */
	cJSON *gateway;     /* a gateway entry's fields (then only path is set besides); NULL: HTTP */
	char *method;       /* one allocation holding method, path and query */
	char *path;         /* as received, without the query; inside method's block */
	char *query;        /* or NULL; inside method's block */
	const char *auth;   /* static: auth_header_kind() */
	const char *route;  /* static: the route row's name, or NULL */
	int status;         /* 0: no answer (a drop fault) */
	long long duration_us;
	char *body;         /* valid UTF-8, redacted, at most JOURNAL_BODY_MAX bytes; NULL if empty */
	size_t body_bytes;  /* size of the body as received */
	bool truncated;
	char fault[FAULT_ID_MAX];
	unsigned delay_ms;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* the ring */
static struct entry *ring;
static size_t alloc, count, first; /* ring[first] is the oldest once the ring wrapped */

static void entry_release(struct entry *e)
{
	cJSON_Delete(e->gateway);
	free(e->method); /* path and query live in the same block */
	free(e->body);
	memset(e, 0, sizeof(*e));
}

static bool mentions(const char *s, size_t len, const char *tok)
{
	return tok && *tok && memmem(s, len, tok, strlen(tok));
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
		strbuf_adds(&out, "[redacted]");
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

/* Puts e (taken) at the end of the ring, the oldest entry making room. */
static void append(struct entry *e)
{
	pthread_mutex_lock(&lock);
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
		ring[count++] = *e; /* first stays 0 until the ring is full */
	} else {
		entry_release(&ring[first]);
		ring[first] = *e;
		first = (first + 1) % count;
	}
	pthread_mutex_unlock(&lock);
}

void journal_record(const struct request *rq, const struct reply *rp, long long duration_us, const char *fault)
{
	if (config.journal == 0)
		return;
	struct entry e = {0};
	/* PERF: the raw time; formatted only when the journal is read
	 * (docs/performance.md#journal) */
	clock_gettime(CLOCK_REALTIME, &e.time);
	const char *m = rq->method ? rq->method : "", *pa = rq->path ? rq->path : "";
	size_t ml = strlen(m) + 1, pl = strlen(pa) + 1, ql = rq->query ? strlen(rq->query) + 1 : 0;
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

void journal_clear(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < count; i++)
		entry_release(&ring[i]);
	count = first = 0;
	pthread_mutex_unlock(&lock);
}

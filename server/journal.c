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

/* Header values never kept: the token headers and HTTP's credential headers. */
static const char *const credential_headers[] = {
	"x-session-token", "x-bot-token", "x-oauth2-token", "authorization", "proxy-authorization", "cookie",
};
static const char REDACTED[] = "[redacted]";

struct entry {
	unsigned long long seq; /* 1, 2, ... in arrival order; never reused in a process */
	struct timespec time; /* wall clock; formatted (ISO 8601 UTC, ms) when read */
	cJSON *gateway;     /* a gateway entry's fields (then only path is set besides); NULL: HTTP */
	char *method;       /* one allocation holding method, path, query and headers */
	char *path;         /* as received, without the query; inside method's block */
	char *query;        /* or NULL; inside method's block */
	const char *headers; /* inside method's block: nheaders times name NUL value NUL */
	unsigned char nheaders;
	bool headers_cut;   /* a line left out, or a value cut */
	const char *auth;   /* static: auth_header_kind() */
	const char *route;  /* static: the route row's name, or NULL */
	int status;         /* 0: no answer (a drop fault) */
	long long duration_us;
	char *body;         /* valid UTF-8, redacted, at most JOURNAL_BODY_MAX bytes; NULL if empty */
	size_t body_bytes;  /* size of the body as received */
	bool truncated;
	char *answer;       /* the answer's body, kept as body is; NULL if none was sent */
	size_t answer_bytes;
	bool answer_truncated;
	char fault[FAULT_ID_MAX];
	unsigned delay_ms;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* the ring */
static struct entry *ring;
static size_t alloc, count, first; /* ring[first] is the oldest once the ring wrapped */
static unsigned long long next_seq = 1; /* under lock; not reset by journal_clear */

static void entry_release(struct entry *e)
{
	cJSON_Delete(e->gateway);
	free(e->method); /* path, query and headers live in the same block */
	free(e->body);
	free(e->answer);
	memset(e, 0, sizeof(*e));
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

/* sb's text becomes out's text followed by the rest of sb from p. */
static void take_rest(struct strbuf *sb, struct strbuf *out, const char *p)
{
	strbuf_add(out, p, (size_t)(sb->buf + sb->len - p));
	strbuf_release(sb);
	*sb = *out;
}

/* Replaces each occurrence of the non-empty token tok in sb by "[redacted]". */
static void redact(struct strbuf *sb, const char *tok)
{
	if (!tok || !*tok || !sb->len || !mentions(sb->buf, sb->len, tok))
		return;
	size_t n = strlen(tok);
	struct strbuf out = STRBUF_INIT;
	const char *p = sb->buf, *end = sb->buf + sb->len, *hit;
	while ((hit = memmem(p, (size_t)(end - p), tok, n))) {
		strbuf_add(&out, p, (size_t)(hit - p));
		strbuf_adds(&out, REDACTED);
		p = hit + n;
	}
	take_rest(sb, &out, p);
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Replaces the string value of each member named key (quoted: "\"token\"") in the
 * JSON text of sb by "[redacted]". Read as text, so it holds for a body that is not
 * JSON too: what follows `key :` up to the closing quote, or to the end. */
static void redact_member(struct strbuf *sb, const char *key)
{
	size_t n = strlen(key);
	if (!sb->len || !memmem(sb->buf, sb->len, key, n))
		return;
	struct strbuf out = STRBUF_INIT;
	const char *p = sb->buf, *end = sb->buf + sb->len, *hit;
	while ((hit = memmem(p, (size_t)(end - p), key, n))) {
		const char *v = skip_space(hit + n, end);
		bool member = v < end && *v == ':';
		if (member)
			v = skip_space(v + 1, end);
		if (!member || v == end || *v != '"') { /* not `key: "` */
			strbuf_add(&out, p, (size_t)(hit + n - p));
			p = hit + n;
			continue;
		}
		const char *close = v + 1;
		while (close < end && *close != '"')
			close += *close == '\\' && close + 1 < end ? 2 : 1;
		strbuf_add(&out, p, (size_t)(v + 1 - p));
		strbuf_adds(&out, REDACTED);
		p = close;
	}
	take_rest(sb, &out, p);
}

/* Appends s[len] to out as valid UTF-8 without NUL (U+FFFD for each byte that is
 * neither), at most max bytes of it, cut where a character starts. Returns whether
 * it was cut. */
static bool add_text(struct strbuf *out, const char *s, size_t len, size_t max)
{
	/* PERF: most texts are short UTF-8 without NUL: one copy
	 * (docs/performance.md#journal) */
	if (len <= max && !memchr(s, 0, len) && utf8_valid(s, len)) {
		strbuf_add(out, s, len);
		return false;
	}
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, added = 0;
	while (i < len) {
		long step = path_utf8_step(p + i, len - i);
		size_t n = step > 0 ? (size_t)step : 0; /* 0: not valid UTF-8 here */
		const char *add = n && p[i] ? s + i : "\xEF\xBF\xBD";
		size_t addn = n && p[i] ? n : 3;
		if (added + addn > max)
			return true;
		strbuf_add(out, add, addn);
		added += addn;
		i += n ? n : 1;
	}
	return false;
}

/* A body as an entry keeps it: never a token (journal.h), then JSON-safe text of
 * at most JOURNAL_BODY_MAX bytes. tok: the request's token values (NULL: none). */
static char *kept_body(const char *text, size_t len, const char *const tok[3], bool *truncated)
{
	struct strbuf b = STRBUF_INIT, kept = STRBUF_INIT;
	if (mentions(text, len, tok[0]) || mentions(text, len, tok[1]) || mentions(text, len, tok[2]) ||
	    memmem(text, len, "\"token\"", 7) || memmem(text, len, "\"secret\"", 8)) {
		strbuf_add(&b, text, len);
		for (int t = 0; t < 3; t++)
			redact(&b, tok[t]);
		redact_member(&b, "\"token\"");
		redact_member(&b, "\"secret\"");
		text = b.buf;
		len = b.len;
	}
	strbuf_reserve(&kept, (len < JOURNAL_BODY_MAX ? len : JOURNAL_BODY_MAX) + 1);
	*truncated = add_text(&kept, text, len, JOURNAL_BODY_MAX);
	strbuf_release(&b);
	return strbuf_detach(&kept, NULL);
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
		ring[count++] = *e; /* first stays 0 until the ring is full */
	} else {
		entry_release(&ring[first]);
		ring[first] = *e;
		first = (first + 1) % count;
	}
	pthread_mutex_unlock(&lock);
}

static bool credential_header(const char *name)
{
	for (size_t i = 0; i < sizeof(credential_headers) / sizeof(credential_headers[0]); i++)
		if (strcasecmp(name, credential_headers[i]) == 0)
			return true;
	return false;
}

/* Appends rq's header lines to b as e keeps them (journal.h): name NUL value NUL,
 * names in lower case, within the bounds, never a token. */
static void keep_headers(const struct request *rq, struct entry *e, struct strbuf *b)
{
	const char *tok[3] = {rq->bot_token, rq->session_token, rq->oauth2_token};
	size_t tl[3], shortest = (size_t)-1; /* of the tokens sent: a shorter value holds none */
	for (int t = 0; t < 3; t++) {
		tl[t] = tok[t] ? strlen(tok[t]) : 0;
		if (tl[t] && tl[t] < shortest)
			shortest = tl[t];
	}
	size_t room = JOURNAL_HEADERS_BYTES; /* for names and values */
	e->headers_cut = rq->more_headers;
	for (int i = 0; i < rq->nheaders; i++) {
		const char *name = rq->headers[i].name, *v = rq->headers[i].value;
		size_t n = strlen(v), at = b->len;
		if (add_text(b, name, strlen(name), room)) { /* no room for the name */
			strbuf_truncate(b, at);
			e->headers_cut = true;
			break;
		}
		for (char *c = b->buf + at; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		room -= b->len - at;
		strbuf_add(b, "", 1);
		if (credential_header(name) || (n >= shortest && (holds(v, n, tok[0], tl[0]) || holds(v, n, tok[1], tl[1]) ||
								  holds(v, n, tok[2], tl[2])))) {
			v = REDACTED;
			n = sizeof(REDACTED) - 1;
		}
		at = b->len;
		e->headers_cut |= add_text(b, v, n, room < JOURNAL_HEADER_VALUE_MAX ? room : JOURNAL_HEADER_VALUE_MAX);
		room -= b->len - at;
		strbuf_add(b, "", 1);
		e->nheaders++;
	}
}

/* Room for rq's method, path, query and headers in one block: exact for the
 * strings, the headers within their bounds (a guess when a byte is not UTF-8). */
static size_t block_size(const struct request *rq)
{
	size_t n = strlen(rq->method ? rq->method : "") + strlen(rq->path ? rq->path : "") + 2;
	n += rq->query ? strlen(rq->query) + 1 : 0;
	size_t h = 0;
	for (int i = 0; i < rq->nheaders; i++) {
		size_t v = strlen(rq->headers[i].value);
		h += strlen(rq->headers[i].name) + (v < JOURNAL_HEADER_VALUE_MAX ? v : JOURNAL_HEADER_VALUE_MAX) + 2;
	}
	return n + (h < JOURNAL_HEADERS_BYTES ? h : JOURNAL_HEADERS_BYTES) + 1;
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
	struct strbuf block = STRBUF_INIT;
	strbuf_reserve(&block, block_size(rq));
	strbuf_add(&block, m, ml);
	strbuf_add(&block, pa, pl);
	if (ql)
		strbuf_add(&block, rq->query, ql);
	size_t at_headers = block.len;
	keep_headers(rq, &e, &block);
	e.method = strbuf_detach(&block, NULL);
	e.path = e.method + ml;
	e.query = ql ? e.method + ml + pl : NULL;
	e.headers = e.method + at_headers;
	e.auth = auth_header_kind(rq);
	e.route = rq->route ? rq->route->name : NULL;
	e.status = rp->drop ? 0 : rp->status;
	e.duration_us = duration_us;
	const char *const tok[3] = {rq->bot_token, rq->session_token, rq->oauth2_token};
	e.body_bytes = rq->body_len;
	if (rq->body_len) {
		e.body = kept_body(rq->body, rq->body_len, tok, &e.truncated);
		e.truncated |= rq->body_over_limit;
	}
	/* what was sent: nothing after a drop, nor for HEAD */
	if (!rp->drop && rp->body && rp->body_len && strcmp(m, "HEAD") != 0) {
		e.answer = kept_body(rp->body, rp->body_len, tok, &e.answer_truncated);
		e.answer_bytes = rp->body_len;
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

/* "headers": the kept lines, a name sent twice with its values joined by ", "
 * (RFC 9110 5.3). */
static void add_headers(cJSON *j, const struct entry *e)
{
	cJSON *h = cJSON_AddObjectToObject(j, "headers");
	const char *p = e->headers;
	for (unsigned i = 0; i < e->nheaders; i++) {
		const char *name = p, *value = p + strlen(p) + 1;
		p = value + strlen(value) + 1;
		cJSON *had = cJSON_GetObjectItemCaseSensitive(h, name);
		if (!had) {
			cJSON_AddStringToObject(h, name, value);
			continue;
		}
		struct strbuf both = STRBUF_INIT;
		strbuf_adds(&both, had->valuestring);
		strbuf_adds(&both, ", ");
		strbuf_adds(&both, value);
		cJSON_ReplaceItemInObjectCaseSensitive(h, name, cJSON_CreateString(both.buf));
		strbuf_release(&both);
	}
	if (e->headers_cut)
		cJSON_AddTrueToObject(j, "headers_truncated");
}

/* A kept body under key, with key_truncated and key_bytes when it was cut. */
static void add_body(cJSON *j, const char *key, const char *text, bool cut, size_t bytes)
{
	char name[40];
	if (text)
		cJSON_AddStringToObject(j, key, text);
	else
		cJSON_AddNullToObject(j, key);
	if (cut) {
		snprintf(name, sizeof(name), "%s_truncated", key);
		cJSON_AddTrueToObject(j, name);
		snprintf(name, sizeof(name), "%s_bytes", key);
		cJSON_AddNumberToObject(j, name, (double)bytes);
	}
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
	add_body(j, "body", e->body, e->truncated, e->body_bytes);
	add_headers(j, e);
	add_body(j, "response_body", e->answer, e->answer_truncated, e->answer_bytes);
	if (e->fault[0])
		cJSON_AddStringToObject(j, "fault", e->fault);
	if (e->delay_ms)
		cJSON_AddNumberToObject(j, "delay_ms", e->delay_ms);
	return j;
}

/* Whether e passes f; pattern: f->path normalised. */
static bool passes(const struct entry *e, const struct journal_filter *f, const char *pattern)
{
	if (f->method && (e->gateway || strcasecmp(f->method, e->method) != 0))
		return false;
	if (f->route) {
		bool ok = e->gateway ? strcmp(f->route, JOURNAL_GATEWAY) == 0
			  : e->route ? strcmp(f->route, e->route) == 0
				     : strcmp(f->route, JOURNAL_UNMATCHED) == 0;
		if (!ok)
			return false;
	}
	if (pattern) {
		char *p = path_normal(e->path);
		bool ok = path_glob(pattern, p);
		free(p);
		if (!ok)
			return false;
	}
	return true;
}

/* Calls each(e, arg) for every entry f keeps, oldest first; returns their number. */
static size_t walk(const struct journal_filter *f, void (*each)(const struct entry *e, void *arg), void *arg)
{
	char *pattern = f->path ? path_normal(f->path) : NULL;
	size_t n = 0;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < count; i++) {
		const struct entry *e = &ring[(first + i) % count];
		if (!passes(e, f, pattern))
			continue;
		n++;
		if (each)
			each(e, arg);
	}
	pthread_mutex_unlock(&lock);
	free(pattern);
	return n;
}

static void add_to_list(const struct entry *e, void *arr) { cJSON_AddItemToArray(arr, entry_json(e)); }

cJSON *journal_list(const struct journal_filter *f)
{
	cJSON *o = cJSON_CreateObject();
	walk(f, add_to_list, cJSON_AddArrayToObject(o, "requests"));
	return o;
}

size_t journal_count(const struct journal_filter *f) { return walk(f, NULL, NULL); }

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

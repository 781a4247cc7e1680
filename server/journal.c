/* journal.c: the request journal (see journal.h). The ring grows on demand up to
 * config.journal entries, so a large --journal costs memory only when used. */
#include "journal.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
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
static const struct {
	const char *name;
	size_t len;
} credential_headers[] = {
#define H(name) {name, sizeof(name) - 1}
	H("x-session-token"), H("x-bot-token"), H("x-oauth2-token"), H("authorization"), H("proxy-authorization"), H("cookie"),
#undef H
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
	char *body;         /* valid UTF-8, redacted, at most JOURNAL_BODY_MAX bytes; NULL if empty;
			     * or, when body_raw, the body_bytes received, kept_body'd when read */
	size_t body_bytes;  /* size of the body as received */
	bool truncated;
	bool body_raw;
	char *answer;       /* the answer's body, kept as body is; NULL if none was sent */
	size_t answer_bytes;
	bool answer_truncated;
	bool answer_raw;
	const char *tok[3]; /* a raw body's redaction: the request's tokens (in method's block) */
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

/* Replaces each occurrence of the non-empty token tok in sb by "[redacted]". */
static void redact(struct strbuf *sb, const char *tok)
{
	if (!tok || !*tok || !sb->len || !mentions(sb->buf, sb->len, tok))
		return;
	size_t n = strlen(tok);
	struct strbuf out = STRBUF_INIT;
	strbuf_reserve(&out, sb->len + 64);
	const char *p = sb->buf, *end = sb->buf + sb->len, *hit;
	while ((hit = memmem(p, (size_t)(end - p), tok, n))) {
		strbuf_add(&out, p, (size_t)(hit - p));
		strbuf_adds(&out, REDACTED);
		p = hit + n;
	}
	strbuf_add(&out, p, (size_t)(end - p));
	strbuf_release(sb);
	*sb = out;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* The members whose string value is a secret: a bot's token, an OAuth2 client secret. */
static const char TOKEN_KEY[] = "\"token\"", SECRET_KEY[] = "\"secret\"";
#define KEY_LEN(k) (sizeof(k) - 1)

/* PERF: the searches below take eight bytes at a time: an answer has a quote
 * every ten bytes or so, and memchr's cost is then its call, memmem's a pass per
 * key (docs/performance.md#journal-answers). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDS 1
#else
#define WORDS 0 /* a byte at a time */
#endif
static const uint64_t ONES = 0x0101010101010101u, HIGHS = 0x8080808080808080u;

/* The high bit of each zero byte of x (and maybe of a byte after one: a caller
 * checks what it finds); the lowest is exact. */
static inline uint64_t zero_bytes(uint64_t x) { return (x - ONES) & ~x & HIGHS; }

static inline uint64_t word_at(const char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* The first '"' in [p, end), or NULL. */
static const char *find_quote(const char *p, const char *end)
{
	for (; WORDS && end - p >= 8; p += 8) {
		uint64_t zero = zero_bytes(word_at(p) ^ 0x2222222222222222u);
		if (zero)
			return p + (__builtin_ctzll(zero) >> 3);
	}
	for (; p < end; p++)
		if (*p == '"')
			return p;
	return NULL;
}

/* The next of the two keys at or after p, or NULL; *n: its length. One pass for
 * both: the places where a quote is followed by t or s. */
static const char *next_key(const char *p, const char *end, size_t *n)
{
	for (;;) {
		const char *c = NULL;
		for (; WORDS && !c && end - p >= 9; p += 8) {
			uint64_t next = word_at(p + 1);
			uint64_t hit = zero_bytes(word_at(p) ^ 0x2222222222222222u) &
				       (zero_bytes(next ^ 0x7474747474747474u) | zero_bytes(next ^ 0x7373737373737373u));
			for (; hit && !c; hit &= hit - 1) {
				const char *at = p + (__builtin_ctzll(hit) >> 3);
				if (at[0] == '"' && (at[1] == 't' || at[1] == 's'))
					c = at;
			}
		}
		for (; !c && p + 1 < end; p++)
			if (p[0] == '"' && (p[1] == 't' || p[1] == 's'))
				c = p;
		if (!c)
			return NULL;
		size_t left = (size_t)(end - c);
		if (left >= KEY_LEN(TOKEN_KEY) && memcmp(c, TOKEN_KEY, KEY_LEN(TOKEN_KEY)) == 0) {
			*n = KEY_LEN(TOKEN_KEY);
			return c;
		}
		if (left >= KEY_LEN(SECRET_KEY) && memcmp(c, SECRET_KEY, KEY_LEN(SECRET_KEY)) == 0) {
			*n = KEY_LEN(SECRET_KEY);
			return c;
		}
		p = c + 1;
	}
}

/* The quote that ends the JSON string whose text starts at s, or end. */
static const char *string_end(const char *s, const char *end)
{
	for (const char *q = s; (q = find_quote(q, end)); q++) {
		size_t slashes = 0;
		while (q - slashes > s && q[-1 - (ptrdiff_t)slashes] == '\\')
			slashes++;
		if (slashes % 2 == 0)
			return q;
	}
	return end;
}

/* text[len] into out with the string value of each "token" and "secret" member
 * replaced by "[redacted]"; hit: the first key in text (next_key), n its length.
 * Read as text, so it holds for a body that is not JSON too: what follows
 * `key :` up to the closing quote, or to the end. */
static void copy_redacting_members(struct strbuf *out, const char *text, size_t len, const char *hit, size_t n)
{
	const char *p = text, *end = text + len;
	strbuf_reserve(out, len + 64);
	for (; hit; hit = next_key(p, end, &n)) {
		const char *v = skip_space(hit + n, end);
		bool member = v < end && *v == ':';
		if (member)
			v = skip_space(v + 1, end);
		if (!member || v == end || *v != '"') { /* not `key: "` */
			strbuf_add(out, p, (size_t)(hit + n - p));
			p = hit + n;
			continue;
		}
		strbuf_add(out, p, (size_t)(v + 1 - p));
		strbuf_adds(out, REDACTED);
		p = string_end(v + 1, end);
	}
	strbuf_add(out, p, (size_t)(end - p));
}

/* Whether s[n] is ASCII without NUL. PERF: eight bytes at a time; nearly every
 * body and answer is, and utf8_valid takes a byte at a time. */
static bool plain_ascii(const char *s, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v = word_at(s + i);
		if ((v & HIGHS) || zero_bytes(v))
			return false;
	}
	for (; i < n; i++)
		if (!s[i] || (s[i] & 0x80))
			return false;
	return true;
}

/* Whether s[n] can be kept as it is: valid UTF-8 without NUL. */
static bool clean_text(const char *s, size_t n)
{
	return plain_ascii(s, n) || (!memchr(s, 0, n) && utf8_valid(s, n));
}

/* Appends s[len] to out as valid UTF-8 without NUL (U+FFFD for each byte that is
 * neither), at most max bytes of it, cut where a character starts. Returns whether
 * it was cut. */
static bool add_text(struct strbuf *out, const char *s, size_t len, size_t max)
{
	if (len <= max && clean_text(s, len)) {
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

/* A raw copy of text[len] (NUL-terminated, the NULs inside kept), or NULL. */
static char *raw_copy(const char *text, size_t len)
{
	char *copy = malloc(len + 1);
	if (copy) {
		memcpy(copy, text, len);
		copy[len] = 0;
	}
	return copy;
}

/* A body as an entry keeps it: never a token (journal.h), then JSON-safe text of
 * at most JOURNAL_BODY_MAX bytes. tok: the request's token values (NULL: none).
 * PERF: a body with nothing to redact is copied once, one with secrets twice at
 * most (docs/performance.md#journal-answers). */
static char *kept_body(const char *text, size_t len, const char *const tok[3], bool *truncated)
{
	struct strbuf b = STRBUF_INIT;
	size_t n;
	const char *key = next_key(text, text + len, &n);
	if (key)
		copy_redacting_members(&b, text, len, key, n);
	for (int t = 0; t < 3; t++) {
		if (!b.buf && mentions(text, len, tok[t]))
			strbuf_add(&b, text, len);
		redact(&b, tok[t]);
	}
	if (b.buf) {
		text = b.buf;
		len = b.len;
	}
	*truncated = false;
	if (len <= JOURNAL_BODY_MAX && clean_text(text, len)) {
		return b.buf ? strbuf_detach(&b, NULL) : raw_copy(text, len);
	}
	struct strbuf kept = STRBUF_INIT;
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

static bool credential_header(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(credential_headers) / sizeof(credential_headers[0]); i++)
		if (credential_headers[i].len == n && strcasecmp(name, credential_headers[i].name) == 0)
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
		size_t nl = strlen(name), n = strlen(v), at = b->len;
		if (add_text(b, name, nl, room)) { /* no room for the name */
			strbuf_truncate(b, at);
			e->headers_cut = true;
			break;
		}
		for (char *c = b->buf + at; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		room -= b->len - at;
		strbuf_add(b, "", 1);
		if (credential_header(name, nl) || (n >= shortest && (holds(v, n, tok[0], tl[0]) || holds(v, n, tok[1], tl[1]) ||
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

/* PERF: a body or answer that needs no cutting is kept as it came and redacted
 * when the journal is read (kept_body then, with the request's tokens kept
 * beside it): recording a GET's answer cost 4 000 instructions in kept_body, a
 * copy 200 (docs/performance.md#journal-lazy). A token longer than this is
 * nobody's: such a request's bodies are redacted at once, so an entry never
 * holds more than three tokens' worth beside its bounds. */
#define RAW_TOKEN_MAX 128

/* Whether the bodies of rq can be kept raw (above); lens: the tokens' lengths,
 * every one set. */
static bool raw_tokens_fit(const char *const tok[3], size_t lens[3])
{
	bool fit = true;
	for (int t = 0; t < 3; t++) {
		lens[t] = tok[t] ? strlen(tok[t]) : 0;
		fit &= lens[t] <= RAW_TOKEN_MAX;
	}
	return fit;
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
	const char *const tok[3] = {rq->bot_token, rq->session_token, rq->oauth2_token};
	size_t tl[3];
	bool fits = raw_tokens_fit(tok, tl);
	/* what was sent: nothing after a drop, nor for HEAD */
	bool answered = !rp->drop && rp->body && rp->body_len && strcmp(m, "HEAD") != 0;
	bool body_raw = fits && rq->body_len && rq->body_len <= JOURNAL_BODY_MAX && !rq->body_over_limit;
	bool answer_raw = fits && answered && rp->body_len <= JOURNAL_BODY_MAX;
	bool keep_tok = body_raw || answer_raw; /* for the redaction when read */
	struct strbuf block = STRBUF_INIT;
	strbuf_reserve(&block, block_size(rq) + (keep_tok ? tl[0] + tl[1] + tl[2] + 3 : 0));
	strbuf_add(&block, m, ml);
	strbuf_add(&block, pa, pl);
	if (ql)
		strbuf_add(&block, rq->query, ql);
	size_t at_headers = block.len, at_tok[3] = {0};
	keep_headers(rq, &e, &block);
	for (int t = 0; t < 3 && keep_tok; t++) {
		at_tok[t] = block.len;
		if (tok[t])
			strbuf_add(&block, tok[t], tl[t] + 1);
	}
	e.method = strbuf_detach(&block, NULL);
	if (!e.method)
		return;
	e.path = e.method + ml;
	e.query = ql ? e.method + ml + pl : NULL;
	e.headers = e.method + at_headers;
	for (int t = 0; t < 3 && keep_tok; t++)
		e.tok[t] = tok[t] ? e.method + at_tok[t] : NULL;
	e.auth = auth_header_kind(rq);
	e.route = rq->route ? rq->route->name : NULL;
	e.status = rp->drop ? 0 : rp->status;
	e.duration_us = duration_us;
	e.body_bytes = rq->body_len;
	if (body_raw) {
		e.body = raw_copy(rq->body, rq->body_len);
		e.body_raw = true;
	} else if (rq->body_len) {
		e.body = kept_body(rq->body, rq->body_len, tok, &e.truncated);
		e.truncated |= rq->body_over_limit;
	}
	if (answer_raw) {
		e.answer = raw_copy(rp->body, rp->body_len);
		e.answer_raw = true;
	} else if (answered) {
		e.answer = kept_body(rp->body, rp->body_len, tok, &e.answer_truncated);
	}
	if (answered)
		e.answer_bytes = rp->body_len;
	str_copy(e.fault, sizeof(e.fault), fault ? fault : "");
	e.delay_ms = rp->delay_ms;
	append(&e);
}

static void add_headers(cJSON *j, const struct entry *e);

char *journal_headers_text(const struct request_header *lines, int n, bool more, const char *const tok[3])
{
	if (config.journal == 0 || config.no_control)
		return NULL;
	struct request rq = {.headers = lines, .nheaders = n, .more_headers = more};
	if (tok) {
		rq.bot_token = tok[0];
		rq.session_token = tok[1];
		rq.oauth2_token = tok[2];
	}
	struct entry e = {0};
	struct strbuf b = STRBUF_INIT;
	strbuf_reserve(&b, block_size(&rq));
	keep_headers(&rq, &e, &b);
	e.headers = b.buf ? b.buf : "";
	cJSON *j = cJSON_CreateObject();
	char *text = NULL;
	if (j) {
		add_headers(j, &e);
		text = cJSON_PrintUnformatted(j);
	}
	cJSON_Delete(j);
	strbuf_release(&b);
	return text;
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

/* add_body of an entry's body or answer: redacted now when it was kept raw. */
static void add_kept_body(cJSON *j, const char *key, const char *text, bool raw, bool cut, size_t bytes,
			  const char *const tok[3])
{
	if (!raw || !text) {
		add_body(j, key, text, cut, bytes);
		return;
	}
	char *kept = kept_body(text, bytes, tok, &cut);
	add_body(j, key, kept, cut, bytes);
	free(kept);
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
	add_kept_body(j, "body", e->body, e->body_raw, e->truncated, e->body_bytes, e->tok);
	add_headers(j, e);
	add_kept_body(j, "response_body", e->answer, e->answer_raw, e->answer_truncated, e->answer_bytes, e->tok);
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

/* path.c: request-target text helpers (see path.h). Moved here from dispatch.c
 * (segments, the normalised path), control.c (query values) and faults.c (the
 * glob) so faults and the journal need nothing from the layers above them, and
 * percent-decoding is written once. */
#include "path.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

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

size_t path_percent_decode(char *out, const char *in, size_t len, bool plus_space)
{
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (in[i] == '%' && i + 2 < len && (hi = hexval(in[i + 1])) >= 0 && (lo = hexval(in[i + 2])) >= 0 &&
		    (hi || lo)) {
			out[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[k++] = plus_space && in[i] == '+' ? ' ' : in[i];
		}
	}
	return k;
}

long path_utf8_step(const unsigned char *s, size_t n)
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
	size_t k = path_percent_decode((char *)raw, p, len, false);
	/* from_utf8_lossy: one U+FFFD (3 bytes) per maximal ill-formed subpart */
	char *seg = malloc(3 * k + 1);
	size_t m = 0;
	for (size_t i = 0; i < k;) {
		long step = path_utf8_step(raw + i, k - i);
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

void path_split(struct request *rq)
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

char *path_normal(const char *raw)
{
	struct request rq = {0};
	struct strbuf out = STRBUF_INIT;
	rq.path = raw ? raw : "";
	path_split(&rq);
	for (int i = 0; i < rq.nseg; i++) {
		strbuf_adds(&out, "/");
		strbuf_add(&out, rq.seg[i], rq.seglen[i]);
	}
	if (!out.len)
		strbuf_adds(&out, "/");
	request_release(&rq);
	return strbuf_detach(&out, NULL);
}

char *path_query_value(const char *v, size_t n)
{
	char *s = malloc(n + 1);
	s[path_percent_decode(s, v, n, true)] = 0;
	return s;
}

bool path_glob(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == 0;
}

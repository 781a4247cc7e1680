/* strbuf.c: see strbuf.h. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *sb, size_t max)
{
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	sb->max = max;
	sb->overflow = false;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb, sb->max);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *b = sb->buf ? sb->buf : calloc(1, 1);
	if (len)
		*len = sb->len;
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return b;
}

static int grow(struct strbuf *sb, size_t extra)
{
	if (sb->max && sb->len + extra > sb->max) {
		sb->overflow = true;
		return -1;
	}
	if (sb->len + extra + 1 <= sb->alloc)
		return 0;
	size_t want = sb->alloc ? sb->alloc * 2 : 64;
	while (want < sb->len + extra + 1)
		want *= 2;
	char *nb = realloc(sb->buf, want);
	if (!nb)
		abort(); /* out of memory: nothing sensible to answer */
	sb->buf = nb;
	sb->alloc = want;
	return 0;
}

int strbuf_add_slow(struct strbuf *sb, const void *data, size_t n)
{
	if (grow(sb, n))
		return -1;
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = 0;
	return 0;
}

char *strbuf_extend_slow(struct strbuf *sb, size_t n)
{
	if (grow(sb, n))
		return NULL;
	char *at = sb->buf + sb->len;
	sb->len += n;
	sb->buf[sb->len] = 0;
	return at;
}

void strbuf_truncate(struct strbuf *sb, size_t len)
{
	if (sb->buf && len <= sb->len) {
		sb->len = len;
		sb->buf[len] = 0;
	}
}

void strbuf_reserve(struct strbuf *sb, size_t n)
{
	if (sb->max && n > sb->max)
		n = sb->max;
	if (n > sb->len)
		grow(sb, n - sb->len);
}

int strbuf_adds(struct strbuf *sb, const char *s) { return strbuf_add(sb, s, strlen(s)); }

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(sb, (size_t)n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

const char *strbuf_str(const struct strbuf *sb) { return sb->buf ? sb->buf : ""; }

size_t str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = 0;
	return n;
}

/* strbuf.h: a growable byte buffer with an optional cap.
 * Invariant: buf is always NUL-terminated (also when len == 0) once initialised.
 * strbuf_init sets up without allocating; strbuf_release frees the contents;
 * strbuf_detach hands the bytes to the caller ("you now own the storage"). */
#ifndef STOAT_STRBUF_H
#define STOAT_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct strbuf {
	char *buf;
	size_t len, alloc;
	size_t max;    /* 0 = unbounded; appending past it sets overflow */
	bool overflow; /* a write was refused because of max */
};

#define STRBUF_INIT {NULL, 0, 0, 0, false}

void strbuf_init(struct strbuf *sb, size_t max);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Returns 0, or -1 (nothing appended) when max would be exceeded. */
int strbuf_add_slow(struct strbuf *sb, const void *data, size_t n);
/* PERF: appending into room already there is inlined (answers are built from
 * dozens of small appends; docs/performance.md#json). */
static inline int strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	if (sb->alloc - sb->len <= n || (sb->max && sb->len + n > sb->max)) /* alloc > len once allocated */
		return strbuf_add_slow(sb, data, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = 0;
	return 0;
}
int strbuf_adds(struct strbuf *sb, const char *s);
/* Makes room for n more bytes at the end and counts them in len: returns where to
 * write them (the NUL after them is set), or NULL when max would be exceeded. */
char *strbuf_extend_slow(struct strbuf *sb, size_t n);
static inline char *strbuf_extend(struct strbuf *sb, size_t n)
{
	if (sb->alloc - sb->len <= n || (sb->max && sb->len + n > sb->max)) /* alloc > len once allocated */
		return strbuf_extend_slow(sb, n);
	char *at = sb->buf + sb->len;
	sb->len += n;
	sb->buf[sb->len] = 0;
	return at;
}
/* Shortens the text to len bytes (len <= sb->len). */
void strbuf_truncate(struct strbuf *sb, size_t len);
/* Makes room for at least n bytes in all, so that writing up to them allocates
 * no more (an answer's likely size, say). */
void strbuf_reserve(struct strbuf *sb, size_t n);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *strbuf_str(const struct strbuf *sb);

/* Copies src into dst[size] (size > 0), cut to fit and always NUL-ended; returns
 * the length copied. A plain string helper, kept beside the buffer. */
size_t str_copy(char *dst, size_t size, const char *src);

#endif

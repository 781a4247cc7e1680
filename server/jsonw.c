/* jsonw.c: see jsonw.h. */
#include "jsonw.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Any byte of the 8 in x that needs escaping ('"', '\\' or below 0x20) sets its
 * high bit in the result (bytes after the first such one may too, so the lowest
 * bit set is that first byte's: x is read little-endian). */
static inline uint64_t special8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
}

/* PERF: the text is checked eight bytes at a time, and runs that need no escape
 * are copied whole: most of an answer is such runs (ids, tokens, URLs). */
static size_t quote(char *out, const unsigned char *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 1, i = 0;
	if (out)
		out[0] = '"';
	while (i < len) {
		size_t run = i;
		bool found = false;
		for (uint64_t x, m; i + 8 <= len; i += 8) {
			memcpy(&x, p + i, 8);
			if ((m = special8(x))) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				/* PERF: straight to the byte to escape (else the loop below) */
				i += (size_t)__builtin_ctzll(m) / 8;
				found = true;
#endif
				break;
			}
		}
		while (!found && i < len && p[i] >= 32 && p[i] != '"' && p[i] != '\\')
			i++;
		if (out)
			memcpy(out + n, p + run, i - run);
		n += i - run;
		if (i == len)
			break;
		unsigned char c = p[i++], e = 0;
		switch (c) {
		case '"': e = '"'; break;
		case '\\': e = '\\'; break;
		case '\b': e = 'b'; break;
		case '\f': e = 'f'; break;
		case '\n': e = 'n'; break;
		case '\r': e = 'r'; break;
		case '\t': e = 't'; break;
		default: break;
		}
		if (e) {
			if (out) {
				out[n] = '\\';
				out[n + 1] = (char)e;
			}
			n += 2;
		} else {
			if (out)
				memcpy(out + n, (char[6]){'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]}, 6);
			n += 6;
		}
	}
	if (out)
		out[n] = '"';
	return n + 1;
}

size_t jsonw_quote(char *out, const char *s) { return quote(out, (const unsigned char *)s, strlen(s)); }

/* PERF: an answer begun in an empty buffer gets room for a typical answer at
 * once (a bot with its user is about 600 bytes) instead of growing to it by
 * doubling from 64. strbuf rounds the room up to a power of two: 1 KiB, the
 * largest block glibc keeps in its per-thread cache. A block of 2 KiB comes from
 * its large bins, which first merges every freed small block, on every request. */
#define JSONW_FIRST 1000

/* A member after the first of its object or array gets a ',' before it. A key
 * ends with ':', after which the value follows directly. */
static inline void separate(struct strbuf *sb)
{
	if (sb->len) {
		char last = sb->buf[sb->len - 1];
		if (last != '{' && last != '[' && last != ':')
			strbuf_add(sb, ",", 1);
	}
}

void jsonw_open(struct strbuf *sb, char bracket)
{
	if (!sb->len)
		strbuf_reserve(sb, JSONW_FIRST);
	separate(sb);
	strbuf_add(sb, &bracket, 1);
}

void jsonw_close(struct strbuf *sb, char bracket) { strbuf_add(sb, &bracket, 1); }

void jsonw_key_n(struct strbuf *sb, const char *key, size_t n)
{
	separate(sb);
	char *at = strbuf_extend(sb, n + 3);
	if (!at)
		return;
	at[0] = '"';
	memcpy(at + 1, key, n);
	at[n + 1] = '"';
	at[n + 2] = ':';
}

void jsonw_string(struct strbuf *sb, const char *s)
{
	separate(sb);
	size_t len = strlen(s), worst = 6 * len + 2; /* every byte as \u00xx */
	char *at = strbuf_extend(sb, worst);
	if (at)
		strbuf_truncate(sb, sb->len - worst + quote(at, (const unsigned char *)s, len));
}

void jsonw_bool(struct strbuf *sb, bool v)
{
	separate(sb);
	strbuf_adds(sb, v ? "true" : "false");
}

void jsonw_int(struct strbuf *sb, long long v)
{
	char num[24];
	separate(sb);
	strbuf_add(sb, num, (size_t)snprintf(num, sizeof(num), "%lld", v));
}

void jsonw_raw(struct strbuf *sb, const char *json)
{
	separate(sb);
	strbuf_adds(sb, json);
}

void jsonw_time_text(char *out, long long ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	size_t k = strftime(out, JSONW_TIME_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + k, JSONW_TIME_MAX - k, ".%03dZ", (int)(ms % 1000));
}

void jsonw_time(struct strbuf *sb, long long ms)
{
	char when[JSONW_TIME_MAX];
	jsonw_time_text(when, ms);
	jsonw_string(sb, when);
}

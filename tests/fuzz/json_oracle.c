/* json_oracle.c: serde_json's strict syntax, the fuzz oracle (see json_oracle.h).
 * A recursive scan that only says yes or no: no tree, no values kept. It was the
 * server's syntax check (wire.c) until jsonguard.c took over every body route. */
#include "json_oracle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

struct scan {
	const unsigned char *p, *end;
	int depth;
};

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(struct scan *s, unsigned *out)
{
	if (s->end - s->p < 4)
		return -1;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = s->p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	s->p += 4;
	*out = v;
	return 0;
}

static int string(struct scan *s)
{
	s->p++; /* opening quote */
	while (s->p < s->end) {
		unsigned char c = *s->p++;
		if (c == '"')
			return 0;
		if (c < 0x20)
			return -1;
		if (c != '\\')
			continue;
		if (s->p >= s->end)
			return -1;
		c = *s->p++;
		if (strchr("\"\\/bfnrt", c) && c)
			continue;
		if (c != 'u')
			return -1;
		unsigned u;
		if (hex4(s, &u))
			return -1;
		if (u >= 0xDC00 && u <= 0xDFFF)
			return -1; /* lone low surrogate */
		if (u >= 0xD800 && u <= 0xDBFF) {
			unsigned lo;
			if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
				return -1;
			s->p += 2;
			if (hex4(s, &lo) || lo < 0xDC00 || lo > 0xDFFF)
				return -1;
		}
	}
	return -1;
}

static int number(struct scan *s)
{
	const unsigned char *start = s->p;
	if (*s->p == '-')
		s->p++;
	if (s->p >= s->end || !(*s->p >= '0' && *s->p <= '9'))
		return -1;
	if (*s->p == '0')
		s->p++;
	else
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	bool real = false;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		real = true;
		if (s->p >= s->end || !(*s->p >= '0' && *s->p <= '9'))
			return -1;
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		real = true;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (s->p >= s->end || !(*s->p >= '0' && *s->p <= '9'))
			return -1;
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	if (real) {
		/* serde_json: a float that overflows f64 is "number out of range" */
		char buf[512];
		size_t n = (size_t)(s->p - start);
		if (n < sizeof(buf)) {
			memcpy(buf, start, n);
			buf[n] = 0;
			double d = strtod(buf, NULL);
			if (isinf(d))
				return -1;
		}
	}
	return 0;
}

static int value(struct scan *s);

static int container(struct scan *s, unsigned char close, bool object)
{
	if (++s->depth > JSON_DEPTH_MAX)
		return -1;
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		ws(s);
		if (object) {
			if (s->p >= s->end || *s->p != '"' || string(s))
				return -1;
			ws(s);
			if (s->p >= s->end || *s->p++ != ':')
				return -1;
		}
		if (value(s))
			return -1;
		ws(s);
		if (s->p >= s->end)
			return -1;
		unsigned char c = *s->p++;
		if (c == close)
			break;
		if (c != ',')
			return -1;
	}
	s->depth--;
	return 0;
}

static int literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

static int value(struct scan *s)
{
	ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '{': return container(s, '}', true);
	case '[': return container(s, ']', false);
	case '"': return string(s);
	case 't': return literal(s, "true");
	case 'f': return literal(s, "false");
	case 'n': return literal(s, "null");
	default: return number(s);
	}
}

bool json_oracle_syntax(const char *text, size_t n)
{
	struct scan s = {(const unsigned char *)text, (const unsigned char *)text + n, 0};
	if (value(&s))
		return false;
	ws(&s);
	return s.p == s.end;
}

/* url.c: the WHATWG URL parsing of Rust's url crate, as far as an Origin header
 * needs it, and the IPv6 text form (see url.h).
 * REAL: url crate (servo/rust-url) parser.rs for the scheme and authority,
 * host.rs for IPv4 numbers and IPv6 text, origin.rs for Url::origin. */
#include "url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "validate.h"

static const struct {
	const char *scheme;
	int port;
} special[] = {{"http", 80}, {"https", 443}, {"ws", 80}, {"wss", 443}, {"ftp", 21}};

/* WHATWG IPv4 number: 0x.. hex, 0.. octal, else decimal. -1 on failure. */
static int ipv4_number(const char *s, size_t n, uint64_t *v)
{
	int base = 10;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	} else if (n >= 2 && s[0] == '0') {
		base = 8;
		s++;
		n--;
	}
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		int d;
		char ch = s[i];
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (base == 16 && ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return -1;
		if (d >= base)
			return -1;
		*v = *v * (uint64_t)base + (uint64_t)d;
		if (*v > 0xFFFFFFFFULL * 256)
			*v = 0xFFFFFFFFULL * 256; /* saturate: anything this big fails below */
	}
	return 0;
}

/* WHATWG "ends in a number" then the IPv4 parser. 1 = an IPv4 address written to
 * out, 0 = not a number (a domain), -1 = failure. */
static int ipv4_host(const char *h, char *out, size_t size)
{
	const char *parts[8];
	size_t lens[8], n = 0;
	size_t hl = strlen(h);
	const char *p = h;
	for (;;) {
		const char *dot = memchr(p, '.', (size_t)(h + hl - p));
		size_t len = dot ? (size_t)(dot - p) : (size_t)(h + hl - p);
		if (n == 8)
			return 0; /* too many labels to be an address; a domain */
		parts[n] = p;
		lens[n++] = len;
		if (!dot)
			break;
		p = dot + 1;
	}
	if (n > 1 && lens[n - 1] == 0)
		n--;
	uint64_t v;
	bool digits = lens[n - 1] > 0;
	for (size_t i = 0; i < lens[n - 1]; i++)
		digits = digits && isdigit((unsigned char)parts[n - 1][i]);
	if (!digits && (lens[n - 1] == 0 || ipv4_number(parts[n - 1], lens[n - 1], &v)))
		return 0;
	if (n > 4)
		return -1;
	uint64_t num[4];
	for (size_t i = 0; i < n; i++) {
		if (lens[i] == 0 || ipv4_number(parts[i], lens[i], &num[i]))
			return -1;
		if (i + 1 < n && num[i] > 255)
			return -1;
	}
	uint64_t limit = 1ULL << (8 * (5 - n));
	if (num[n - 1] >= limit)
		return -1;
	uint64_t addr = num[n - 1];
	for (size_t i = 0; i + 1 < n; i++)
		addr += num[i] << (8 * (3 - i));
	snprintf(out, size, "%u.%u.%u.%u", (unsigned)(addr >> 24) & 255, (unsigned)(addr >> 16) & 255,
		 (unsigned)(addr >> 8) & 255, (unsigned)addr & 255);
	return 1;
}

void url_ipv6_text(const unsigned char b[16], char *out, size_t size)
{
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	int best = -1, bestlen = 1;
	for (int i = 0; i < 8; i++) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
	}
	size_t n = 0;
	for (int i = 0; i < 8 && n < size; i++) {
		if (i == best) {
			n += (size_t)snprintf(out + n, size - n, i == 0 ? "::" : ":");
			i += bestlen - 1;
			continue;
		}
		n += (size_t)snprintf(out + n, size - n, "%x%s", g[i], i < 7 ? ":" : "");
	}
}

static bool forbidden_host(unsigned char c, bool domain)
{
	if (c < 0x20 || c == ' ' || c == '#' || c == '/' || c == ':' || c == '<' || c == '>' || c == '?' ||
	    c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '|')
		return true;
	return domain && (c == '%' || c == 0x7F);
}

static int hexdig(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Host of a special URL -> its serialisation. DIFF: no IDNA; non-ASCII names are
 * only lower-cased where ASCII (docs/fidelity.md#cors). */
static int special_host(const char *h, size_t n, char *out, size_t size)
{
	if (n == 0)
		return -1;
	if (h[0] == '[') {
		char v6[64];
		unsigned char b[16];
		if (h[n - 1] != ']' || n - 2 >= sizeof(v6))
			return -1;
		memcpy(v6, h + 1, n - 2);
		v6[n - 2] = 0;
		if (inet_pton(AF_INET6, v6, b) != 1)
			return -1;
		out[0] = '[';
		url_ipv6_text(b, out + 1, size - 2);
		strcat(out, "]");
		return 0;
	}
	char dec[256];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k + 1 >= sizeof(dec))
			return -1;
		int hi, lo;
		if (h[i] == '%' && i + 2 < n && (hi = hexdig(h[i + 1])) >= 0 && (lo = hexdig(h[i + 2])) >= 0) {
			dec[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			dec[k++] = h[i];
		}
	}
	dec[k] = 0;
	if (!k || !utf8_valid(dec, k))
		return -1;
	for (size_t i = 0; i < k; i++) {
		dec[i] = (char)tolower((unsigned char)dec[i]);
		if (forbidden_host((unsigned char)dec[i], true))
			return -1;
	}
	int v4 = ipv4_host(dec, out, size);
	if (v4 < 0)
		return -1;
	if (v4 == 0)
		snprintf(out, size, "%s", dec);
	return 0;
}

/* url_origin at a depth: 0 for the given URL, 1 for the URL inside a blob: one. */
static int origin_at(const char *in, char *out, size_t size, int depth)
{
	char buf[1024];
	size_t n = 0;
	const char *s = in, *e = in + strlen(in);
	/* strip leading/trailing C0 controls and spaces; drop tabs and newlines */
	while (s < e && (unsigned char)*s <= 0x20)
		s++;
	while (e > s && (unsigned char)e[-1] <= 0x20)
		e--;
	for (; s < e; s++)
		if (*s != '\t' && *s != '\n' && *s != '\r') {
			if (n + 1 >= sizeof(buf))
				return -1;
			buf[n++] = *s;
		}
	buf[n] = 0;
	/* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if (!n || !isalpha((unsigned char)buf[0]))
		return -1;
	size_t i = 1;
	while (i < n && (isalnum((unsigned char)buf[i]) || buf[i] == '+' || buf[i] == '-' || buf[i] == '.'))
		i++;
	if (i >= n || buf[i] != ':')
		return -1; /* relative reference, no base URL */
	char scheme[32];
	if (i >= sizeof(scheme))
		return 0; /* a long non-special scheme: opaque */
	for (size_t k = 0; k < i; k++)
		scheme[k] = (char)tolower((unsigned char)buf[k]);
	scheme[i] = 0;
	const char *rest = buf + i + 1;
	int defport = -1;
	for (size_t k = 0; k < sizeof(special) / sizeof(special[0]); k++)
		if (strcmp(scheme, special[k].scheme) == 0)
			defport = special[k].port;
	if (strcmp(scheme, "file") == 0)
		return 0;
	if (defport < 0) {
		if (strcmp(scheme, "blob") == 0 && depth == 0) {
			/* REAL: url Url::origin - blob: takes the origin of its path's URL when
			 * that is http(s) */
			char inner[1024];
			size_t pl = strcspn(rest, "?#");
			memcpy(inner, rest, pl);
			inner[pl] = 0;
			if (origin_at(inner, out, size, 1) == 1 &&
			    (strncmp(out, "http://", 7) == 0 || strncmp(out, "https://", 8) == 0))
				return 1;
			return 0;
		}
		/* non-special: only an authority can fail to parse */
		if (rest[0] == '/' && rest[1] == '/') {
			const char *a = rest + 2;
			size_t al = strcspn(a, "/?#");
			const char *at = NULL;
			for (size_t k = 0; k < al; k++)
				if (a[k] == '@')
					at = a + k;
			const char *h = at ? at + 1 : a, *ae = a + al;
			const char *colon = NULL;
			if (h < ae && *h == '[') {
				const char *rb = memchr(h, ']', (size_t)(ae - h));
				if (!rb)
					return -1;
				colon = rb + 1 < ae && rb[1] == ':' ? rb + 1 : NULL;
			} else {
				colon = memchr(h, ':', (size_t)(ae - h));
				for (const char *q = h; q < (colon ? colon : ae); q++)
					if (forbidden_host((unsigned char)*q, false))
						return -1;
			}
			for (const char *q = colon ? colon + 1 : ae; q < ae; q++)
				if (!isdigit((unsigned char)*q))
					return -1;
		}
		return 0;
	}
	/* special authority: slashes and backslashes skipped, up to / \ ? # */
	while (*rest == '/' || *rest == '\\')
		rest++;
	size_t al = strcspn(rest, "/\\?#");
	const char *a = rest, *ae = rest + al;
	for (const char *q = a; q < ae; q++)
		if (*q == '@')
			a = q + 1; /* credentials are dropped from an origin */
	const char *colon = NULL;
	if (a < ae && *a == '[') {
		const char *rb = memchr(a, ']', (size_t)(ae - a));
		if (!rb)
			return -1;
		if (rb + 1 < ae) {
			if (rb[1] != ':')
				return -1;
			colon = rb + 1;
		}
	} else {
		colon = memchr(a, ':', (size_t)(ae - a));
	}
	const char *he = colon ? colon : ae;
	long port = -1;
	if (colon && colon + 1 < ae) {
		port = 0;
		for (const char *q = colon + 1; q < ae; q++) {
			if (!isdigit((unsigned char)*q))
				return -1;
			port = port * 10 + (*q - '0');
			if (port > 65535)
				return -1;
		}
	}
	char host[512];
	if (special_host(a, (size_t)(he - a), host, sizeof(host)))
		return -1;
	if (port < 0 || port == defport)
		snprintf(out, size, "%s://%s", scheme, host);
	else
		snprintf(out, size, "%s://%s:%ld", scheme, host, port);
	return 1;
}

int url_origin(const char *in, char *out, size_t size)
{
	return origin_at(in, out, size, 0);
}

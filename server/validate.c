/* validate.c: request value checks (see validate.h).
 * PCRE2 does the blocked-name patterns and the Unicode classes of Debug escaping;
 * the username alphabet is the generated Unicode 16 table of cure_table.c.
 * REAL: crates/core/models/src/v0/users.rs RE_USERNAME; bots.rs DataEditBot. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "validate.h"

#include <pcre2.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "cure_table.h"
#include "limits.h"

static pcre2_code *re_blocked, *re_nonprint;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_status;

static pcre2_code *compile(const char *pat, uint32_t extra)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | extra, &code, &off, NULL);
	if (re)
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional speed-up; falls back */
	return re;
}

static void init_once(void)
{
	/* REAL: users/model.rs BLOCKED_USERNAME_PATTERNS, case-insensitive */
	re_blocked = compile("`{3}|(discord|rvlt|guilded|stt)\\.gg|(revolt|stoat)\\.chat|https?://",
			     PCRE2_CASELESS);
	/* what Rust's str Debug escapes as \u{..}: grapheme extenders, then what
	 * core/src/unicode/printable.py calls unprintable: Cc Cf Cs Co Cn Zl Zp and Zs
	 * other than U+0020 */
	re_nonprint = compile("^(?:[\\p{Gr_Ext}\\p{Cc}\\p{Cf}\\p{Co}\\p{Cn}\\p{Zl}\\p{Zp}]|(?!\\x20)\\p{Zs})", 0);
	init_status = re_blocked && re_nonprint ? 0 : -1;
}

int validate_init(void)
{
	pthread_once(&once, init_once);
	return init_status;
}

/* re is the address of a pattern variable: read after validate_init() filled it, so
 * callers (unit tests, fuzzers) need not initialise first. */
static bool match(pcre2_code *const *rep, const char *s, size_t n)
{
	validate_init();
	pcre2_code *re = *rep;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

bool utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + n;
	while (s < e) {
		unsigned c = *s;
		size_t len;
		unsigned cp;
		if (c < 0x80) {
			s++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(e - s) < len)
			return false;
		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		s += len;
	}
	return true;
}

size_t utf8_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* REAL: RE_USERNAME under the real server's regex crate (regex-syntax 0.8, Unicode
 * 16.0.0). The accepted set comes from the generated cure table, because Debian 12's
 * PCRE2 knows Unicode 14 only and would refuse 9372 letters and digits the real
 * server accepts. Every code point must be in the set; nothing else (a trailing
 * "\n" included, Rust's $ being the very end) is. */
bool validate_username_pattern(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!*p)
		return false;
	while (*p) {
		uint32_t cp = *p;
		size_t len = cp < 0x80 ? 1 : (cp & 0xE0) == 0xC0 ? 2 : (cp & 0xF0) == 0xE0 ? 3 : 4;
		if (len > 1)
			cp &= 0xFFu >> (len + 1);
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if (!cure_name_char(cp))
			return false;
		p += len;
	}
	return true;
}

bool validate_username_blocked(const char *cured)
{
	static const char *const names[] = {"admin", "revolt", "stoat"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(cured, names[i]) == 0) /* DIFF: ASCII case folding only */
			return true;
	return match(&re_blocked, cured, strlen(cured));
}

const char *const validate_oauth2_scopes[OAUTH2_SCOPE_COUNT] = {"read:identify", "read:servers", "write:files",
								  "events", "full"};

bool validate_oauth2_scope(const char *s)
{
	for (size_t i = 0; i < OAUTH2_SCOPE_COUNT; i++)
		if (strcmp(s, validate_oauth2_scopes[i]) == 0)
			return true;
	return false;
}

void validate_debug_str(struct strbuf *out, const char *s)
{
	strbuf_adds(out, "\"");
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
		if (c == 0xFF) { /* BODY_NUL, an escaped NUL of the body (body.h) */
			strbuf_adds(out, "\\0");
			s++;
			continue;
		}
		switch (c) {
		case '\t': strbuf_adds(out, "\\t"); break;
		case '\r': strbuf_adds(out, "\\r"); break;
		case '\n': strbuf_adds(out, "\\n"); break;
		case '\\': strbuf_adds(out, "\\\\"); break;
		case '"': strbuf_adds(out, "\\\""); break;
		default:
			/* PERF: printable ASCII is never escaped; PCRE2 is asked about the rest */
			if (c >= 0x20 && c < 0x7F) {
				strbuf_add(out, s, 1);
			} else if (match(&re_nonprint, s, len)) {
				unsigned cp = len == 1 ? c : c & (0xFF >> (len + 1));
				for (size_t i = 1; i < len; i++)
					cp = (cp << 6) | ((unsigned char)s[i] & 0x3F);
				strbuf_addf(out, "\\u{%x}", cp);
			} else {
				strbuf_add(out, s, len);
			}
		}
		s += len;
	}
	strbuf_adds(out, "\"");
}

/* Starts a field's line: "\n" between lines, then "<path>: ". */
static void begin_line(struct strbuf *out, const char *field, bool *started)
{
	if (*started) {
		strbuf_adds(out, ", ");
		return;
	}
	if (out->len)
		strbuf_adds(out, "\n");
	strbuf_adds(out, field);
	strbuf_adds(out, ": ");
	*started = true;
}

/* n in decimal, as %zu writes it (PERF: vsnprintf cost 2 000 instructions a call,
 * the most of a FailedValidation answer) */
static void add_size(struct strbuf *out, size_t n)
{
	char digits[24];
	size_t i = sizeof(digits);
	do
		digits[--i] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	strbuf_add(out, digits + i, sizeof(digits) - i);
}

static void length_error(struct strbuf *out, size_t min, size_t max)
{
	strbuf_adds(out, "Validation error: length [{\"min\": Number(");
	add_size(out, min);
	strbuf_adds(out, "), \"max\": Number(");
	add_size(out, max);
	strbuf_adds(out, "), \"value\": ");
}

bool validate_name_field(const char *field, const char *name, struct strbuf *out)
{
	bool started = false;
	size_t n = utf8_count(name);
	if (n < NAME_LEN_MIN || n > NAME_LEN_MAX) {
		begin_line(out, field, &started);
		length_error(out, NAME_LEN_MIN, NAME_LEN_MAX);
		strbuf_adds(out, "String(");
		validate_debug_str(out, name);
		strbuf_adds(out, ")}]");
	}
	if (!validate_username_pattern(name)) {
		begin_line(out, field, &started);
		strbuf_adds(out, "Validation error: regex [{\"value\": String(");
		validate_debug_str(out, name);
		strbuf_adds(out, ")}]");
	}
	return !started;
}

bool validate_len_field(const char *field, const char *s, size_t min, size_t max, struct strbuf *out)
{
	size_t n = utf8_count(s);
	if (n >= min && n <= max)
		return true;
	bool started = false;
	begin_line(out, field, &started);
	length_error(out, min, max);
	strbuf_adds(out, "String(");
	validate_debug_str(out, s);
	strbuf_adds(out, ")}]");
	return false;
}

bool validate_list_field(const char *field, const char *const *items, size_t n, size_t min,
			 size_t max, struct strbuf *out)
{
	if (n >= min && n <= max)
		return true;
	bool started = false;
	begin_line(out, field, &started);
	length_error(out, min, max);
	strbuf_adds(out, "Array [");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_adds(out, ", ");
		strbuf_adds(out, "String(");
		validate_debug_str(out, items[i]);
		strbuf_adds(out, ")");
	}
	strbuf_adds(out, "]}]");
	return false;
}

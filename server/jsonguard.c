/* jsonguard.c: serde_json's streaming decode of the bodies of the emulated routes
 * (see jsonguard.h). Every reader function here follows the serde_json 1.0.150
 * function of the same role in src/de.rs and returns OK, SYNTAX (any non-Data
 * error: 400) or DATA (422); the first error in stream order wins, as there. The
 * value functions store what they read into the body's C struct as they go; on an
 * error the caller frees whatever was stored so far. */
#include "jsonguard.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "jsonw.h"
#include "validate.h"

enum { OK = 0, SYNTAX = 400, DATA = 422 };

#define TRY(x)                 \
	do {                   \
		int r_ = (x);  \
		if (r_)        \
			return r_; \
	} while (0)

/* ---- the reader ----------------------------------------------------------------- */

struct de {
	const unsigned char *p, *end;
	int remaining;       /* serde_json remaining_depth: starts at 128 */
};


/* parse_whitespace: the next byte after ' ', '\n', '\t', '\r', or -1 at the end */
static int ws(struct de *d)
{
	while (d->p < d->end && (*d->p == ' ' || *d->p == '\n' || *d->p == '\t' || *d->p == '\r'))
		d->p++;
	return d->p < d->end ? *d->p : -1;
}

static bool digit(int c) { return c >= '0' && c <= '9'; }

/* parse_ident: the rest of null / true / false */
static int ident(struct de *d, const char *rest)
{
	for (; *rest; rest++) {
		if (d->p >= d->end || *d->p != (unsigned char)*rest)
			return SYNTAX;
		d->p++;
	}
	return OK;
}

static int hex4(struct de *d, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		if (d->p >= d->end)
			return SYNTAX;
		int c = *d->p++, v;
		if (digit(c))
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return SYNTAX;
		*out = *out << 4 | (unsigned)v;
	}
	return OK;
}

static void utf8_put(struct strbuf *sb, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp == 0) {
		b[0] = BODY_NUL; /* an escaped NUL stays in the text (body.h) */
		n = 1;
	} else if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	strbuf_add(sb, b, n);
}

/* The rest of a string after its opening quote. strict: parse_str (paired
 * surrogates required); else ignore_str (any four hex digits). The decoded text
 * goes to dec when given. */
static int string(struct de *d, bool strict, struct strbuf *dec)
{
	for (;;) {
		if (d->p >= d->end)
			return SYNTAX;
		unsigned char c = *d->p++;
		if (c == '"')
			return OK;
		if (c < 0x20)
			return SYNTAX; /* ControlCharacterWhileParsingString */
		if (c != '\\') {
			if (dec)
				strbuf_add(dec, &c, 1);
			continue;
		}
		if (d->p >= d->end)
			return SYNTAX;
		c = *d->p++;
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *k = c ? strchr(from, c) : NULL;
		if (k) {
			if (dec)
				strbuf_add(dec, &to[k - from], 1);
			continue;
		}
		if (c != 'u')
			return SYNTAX; /* InvalidEscape */
		unsigned n;
		TRY(hex4(d, &n));
		if (!strict)
			continue;
		if (n >= 0xDC00 && n <= 0xDFFF)
			return SYNTAX;
		if (n >= 0xD800 && n <= 0xDBFF) {
			unsigned lo;
			if (d->p >= d->end || *d->p++ != '\\' || d->p >= d->end || *d->p++ != 'u')
				return SYNTAX; /* UnexpectedEndOfHexEscape */
			TRY(hex4(d, &lo));
			if (lo < 0xDC00 || lo > 0xDFFF)
				return SYNTAX;
			n = 0x10000 + ((n - 0xD800) << 10) + (lo - 0xDC00);
		}
		if (dec)
			utf8_put(dec, n);
	}
}

/* A number's grammar from its first digit ('-' already eaten); with range, a
 * float that overflows f64 is NumberOutOfRange (parse_any_number), without it
 * nothing is computed (ignore_integer). */
static int number(struct de *d, const unsigned char *start, bool range)
{
	if (d->p >= d->end)
		return SYNTAX;
	if (*d->p == '0') {
		d->p++;
		if (d->p < d->end && digit(*d->p))
			return SYNTAX;
	} else if (digit(*d->p)) {
		while (d->p < d->end && digit(*d->p))
			d->p++;
	} else {
		return SYNTAX;
	}
	if (d->p < d->end && *d->p == '.') {
		d->p++;
		if (d->p >= d->end || !digit(*d->p))
			return SYNTAX;
		while (d->p < d->end && digit(*d->p))
			d->p++;
	}
	if (d->p < d->end && (*d->p == 'e' || *d->p == 'E')) {
		d->p++;
		if (d->p < d->end && (*d->p == '+' || *d->p == '-'))
			d->p++;
		if (d->p >= d->end || !digit(*d->p))
			return SYNTAX;
		while (d->p < d->end && digit(*d->p))
			d->p++;
	}
	if (range) {
		size_t n = (size_t)(d->p - start);
		char *text = malloc(n + 1);
		if (!text)
			return SYNTAX;
		memcpy(text, start, n);
		text[n] = 0;
		double v = strtod(text, NULL);
		free(text);
		if (isinf(v))
			return SYNTAX;
	}
	return OK;
}

/* peek_invalid_type: the scalar at hand is read (its own syntax errors win), then
 * it is a Data error; a '[' or '{' is one at once; anything else is not a value. */
static int invalid_type(struct de *d)
{
	int c = d->p < d->end ? *d->p : -1;
	int r;
	switch (c) {
	case 'n': d->p++; r = ident(d, "ull"); break;
	case 't': d->p++; r = ident(d, "rue"); break;
	case 'f': d->p++; r = ident(d, "alse"); break;
	case '-': {
		const unsigned char *start = d->p++;
		r = number(d, start, true);
		break;
	}
	case '"': d->p++; r = string(d, true, NULL); break;
	case '[':
	case '{': return DATA;
	default:
		if (digit(c)) {
			r = number(d, d->p, true);
			break;
		}
		return SYNTAX; /* ExpectedSomeValue, or the end of the input */
	}
	return r ? r : DATA;
}

/* has_next_element */
static int next_element(struct de *d, bool *first, bool *more)
{
	int c = ws(d);
	if (c < 0)
		return SYNTAX;
	*more = false;
	if (c == ']')
		return OK;
	if (*first) {
		*first = false;
		*more = true;
		return OK;
	}
	if (c != ',')
		return SYNTAX; /* ExpectedListCommaOrEnd */
	d->p++;
	c = ws(d);
	if (c < 0 || c == ']')
		return SYNTAX; /* EOF, TrailingComma */
	*more = true;
	return OK;
}

/* has_next_key: true leaves the reader on the key's opening quote */
static int next_key(struct de *d, bool *first, bool *more)
{
	int c = ws(d);
	if (c < 0)
		return SYNTAX;
	*more = false;
	if (c == '}')
		return OK;
	if (*first) {
		*first = false;
		if (c != '"')
			return SYNTAX; /* KeyMustBeAString */
		*more = true;
		return OK;
	}
	if (c != ',')
		return SYNTAX; /* ExpectedObjectCommaOrEnd */
	d->p++;
	c = ws(d);
	if (c != '"')
		return SYNTAX; /* TrailingComma, KeyMustBeAString, EOF */
	*more = true;
	return OK;
}

/* The next non-blank byte must be c (':' after a key, ']' or '}' closing a
 * container); anything else is a Syntax error (TrailingCharacters, TrailingComma,
 * EofWhileParsingList/Object, ExpectedColon). */
static int expect(struct de *d, char c)
{
	if (ws(d) != c)
		return SYNTAX;
	d->p++;
	return OK;
}

/* check_recursion!: the 128th nested container is RecursionLimitExceeded */
static int enter(struct de *d)
{
	if (--d->remaining == 0)
		return SYNTAX;
	d->p++;
	return OK;
}

/* The opening bracket of a container the type wants: entered. The end of input is a syntax error, any other value the wrong type. */
static int open_container(struct de *d, int c, char bracket)
{
	if (c < 0)
		return SYNTAX;
	if (c != bracket)
		return invalid_type(d);
	return enter(d);
}

/* ignore_value (IgnoredAny): iterative, no depth limit, numbers not computed,
 * \u escapes not paired. */
static int ignore_value(struct de *d)
{
	struct strbuf stack = STRBUF_INIT;
	int enclosing = 0, r = SYNTAX;
	for (;;) {
		int c = ws(d), frame = 0;
		if (c < 0)
			goto out;
		switch (c) {
		case 'n': d->p++; if (ident(d, "ull")) goto out; break;
		case 't': d->p++; if (ident(d, "rue")) goto out; break;
		case 'f': d->p++; if (ident(d, "alse")) goto out; break;
		case '-': {
			const unsigned char *s = d->p++;
			if (number(d, s, false))
				goto out;
			break;
		}
		case '"': d->p++; if (string(d, false, NULL)) goto out; break;
		case '[':
		case '{':
			if (enclosing) {
				char e = (char)enclosing;
				strbuf_add(&stack, &e, 1);
				enclosing = 0;
			}
			d->p++;
			frame = c;
			break;
		default:
			if (!digit(c) || number(d, d->p, false))
				goto out;
		}
		bool accept_comma;
		if (frame) {
			accept_comma = false;
		} else if (enclosing) {
			frame = enclosing;
			enclosing = 0;
			accept_comma = true;
		} else if (stack.len) {
			frame = (unsigned char)stack.buf[--stack.len];
			accept_comma = true;
		} else {
			r = OK;
			goto out;
		}
		for (;;) {
			c = ws(d);
			if (c < 0)
				goto out;
			if (c == ',' && accept_comma) {
				d->p++;
				break;
			}
			if (!((c == ']' && frame == '[') || (c == '}' && frame == '{'))) {
				if (accept_comma)
					goto out; /* ExpectedListCommaOrEnd / ExpectedObjectCommaOrEnd */
				break;
			}
			d->p++;
			if (!stack.len) {
				r = OK;
				goto out;
			}
			frame = (unsigned char)stack.buf[--stack.len];
			accept_comma = true;
		}
		if (frame == '{') {
			if (ws(d) != '"')
				goto out;
			d->p++;
			if (string(d, false, NULL) || expect(d, ':'))
				goto out;
		}
		enclosing = frame;
	}
out:
	strbuf_release(&stack);
	return r;
}

/* deserialize_any into serde's Content (what an untagged enum buffers first):
 * every value read strictly, with the recursion limit. */
static int any_strict(struct de *d)
{
	int c = ws(d);
	bool first = true, more;
	switch (c) {
	case 'n': d->p++; return ident(d, "ull");
	case 't': d->p++; return ident(d, "rue");
	case 'f': d->p++; return ident(d, "alse");
	case '"': d->p++; return string(d, true, NULL);
	case '-': {
		const unsigned char *s = d->p++;
		return number(d, s, true);
	}
	case '[':
		TRY(enter(d));
		for (;;) {
			TRY(next_element(d, &first, &more));
			if (!more)
				break;
			TRY(any_strict(d));
		}
		d->remaining++;
		return expect(d, ']');
	case '{':
		TRY(enter(d));
		for (;;) {
			TRY(next_key(d, &first, &more));
			if (!more)
				break;
			d->p++;
			TRY(string(d, true, NULL));
			TRY(expect(d, ':'));
			TRY(any_strict(d));
		}
		d->remaining++;
		return expect(d, '}');
	default:
		if (digit(c))
			return number(d, d->p, true);
		return SYNTAX;
	}
}

/* ---- decoding into the C struct ---------------------------------------------------- */

static int value(struct de *d, const struct jg_type *t, void *slot);

/* The kind whose slot an Option shares (its innermost non-Option type). */
static const struct jg_type *unwrap(const struct jg_type *t)
{
	while (t->kind == JG_OPTION)
		t = t->inner;
	return t;
}

/* Marks a slot absent: -1 for the integer slots, NULL (already zero) otherwise. */
static void slot_absent(const struct jg_type *t, void *slot)
{
	switch (unwrap(t)->kind) {
	case JG_BOOL: *(signed char *)slot = -1; break;
	case JG_ENUM: *(int *)slot = -1; break;
	default: break;
	}
}

static void *struct_new(const struct jg_type *t)
{
	char *p = calloc(1, t->size);
	if (p)
		for (size_t i = 0; i < t->nfields; i++)
			slot_absent(t->fields[i].type, p + t->fields[i].offset);
	return p;
}

/* A string's text at hand (the opening quote not yet eaten), decoded and stored. */
/* PERF: a string without an escape (nearly all of them) is its own decoding: its
 * length is the distance to the closing quote. Returns that length and leaves
 * d->p on the opening quote, or -1 when the slow path has to decode it (an
 * escape, a control character, the end of input: string() says which error). */
static long plain_string(const struct de *d)
{
	const unsigned char *start = d->p + 1, *q = start;
	while (q < d->end && *q != '"' && *q != '\\' && *q >= 0x20)
		q++;
	return q < d->end && *q == '"' ? (long)(q - start) : -1;
}

static int string_value(struct de *d, char **slot)
{
	long plain = plain_string(d);
	if (plain >= 0) {
		if (!(*slot = malloc((size_t)plain + 1)))
			return SYNTAX;
		memcpy(*slot, d->p + 1, (size_t)plain);
		(*slot)[plain] = 0;
		d->p += plain + 2;
		return OK;
	}
	struct strbuf text = STRBUF_INIT;
	d->p++;
	int r = string(d, true, &text);
	if (r) {
		strbuf_release(&text);
		return r;
	}
	strbuf_adds(&text, ""); /* "" is not an allocation: make one */
	*slot = strbuf_detach(&text, NULL);
	return *slot ? OK : SYNTAX;
}

/* A unit variant's name: the string at hand, decoded, looked up. */
static int variant(struct de *d, const struct jg_type *t, size_t *which)
{
	struct strbuf name = STRBUF_INIT;
	d->p++; /* the opening quote */
	int r = string(d, true, &name);
	if (!r) {
		r = DATA; /* unknown_variant */
		for (size_t i = 0; i < t->nnames; i++)
			if (name.len == strlen(t->names[i]) && memcmp(name.buf, t->names[i], name.len) == 0) {
				*which = i;
				r = OK;
			}
	}
	strbuf_release(&name);
	return r;
}

/* deserialize_enum for unit variants: "Name", or {"Name": null} */
static int enum_value(struct de *d, const struct jg_type *t, int *slot)
{
	size_t which = 0;
	int c = ws(d);
	if (c == '"') {
		TRY(variant(d, t, &which));
		*slot = (int)which;
		return OK;
	}
	if (c != '{')
		return SYNTAX; /* ExpectedSomeValue, EofWhileParsingValue */
	TRY(enter(d));
	c = ws(d);
	if (c != '"')
		return SYNTAX; /* VariantAccess::variant_seed */
	TRY(variant(d, t, &which));
	TRY(expect(d, ':'));
	/* unit_variant: deserialize_unit */
	c = ws(d);
	if (c < 0)
		return SYNTAX;
	if (c == 'n') {
		d->p++;
		TRY(ident(d, "ull"));
	} else {
		return invalid_type(d);
	}
	d->remaining++;
	TRY(expect(d, '}'));
	*slot = (int)which;
	return OK;
}

/* The field of t whose name is the key at hand (decoded); t->nfields for none. */
static int field_key(struct de *d, const struct jg_type *t, size_t *idx)
{
	long plain = plain_string(d);
	if (plain >= 0) {
		*idx = t->nfields;
		for (size_t i = 0; i < t->nfields; i++) {
			const char *name = t->fields[i].name;
			if (strlen(name) == (size_t)plain && memcmp(d->p + 1, name, (size_t)plain) == 0) {
				*idx = i;
				break;
			}
		}
		d->p += plain + 2;
		return OK;
	}
	struct strbuf key = STRBUF_INIT;
	d->p++;
	int r = string(d, true, &key);
	*idx = t->nfields;
	for (size_t i = 0; !r && i < t->nfields; i++)
		if (key.len == strlen(t->fields[i].name) && memcmp(key.buf, t->fields[i].name, key.len) == 0)
			*idx = i;
	strbuf_release(&key);
	return r;
}

static int struct_value(struct de *d, const struct jg_type *t, void **slot)
{
	int c = ws(d);
	bool first = true, more;
	bool seen[16] = {false};
	if (c < 0)
		return SYNTAX;
	if (c != '[')
		TRY(open_container(d, c, '{'));
	else
		TRY(enter(d));
	char *s = struct_new(t);
	if (!s)
		return SYNTAX;
	*slot = s; /* from here on the caller frees it, filled or not */
	if (c == '[') {
		/* visit_seq: the fields by position; a missing one is invalid_length
		 * unless it has a default */
		for (size_t i = 0; i < t->nfields; i++) {
			TRY(next_element(d, &first, &more));
			if (!more) {
				if (t->fields[i].has_default)
					continue;
				return DATA;
			}
			TRY(value(d, t->fields[i].type, s + t->fields[i].offset));
		}
		d->remaining++;
		return expect(d, ']');
	}
	/* visit_map: a known field twice is duplicate_field (before its value), an
	 * unknown one is skipped, a missing required one is missing_field */
	for (;;) {
		TRY(next_key(d, &first, &more));
		if (!more)
			break;
		size_t idx;
		TRY(field_key(d, t, &idx));
		if (idx < t->nfields && seen[idx])
			return DATA;
		TRY(expect(d, ':'));
		if (idx == t->nfields) {
			TRY(ignore_value(d));
			continue;
		}
		seen[idx] = true;
		TRY(value(d, t->fields[idx].type, s + t->fields[idx].offset));
	}
	d->remaining++;
	for (size_t i = 0; i < t->nfields; i++)
		if (!seen[i] && !t->fields[i].has_default && t->fields[i].type->kind != JG_OPTION)
			return DATA;
	return expect(d, '}');
}

static int list_value(struct de *d, const struct jg_type *t, struct jg_list **slot)
{
	bool first = true, more;
	size_t cap = 0;
	TRY(open_container(d, ws(d), '['));
	struct jg_list *l = calloc(1, sizeof(*l));
	if (!l)
		return SYNTAX;
	*slot = l;
	for (;;) {
		TRY(next_element(d, &first, &more));
		if (!more)
			break;
		if (l->n == cap) {
			cap = cap ? 2 * cap : 4;
			union jg_item *items = realloc(l->items, cap * sizeof(*items));
			if (!items)
				return SYNTAX;
			l->items = items;
		}
		union jg_item *it = &l->items[l->n++];
		memset(it, 0, sizeof(*it));
		slot_absent(t->inner, it);
		TRY(value(d, t->inner, it));
	}
	d->remaining++;
	return expect(d, ']');
}

static void free_slot(const struct jg_type *t, void *slot);

/* HashMap<enum, inner>: keys are unit variants (MapKey::deserialize_enum); a
 * repeated key keeps its first place and takes the last value (HashMap::insert). */
static int enum_map_value(struct de *d, const struct jg_type *t, struct jg_map **slot)
{
	bool first = true, more;
	TRY(open_container(d, ws(d), '{'));
	struct jg_map *m = calloc(1, sizeof(*m));
	if (!m)
		return SYNTAX;
	*slot = m;
	for (;;) {
		TRY(next_key(d, &first, &more));
		if (!more)
			break;
		size_t which = 0, at;
		TRY(variant(d, t, &which));
		TRY(expect(d, ':'));
		for (at = 0; at < m->n && m->keys[at] != (int)which; at++)
			;
		if (at == m->n) {
			int *keys = realloc(m->keys, (m->n + 1) * sizeof(*keys));
			if (keys)
				m->keys = keys;
			void **values = keys ? realloc(m->values, (m->n + 1) * sizeof(*values)) : NULL;
			if (!values)
				return SYNTAX;
			m->values = values;
			m->keys[m->n] = (int)which;
			m->values[m->n++] = NULL;
		} else {
			free_slot(t->inner, &m->values[at]);
			m->values[at] = NULL;
		}
		TRY(value(d, t->inner, &m->values[at]));
	}
	d->remaining++;
	return expect(d, '}');
}

/* #[serde(untagged)]: the whole value is read first (Content, strictly); then
 * each variant is tried in order. A variant {field: String} fits an object that
 * has that key exactly once, with a string value. Arrays never fit (serde_derive
 * gives untagged struct variants no visit_seq). */
static int untagged_value(struct de *d, const struct jg_type *t, struct jg_untagged **slot)
{
	int c = ws(d);
	if (c != '{')
		return any_strict(d) ? SYNTAX : DATA;
	size_t count[8] = {0};
	const unsigned char *span[8] = {NULL}, *span_end[8] = {NULL};
	bool is_string[8] = {false};
	bool first = true, more;
	TRY(enter(d));
	for (;;) {
		TRY(next_key(d, &first, &more));
		if (!more)
			break;
		struct strbuf key = STRBUF_INIT;
		d->p++;
		int r = string(d, true, &key);
		size_t idx = t->nnames;
		for (size_t i = 0; !r && i < t->nnames && i < 8; i++)
			if (key.len == strlen(t->names[i]) && memcmp(key.buf, t->names[i], key.len) == 0)
				idx = i;
		strbuf_release(&key);
		TRY(r);
		TRY(expect(d, ':'));
		bool str = ws(d) == '"';
		const unsigned char *s = d->p;
		TRY(any_strict(d));
		if (idx < t->nnames) {
			if (count[idx]++ == 0) {
				span[idx] = s;
				span_end[idx] = d->p;
				is_string[idx] = str;
			}
		}
	}
	d->remaining++;
	TRY(expect(d, '}'));
	for (size_t i = 0; i < t->nnames && i < 8; i++)
		if (count[i] == 1 && is_string[i]) {
			struct jg_untagged *u = calloc(1, sizeof(*u));
			if (!u)
				return SYNTAX;
			*slot = u;
			u->variant = (int)i;
			/* the string was read strictly above: decode it again, now kept */
			struct de again = {span[i], span_end[i], d->remaining};
			return string_value(&again, &u->value);
		}
	return DATA; /* "data did not match any variant of untagged enum" */
}

static int value(struct de *d, const struct jg_type *t, void *slot)
{
	int c;
	switch (t->kind) {
	case JG_STRING:
		c = ws(d);
		if (c < 0)
			return SYNTAX;
		if (c != '"')
			return invalid_type(d);
		return string_value(d, slot);
	case JG_BOOL:
		c = ws(d);
		if (c == 't' || c == 'f') {
			d->p++;
			TRY(ident(d, c == 't' ? "rue" : "alse"));
			*(signed char *)slot = c == 't';
			return OK;
		}
		return c < 0 ? SYNTAX : invalid_type(d);
	case JG_OPTION:
		if (ws(d) == 'n') {
			d->p++;
			return ident(d, "ull"); /* None: the slot stays absent */
		}
		return value(d, t->inner, slot);
	case JG_VEC:
		return list_value(d, t, slot);
	case JG_ENUM:
		if (ws(d) < 0)
			return SYNTAX;
		return enum_value(d, t, slot);
	case JG_STRUCT:
		return struct_value(d, t, slot);
	case JG_ENUM_MAP:
		return enum_map_value(d, t, slot);
	case JG_UNTAGGED:
		return untagged_value(d, t, slot);
	}
	return SYNTAX;
}

int jsonguard_decode(const struct jg_type *t, const char *body, size_t n, void **out)
{
	struct de d = {(const unsigned char *)body, (const unsigned char *)body + n, 128};
	*out = NULL;
	int r = value(&d, t, out);
	/* Deserializer::end: only whitespace may follow */
	if (!r && ws(&d) >= 0)
		r = SYNTAX;
	if (r) {
		jsonguard_free(t, *out);
		*out = NULL;
	}
	return r;
}

/* ---- freeing, validating, rendering ---------------------------------------------- */

static void free_slot(const struct jg_type *t, void *slot)
{
	switch (t->kind) {
	case JG_STRING:
		free(*(char **)slot);
		break;
	case JG_OPTION:
		free_slot(t->inner, slot);
		break;
	case JG_VEC: {
		struct jg_list *l = *(struct jg_list **)slot;
		if (!l)
			break;
		for (size_t i = 0; i < l->n; i++)
			free_slot(t->inner, &l->items[i]);
		free(l->items);
		free(l);
		break;
	}
	case JG_STRUCT: {
		char *s = *(void **)slot;
		if (!s)
			break;
		for (size_t i = 0; i < t->nfields; i++)
			free_slot(t->fields[i].type, s + t->fields[i].offset);
		free(s);
		break;
	}
	case JG_ENUM_MAP: {
		struct jg_map *m = *(struct jg_map **)slot;
		if (!m)
			break;
		for (size_t i = 0; i < m->n; i++)
			free_slot(t->inner, &m->values[i]);
		free(m->keys);
		free(m->values);
		free(m);
		break;
	}
	case JG_UNTAGGED: {
		struct jg_untagged *u = *(struct jg_untagged **)slot;
		if (u)
			free(u->value);
		free(u);
		break;
	}
	case JG_BOOL:
	case JG_ENUM:
		break;
	}
}

void jsonguard_free(const struct jg_type *t, void *value) { free_slot(t, &value); }

/* One field's rule on its decoded slot; path is the field's dotted name. */
static bool rule_holds(const struct jg_field *f, const void *slot, const char *path, struct strbuf *text)
{
	const struct jg_type *t = unwrap(f->type);
	if (t->kind == JG_STRING) {
		const char *s = *(char *const *)slot;
		if (!s)
			return true; /* validator skips a None */
		if (f->rule.kind == JG_RULE_NAME)
			return validate_name_field(path, s, text);
		if (f->rule.kind == JG_RULE_LENGTH)
			return validate_len_field(path, s, f->rule.min, f->rule.max, text);
	} else if (t->kind == JG_VEC && t->inner->kind == JG_STRING && f->rule.kind == JG_RULE_COUNT) {
		const struct jg_list *l = *(struct jg_list *const *)slot;
		if (!l)
			return true;
		const char **items = calloc(l->n + 1, sizeof(*items));
		for (size_t i = 0; items && i < l->n; i++)
			items[i] = l->items[i].s;
		bool ok = validate_list_field(path, items, l->n, f->rule.min, f->rule.max, text);
		free(items);
		return ok;
	}
	return true;
}

static bool present(const struct jg_type *t, const void *slot);

/* PERF: an absent field has nothing to check (validator skips a None, and a
 * nested struct that is not there), and the dotted names share one buffer. */
static bool validate_struct(const struct jg_type *t, const char *s, const char *prefix, struct strbuf *text)
{
	bool ok = true;
	struct strbuf path = STRBUF_INIT;
	if (prefix) {
		strbuf_adds(&path, prefix);
		strbuf_adds(&path, ".");
	}
	size_t base = path.len;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct jg_field *f = &t->fields[i];
		const void *slot = s + f->offset;
		const struct jg_type *inner = unwrap(f->type);
		bool nested = inner->kind == JG_STRUCT;
		if ((f->rule.kind == JG_RULE_NONE && !nested) || !present(f->type, slot))
			continue;
		if (path.len)
			strbuf_truncate(&path, base);
		strbuf_adds(&path, f->name);
		if (f->rule.kind != JG_RULE_NONE)
			ok &= rule_holds(f, slot, strbuf_str(&path), text);
		/* #[validate] on a nested struct: its own rules, under its name */
		if (nested)
			ok &= validate_struct(inner, *(char *const *)slot, strbuf_str(&path), text);
	}
	strbuf_release(&path);
	return ok;
}

bool jsonguard_validate(const struct jg_type *t, const void *value, struct strbuf *text)
{
	if (t->kind != JG_STRUCT || !value)
		return true;
	return validate_struct(t, value, NULL, text);
}

/* Whether a slot holds a value (rendering leaves out the absent ones). */
static bool present(const struct jg_type *t, const void *slot)
{
	switch (unwrap(t)->kind) {
	case JG_BOOL: return *(const signed char *)slot >= 0;
	case JG_ENUM: return *(const int *)slot >= 0;
	default: return *(void *const *)slot != NULL;
	}
}

static void render_slot(const struct jg_type *t, const void *slot, struct strbuf *out)
{
	switch (t->kind) {
	case JG_STRING:
		jsonw_string(out, *(char *const *)slot);
		break;
	case JG_BOOL:
		jsonw_bool(out, *(const signed char *)slot > 0);
		break;
	case JG_OPTION:
		render_slot(t->inner, slot, out);
		break;
	case JG_ENUM:
		jsonw_string(out, t->names[*(const int *)slot]);
		break;
	case JG_VEC: {
		const struct jg_list *l = *(struct jg_list *const *)slot;
		jsonw_open(out, '[');
		for (size_t i = 0; i < l->n; i++)
			render_slot(t->inner, &l->items[i], out);
		jsonw_close(out, ']');
		break;
	}
	case JG_STRUCT: {
		const char *s = *(char *const *)slot;
		jsonw_open(out, '{');
		for (size_t i = 0; i < t->nfields; i++) {
			const struct jg_field *f = &t->fields[i];
			if (!present(f->type, s + f->offset))
				continue;
			jsonw_key_n(out, f->name, strlen(f->name));
			render_slot(f->type, s + f->offset, out);
		}
		jsonw_close(out, '}');
		break;
	}
	case JG_ENUM_MAP: {
		const struct jg_map *m = *(struct jg_map *const *)slot;
		jsonw_open(out, '{');
		for (size_t i = 0; i < m->n; i++) {
			const char *k = t->names[m->keys[i]];
			jsonw_key_n(out, k, strlen(k));
			render_slot(t->inner, &m->values[i], out);
		}
		jsonw_close(out, '}');
		break;
	}
	case JG_UNTAGGED: {
		const struct jg_untagged *u = *(struct jg_untagged *const *)slot;
		const char *k = t->names[u->variant];
		jsonw_open(out, '{');
		jsonw_key_n(out, k, strlen(k));
		jsonw_string(out, u->value);
		jsonw_close(out, '}');
		break;
	}
	}
}

void jsonguard_render(const struct jg_type *t, const void *value, struct strbuf *out)
{
	if (value)
		render_slot(t, &value, out);
}

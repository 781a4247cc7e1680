/* jsonguard.c: serde_json's streaming decode of the bodies of the emulated routes
 * (see jsonguard.h). Every function here follows the serde_json 1.0.150 function
 * of the same role in src/de.rs and returns OK, SYNTAX (any non-Data error: 400)
 * or DATA (422); the first error in stream order wins, as there. */
#include "jsonguard.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

enum { OK = 0, SYNTAX = 400, DATA = 422 };

#define TRY(x)                 \
	do {                   \
		int r_ = (x);  \
		if (r_)        \
			return r_; \
	} while (0)

enum jg_kind {
	JG_STRING,    /* String */
	JG_BOOL,      /* bool */
	JG_OPTION,    /* Option<inner> */
	JG_VEC,       /* Vec<inner> */
	JG_ENUM,      /* an enum of unit variants */
	JG_STRUCT,    /* a struct (serde_derive: from a map or a seq) */
	JG_ENUM_MAP,  /* HashMap<enum of unit variants, inner> */
	JG_UNTAGGED,  /* #[serde(untagged)] enum of one-String-field struct variants */
};

struct jg_field {
	const char *name;
	const struct jg_type *type;
	bool has_default; /* #[serde(default)] */
};

struct jg_type {
	enum jg_kind kind;
	const struct jg_type *inner;
	const char *const *names; /* ENUM, ENUM_MAP: variants; UNTAGGED: each variant's field */
	size_t nnames;
	const struct jg_field *fields; /* STRUCT */
	size_t nfields;
};

/* ---- the body types (REAL: feat/oauth2 crates/core/models/src/v0/bots.rs and
 * oauth2.rs; main lacks oauth2 and the two Oauth2 remove values, which the mock
 * accepts as the branch does: bots-api.md §10) -------------------------------- */

#define N(a) (sizeof(a) / sizeof((a)[0]))
static const struct jg_type T_STRING = {JG_STRING, NULL, NULL, 0, NULL, 0};
static const struct jg_type T_BOOL = {JG_BOOL, NULL, NULL, 0, NULL, 0};
static const struct jg_type T_OPT_STRING = {JG_OPTION, &T_STRING, NULL, 0, NULL, 0};
static const struct jg_type T_OPT_BOOL = {JG_OPTION, &T_BOOL, NULL, 0, NULL, 0};
static const struct jg_type T_VEC_STRING = {JG_VEC, &T_STRING, NULL, 0, NULL, 0};
static const struct jg_type T_OPT_VEC_STRING = {JG_OPTION, &T_VEC_STRING, NULL, 0, NULL, 0};

static const char *const fields_bot[] = {"Token", "InteractionsURL", "Oauth2", "Oauth2Secret"};
static const struct jg_type T_FIELDS_BOT = {JG_ENUM, NULL, fields_bot, N(fields_bot), NULL, 0};
static const struct jg_type T_VEC_FIELDS_BOT = {JG_VEC, &T_FIELDS_BOT, NULL, 0, NULL, 0};

static const struct jg_field reasoning_fields[] = {{"allow", &T_STRING, false}, {"deny", &T_STRING, false}};
static const struct jg_type T_REASONING = {JG_STRUCT, NULL, NULL, 0, reasoning_fields, N(reasoning_fields)};
static const char *const scopes[] = {"read:identify", "read:servers", "write:files", "events", "full"};
static const struct jg_type T_SCOPES = {JG_ENUM_MAP, &T_REASONING, scopes, N(scopes), NULL, 0};
static const struct jg_type T_OPT_SCOPES = {JG_OPTION, &T_SCOPES, NULL, 0, NULL, 0};
static const struct jg_field oauth2_fields[] = {
	{"public", &T_OPT_BOOL, false},
	{"redirects", &T_OPT_VEC_STRING, false},
	{"allowed_scopes", &T_OPT_SCOPES, false},
};
static const struct jg_type T_OAUTH2 = {JG_STRUCT, NULL, NULL, 0, oauth2_fields, N(oauth2_fields)};
static const struct jg_type T_OPT_OAUTH2 = {JG_OPTION, &T_OAUTH2, NULL, 0, NULL, 0};

/* DataCreateBot { name: String } */
static const struct jg_field create_fields[] = {{"name", &T_STRING, false}};
static const struct jg_type T_DATA_CREATE_BOT = {JG_STRUCT, NULL, NULL, 0, create_fields, N(create_fields)};
/* DataEditBot { name, public, analytics, interactions_url, oauth2, #[serde(default)] remove } */
static const struct jg_field edit_fields[] = {
	{"name", &T_OPT_STRING, false},     {"public", &T_OPT_BOOL, false},
	{"analytics", &T_OPT_BOOL, false},  {"interactions_url", &T_OPT_STRING, false},
	{"oauth2", &T_OPT_OAUTH2, false},   {"remove", &T_VEC_FIELDS_BOT, true},
};
static const struct jg_type T_DATA_EDIT_BOT = {JG_STRUCT, NULL, NULL, 0, edit_fields, N(edit_fields)};
/* InviteBotDestination: Server { server: String } | Group { group: String } */
static const char *const invite_variants[] = {"server", "group"};
static const struct jg_type T_INVITE = {JG_UNTAGGED, NULL, invite_variants, N(invite_variants), NULL, 0};

const struct jg_type *jsonguard_body_type(const char *route_name)
{
	if (!route_name)
		return NULL;
	if (strcmp(route_name, "bots.create") == 0)
		return &T_DATA_CREATE_BOT;
	if (strcmp(route_name, "bots.edit") == 0)
		return &T_DATA_EDIT_BOT;
	if (strcmp(route_name, "bots.invite") == 0)
		return &T_INVITE;
	return NULL;
}

/* ---- the reader ----------------------------------------------------------------- */

struct de {
	const unsigned char *p, *end;
	int remaining;       /* serde_json remaining_depth: starts at 128 */
	struct strbuf *out;  /* the normalised body */
};

static void emit(struct de *d, const char *s) { strbuf_adds(d->out, s); }

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
	if (cp < 0x80) {
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

/* The opening bracket of a container the type wants: entered and copied to the
 * output. The end of input is a syntax error, any other value the wrong type. */
static int open_container(struct de *d, int c, char bracket)
{
	if (c < 0)
		return SYNTAX;
	if (c != bracket)
		return invalid_type(d);
	TRY(enter(d));
	emit(d, bracket == '{' ? "{" : "[");
	return OK;
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

static int value(struct de *d, const struct jg_type *t);

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

static void emit_name(struct de *d, const char *name)
{
	emit(d, "\"");
	emit(d, name); /* our own names: nothing to escape */
	emit(d, "\"");
}

/* deserialize_enum for unit variants: "Name", or {"Name": null} */
static int enum_value(struct de *d, const struct jg_type *t)
{
	size_t which = 0;
	int c = ws(d);
	if (c == '"') {
		TRY(variant(d, t, &which));
		emit_name(d, t->names[which]);
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
	emit_name(d, t->names[which]);
	return OK;
}

static int struct_value(struct de *d, const struct jg_type *t)
{
	int c = ws(d);
	bool first = true, more;
	bool seen[16] = {false};
	if (c < 0)
		return SYNTAX;
	if (c == '[') {
		/* visit_seq: the fields by position; a missing one is invalid_length
		 * unless it has a default */
		TRY(enter(d));
		emit(d, "{");
		bool comma = false;
		for (size_t i = 0; i < t->nfields; i++) {
			TRY(next_element(d, &first, &more));
			if (!more) {
				if (t->fields[i].has_default)
					continue;
				return DATA;
			}
			if (comma)
				emit(d, ",");
			comma = true;
			emit_name(d, t->fields[i].name);
			emit(d, ":");
			TRY(value(d, t->fields[i].type));
		}
		d->remaining++;
		TRY(expect(d, ']'));
		emit(d, "}");
		return OK;
	}
	/* visit_map: a known field twice is duplicate_field (before its value), an
	 * unknown one is skipped, a missing required one is missing_field */
	TRY(open_container(d, c, '{'));
	bool comma = false;
	for (;;) {
		TRY(next_key(d, &first, &more));
		if (!more)
			break;
		struct strbuf key = STRBUF_INIT;
		d->p++;
		int r = string(d, true, &key);
		size_t idx = t->nfields;
		for (size_t i = 0; !r && i < t->nfields; i++)
			if (key.len == strlen(t->fields[i].name) && memcmp(key.buf, t->fields[i].name, key.len) == 0)
				idx = i;
		strbuf_release(&key);
		TRY(r);
		if (idx < t->nfields && seen[idx])
			return DATA;
		TRY(expect(d, ':'));
		if (idx == t->nfields) {
			TRY(ignore_value(d));
			continue;
		}
		seen[idx] = true;
		if (comma)
			emit(d, ",");
		comma = true;
		emit_name(d, t->fields[idx].name);
		emit(d, ":");
		TRY(value(d, t->fields[idx].type));
	}
	d->remaining++;
	for (size_t i = 0; i < t->nfields; i++)
		if (!seen[i] && !t->fields[i].has_default && t->fields[i].type->kind != JG_OPTION)
			return DATA;
	TRY(expect(d, '}'));
	emit(d, "}");
	return OK;
}

/* HashMap<enum, inner>: keys are unit variants (MapKey::deserialize_enum), a
 * repeated key is kept (the handler lets the last one win, as HashMap::insert). */
static int enum_map_value(struct de *d, const struct jg_type *t)
{
	bool first = true, more, comma = false;
	TRY(open_container(d, ws(d), '{'));
	for (;;) {
		TRY(next_key(d, &first, &more));
		if (!more)
			break;
		size_t which = 0;
		TRY(variant(d, t, &which));
		TRY(expect(d, ':'));
		if (comma)
			emit(d, ",");
		comma = true;
		emit_name(d, t->names[which]);
		emit(d, ":");
		TRY(value(d, t->inner));
	}
	d->remaining++;
	TRY(expect(d, '}'));
	emit(d, "}");
	return OK;
}

/* #[serde(untagged)]: the whole value is read first (Content, strictly); then
 * each variant is tried in order. A variant {field: String} fits an object that
 * has that key exactly once, with a string value. Arrays never fit (serde_derive
 * gives untagged struct variants no visit_seq). */
static int untagged_value(struct de *d, const struct jg_type *t)
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
			emit(d, "{");
			emit_name(d, t->names[i]);
			emit(d, ":");
			strbuf_add(d->out, span[i], (size_t)(span_end[i] - span[i]));
			emit(d, "}");
			return OK;
		}
	return DATA; /* "data did not match any variant of untagged enum" */
}

static int value(struct de *d, const struct jg_type *t)
{
	int c;
	switch (t->kind) {
	case JG_STRING: {
		c = ws(d);
		if (c < 0)
			return SYNTAX;
		if (c != '"')
			return invalid_type(d);
		const unsigned char *s = d->p++;
		TRY(string(d, true, NULL));
		strbuf_add(d->out, s, (size_t)(d->p - s)); /* the valid text as sent */
		return OK;
	}
	case JG_BOOL:
		c = ws(d);
		if (c == 't' || c == 'f') {
			d->p++;
			TRY(ident(d, c == 't' ? "rue" : "alse"));
			emit(d, c == 't' ? "true" : "false");
			return OK;
		}
		return c < 0 ? SYNTAX : invalid_type(d);
	case JG_OPTION:
		if (ws(d) == 'n') {
			d->p++;
			TRY(ident(d, "ull"));
			emit(d, "null");
			return OK;
		}
		return value(d, t->inner);
	case JG_VEC: {
		bool first = true, more, comma = false;
		TRY(open_container(d, ws(d), '['));
		for (;;) {
			TRY(next_element(d, &first, &more));
			if (!more)
				break;
			if (comma)
				emit(d, ",");
			comma = true;
			TRY(value(d, t->inner));
		}
		d->remaining++;
		TRY(expect(d, ']'));
		emit(d, "]");
		return OK;
	}
	case JG_ENUM:
		if (ws(d) < 0)
			return SYNTAX;
		return enum_value(d, t);
	case JG_STRUCT:
		return struct_value(d, t);
	case JG_ENUM_MAP:
		return enum_map_value(d, t);
	case JG_UNTAGGED:
		return untagged_value(d, t);
	}
	return SYNTAX;
}

int jsonguard_check(const struct jg_type *t, const char *body, size_t n, char **normal)
{
	struct strbuf out = STRBUF_INIT;
	struct de d = {(const unsigned char *)body, (const unsigned char *)body + n, 128, &out};
	*normal = NULL;
	int r = value(&d, t);
	/* Deserializer::end: only whitespace may follow */
	if (!r && ws(&d) >= 0)
		r = SYNTAX;
	if (r) {
		strbuf_release(&out);
		return r;
	}
	strbuf_adds(&out, "");
	*normal = strbuf_detach(&out, NULL);
	return 0;
}

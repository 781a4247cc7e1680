/* wire.c: JSON shapes of the emulated API (see wire.h).
 * REAL: crates/core/database/src/util/bridge/v0.rs (conversions and omission
 * rules), crates/core/models/src/v0/{bots,users}.rs (key order = struct order). */
#include "wire.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "limits.h"

/* A stored JSON text (an OAuth2 setting, a File, relations) in the form cJSON
 * prints it (NULL when unset or unparsable). PERF: the canonical text of the last
 * few stored texts is kept, so a text seen before costs one strcmp instead of a
 * parse and a print (docs/performance.md#json). The result is valid until the
 * next call. Not thread-safe: like the store, it runs under http.c's dispatch
 * lock. */
#define CANONICAL_KEPT 8
static const char *stored_canonical(const char *text)
{
	static struct {
		char *text, *canonical; /* canonical NULL: unparsable */
	} cache[CANONICAL_KEPT];
	static unsigned next;
	static char *uncached;
	if (!text)
		return NULL;
	for (int i = 0; i < CANONICAL_KEPT; i++)
		if (cache[i].text && strcmp(cache[i].text, text) == 0)
			return cache[i].canonical;
	cJSON *tree = cJSON_Parse(text);
	char *canonical = tree ? cJSON_PrintUnformatted(tree) : NULL;
	cJSON_Delete(tree);
	char *copy = strdup(text);
	if (!copy || (tree && !canonical)) { /* out of memory: not kept */
		free(copy);
		free(uncached);
		return uncached = canonical;
	}
	int i = (int)(next++ % CANONICAL_KEPT);
	free(cache[i].text);
	free(cache[i].canonical);
	cache[i].text = copy;
	cache[i].canonical = canonical;
	return canonical;
}

/* A non-empty string under key (a literal). */
#define str_if(sb, key, s) str_if_n(sb, "" key, sizeof(key) - 1, s)
static void str_if_n(struct strbuf *sb, const char *key, size_t n, const char *s)
{
	if (s && *s) {
		jsonw_key_n(sb, key, n);
		jsonw_string(sb, s);
	}
}

/* A string under key (a literal); a NULL string is left out, as a tree without
 * that key would print. */
#define str_field(sb, key, s) str_field_n(sb, "" key, sizeof(key) - 1, s)
static void str_field_n(struct strbuf *sb, const char *key, size_t n, const char *s)
{
	if (s) {
		jsonw_key_n(sb, key, n);
		jsonw_string(sb, s);
	}
}

/* The Bot keys, without the braces (BotWithUserResponse flattens them). */
static void bot_fields(struct strbuf *sb, const struct bot *b)
{
	str_field(sb, "_id", b->id);
	str_field(sb, "owner", b->owner);
	str_field(sb, "token", b->token);
	jsonw_key(sb, "public"); /* always, false included */
	jsonw_bool(sb, b->public_);
	if (b->analytics) {
		jsonw_key(sb, "analytics");
		jsonw_bool(sb, true);
	}
	if (b->discoverable) {
		jsonw_key(sb, "discoverable");
		jsonw_bool(sb, true);
	}
	str_if(sb, "interactions_url", b->interactions_url);
	str_if(sb, "terms_of_service_url", b->terms_of_service_url);
	str_if(sb, "privacy_policy_url", b->privacy_policy_url);
	/* REAL: feat/oauth2 bridge/v0.rs - oauth2 between privacy_policy_url and flags */
	const char *oauth2 = stored_canonical(b->oauth2);
	if (oauth2) {
		jsonw_key(sb, "oauth2");
		jsonw_raw(sb, oauth2);
	}
	if (b->flags) {
		jsonw_key(sb, "flags");
		jsonw_int(sb, b->flags);
	}
}

void wire_bot(struct strbuf *sb, const struct bot *b)
{
	jsonw_open(sb, '{');
	bot_fields(sb, b);
	jsonw_close(sb, '}');
}

/* REAL: bridge/v0.rs - an Invisible presence is hidden, and status is omitted when
 * nothing is left of it. */
static void status(struct strbuf *sb, const struct user *u)
{
	bool invisible = u->status_presence && strcmp(u->status_presence, "Invisible") == 0;
	bool text = u->status_text != NULL;
	bool presence = u->status_presence && !invisible;
	if (!text && !presence)
		return;
	jsonw_key(sb, "status");
	jsonw_open(sb, '{');
	if (text)
		str_field(sb, "text", u->status_text);
	if (presence)
		str_field(sb, "presence", u->status_presence);
	jsonw_close(sb, '}');
}

/* A non-empty array or object (what a tree with children prints as). */
static bool has_members(const char *canonical)
{
	return canonical && (canonical[0] == '[' || canonical[0] == '{') && canonical[1] != ']' && canonical[1] != '}';
}

void wire_user(struct strbuf *sb, const struct user *u, enum user_view view, const char *relationship,
	       bool show_status)
{
	jsonw_open(sb, '{');
	str_field(sb, "_id", u->id);
	str_field(sb, "username", u->username);
	str_field(sb, "discriminator", u->discriminator);
	if (u->display_name)
		str_field(sb, "display_name", u->display_name);
	if (u->pronouns)
		str_field(sb, "pronouns", u->pronouns);
	const char *avatar = stored_canonical(u->avatar);
	if (avatar) {
		jsonw_key(sb, "avatar");
		jsonw_raw(sb, avatar);
	}
	if (view == VIEW_SELF) {
		const char *rel = stored_canonical(u->relations);
		if (has_members(rel)) {
			jsonw_key(sb, "relations");
			jsonw_raw(sb, rel);
		}
	}
	if (u->badges) {
		jsonw_key(sb, "badges");
		jsonw_int(sb, u->badges);
	}
	if (show_status)
		status(sb, u);
	if (u->flags) {
		jsonw_key(sb, "flags");
		jsonw_int(sb, u->flags);
	}
	if (u->privileged) {
		jsonw_key(sb, "privileged");
		jsonw_bool(sb, true);
	}
	if (u->bot_owner) {
		jsonw_key(sb, "bot");
		jsonw_open(sb, '{');
		str_field(sb, "owner", u->bot_owner);
		jsonw_close(sb, '}');
	}
	const char *rel = view == VIEW_SELF ? "User" : view == VIEW_NONE ? "None" : relationship;
	str_field(sb, "relationship", rel ? rel : "None");
	/* DIFF: no presence service; every user is offline (docs/fidelity.md#online) */
	jsonw_key(sb, "online");
	jsonw_bool(sb, false);
	jsonw_close(sb, '}');
}

void wire_bot_with_user(struct strbuf *sb, const struct bot *b, const struct user *u)
{
	jsonw_open(sb, '{');
	bot_fields(sb, b);
	jsonw_key(sb, "user");
	wire_user(sb, u, VIEW_SELF, NULL, true);
	jsonw_close(sb, '}');
}

void wire_public_bot(struct strbuf *sb, const struct bot *b, const struct user *u)
{
	jsonw_open(sb, '{');
	str_field(sb, "_id", b->id);
	str_field(sb, "username", u->username);
	cJSON *avatar = u->avatar ? cJSON_Parse(u->avatar) : NULL;
	const cJSON *file_id = cJSON_GetObjectItemCaseSensitive(avatar, "_id");
	if (cJSON_IsString(file_id))
		str_field(sb, "avatar", file_id->valuestring);
	cJSON_Delete(avatar);
	str_if(sb, "description", u->profile_content);
	jsonw_close(sb, '}');
}

/* ---- strict syntax ------------------------------------------------------------ */

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

enum decode wire_json_syntax(const char *text, size_t n)
{
	struct scan s = {(const unsigned char *)text, (const unsigned char *)text + n, 0};
	if (value(&s))
		return DECODE_400;
	ws(&s);
	return s.p == s.end ? DECODE_OK : DECODE_400;
}

char *wire_nul_unescape(const char *s, size_t n, size_t *len)
{
	if (!memmem(s, n, "\\u0000", 6))
		return NULL;
	char *out = malloc(n + 1);
	size_t k = 0;
	bool in_string = false;
	for (size_t i = 0; i < n; i++) {
		if (in_string && s[i] == '\\' && i + 1 < n) {
			if (i + 5 < n && memcmp(s + i + 1, "u0000", 5) == 0) {
				out[k++] = WIRE_NUL;
				i += 5;
			} else {
				out[k++] = s[i++];
				out[k++] = s[i];
			}
			continue;
		}
		if (s[i] == '"')
			in_string = !in_string;
		out[k++] = s[i];
	}
	out[k] = 0;
	*len = k;
	return out;
}

void wire_nul_escape(char **body, size_t *len)
{
	/* PERF: memchr first, a byte loop only when there is a NUL to escape: the loop
	 * cost 4 000 instructions on every 581-byte GET /bots/{id} answer */
	if (!*body || !memchr(*body, WIRE_NUL, *len))
		return;
	size_t nuls = 0;
	for (size_t i = 0; i < *len; i++)
		nuls += (*body)[i] == WIRE_NUL;
	char *out = malloc(*len + nuls * 5 + 1), *o = out;
	for (size_t i = 0; i < *len; i++) {
		if ((*body)[i] == WIRE_NUL) {
			memcpy(o, "\\u0000", 6);
			o += 6;
		} else {
			*o++ = (*body)[i];
		}
	}
	*o = 0;
	free(*body);
	*body = out;
	*len = (size_t)(o - out);
}

enum decode wire_struct(const cJSON *v, const char *const *fields, size_t nfields, size_t nrequired,
			const cJSON **vals)
{
	for (size_t i = 0; i < nfields; i++)
		vals[i] = NULL;
	if (cJSON_IsArray(v)) {
		size_t n = (size_t)cJSON_GetArraySize(v);
		if (n > nfields)
			return DECODE_400; /* serde_json: trailing characters */
		if (n < nrequired)
			return DECODE_422;
		size_t i = 0;
		for (const cJSON *it = v->child; it; it = it->next)
			vals[i++] = it;
		return DECODE_OK;
	}
	if (!cJSON_IsObject(v))
		return DECODE_422;
	for (const cJSON *it = v->child; it; it = it->next) {
		for (size_t i = 0; i < nfields; i++) {
			if (strcmp(it->string, fields[i]) != 0)
				continue;
			if (vals[i])
				return DECODE_422; /* duplicate field */
			vals[i] = it;
		}
	}
	return DECODE_OK;
}

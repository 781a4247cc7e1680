/* wire.c: JSON shapes of the emulated API (see wire.h).
 * REAL: crates/core/database/src/util/bridge/v0.rs (conversions and omission
 * rules), crates/core/models/src/v0/{bots,users}.rs (key order = struct order). */
#include "wire.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"

/* PERF: every key of a wire object is a string literal, so the tree may point at
 * it instead of copying it (cJSON_AddItemToObjectCS): a malloc and a free less per
 * field, 3 000 instructions per GET /bots/{id} (docs/performance.md#json). key
 * must be a literal. As cJSON_Add*ToObject: returns item, or NULL (and frees
 * item) when it could not be added; a NULL item (out of memory) adds nothing. */
static cJSON *put(cJSON *o, const char *key, cJSON *item)
{
	if (!cJSON_AddItemToObjectCS(o, key, item)) {
		cJSON_Delete(item);
		return NULL;
	}
	return item;
}

static void add_str_if(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		put(o, key, cJSON_CreateString(s));
}

/* A stored JSON text as a tree (NULL when unset or unparsable). */
static cJSON *parse_stored(const char *text)
{
	return text ? cJSON_Parse(text) : NULL;
}

/* PERF: a stored JSON text as a raw item holding exactly what parse_stored() and
 * printing would emit (NULL when unset or unparsable), without building the tree
 * for each answer: the OAuth2 settings are half the nodes of a Bot, and parsing,
 * printing and freeing them was a fifth of a GET /bots/{id}
 * (docs/performance.md#json). The canonical text of the last few stored texts is
 * kept; a text seen before costs one strcmp. Not thread-safe: like the store, it
 * runs under http.c's dispatch lock. */
#define RAW_CACHE_SIZE 4
static cJSON *stored_raw(const char *text)
{
	static struct {
		char *text, *canonical; /* canonical NULL: unparsable */
	} cache[RAW_CACHE_SIZE];
	static unsigned next;
	if (!text)
		return NULL;
	int i;
	for (i = 0; i < RAW_CACHE_SIZE; i++)
		if (cache[i].text && strcmp(cache[i].text, text) == 0)
			break;
	if (i == RAW_CACHE_SIZE) {
		cJSON *tree = cJSON_Parse(text);
		char *canonical = tree ? cJSON_PrintUnformatted(tree) : NULL;
		cJSON_Delete(tree);
		char *copy = strdup(text);
		if (!copy || (tree && !canonical)) { /* out of memory: no caching */
			free(copy);
			cJSON *raw = canonical ? cJSON_CreateRaw(canonical) : NULL;
			free(canonical);
			return raw;
		}
		i = (int)(next++ % RAW_CACHE_SIZE);
		free(cache[i].text);
		free(cache[i].canonical);
		cache[i].text = copy;
		cache[i].canonical = canonical;
	}
	return cache[i].canonical ? cJSON_CreateRaw(cache[i].canonical) : NULL;
}

void wire_bot_into(cJSON *o, const struct bot *b)
{
	put(o, "_id", cJSON_CreateString(b->id));
	put(o, "owner", cJSON_CreateString(b->owner));
	put(o, "token", cJSON_CreateString(b->token));
	put(o, "public", cJSON_CreateBool(b->public_)); /* always, false included */
	if (b->analytics)
		put(o, "analytics", cJSON_CreateTrue());
	if (b->discoverable)
		put(o, "discoverable", cJSON_CreateTrue());
	add_str_if(o, "interactions_url", b->interactions_url);
	add_str_if(o, "terms_of_service_url", b->terms_of_service_url);
	add_str_if(o, "privacy_policy_url", b->privacy_policy_url);
	/* REAL: feat/oauth2 bridge/v0.rs - oauth2 between privacy_policy_url and flags */
	cJSON *oauth2 = stored_raw(b->oauth2);
	if (oauth2)
		put(o, "oauth2", oauth2);
	if (b->flags)
		put(o, "flags", cJSON_CreateNumber((double)b->flags));
}

cJSON *wire_bot(const struct bot *b)
{
	cJSON *o = cJSON_CreateObject();
	wire_bot_into(o, b);
	return o;
}

/* REAL: bridge/v0.rs - an Invisible presence is hidden, and status is omitted when
 * nothing is left of it. */
static void add_status(cJSON *o, const struct user *u)
{
	bool invisible = u->status_presence && strcmp(u->status_presence, "Invisible") == 0;
	bool text = u->status_text != NULL;
	bool presence = u->status_presence && !invisible;
	if (!text && !presence)
		return;
	cJSON *s = put(o, "status", cJSON_CreateObject());
	if (text)
		put(s, "text", cJSON_CreateString(u->status_text));
	if (presence)
		put(s, "presence", cJSON_CreateString(u->status_presence));
}

cJSON *wire_user(const struct user *u, enum user_view view, const char *relationship)
{
	cJSON *o = cJSON_CreateObject();
	put(o, "_id", cJSON_CreateString(u->id));
	put(o, "username", cJSON_CreateString(u->username));
	put(o, "discriminator", cJSON_CreateString(u->discriminator));
	if (u->display_name)
		put(o, "display_name", cJSON_CreateString(u->display_name));
	if (u->pronouns)
		put(o, "pronouns", cJSON_CreateString(u->pronouns));
	cJSON *avatar = parse_stored(u->avatar);
	if (avatar)
		put(o, "avatar", avatar);
	if (view == VIEW_SELF) {
		cJSON *rel = parse_stored(u->relations);
		if (cJSON_GetArraySize(rel) > 0)
			put(o, "relations", rel);
		else
			cJSON_Delete(rel);
	}
	if (u->badges)
		put(o, "badges", cJSON_CreateNumber((double)u->badges));
	add_status(o, u);
	if (u->flags)
		put(o, "flags", cJSON_CreateNumber((double)u->flags));
	if (u->privileged)
		put(o, "privileged", cJSON_CreateTrue());
	if (u->bot_owner) {
		cJSON *bot = put(o, "bot", cJSON_CreateObject());
		put(bot, "owner", cJSON_CreateString(u->bot_owner));
	}
	const char *rel = view == VIEW_SELF ? "User" : view == VIEW_NONE ? "None" : relationship;
	put(o, "relationship", cJSON_CreateString(rel ? rel : "None"));
	/* DIFF: no presence service; every user is offline (docs/fidelity.md#online) */
	put(o, "online", cJSON_CreateFalse());
	return o;
}

cJSON *wire_bot_with_user(const struct bot *b, const struct user *u)
{
	cJSON *o = wire_bot(b);
	put(o, "user", wire_user(u, VIEW_SELF, NULL));
	return o;
}

cJSON *wire_public_bot(const struct bot *b, const struct user *u)
{
	cJSON *o = cJSON_CreateObject();
	put(o, "_id", cJSON_CreateString(b->id));
	put(o, "username", cJSON_CreateString(u->username));
	cJSON *avatar = parse_stored(u->avatar);
	const cJSON *file_id = cJSON_GetObjectItemCaseSensitive(avatar, "_id");
	if (cJSON_IsString(file_id))
		put(o, "avatar", cJSON_CreateString(file_id->valuestring));
	cJSON_Delete(avatar);
	add_str_if(o, "description", u->profile_content);
	return o;
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

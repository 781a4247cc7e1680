/* gw_message.c: the inbound message decoder (see gw_message.h).
 *
 * cJSON reads the frame; serde's rules are checked on the tree. Numbers are the
 * one place where the tree is not enough: cJSON keeps a double, while serde tells
 * 5 from 5.0 and 5e0 (only the first is a usize) and reads integers up to 2^64-1
 * exactly. So a Ping's numbers are read again from their text in the frame: the
 * k-th number of the tree (in document order, which cJSON keeps) is the k-th
 * number token of the text outside strings. Everything here is linear in the
 * frame's size: a 1 MiB frame of numbers costs one pass, not one per number. */
#include "gw_message.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "strbuf.h"

/* REAL: serde_json's default recursion limit: deeper frames fail to decode */
#define DEPTH_MAX 128

void gw_msg_release(struct gw_msg *m)
{
	free(m->text);
	m->text = NULL;
	m->kind = GW_IGNORED;
}

static bool too_deep(const cJSON *v, int depth)
{
	if (depth > DEPTH_MAX)
		return true;
	for (const cJSON *c = v->child; c; c = c->next)
		if (too_deep(c, depth + 1))
			return true;
	return false;
}

/* The next number token of text[0..n) at or after *pos, outside strings (*pos
 * must not be inside one); NULL when there is none. *pos moves past it. */
static const char *next_number(const char *text, size_t n, size_t *pos, size_t *len)
{
	size_t i = *pos;
	while (i < n) {
		char c = text[i];
		if (c == '"') {
			for (i++; i < n && text[i] != '"'; i++)
				if (text[i] == '\\')
					i++;
			i++;
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			size_t start = i;
			while (i < n && (isdigit((unsigned char)text[i]) || strchr("+-.eE", text[i])))
				i++;
			*pos = i;
			*len = i - start;
			return text + start;
		}
		i++;
	}
	*pos = n;
	return NULL;
}

/* How many number nodes come before v in document order (pre-order walk of root). */
static bool numbers_before(const cJSON *root, const cJSON *v, size_t *count)
{
	if (root == v)
		return true;
	if (cJSON_IsNumber(root))
		(*count)++;
	for (const cJSON *c = root->child; c; c = c->next)
		if (numbers_before(c, v, count))
			return true;
	return false;
}

/* The text of a number token as serde reads it into an unsigned integer type no
 * larger than max: its decimal digits into sb, or false (a float, an exponent, out
 * of range). REAL: serde_json parse_integer - "-0" is the integer 0. */
static bool unsigned_text(const char *t, size_t len, unsigned long long max, struct strbuf *sb)
{
	if (!t)
		return false;
	bool negative = t[0] == '-';
	const char *digits = t + negative;
	size_t nd = len - negative;
	if (nd == 0 || nd > 20)
		return false;
	for (size_t i = 0; i < nd; i++)
		if (!isdigit((unsigned char)digits[i]))
			return false;
	char buf[24];
	memcpy(buf, digits, nd);
	buf[nd] = 0;
	errno = 0;
	unsigned long long value = strtoull(buf, NULL, 10);
	if (errno || value > max || (negative && value != 0))
		return false;
	strbuf_addf(sb, "%llu", value);
	return true;
}

/* Ping's data: #[serde(untagged)] enum Ping { Binary(Vec<u8>), Number(usize) },
 * tried in that order; written back the way serde writes it. The numbers of data
 * are consecutive number tokens of the text, after those that come before it:
 * one pass over the text whatever the size of the array. */
static char *ping_data(const char *text, size_t n, const cJSON *root, const cJSON *data)
{
	struct strbuf sb = STRBUF_INIT;
	size_t before = 0, pos = 0, len = 0;
	const char *t = NULL;
	bool ok = numbers_before(root, data, &before);
	for (size_t i = 0; ok && i < before; i++)
		ok = next_number(text, n, &pos, &len) != NULL;
	if (ok && cJSON_IsArray(data)) {
		strbuf_adds(&sb, "[");
		for (const cJSON *b = data->child; b && ok; b = b->next) {
			if (b != data->child)
				strbuf_adds(&sb, ",");
			t = cJSON_IsNumber(b) ? next_number(text, n, &pos, &len) : NULL;
			ok = unsigned_text(t, len, 255, &sb);
		}
		strbuf_adds(&sb, "]");
	} else if (ok) {
		t = cJSON_IsNumber(data) ? next_number(text, n, &pos, &len) : NULL;
		ok = unsigned_text(t, len, ~0ULL, &sb);
	}
	if (!ok) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* The one member of obj named key: 1 found (*v set), 0 absent, -1 given twice. */
static int member(const cJSON *obj, const char *key, const cJSON **v)
{
	int seen = 0;
	*v = NULL;
	for (const cJSON *c = obj->child; c; c = c->next) {
		if (c->string && strcmp(c->string, key) == 0) {
			seen++;
			*v = c;
		}
	}
	return seen > 1 ? -1 : seen;
}

/* A required String field: its value (malloc'd), or NULL. */
static char *string_field(const cJSON *obj, const char *key)
{
	const cJSON *v;
	if (member(obj, key, &v) != 1 || !cJSON_IsString(v))
		return NULL;
	return strdup(v->valuestring);
}

enum gw_kind gw_decode(const char *text, size_t n, struct gw_msg *out)
{
	out->kind = GW_IGNORED;
	out->text = NULL;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, n, &end, false);
	if (!root)
		return GW_IGNORED;
	/* only whitespace may follow the value (serde_json Deserializer::end) */
	while (end && (size_t)(end - text) < n && strchr(" \t\r\n", *end) && *end)
		end++;
	const cJSON *type;
	if (!end || (size_t)(end - text) != n || !cJSON_IsObject(root) || too_deep(root, 1) ||
	    member(root, "type", &type) != 1 || !cJSON_IsString(type))
		goto out;
	const char *t = type->valuestring;
	if (strcmp(t, "Authenticate") == 0) {
		if ((out->text = string_field(root, "token")))
			out->kind = GW_AUTHENTICATE;
	} else if (strcmp(t, "BeginTyping") == 0 || strcmp(t, "EndTyping") == 0) {
		if ((out->text = string_field(root, "channel")))
			out->kind = t[0] == 'B' ? GW_BEGIN_TYPING : GW_END_TYPING;
	} else if (strcmp(t, "Subscribe") == 0) {
		if ((out->text = string_field(root, "server_id")))
			out->kind = GW_SUBSCRIBE;
	} else if (strcmp(t, "Ping") == 0) {
		/* responded: Option<()> - absent or null, anything else fails */
		const cJSON *data, *responded;
		if (member(root, "data", &data) != 1 || member(root, "responded", &responded) < 0 ||
		    (responded && !cJSON_IsNull(responded)))
			goto out;
		if ((out->text = ping_data(text, n, root, data)))
			out->kind = GW_PING;
	}
out:
	cJSON_Delete(root);
	return out->kind;
}

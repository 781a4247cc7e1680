/* errors.c: the catalogue lookups and family-A bodies.
 * REAL: crates/core/result/src/lib.rs (shape: type first, fields in declaration
 * order, then location; serde_json compact) and crates/core/result/src/rocket.rs. */
#include "errors.h"

#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "locations.h"

static const struct {
	const char *name;
	int status;
	unsigned fields;
} catalogue[ERR__COUNT] = {
	[ERR_OK] = {"Ok", 200, 0},
#define ERR(n, s, f) [ERR_##n] = {#n, s, f},
#include "errors.def"
#undef ERR
};

const char *err_name(enum err e) { return e == ERR_NOT_EMULATED ? "NotEmulated" : catalogue[e].name; }
int err_status(enum err e) { return e == ERR_NOT_EMULATED ? 501 : catalogue[e].status; }
unsigned err_fields(enum err e) { return e == ERR_NOT_EMULATED ? 0 : catalogue[e].fields; }

enum err err_from_name(const char *name)
{
	for (int i = 1; i < ERR__COUNT; i++)
		if (strcmp(catalogue[i].name, name) == 0)
			return (enum err)i;
	return ERR_NO_SUCH_TYPE;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

enum err err_set(struct err_detail *d, enum err code, const char *location, const char *text)
{
	err_release(d);
	d->code = code;
	d->location = location;
	d->text = dup_or_null(text);
	return code;
}

enum err err_database(struct err_detail *d, const char *operation, const char *collection, const char *location)
{
	err_set(d, ERR_DatabaseError, location ? location : LOC_DATABASE, NULL);
	d->operation = strdup(operation);
	d->collection = strdup(collection);
	return ERR_DatabaseError;
}

void err_release(struct err_detail *d)
{
	free(d->text);
	free(d->operation);
	free(d->collection);
	free(d->location_owned);
	memset(d, 0, sizeof(*d));
}

/* err_body for the types without a numeric field: {"type":...,fields,"location":...}
 * in one allocation, byte for byte what the cJSON tree printed. */
static char *err_body_direct(const struct err_detail *d, unsigned f, const char *t)
{
	const char *key[8], *val[8];
	int k = 0;
	key[k] = "type", val[k++] = err_name(d->code);
	if (d->code == ERR_NOT_EMULATED)
		key[k] = "route", val[k++] = t;
	if (f & F_PERMISSION)
		key[k] = "permission", val[k++] = t;
	if (f & F_OPERATION)
		key[k] = "operation", val[k++] = d->operation ? d->operation : "";
	if (f & F_COLLECTION)
		key[k] = "collection", val[k++] = d->collection ? d->collection : "";
	if (f & F_ERROR)
		key[k] = "error", val[k++] = t;
	if (f & F_WITH)
		key[k] = "with", val[k++] = t;
	if (f & F_FEATURE)
		key[k] = "feature", val[k++] = t;
	if (f & F_SCOPE)
		key[k] = "scope", val[k++] = t;
	key[k] = "location", val[k++] = d->location ? d->location : "";
	/* one pass into the stack when even an all-escaped text fits (6 bytes per byte),
	 * else counted first */
	char stack[2048];
	size_t worst = 2;
	for (int i = 0; i < k; i++)
		worst += 6 * (strlen(key[i]) + strlen(val[i])) + 6;
	char *out = stack, *counted = NULL;
	if (worst >= sizeof(stack)) {
		size_t len = 2; /* { } */
		for (int i = 0; i < k; i++)
			len += (i ? 1 : 0) + jsonw_quote(NULL, key[i]) + 1 + jsonw_quote(NULL, val[i]);
		if (!(out = counted = malloc(len + 1)))
			return NULL;
	}
	size_t n = 0;
	out[n++] = '{';
	for (int i = 0; i < k; i++) {
		if (i)
			out[n++] = ',';
		n += jsonw_quote(out + n, key[i]);
		out[n++] = ':';
		n += jsonw_quote(out + n, val[i]);
	}
	out[n++] = '}';
	out[n] = 0;
	if (counted)
		return counted;
	char *heap = malloc(n + 1);
	return heap ? memcpy(heap, stack, n + 1) : NULL;
}

/* PERF: a body with no text and no database fields is a function of its type
 * and its location, a static string whose address names it (err_set): the last
 * BODIES_KEPT such bodies are kept and handed out as copies (writing a 404's
 * costs 1 000 instructions, copying it 150). A location the control API gave
 * (location_owned) is not static: never kept. err_body is the dispatcher's, one
 * request at a time (the server lock). */
#define BODIES_KEPT 8
static struct {
	enum err code;
	const char *location;
	char *body;
	size_t size; /* with its NUL */
} kept[BODIES_KEPT];
static unsigned kept_next;

static char *copy_of(const char *s, size_t size)
{
	char *c = malloc(size);
	return c ? memcpy(c, s, size) : NULL;
}

static char *err_body_kept(const struct err_detail *d, unsigned f)
{
	for (int i = 0; i < BODIES_KEPT; i++)
		if (kept[i].body && kept[i].code == d->code && kept[i].location == d->location)
			return copy_of(kept[i].body, kept[i].size);
	char *body = err_body_direct(d, f, "");
	if (!body)
		return NULL;
	size_t size = strlen(body) + 1;
	char *keep = copy_of(body, size);
	if (keep) {
		unsigned i = kept_next++ % BODIES_KEPT;
		free(kept[i].body);
		kept[i].code = d->code;
		kept[i].location = d->location;
		kept[i].body = keep;
		kept[i].size = size;
	}
	return body;
}

char *err_body(const struct err_detail *d)
{
	/* REAL: crates/core/result/src/rocket.rs - Blacklisted answers a fixed string. */
	if (d->code == ERR_Blacklisted)
		return strdup("{\"type\":\"DisallowedContactSupport\", \"note\":\"If you see this "
			      "messages right here, you're probably doing something you shouldn't be.\"}");
	unsigned f = err_fields(d->code);
	const char *t = d->text ? d->text : "";
	/* PERF: written directly, without a cJSON tree (docs/performance.md#json);
	 * the two numeric fields keep cJSON's number printing */
	if (!(f & (F_MAX | F_RETRY_AFTER))) {
		if (!d->text && !d->operation && !d->collection && d->location && !d->location_owned)
			return err_body_kept(d, f);
		return err_body_direct(d, f, t);
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", catalogue[d->code].name);
	if (f & F_MAX)
		cJSON_AddNumberToObject(o, "max", (double)d->num);
	if (f & F_RETRY_AFTER)
		cJSON_AddNumberToObject(o, "retry_after", (double)d->num);
	if (f & F_PERMISSION)
		cJSON_AddStringToObject(o, "permission", t);
	if (f & F_OPERATION)
		cJSON_AddStringToObject(o, "operation", d->operation ? d->operation : "");
	if (f & F_COLLECTION)
		cJSON_AddStringToObject(o, "collection", d->collection ? d->collection : "");
	if (f & F_ERROR)
		cJSON_AddStringToObject(o, "error", t);
	if (f & F_WITH)
		cJSON_AddStringToObject(o, "with", t);
	if (f & F_FEATURE)
		cJSON_AddStringToObject(o, "feature", t);
	if (f & F_SCOPE)
		cJSON_AddStringToObject(o, "scope", t);
	cJSON_AddStringToObject(o, "location", d->location ? d->location : "");
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static const char *str_field(const cJSON *obj, const char *key, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : def;
}

int err_from_json(const cJSON *obj, struct err_detail *d, const char **why)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(obj, "type");
	if (!cJSON_IsString(type)) {
		*why = "error.type must be a string";
		return -1;
	}
	enum err e = err_from_name(type->valuestring);
	if (e == ERR_NO_SUCH_TYPE) {
		*why = "error.type is not a documented error type";
		return -1;
	}
	unsigned f = catalogue[e].fields;
	const char *text = NULL;
	if (f & F_PERMISSION)
		text = str_field(obj, "permission", "ManageServer");
	if (f & F_ERROR)
		text = str_field(obj, "error", "");
	if (f & F_WITH)
		text = str_field(obj, "with", "");
	if (f & F_FEATURE)
		text = str_field(obj, "feature", "");
	if (f & F_SCOPE)
		text = str_field(obj, "scope", "");
	err_set(d, e, NULL, text);
	if (f & F_OPERATION)
		d->operation = strdup(str_field(obj, "operation", "find_one"));
	if (f & F_COLLECTION)
		d->collection = strdup(str_field(obj, "collection", "bots"));
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, f & F_MAX ? "max" : "retry_after");
	d->num = cJSON_IsNumber(n) ? (long long)n->valuedouble : 0;
	const char *loc = str_field(obj, "location", NULL);
	if (loc) {
		d->location_owned = strdup(loc);
		d->location = d->location_owned;
	}
	return 0;
}

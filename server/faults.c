/* faults.c: the fault rules of the control API (see faults.h).
 * A fault document is checked field by field with the strictness of a test tool:
 * an unknown field or a wrong type is refused with its name, so a typo never
 * registers a rule that silently matches nothing. */
#include "faults.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "path.h"

struct fault {
	char id[FAULT_ID_MAX];
	char *method;       /* upper case; NULL = any */
	char *path_given;   /* as registered (listing) */
	char *path;         /* normalised pattern */
	char *token;        /* NULL = any */
	long long times;    /* as registered; 0 = until removed */
	long long remaining;
	long long hits;
	cJSON *error;       /* the error object as registered, or NULL */
	unsigned delay_ms;
	bool drop;
	int gateway;        /* enum fault_gateway; -1: a rule for HTTP requests */
	char *user;         /* gateway: NULL = any user */
	unsigned param;     /* gateway: ms (delay_ready) or frames (drop_after) */
	struct fault *next;
};

static struct fault *head;
static unsigned long next_id = 1; /* never reused in a process, not even after reset */
static atomic_int gateway_rules;  /* how many rules in the list are gateway rules */

static const char *const gateway_kinds[] = {"delay_ready", "withhold_pong", "drop_after"};

static void fault_free(struct fault *f)
{
	if (!f)
		return;
	free(f->user);
	free(f->method);
	free(f->path_given);
	free(f->path);
	free(f->token);
	cJSON_Delete(f->error);
	free(f);
}

/* ---- checking a fault document ---------------------------------------------------- */

static const char *const methods[] = {"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "TRACE", "CONNECT", "PATCH"};

/* The extra fields of an error type, by name (errors.h enum err_field). */
static const struct {
	const char *name;
	unsigned flag;
	bool number;
} error_fields[] = {
	{"max", F_MAX, true},           {"retry_after", F_RETRY_AFTER, true},
	{"permission", F_PERMISSION, false}, {"operation", F_OPERATION, false},
	{"collection", F_COLLECTION, false}, {"error", F_ERROR, false},
	{"with", F_WITH, false},         {"feature", F_FEATURE, false},
	{"scope", F_SCOPE, false},
};
#define N_ERROR_FIELDS (sizeof(error_fields) / sizeof(error_fields[0]))

static bool is_count(const cJSON *v)
{
	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 1e15 &&
	       v->valuedouble == (double)(long long)v->valuedouble;
}

/* Appends the "field: problem" line to why; returns -1 for `return refuse(...)`. */
static int refuse(struct strbuf *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct strbuf *why, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	strbuf_adds(why, line);
	return -1;
}

static int check_error(const cJSON *e, struct strbuf *why)
{
	if (!cJSON_IsObject(e))
		return refuse(why, "error: expected an object {\"type\": ..., fields...}");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
	if (!cJSON_IsString(type))
		return refuse(why, "error.type: required string is missing");
	enum err code = err_from_name(type->valuestring);
	if (code == ERR_NO_SUCH_TYPE)
		return refuse(why, "error.type: '%s' is not an error type of the real server (errors.def)",
			      type->valuestring);
	unsigned fields = err_fields(code);
	for (const cJSON *it = e->child; it; it = it->next) {
		if (strcmp(it->string, "type") == 0)
			continue;
		if (strcmp(it->string, "location") == 0) {
			if (!cJSON_IsString(it))
				return refuse(why, "error.location: expected a string");
			continue;
		}
		size_t k = 0;
		while (k < N_ERROR_FIELDS && !((error_fields[k].flag & fields) &&
					       strcmp(error_fields[k].name, it->string) == 0))
			k++;
		if (k == N_ERROR_FIELDS) {
			strbuf_addf(why, "error.%s: %s has no such field (its fields:", it->string, type->valuestring);
			for (size_t i = 0; i < N_ERROR_FIELDS; i++)
				if (error_fields[i].flag & fields)
					strbuf_addf(why, " %s,", error_fields[i].name);
			strbuf_adds(why, " location)");
			return -1;
		}
		if (error_fields[k].number ? !is_count(it) : !cJSON_IsString(it))
			return refuse(why, "error.%s: expected %s", it->string,
				      error_fields[k].number ? "a non-negative integer" : "a string");
	}
	return 0;
}

/* Optional string member: absent and null both mean "not given". */
static int opt_string(const cJSON *spec, const char *key, const char **out, struct strbuf *why)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);
	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || !*v->valuestring)
		return refuse(why, "%s: expected a non-empty string", key);
	*out = v->valuestring;
	return 0;
}

/* times: absent 1, 0 or null until removed */
static int check_times(const cJSON *spec, struct fault *f, struct strbuf *why)
{
	const cJSON *times = cJSON_GetObjectItemCaseSensitive(spec, "times");
	if (!times)
		f->times = 1;
	else if (cJSON_IsNull(times))
		f->times = 0;
	else if (is_count(times))
		f->times = (long long)times->valuedouble;
	else
		return refuse(why, "times: expected a non-negative integer (0 or null: until removed)");
	f->remaining = f->times;
	return 0;
}

/* A gateway rule: {"gateway": kind, "user", "times", "ms" (delay_ready),
 * "frames" (drop_after)}; f is new (calloc'd). */
static int check_gateway(const cJSON *spec, struct fault *f, struct strbuf *why)
{
	static const char *const keys[] = {"gateway", "user", "times", "ms", "frames"};
	const char *user;
	for (const cJSON *it = spec->child; it; it = it->next) {
		bool known = false;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			known |= strcmp(it->string, keys[i]) == 0;
		if (!known)
			return refuse(why, "%s: not a field of a gateway fault (expected gateway, user, times, ms, frames)",
				      it->string);
	}
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(spec, "gateway");
	f->gateway = -1;
	for (int i = 0; i < (int)(sizeof(gateway_kinds) / sizeof(gateway_kinds[0])); i++)
		if (cJSON_IsString(kind) && strcmp(kind->valuestring, gateway_kinds[i]) == 0)
			f->gateway = i;
	if (f->gateway < 0)
		return refuse(why, "gateway: expected delay_ready, withhold_pong or drop_after");
	if (opt_string(spec, "user", &user, why) || check_times(spec, f, why))
		return -1;
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(spec, "ms");
	const cJSON *frames = cJSON_GetObjectItemCaseSensitive(spec, "frames");
	if (f->gateway == FAULT_GW_DELAY_READY) {
		if (!is_count(ms) || ms->valuedouble < 1 || ms->valuedouble > FAULT_DELAY_MAX_MS)
			return refuse(why, "ms: expected an integer from 1 to %d (how late Ready is sent)",
				      FAULT_DELAY_MAX_MS);
		f->param = (unsigned)ms->valuedouble;
	} else if (ms) {
		return refuse(why, "ms: only a delay_ready fault takes ms");
	}
	if (f->gateway == FAULT_GW_DROP_AFTER) {
		if (!is_count(frames) || frames->valuedouble > 4294967295.0)
			return refuse(why, "frames: expected a non-negative integer (the frames sent before the drop)");
		f->param = (unsigned)frames->valuedouble;
	} else if (frames) {
		return refuse(why, "frames: only a drop_after fault takes frames");
	}
	if (user && !(f->user = strdup(user)))
		return refuse(why, "out of memory");
	return 0;
}

/* Gives f (checked) its id and puts it last. */
static void enlist(struct fault *f, char id[FAULT_ID_MAX])
{
	snprintf(f->id, sizeof(f->id), "fault-%lu", next_id++);
	struct fault **tail = &head;
	while (*tail)
		tail = &(*tail)->next;
	*tail = f;
	if (f->gateway >= 0)
		atomic_fetch_add(&gateway_rules, 1);
	memcpy(id, f->id, sizeof(f->id));
}

/* Unlinks *p and frees it. */
static void unlink_fault(struct fault **p)
{
	struct fault *f = *p;
	*p = f->next;
	if (f->gateway >= 0)
		atomic_fetch_sub(&gateway_rules, 1);
	fault_free(f);
}

int faults_add(const cJSON *spec, char id[FAULT_ID_MAX], struct strbuf *why)
{
	static const char *const keys[] = {"method", "path", "token", "times", "error", "delay_ms", "drop"};
	struct fault *f = NULL;
	const char *method, *path, *token;
	int rc = -1;

	if (!cJSON_IsObject(spec)) {
		strbuf_adds(why, "body: expected a JSON object");
		goto out;
	}
	if (cJSON_GetObjectItemCaseSensitive(spec, "gateway")) {
		f = calloc(1, sizeof(*f));
		if (!f) {
			strbuf_adds(why, "out of memory");
			goto out;
		}
		if (check_gateway(spec, f, why))
			goto out;
		enlist(f, id);
		f = NULL;
		rc = 0;
		goto out;
	}
	for (const cJSON *it = spec->child; it; it = it->next) {
		bool known = false;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			known |= strcmp(it->string, keys[i]) == 0;
		if (!known) {
			strbuf_addf(why, "%s: unknown field (expected method, path, token, times, error, delay_ms, drop)",
				    it->string);
			goto out;
		}
	}
	if (opt_string(spec, "method", &method, why) || opt_string(spec, "path", &path, why) ||
	    opt_string(spec, "token", &token, why))
		goto out;
	f = calloc(1, sizeof(*f));
	if (!f) {
		strbuf_adds(why, "out of memory");
		goto out;
	}
	f->gateway = -1;
	if (method && strcmp(method, "*") != 0) {
		f->method = strdup(method);
		for (char *c = f->method; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		bool ok = false;
		for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
			ok |= strcmp(f->method, methods[i]) == 0;
		if (!ok) {
			strbuf_addf(why, "method: '%s' is not GET, PUT, POST, DELETE, OPTIONS, HEAD, TRACE, CONNECT or "
				    "PATCH", method);
			goto out;
		}
	}
	f->path_given = strdup(path ? path : "*");
	f->path = path ? path_normal(path) : strdup("*");
	f->token = token ? strdup(token) : NULL;

	if (check_times(spec, f, why))
		goto out;

	const cJSON *delay = cJSON_GetObjectItemCaseSensitive(spec, "delay_ms");
	if (delay && !cJSON_IsNull(delay)) {
		if (!is_count(delay) || delay->valuedouble < 1 || delay->valuedouble > FAULT_DELAY_MAX_MS) {
			strbuf_addf(why, "delay_ms: expected an integer from 1 to %d", FAULT_DELAY_MAX_MS);
			goto out;
		}
		f->delay_ms = (unsigned)delay->valuedouble;
	}
	const cJSON *drop = cJSON_GetObjectItemCaseSensitive(spec, "drop");
	if (drop && !cJSON_IsNull(drop) && !cJSON_IsBool(drop)) {
		strbuf_adds(why, "drop: expected true or false");
		goto out;
	}
	f->drop = cJSON_IsTrue(drop);
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(spec, "error");
	if (error && !cJSON_IsNull(error)) {
		if (check_error(error, why))
			goto out;
		f->error = cJSON_Duplicate(error, 1);
	}
	if (!f->error && !f->drop && !f->delay_ms) {
		strbuf_adds(why, "body: a fault needs error, delay_ms or drop");
		goto out;
	}
	if (f->error && f->drop) {
		strbuf_adds(why, "drop: a dropped request gets no answer, so it cannot have an error too");
		goto out;
	}
	if (f->drop && f->delay_ms) {
		strbuf_adds(why, "drop: drop and delay_ms cannot be combined (to test a timeout, use a delay_ms "
			    "longer than the client's timeout)");
		goto out;
	}
	enlist(f, id);
	f = NULL;
	rc = 0;
out:
	fault_free(f);
	return rc;
}

/* times, remaining (null: until removed), hits */
static void add_counts(cJSON *j, const struct fault *f)
{
	cJSON_AddNumberToObject(j, "times", (double)f->times);
	if (f->times)
		cJSON_AddNumberToObject(j, "remaining", (double)f->remaining);
	else
		cJSON_AddNullToObject(j, "remaining");
	cJSON_AddNumberToObject(j, "hits", (double)f->hits);
}

cJSON *faults_list(void)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(o, "faults");
	for (const struct fault *f = head; f; f = f->next) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "id", f->id);
		if (f->gateway >= 0) {
			cJSON_AddStringToObject(j, "gateway", gateway_kinds[f->gateway]);
			if (f->user)
				cJSON_AddStringToObject(j, "user", f->user);
			if (f->gateway == FAULT_GW_DELAY_READY)
				cJSON_AddNumberToObject(j, "ms", f->param);
			if (f->gateway == FAULT_GW_DROP_AFTER)
				cJSON_AddNumberToObject(j, "frames", f->param);
			add_counts(j, f);
			cJSON_AddItemToArray(arr, j);
			continue;
		}
		if (f->method)
			cJSON_AddStringToObject(j, "method", f->method);
		cJSON_AddStringToObject(j, "path", f->path_given);
		if (f->token)
			cJSON_AddStringToObject(j, "token", f->token);
		add_counts(j, f);
		if (f->error)
			cJSON_AddItemToObject(j, "error", cJSON_Duplicate(f->error, 1));
		if (f->delay_ms)
			cJSON_AddNumberToObject(j, "delay_ms", f->delay_ms);
		if (f->drop)
			cJSON_AddTrueToObject(j, "drop");
		cJSON_AddItemToArray(arr, j);
	}
	return o;
}

bool faults_remove(const char *id)
{
	for (struct fault **p = &head; *p; p = &(*p)->next) {
		if (strcmp((*p)->id, id) == 0) {
			unlink_fault(p);
			return true;
		}
	}
	return false;
}

void faults_clear(void)
{
	while (head)
		unlink_fault(&head);
}

/* ---- matching --------------------------------------------------------------------- */

static bool token_matches(const struct fault *f, const struct request *rq)
{
	if (!f->token)
		return true;
	const char *given[] = {rq->bot_token, rq->session_token, rq->oauth2_token};
	for (size_t i = 0; i < 3; i++)
		if (given[i] && strcmp(given[i], f->token) == 0)
			return true;
	return false;
}

bool faults_apply(const struct request *rq, struct reply *rp, char id[FAULT_ID_MAX])
{
	id[0] = 0;
	if (!head)
		return false;
	char *path = path_normal(rq->path);
	struct fault **p = &head, *f = NULL;
	/* the control API itself is never faulted: a test must always be able to
	 * remove its faults and reset */
	bool control = strcmp(path, "/_mock") == 0 || strncmp(path, "/_mock/", 7) == 0;
	for (; !control && *p; p = &(*p)->next) {
		const struct fault *c = *p;
		if (c->gateway < 0 && (!c->method || strcmp(c->method, rq->method) == 0) && token_matches(c, rq) &&
		    path_glob(c->path, path)) {
			f = *p;
			break;
		}
	}
	free(path);
	if (!f)
		return false;
	f->hits++;
	memcpy(id, f->id, FAULT_ID_MAX);
	bool answered = false;
	if (f->error) {
		const char *why = NULL;
		if (err_from_json(f->error, &rp->err, &why) == 0) {
			if (!rp->err.location) {
				/* no location given: one that names the rule, for whoever reads a log */
				char loc[64];
				snprintf(loc, sizeof(loc), "stoat-mock/_mock/faults/%s", f->id);
				rp->err.location_owned = strdup(loc);
				rp->err.location = rp->err.location_owned;
			}
			answered = true;
		}
	}
	if (f->drop) {
		rp->drop = true;
		answered = true;
	}
	rp->delay_ms = f->delay_ms;
	if (f->times && --f->remaining == 0)
		unlink_fault(p);
	return answered;
}

bool faults_gateway(enum fault_gateway kind, const char *user_id, unsigned *param, char id[FAULT_ID_MAX])
{
	id[0] = 0;
	for (struct fault **p = &head; *p; p = &(*p)->next) {
		struct fault *f = *p;
		if (f->gateway != (int)kind || (f->user && (!user_id || strcmp(f->user, user_id) != 0)))
			continue;
		f->hits++;
		*param = f->param;
		memcpy(id, f->id, FAULT_ID_MAX);
		if (f->times && --f->remaining == 0)
			unlink_fault(p);
		return true;
	}
	return false;
}

bool faults_gateway_armed(void) { return atomic_load_explicit(&gateway_rules, memory_order_relaxed) > 0; }

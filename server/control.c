/* control.c: the /_mock control API (see control.h): health, reset, the whole state
 * in and out, fresh accounts, fault rules (faults.c) and the request journal
 * (journal.c), plus the hooks the dispatcher calls on every request. The events
 * WebSocket's part (sessions, pushed events) is control_gateway.c.
 *
 * Control handlers follow the API's conventions: they return catalogue errors in
 * the API's wire format. Bad control input is FailedValidation with an `error`
 * text naming the field ("username: ...", "$.bots[1].owner: ..."), an unknown id is
 * NotFound. Their `location` names the control route ("stoat-mock/_mock/...");
 * nothing in the real server raises these. Control requests parse their own
 * bodies (no ROUTE_BODY), so a malformed body is a FailedValidation too, never
 * one of Rocket's catcher pages.
 *
 * Control requests are not journaled and never faulted. */
#include "control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "faults.h"
#include "fixtures.h"
#include "gateway.h"
#include "ids.h"
#include "journal.h"
#include "live.h"
#include "locations.h"
#include "names.h"
#include "path.h"
#include "routes.h"
#include "ratelimit.h"
#include "store.h"
#include "validate.h"
#include "wire.h"


static cJSON *fixtures;          /* the start-up state as a fixture document (reset) */
static struct ids_state ids_at_start; /* the generator as start-up left it (reset) */
static struct timespec started;  /* for uptime_ms */

static long long us_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (long long)(b.tv_sec - a->tv_sec) * 1000000 + (b.tv_nsec - a->tv_nsec) / 1000;
}

int control_init(const char *fixture_text, size_t len)
{
	cJSON_Delete(fixtures);
	fixtures = cJSON_ParseWithLength(fixture_text, len);
	ids_save(&ids_at_start);
	clock_gettime(CLOCK_MONOTONIC, &started);
	return fixtures ? 0 : -1;
}

void control_shutdown(void)
{
	cJSON_Delete(fixtures);
	fixtures = NULL;
	control_clear();
}

/* ---- the dispatcher's hooks ---------------------------------------------------------- */

void control_begin(struct request *rq)
{
	clock_gettime(CLOCK_MONOTONIC, &rq->started);
	rq->fault[0] = 0;
}

bool control_fault(struct request *rq, struct reply *rp)
{
	if (config.no_control)
		return false;
	return faults_apply(rq, rp, rq->fault);
}

static bool is_control_request(const struct request *rq)
{
	if (rq->route)
		return (rq->route->flags & ROUTE_CONTROL) != 0;
	char *p = path_normal(rq->path);
	bool control = strcmp(p, "/_mock") == 0 || strncmp(p, "/_mock/", 7) == 0;
	free(p);
	return control;
}

void control_journal(const struct request *rq, const struct reply *rp)
{
	long long us = us_since(&rq->started);
	if (config.no_control)
		return;
	if (is_control_request(rq)) {
		/* the dashboard's reads change nothing; a write that succeeded did */
		if (rp->status < 400 && strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0 &&
		    strcmp(rq->method, "OPTIONS") != 0)
			live_changed();
		return;
	}
	journal_record(rq, rp, us, rq->fault);
	live_changed(); /* one more journal entry at least */
}

void control_clear(void)
{
	faults_clear();
	journal_clear();
}

/* ---- helpers ------------------------------------------------------------------------- */

static enum err invalid(struct reply *rp, const char *loc, const char *text)
{
	return err_set(&rp->err, ERR_FailedValidation, loc, text);
}

enum err control_read_object(const struct request *rq, struct reply *rp, const char *loc, cJSON **out)
{
	char text[160];
	*out = NULL;
	if (rq->body_over_limit) {
		snprintf(text, sizeof(text), "body: larger than the %d-byte limit", JSON_LIMIT);
		return invalid(rp, loc, text);
	}
	if (!utf8_valid(rq->body, rq->body_len))
		return invalid(rp, loc, "body: not valid UTF-8");
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(rq->body, rq->body_len, &end, 0);
	if (!doc) {
		snprintf(text, sizeof(text), "body: not valid JSON (near byte %ld)",
			 end ? (long)(end - rq->body) : 0L);
		return invalid(rp, loc, rq->body_len ? text : "body: expected a JSON object, got nothing");
	}
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return invalid(rp, loc, "body: expected a JSON object");
	}
	*out = doc;
	return ERR_OK;
}

/* ---- GET /_mock/health ------------------------------------------------------------------
 * 200: {"status": "ok", "version": STOAT_VERSION, "uptime_ms": N} */
enum err control_health(struct request *rq, struct reply *rp)
{
	(void)rq;
	rp->json = cJSON_CreateObject();
	cJSON_AddStringToObject(rp->json, "status", "ok");
	cJSON_AddStringToObject(rp->json, "version", STOAT_VERSION);
	cJSON_AddNumberToObject(rp->json, "uptime_ms", (double)(us_since(&started) / 1000));
	return ERR_OK;
}

/* ---- POST /_mock/reset ------------------------------------------------------------------
 * 204. The store goes back to the start-up fixtures (not to a state sent with PUT
 * /_mock/state) exactly as they were loaded, with what the loader generated then (a
 * session's _id), faults and the journal are emptied, and the generator is put back
 * as start-up left it, so what follows a reset answers exactly as what followed
 * start-up. One transaction (ROUTE_WRITES): DELETE of every table, then the loader
 * over the state main.c exported right after loading the fixtures; measured against
 * restoring a SQLite backup of the loaded store and faster at this size (README.md
 * "Testing with stoat-mock", Reset). Every events WebSocket session ends (a bare drop,
 * as if the server restarted); their ends are not journaled: the journal starts empty.
 * errors: DatabaseError {operation: "reset"} (the store refused; nothing changed) */
enum err control_reset(struct request *rq, struct reply *rp)
{
	(void)rq;
	char why[512];
	if (!fixtures || store_clear() || fixtures_load(fixtures, why, sizeof(why)))
		return err_database(&rp->err, "reset", "fixtures", LOC_RESET);
	ids_restore(&ids_at_start); /* after the loader, which reads the virtual clock */
	control_clear();
	ratelimit_clear(); /* a suite that resets per test starts each with full buckets */
	gateway_end_all(false);
	return ERR_OK;
}

/* ---- GET /_mock/state -------------------------------------------------------------------
 * 200: the whole store as a fixture document (fixtures_export): PUT it back and the
 * next GET answers the same bytes. */
enum err control_state_get(struct request *rq, struct reply *rp)
{
	(void)rq;
	rp->json = fixtures_export();
	return rp->json ? ERR_OK : err_database(&rp->err, "find", "state", LOC_STATE);
}

/* ---- PUT /_mock/state -------------------------------------------------------------------
 * body: a fixture document   204
 * Replaces the whole store in one transaction (ROUTE_WRITES). Faults, the journal
 * and what reset returns to are unchanged; every events WebSocket session ends
 * (a bare drop: its user and subscriptions may be gone).
 * errors: FailedValidation with the loader's "$.path: problem" text (the store is
 * left as it was) */
enum err control_state_put(struct request *rq, struct reply *rp)
{
	cJSON *doc = NULL;
	char why[1024];
	enum err e = control_read_object(rq, rp, LOC_STATE, &doc);
	if (e)
		goto out;
	if (store_clear()) {
		e = err_database(&rp->err, "delete_many", "state", LOC_STATE);
		goto out;
	}
	if (fixtures_load(doc, why, sizeof(why))) {
		e = invalid(rp, LOC_STATE, why);
		goto out;
	}
	gateway_end_all(true);
	e = ERR_OK;
out:
	cJSON_Delete(doc);
	return e;
}

/* ---- POST /_mock/users ------------------------------------------------------------------
 * body: {"username": string}   200: {"user": User as self, "token": session token}
 * A human account with one session, as account creation + login + onboarding make it:
 * a new ULID, then the session's ULID and 64-character token, then the username cured
 * and given a free discriminator like User::create.
 * REAL: routes/onboard/complete.rs DataOnboard (length 2..=32, RE_USERNAME),
 * accounts/model.rs create_session, users/model.rs User::create.
 * errors: FailedValidation (bad body; the username fails the onboarding rules, is a
 * blocked name or nothing is left of it after the cure), UsernameTaken (every
 * discriminator of that name is in use) */
enum err control_users_create(struct request *rq, struct reply *rp)
{
	cJSON *body = NULL;
	struct strbuf text = STRBUF_INIT;
	struct user u = {0};
	char *cured = NULL;
	char id[ULID_LEN + 1], sid[ULID_LEN + 1], token[TOKEN_LEN + 1], disc[5];
	enum err e = control_read_object(rq, rp, LOC_USERS, &body);
	if (e)
		goto out;
	const cJSON *name = NULL;
	for (const cJSON *it = body->child; it; it = it->next) {
		if (strcmp(it->string, "username") != 0) {
			strbuf_addf(&text, "%s: unknown field (expected username)", it->string);
			e = invalid(rp, LOC_USERS, strbuf_str(&text));
			goto out;
		}
		name = it;
	}
	if (!cJSON_IsString(name)) {
		e = invalid(rp, LOC_USERS, "username: required string is missing");
		goto out;
	}
	if (!validate_name_field("username", name->valuestring, &text)) {
		e = invalid(rp, LOC_USERS, strbuf_str(&text));
		goto out;
	}
	ids_new_ulid(id);
	ids_new_ulid(sid);
	ids_new_token(token);
	e = names_for_new_user(name->valuestring, &cured, disc, &rp->err);
	if (e == ERR_InvalidUsername) {
		bool blocked = rp->err.location && strcmp(rp->err.location, LOC_USERNAME_BLOCKED) == 0;
		strbuf_addf(&text, "username: '%s' %s", name->valuestring,
			    blocked ? "is a blocked name (the real server answers InvalidUsername)"
				    : "has nothing left after the real server's cure (it answers InvalidUsername)");
		e = invalid(rp, LOC_USERS, strbuf_str(&text));
	}
	if (e)
		goto out;
	u.id = strdup(id);
	u.username = cured;
	cured = NULL;
	u.discriminator = strdup(disc);
	if (store_user_insert(&u)) {
		e = err_database(&rp->err, "insert_one", "users", LOC_USERS);
		goto out;
	}
	if (store_session_insert(token, sid, u.id, "stoat-mock")) {
		e = err_database(&rp->err, "insert_one", "sessions", LOC_USERS);
		goto out;
	}
	rp->json = cJSON_CreateObject();
	struct strbuf user = STRBUF_INIT;
	wire_user(&user, &u, VIEW_SELF, NULL, true);
	cJSON_AddItemToObject(rp->json, "user", cJSON_CreateRaw(strbuf_str(&user)));
	strbuf_release(&user);
	cJSON_AddStringToObject(rp->json, "token", token);
out:
	free(cured);
	user_release(&u);
	strbuf_release(&text);
	cJSON_Delete(body);
	return e;
}

/* ---- /_mock/faults ----------------------------------------------------------------------- */

/* POST /_mock/faults  body: fault (faults.h, the README ("Testing with stoat-mock"))  200: {"id": "fault-N"}
 * errors: FailedValidation naming the field at fault */
enum err control_faults_add(struct request *rq, struct reply *rp)
{
	cJSON *body = NULL;
	struct strbuf why = STRBUF_INIT;
	char id[FAULT_ID_MAX];
	enum err e = control_read_object(rq, rp, LOC_FAULTS, &body);
	if (e)
		goto out;
	if (faults_add(body, id, &why)) {
		e = invalid(rp, LOC_FAULTS, strbuf_str(&why));
		goto out;
	}
	rp->json = cJSON_CreateObject();
	cJSON_AddStringToObject(rp->json, "id", id);
out:
	strbuf_release(&why);
	cJSON_Delete(body);
	return e;
}

/* GET /_mock/faults  200: {"faults": [...]} in the order they are tried */
enum err control_faults_list(struct request *rq, struct reply *rp)
{
	(void)rq;
	rp->json = faults_list();
	return ERR_OK;
}

/* DELETE /_mock/faults  204: every fault removed */
enum err control_faults_clear(struct request *rq, struct reply *rp)
{
	(void)rq;
	(void)rp;
	faults_clear();
	return ERR_OK;
}

/* DELETE /_mock/faults/{id}  204   errors: NotFound (no fault has this id, or it
 * was used up) */
enum err control_faults_remove(struct request *rq, struct reply *rp)
{
	if (strlen(rq->id) != rq->id_len || !faults_remove(rq->id))
		return err_set(&rp->err, ERR_NotFound, LOC_FAULTS, NULL);
	return ERR_OK;
}

/* ---- /_mock/requests ---------------------------------------------------------------------- */

/* The filter of GET /_mock/requests and /count from the query: method, path and
 * route (journal.h), each at most once in effect (the last wins; empty means any).
 * errors: FailedValidation (another parameter, a route no row has) */
static enum err requests_filter(const struct request *rq, struct reply *rp, char *value[3])
{
	static const char *const names[3] = {"method", "path", "route"};
	const char *q = rq->query ? rq->query : "";
	struct strbuf text = STRBUF_INIT;
	enum err e = ERR_OK;
	while (*q) {
		size_t n = strcspn(q, "&");
		const char *eq = memchr(q, '=', n);
		size_t klen = eq ? (size_t)(eq - q) : n;
		int k = 0;
		while (k < 3 && !(strlen(names[k]) == klen && memcmp(q, names[k], klen) == 0))
			k++;
		if (k == 3 && n) {
			strbuf_adds(&text, "query: unknown parameter '");
			strbuf_add(&text, q, klen);
			strbuf_adds(&text, "' (expected method, path, route)");
			e = invalid(rp, LOC_REQUESTS, strbuf_str(&text));
			goto out;
		}
		if (k < 3) {
			free(value[k]);
			value[k] = eq ? path_query_value(eq + 1, n - klen - 1) : strdup("");
			if (!*value[k]) {
				free(value[k]);
				value[k] = NULL; /* ?method= means any */
			}
		}
		q += n;
		if (*q == '&')
			q++;
	}
	const char *route = value[2];
	if (route && strcmp(route, JOURNAL_UNMATCHED) != 0 && strcmp(route, JOURNAL_GATEWAY) != 0 &&
	    !route_named(route)) {
		strbuf_adds(&text, "route: no route is named '");
		strbuf_adds(&text, route);
		strbuf_adds(&text, "' (expected a route's name, such as bots.edit, or not_emulated, " JOURNAL_UNMATCHED
				   ", " JOURNAL_GATEWAY ")");
		e = invalid(rp, LOC_REQUESTS, strbuf_str(&text));
	}
out:
	strbuf_release(&text);
	return e;
}

/* GET /_mock/requests[?method=M][&path=PATTERN][&route=NAME]  200: {"requests": [...]}
 * oldest first, or with count (GET /_mock/requests/count) {"count": N}
 * errors: FailedValidation (requests_filter) */
static enum err requests_read(struct request *rq, struct reply *rp, bool count)
{
	char *value[3] = {NULL, NULL, NULL};
	enum err e = requests_filter(rq, rp, value);
	if (e)
		goto out;
	struct journal_filter f = {value[0], value[1], value[2]};
	if (count) {
		rp->json = cJSON_CreateObject();
		cJSON_AddNumberToObject(rp->json, "count", (double)journal_count(&f));
	} else {
		rp->json = journal_list(&f);
	}
out:
	for (int k = 0; k < 3; k++)
		free(value[k]);
	return e;
}

enum err control_requests_list(struct request *rq, struct reply *rp) { return requests_read(rq, rp, false); }
enum err control_requests_count(struct request *rq, struct reply *rp) { return requests_read(rq, rp, true); }

/* DELETE /_mock/requests  204: the journal emptied */
enum err control_requests_clear(struct request *rq, struct reply *rp)
{
	(void)rq;
	(void)rp;
	journal_clear();
	return ERR_OK;
}

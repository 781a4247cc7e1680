/* test_routes.c: the route table is the declaration, and the golden wire tables
 * prove it (in the spirit of curl's test 1477, which checks that every error code
 * the headers declare is documented, and the other way round).
 *
 *   1. every error row a route declares (routes.c) is answered by some case of
 *      tests/wire/ (every .txt table) for that route, unless the row says why no table can reach it;
 *   2. every error answer the tables show for a route is declared on its row, or is
 *      one the row implies (routes.h: the guard's 401, the body's pages, CORS, 429).
 *
 * The tables are read with a small parser of their own: a case's first "> " line
 * is its request line, its expectations are the "< NNN" status lines with the body
 * after "<"; a body with a JSON "type" is a catalogue error, any other error body
 * is a catcher page. The control API's rows are not in the tables (the real server
 * has no such routes): test_control.c proves them.
 *
 * The rows of server/generated/not_emulated.c (routes of the real API stoat-mock does
 * not emulate) are checked against the table here too: none is a route the table
 * has (the file is current), the ones said to outrank an emulated row do, and
 * route_match picks the route Rocket would. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "path.h"
#include "routes.h"
#include "suite.h"

#ifndef STOAT_WIRE_DIR
#error "STOAT_WIRE_DIR must name tests/wire"
#endif

/* One error answer seen in a table: where, for which route, what. */
struct seen {
	const struct route *route;
	enum err type; /* ERR_OK: a page */
	int page;
	char *location;
	char where[160];
};
static struct seen *seen;
static size_t nseen;

static const struct route *route_for(const char *method, const char *target)
{
	struct request rq = {0};
	char path[1024];
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(target, "?"), target);
	rq.method = method;
	rq.path = path;
	path_split(&rq);
	const struct route *r = route_match(&rq);
	request_release(&rq);
	return r;
}

/* The answer's body: a catalogue error when it is a JSON object with a "type". */
static void record(const struct route *r, int status, const char *body, bool origin, const char *file,
		   const char *name)
{
	if (!r || status < 400)
		return;
	struct seen s = {r, ERR_OK, status, NULL, ""};
	snprintf(s.where, sizeof(s.where), "%s: %s", file, name);
	cJSON *j = body ? cJSON_Parse(body) : NULL;
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
	if (cJSON_IsString(type)) {
		s.type = strcmp(type->valuestring, "NotEmulated") == 0 ? ERR_NOT_EMULATED : err_from_name(type->valuestring);
		const cJSON *loc = cJSON_GetObjectItemCaseSensitive(j, "location");
		s.location = cJSON_IsString(loc) ? strdup(loc->valuestring) : NULL;
		s.page = 0;
	} else if ((origin && (status == 400 || status == 500)) || status == 429) {
		cJSON_Delete(j);
		return; /* the CORS fairing's answer to a bad Origin, the rate limiter's (implied) */
	}
	cJSON_Delete(j);
	seen = realloc(seen, (nseen + 1) * sizeof(*seen));
	seen[nseen++] = s;
}

/* Reads one table file; every expectation of every case is recorded. */
static void read_table(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	char *line = NULL, name[256] = "", method[16] = "", target[1024] = "";
	size_t cap = 0;
	ssize_t n;
	bool in_define = false, have_request = false, origin = false, in_body = false;
	int status = 0;
	char *body = NULL;
	size_t body_len = 0;
#define FLUSH()                                                                                  \
	do {                                                                                     \
		/* a HEAD answer has no body to tell a page from an error: not counted */      \
		if (status && (body || strcmp(method, "HEAD") != 0))                             \
			record(route_for(method, target), status, body, origin, path, name);     \
		status = 0;                                                                      \
		free(body);                                                                      \
		body = NULL;                                                                     \
		body_len = 0;                                                                    \
		in_body = false;                                                                 \
	} while (0)
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (in_define) {
			in_define = strcmp(line, "@end") != 0;
			continue;
		}
		if (strncmp(line, "@define ", 8) == 0) {
			in_define = true;
		} else if (strncmp(line, "=== ", 4) == 0) {
			FLUSH();
			snprintf(name, sizeof(name), "%s", line + 4);
			have_request = origin = false;
		} else if (line[0] == '>' && line[1] == ' ' && !have_request) {
			if (sscanf(line + 2, "%15s %1023s", method, target) == 2)
				have_request = true;
		} else if (line[0] == '>' && line[1] == ' ' && strncasecmp(line + 2, "origin:", 7) == 0) {
			origin = true;
		} else if (strncmp(line, "<<<", 3) == 0) {
			FLUSH();
		} else if (line[0] == '<' && !in_body && status == 0 && line[1] == ' ' && atoi(line + 2) >= 100) {
			status = atoi(line + 2);
		} else if (strcmp(line, "<") == 0 && status && !in_body) {
			in_body = true;
		} else if (in_body && strncmp(line, "< ", 2) == 0) {
			if (strncmp(line, "< @body ", 8) == 0)
				continue; /* a catcher page */
			size_t k = strlen(line + 2);
			body = realloc(body, body_len + k + 2);
			memcpy(body + body_len, line + 2, k + 1);
			body_len += k;
		}
	}
	FLUSH();
#undef FLUSH
	free(line);
	fclose(f);
}

static void read_tables(void)
{
	if (seen)
		return;
	DIR *d = opendir(STOAT_WIRE_DIR);
	ck_assert_msg(d != NULL, "cannot open %s", STOAT_WIRE_DIR);
	struct dirent *e;
	size_t files = 0;
	while ((e = readdir(d))) {
		size_t k = strlen(e->d_name);
		if (k < 4 || strcmp(e->d_name + k - 4, ".txt") != 0)
			continue;
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", STOAT_WIRE_DIR, e->d_name);
		read_table(path);
		files++;
	}
	closedir(d);
	ck_assert_msg(files > 0 && nseen > 0, "no golden table with error answers in %s", STOAT_WIRE_DIR);
}

static const char *describe(enum err type, int page, const char *location, char *buf, size_t n)
{
	if (type == ERR_OK)
		snprintf(buf, n, "page %d", page);
	else
		snprintf(buf, n, "%s at %s", err_name(type), location ? location : "-");
	return buf;
}

/* 2. every error the tables show is declared */
START_TEST(tables_show_only_declared_errors)
{
	read_tables();
	int bad = 0;
	for (size_t i = 0; i < nseen; i++) {
		const struct seen *s = &seen[i];
		if (!route_declares(s->route, s->type, s->page, s->location)) {
			char what[256];
			fprintf(stderr, "undeclared: %s answers %s (%s)\n", s->route->name,
				describe(s->type, s->page, s->location, what, sizeof(what)), s->where);
			bad++;
		}
	}
	ck_assert_msg(bad == 0, "%d answer(s) in the golden tables are not declared on their route row", bad);
}
END_TEST

/* 1. every declared error (but the unreachable) is shown by the tables */
START_TEST(declared_errors_are_exercised)
{
	read_tables();
	size_t n;
	const struct route *table = route_table(&n);
	int missing = 0, rows = 0;
	/* the table's rows, then the one that answers every route_absent row */
	const struct route *not_emulated = route_for("GET", "/servers/x");
	ck_assert_str_eq(not_emulated->name, "not_emulated");
	for (size_t i = 0; i <= n; i++) {
		const struct route *r = i < n ? &table[i] : not_emulated;
		if (r->flags & ROUTE_CONTROL)
			continue;
		for (const struct route_error *e = r->errors; e->type != ERR_OK || e->page; e++) {
			if (e->unreached)
				continue;
			rows++;
			bool found = false;
			for (size_t k = 0; k < nseen && !found; k++) {
				const struct seen *s = &seen[k];
				if (s->route != r || s->type != e->type)
					continue;
				found = e->type == ERR_OK ? e->page == -1 || e->page == s->page
							  : s->location && strcmp(s->location, e->location) == 0;
			}
			if (!found) {
				char what[256];
				fprintf(stderr, "not exercised: %s %s declares %s\n", r->method, r->path,
					describe(e->type, e->page, e->location, what, sizeof(what)));
				missing++;
			}
		}
	}
	ck_assert_msg(rows > 0, "no declared error rows at all");
	ck_assert_msg(missing == 0, "%d declared error row(s) are not exercised by the tables of tests/wire", missing);
}
END_TEST

/* Each row's shape: a body type only where the route reads one, an unreachable
 * row says why, and no two rows declare the same answer. */
START_TEST(rows_are_well_formed)
{
	size_t n;
	const struct route *table = route_table(&n);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &table[i];
		ck_assert_ptr_nonnull(r->errors);
		ck_assert_ptr_nonnull(r->fn);
		if (r->body)
			ck_assert_msg(r->body->kind == JG_STRUCT || r->body->kind == JG_UNTAGGED,
				      "%s: a body is a struct or an untagged enum", r->name);
		for (const struct route_error *e = r->errors; e->type != ERR_OK || e->page; e++) {
			ck_assert_msg(e->type == ERR_OK || e->location != NULL, "%s: a catalogue row needs its location",
				      r->name);
			if (e->unreached)
				ck_assert_msg(strlen(e->unreached) > 10, "%s: say why the row is unreachable", r->name);
			for (const struct route_error *o = e + 1; o->type != ERR_OK || o->page; o++)
				ck_assert_msg(!(o->type == e->type && o->page == e->page &&
						(e->type == ERR_OK || strcmp(o->location, e->location) == 0)),
					      "%s: %s declared twice", r->name, err_name(e->type));
		}
	}
}
END_TEST

/* route_declares knows what the guard and the body imply. */
START_TEST(implied_errors)
{
	size_t n;
	const struct route *table = route_table(&n), *edit = NULL, *root = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].name, "bots.edit") == 0)
			edit = &table[i];
		if (strcmp(table[i].name, "root") == 0)
			root = &table[i];
	}
	ck_assert_ptr_nonnull(edit);
	ck_assert_ptr_nonnull(root);
	ck_assert(route_declares(edit, ERR_InvalidSession, 0, "anywhere"));
	ck_assert(route_declares(edit, ERR_OK, 401, NULL));
	ck_assert(route_declares(edit, ERR_OK, 413, NULL));
	ck_assert(route_declares(edit, ERR_OK, 422, NULL));
	ck_assert(!route_declares(edit, ERR_OK, 404, NULL));
	ck_assert(!route_declares(edit, ERR_IsBot, 0, "crates/delta/src/routes/bots/fetch.rs:17:20"));
	ck_assert(!route_declares(edit, ERR_NotFound, 0, "crates/delta/src/routes/bots/delete.rs:23:20"));
	ck_assert(route_declares(edit, ERR_NotFound, 0, "crates/delta/src/routes/bots/edit.rs:29:20"));
	ck_assert(!route_declares(root, ERR_InvalidSession, 0, "x"));
	ck_assert(!route_declares(root, ERR_OK, 422, NULL));
}
END_TEST

/* ---- the routes of the real API that stoat-mock does not emulate ------------------ */

static size_t literal_segments(const char *path)
{
	size_t n = 0;
	for (const char *p = path; *p; p += strcspn(p, "/"), p += *p == '/')
		n += *p != ':';
	return n;
}

/* Could one request path match both patterns (same segment count, no place where
 * both are static and differ)? same: are they the same route (captures in the same
 * places)? */
static bool patterns_overlap(const char *a, const char *b, bool *same)
{
	*same = true;
	while (*a && *b) {
		size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
		bool ca = *a == ':', cb = *b == ':';
		if (!ca && !cb && (la != lb || memcmp(a, b, la) != 0))
			return false;
		if (ca != cb)
			*same = false;
		a += la + (a[la] == '/');
		b += lb + (b[lb] == '/');
	}
	return !*a && !*b;
}

START_TEST(absent_rows_match_the_table)
{
	size_t n;
	const struct route *table = route_table(&n);
	ck_assert_uint_gt(route_absent_count, 100); /* stoat-api 0.8.9: 111 of 121 operations */
	for (size_t i = 0; i < route_absent_count; i++) {
		const struct route_absent *a = &route_absent_rows[i];
		ck_assert_msg(strncmp(a->name, a->method, strlen(a->method)) == 0 && a->name[strlen(a->method)] == ' ',
			      "%s: the name starts with the method", a->name);
		bool outranks = false;
		for (size_t k = 0; k < n; k++) {
			bool same;
			if (strcmp(table[k].method, a->method) != 0 || !patterns_overlap(table[k].path, a->path, &same))
				continue;
			ck_assert_msg(!same, "%s is emulated now (%s): run node tools/openapi-routes/gen.js", a->name,
				      table[k].name);
			outranks |= literal_segments(a->path) > literal_segments(table[k].path);
		}
		ck_assert_msg(outranks == (i < route_absent_outranking), "%s: outranks an emulated row: %d", a->name,
			      outranks);
	}
}
END_TEST

/* request -> the route that answers it, as Rocket ranks the real server's routes */
static const struct {
	const char *method, *path, *route, *absent;
} picks[] = {
	{"POST", "/channels/01J1TXTCHANNE0000000000001/messages", "not_emulated", "POST /channels/{target}/messages"},
	{"GET", "/channels/x", "not_emulated", "GET /channels/{target}"},
	{"HEAD", "/servers/x", "not_emulated", "GET /servers/{target}"},
	{"GET", "/0.8/servers/x/members/y", "not_emulated", "GET /servers/{target}/members/{member}"},
	{"GET", "/auth/account", "not_emulated", "GET /auth/account/"},
	{"GET", "/auth/account/", "not_emulated", "GET /auth/account/"},
	/* static before dynamic, as Rocket ranks them; explicit ranks agree */
	{"GET", "/users/dms", "not_emulated", "GET /users/dms"},
	{"PUT", "/channels/x/permissions/default", "not_emulated", "PUT /channels/{target}/permissions/default"},
	{"PUT", "/channels/x/permissions/y", "not_emulated", "PUT /channels/{target}/permissions/{role_id}"},
	{"DELETE", "/channels/x/messages/bulk", "not_emulated", "DELETE /channels/{target}/messages/bulk"},
	{"DELETE", "/channels/x/messages/y", "not_emulated", "DELETE /channels/{target}/messages/{msg}"},
	{"PATCH", "/servers/x/roles/ranks", "not_emulated", "PATCH /servers/{target}/roles/ranks"},
	{"PATCH", "/servers/x/roles/y", "not_emulated", "PATCH /servers/{target}/roles/{role_id}"},
	{"PATCH", "/users/@me", "not_emulated", "PATCH /users/{target}"},
	/* an emulated route wins over every absent row ranked below it */
	{"GET", "/users/@me", "users.fetch_self", NULL},
	{"GET", "/users/dm", "users.fetch", NULL},
	{"GET", "/bots/@me", "bots.fetch_owned", NULL},
	{"GET", "/bots/x", "bots.fetch", NULL},
	{"POST", "/bots/x/invite", "bots.invite", NULL},
	{"GET", "/", "root", NULL},
	/* paths the real server does not have: Rocket's 404 */
	{"GET", "/nope", NULL, NULL},
	{"GET", "/channels", NULL, NULL},
	{"POST", "/channels/x", NULL, NULL},
	{"GET", "/channels/x/messages/y/z/w", NULL, NULL},
	{"OPTIONS", "/channels/x", NULL, NULL},
	{"GET", "/_mock/sessions/x/y/z", NULL, NULL},
};

START_TEST(route_match_ranks_absent_rows)
{
	struct request rq = {0};
	rq.method = picks[_i].method;
	rq.path = picks[_i].path;
	path_split(&rq);
	const struct route *r = route_match(&rq);
	if (!picks[_i].route)
		ck_assert_msg(r == NULL, "%s %s: %s", picks[_i].method, picks[_i].path, r ? r->name : "");
	else {
		ck_assert_msg(r != NULL, "%s %s: no route", picks[_i].method, picks[_i].path);
		ck_assert_str_eq(r->name, picks[_i].route);
		if (picks[_i].absent)
			ck_assert_str_eq(rq.absent->name, picks[_i].absent);
		else
			ck_assert_ptr_null(rq.absent);
	}
	request_release(&rq);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("routes");
	TCase *tc = tcase_create("declarations");
	tcase_add_test(tc, rows_are_well_formed);
	tcase_add_test(tc, implied_errors);
	tcase_add_test(tc, tables_show_only_declared_errors);
	tcase_add_test(tc, declared_errors_are_exercised);
	tcase_add_test(tc, absent_rows_match_the_table);
	tcase_add_loop_test(tc, route_match_ranks_absent_rows, 0, sizeof(picks) / sizeof(picks[0]));
	suite_add_tcase(s, tc);
	return suite_run(s);
}

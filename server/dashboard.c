/* dashboard.c: the live dashboard, served from the binary at /_mock/ (README.md,
 * "Dashboard"). The page is dashboard/ (index.html, app.css, app.js: plain HTML, CSS
 * and JavaScript, no library, no build step), embedded at build time by
 * cmake/embed.cmake. It reads and acts through the control API like any other
 * client, plus these routes of its own (rows in routes.c, off with --no-control):
 *
 *   GET /_mock/             the page; GET /_mock redirects there, so that the page's
 *                           relative URLs also work under /0.8/ and behind a proxy
 *   GET /_mock/ui/{file}    app.css, app.js
 *   GET /_mock/ui/changes   Server-Sent Events: a `change` event (data: the change
 *                           counter, live.h) whenever what the page shows may have
 *                           changed; http.c keeps the stream (why SSE, and how:
 *                           docs/performance.md#live)
 *   GET /_mock/ui/snapshot?after=SEQ   what the page shows, read at one moment
 *
 * Every answer of the page's own carries a Content-Security-Policy that allows this
 * server's scripts, styles and connections and nothing else, no inline script: a
 * fixture string that reached the page as markup could not run (the page writes
 * every string as text anyway). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "faults.h"
#include "fixtures.h"
#include "journal.h"
#include "limits.h"
#include "live.h"
#include "locations.h"
#include "path.h"
#include "routes.h"
#include "store.h"

/* build/embedded.c (cmake/embed.cmake): dashboard/'s files, ended by a NULL name */
struct embedded_file {
	const char *name;
	const char *data;
	size_t len;
};
extern const struct embedded_file embedded_ui[];

#define UI_REQUESTS_MAX 500 /* journal entries one snapshot carries at most */

static const char CSP[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

static const struct embedded_file *ui_file(const char *name, size_t len)
{
	for (const struct embedded_file *f = embedded_ui; f->name; f++)
		if (strlen(f->name) == len && memcmp(f->name, name, len) == 0)
			return f;
	return NULL;
}

static const char *content_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot && strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (dot && strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	return "text/html; charset=utf-8";
}

/* The file as the answer, with the page's headers. */
static enum err send_file(struct reply *rp, const struct embedded_file *f)
{
	rp->body = malloc(f->len ? f->len : 1);
	if (!rp->body)
		return err_database(&rp->err, "read", "dashboard", LOC_UI);
	memcpy(rp->body, f->data, f->len);
	rp->body_len = f->len;
	rp->content_type = content_type(f->name);
	reply_header_static(rp, "content-security-policy", CSP);
	reply_header_static(rp, "cache-control", "no-cache");
	reply_header_static(rp, "referrer-policy", "no-referrer");
	return ERR_OK;
}

/* GET /_mock/  200 the page.  GET /_mock  307 to "_mock/" (relative: it keeps a
 * /0.8 or a proxy's prefix) */
enum err dashboard_page(struct request *rq, struct reply *rp)
{
	size_t n = strlen(rq->path);
	if (n && rq->path[n - 1] != '/') {
		const char *last = strrchr(rq->path, '/');
		char *to = malloc(strlen(last ? last + 1 : rq->path) + 2);
		if (!to)
			return err_database(&rp->err, "read", "dashboard", LOC_UI);
		sprintf(to, "%s/", last ? last + 1 : rq->path);
		rp->status = 307;
		reply_header(rp, "location", to);
		reply_header_static(rp, "cache-control", "no-cache");
		free(to);
		return ERR_OK;
	}
	return send_file(rp, ui_file("index.html", 10));
}

/* GET /_mock/ui/{file}  200 app.css or app.js   errors: NotFound (no such file) */
enum err dashboard_asset(struct request *rq, struct reply *rp)
{
	const struct embedded_file *f = ui_file(rq->id, rq->id_len);
	if (!f || strcmp(f->name, "index.html") == 0)
		return err_set(&rp->err, ERR_NotFound, LOC_UI, NULL);
	return send_file(rp, f);
}

/* GET /_mock/ui/changes  200 text/event-stream, endless (http.c):
 *   retry: 1000
 *   event: change
 *   data: <generation>
 * at once, then an event each time live_generation() moved (at most one per
 * 100 ms), and a ":" comment line every 15 s. */
enum err dashboard_changes(struct request *rq, struct reply *rp)
{
	(void)rq;
	rp->stream = true;
	rp->content_type = "text/event-stream";
	reply_header_static(rp, "cache-control", "no-store");
	return ERR_OK;
}

/* ms since the epoch as ISO 8601 UTC with milliseconds. */
static void iso_time(int64_t ms, char out[32])
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	size_t k = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + k, 32 - k, ".%03dZ", (int)(ms % 1000));
}

static void add_rename(void *arg, const char *user_id, int64_t at_ms)
{
	char at[32], until[32];
	iso_time(at_ms, at);
	iso_time(at_ms + DISCRIMINATOR_CHANGE_MS, until);
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "user", user_id);
	cJSON_AddStringToObject(r, "at", at);
	cJSON_AddStringToObject(r, "until", until);
	cJSON_AddItemToArray(arg, r);
}

/* Whether this server has a route for method and path (an optional part of the
 * control API: the events gateway's sessions). */
static bool has_route(const char *method, const char *path)
{
	struct request rq = {0};
	rq.method = method;
	rq.path = path;
	path_split(&rq);
	const struct route *r = route_match(&rq);
	request_release(&rq);
	return r && !(r->flags & ROUTE_CONTROL && config.no_control);
}

/* GET /_mock/ui/snapshot[?after=SEQ]
 * 200: {"generation": N, "version": "…", "journal_max": N,
 *       "state": GET /_mock/state's document, "faults": GET /_mock/faults's list,
 *       "requests": journal entries after SEQ (default 0), newest first, at most
 *                   500, each with "seq" and "headers" (journal_since),
 *       "oldest": seq of the oldest entry kept, "latest": the last seq given,
 *       "renames": [{"user", "at", "until"}]: each user's last discriminator change
 *                  and when the real 24-hour limit lets it change again,
 *       "sessions": whether GET /_mock/sessions exists (the events gateway's list;
 *                   the page shows its panel only then, and asks no 404 of it)}
 * One read under the dispatcher's lock: every part is of the same moment.
 * errors: FailedValidation (another parameter, or after not a number),
 * DatabaseError (the store failed) */
enum err dashboard_snapshot(struct request *rq, struct reply *rp)
{
	unsigned long long after = 0, oldest, latest;
	const char *q = rq->query ? rq->query : "";
	if (*q) {
		char *end = NULL;
		if (strncmp(q, "after=", 6) == 0 && q[6] >= '0' && q[6] <= '9')
			after = strtoull(q + 6, &end, 10);
		if (!end || *end)
			return err_set(&rp->err, ERR_FailedValidation, LOC_UI,
				       "query: expected after=SEQ (a journal sequence number) and nothing else");
	}
	cJSON *state = fixtures_export();
	if (!state)
		return err_database(&rp->err, "find", "state", LOC_UI);
	cJSON *o = rp->json = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "generation", (double)live_generation());
	cJSON_AddStringToObject(o, "version", STOAT_VERSION);
	cJSON_AddNumberToObject(o, "journal_max", config.journal);
	cJSON_AddItemToObject(o, "state", state);
	cJSON *faults = faults_list();
	cJSON_AddItemToObject(o, "faults", cJSON_DetachItemFromObjectCaseSensitive(faults, "faults"));
	cJSON_Delete(faults);
	cJSON_AddItemToObject(o, "requests", journal_since(after, UI_REQUESTS_MAX, &oldest, &latest));
	cJSON_AddNumberToObject(o, "oldest", (double)oldest);
	cJSON_AddNumberToObject(o, "latest", (double)latest);
	cJSON *renames = cJSON_AddArrayToObject(o, "renames");
	if (store_discriminator_changes_latest(add_rename, renames))
		return err_database(&rp->err, "find", "ratelimit_events", LOC_UI);
	cJSON_AddBoolToObject(o, "sessions", has_route("GET", "/_mock/sessions"));
	return ERR_OK;
}

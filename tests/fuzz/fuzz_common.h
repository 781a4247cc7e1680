/* fuzz_common.h: what every libFuzzer target of stoat-mock shares: a one-time
 * set-up of the in-memory store, the PCRE2 patterns and the configuration, and a
 * reset to the bundled fixtures before each input so that every crash replays
 * from its input file alone (no state carried over from earlier inputs).
 *
 * Header-only on purpose: CMake builds each tests/fuzz/fuzz_*.c as its own
 * executable linked to libstoat, with no shared object for the fuzzers. */
#ifndef STOAT_FUZZ_COMMON_H
#define STOAT_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "control.h"
#include "fixtures.h"
#include "ids.h"
#include "store.h"
#include "store_internal.h" /* store_db(): the snapshot reads every table */
#include "validate.h"

#include "dispatch.h"
#include "request.h"
#include "routes.h"
#include "strbuf.h"

#define FUZZ_SEED 8 /* deterministic ids, tokens and clock: replays are exact */

static inline void fuzz_die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz set-up: %s: %s\n", what, why ? why : "?");
	abort();
}

/* Once per process: config, patterns, store, control API. */
static inline void fuzz_setup(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	config_defaults(&config);
	config.quiet = true;
	if (validate_init())
		fuzz_die("validate_init", "cannot compile the patterns");
	bool fresh;
	char *why = NULL;
	if (store_open(":memory:", &fresh, &why))
		fuzz_die("store_open", why);
	size_t n = strlen(embedded_default_fixtures);
	if (control_init(embedded_default_fixtures, n))
		fuzz_die("control_init", "out of memory");
}

/* Before each input: the bundled fixtures and a fresh deterministic generator. */
static inline void fuzz_reset(void)
{
	char err[400];
	ids_seed(FUZZ_SEED);
	control_clear(); /* faults and the journal of the previous input */
	if (store_begin() || store_clear() ||
	    fixtures_load_text(embedded_default_fixtures, strlen(embedded_default_fixtures), err, sizeof(err)) ||
	    store_commit())
		fuzz_die("reset to the bundled fixtures", store_errmsg());
}

/* Every row of every table, as text: the state before and after a request.
 * Not fixtures_export(): this sees every column, seq and the event tables too. */
static inline void fuzz_snapshot(struct strbuf *out)
{
	static const char *const tables[] = {"users", "sessions", "bots", "discriminator_changes", "servers",
					     "server_members", "server_bans", "channels", "channel_recipients"};
	strbuf_release(out);
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		char sql[96];
		sqlite3_stmt *st = NULL;
		snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY rowid", tables[t]);
		if (sqlite3_prepare_v2(store_db(), sql, -1, &st, NULL) != SQLITE_OK)
			fuzz_die("snapshot", store_errmsg());
		strbuf_addf(out, "[%s]\n", tables[t]);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v = sqlite3_column_text(st, c);
				strbuf_adds(out, v ? (const char *)v : "<null>");
				strbuf_adds(out, "|");
			}
			strbuf_adds(out, "\n");
		}
		sqlite3_finalize(st);
	}
}

/* Does hay hold needle? Needles shorter than 12 bytes never count: a fuzzed
 * fixture may give a bot the token "0" or "Friend", which any body contains. */
static inline bool fuzz_contains(const char *hay, size_t n, const char *needle)
{
	return hay && needle && strlen(needle) >= 12 && memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* Runs one request through dispatch() and checks what must hold for any input:
 *   - the status is a real HTTP status; a 5xx only for the one documented
 *     DatabaseError (a field set and removed in one PATCH), with an Origin
 *     header (rocket.c: rocket_cors turns a bad Origin into a 500), and from
 *     rocket_cors's own GET /cors/<status> route, which answers 500 for a
 *     status that is not a number or not a known one (rocket_cors_status),
 *     and the 501 NotEmulated of a real route stoat-mock does not emulate;
 *   - no transaction is left open;
 *   - a failed request (4xx/5xx) changed nothing in the store;
 *   (with the control API on, faults may answer anything, drop or fail: then
 *   only the transaction and the secrets are checked)
 *   - the body names no bot token or OAuth2 secret of a bot the caller does not
 *     own, unless the request itself carried it (validation errors echo input).
 * Any violation aborts, which libFuzzer reports as a crash with the input. */
static inline void fuzz_one(struct request *rq, const char *raw, size_t raw_len)
{
	static struct strbuf before, after;
	struct bot *bots = NULL;
	size_t nb = 0;
	struct reply rp;
	if (store_bots_all(&bots, &nb))
		fuzz_die("store_bots_all", store_errmsg());
	fuzz_snapshot(&before);
	reply_init(&rp);
	dispatch(rq, &rp);

	bool strict = config.no_control;
	if ((rp.status < 100 || rp.status > 599) && !rp.drop) {
		fprintf(stderr, "invariant: status %d\n", rp.status);
		abort();
	}
	bool cors_route = rq->route && strcmp(rq->route->name, "cors.status") == 0;
	bool not_emulated = rq->absent && rp.status == 501 && rp.err.code == ERR_NOT_EMULATED;
	if (strict && rp.status >= 500 && !rq->origin && !cors_route && !not_emulated &&
	    !(rp.err.code == ERR_DatabaseError && rp.err.location && strstr(rp.err.location, "bots/ops/mongodb.rs:67:9"))) {
		fprintf(stderr, "invariant: unexpected %d: %.*s\n", rp.status, (int)rp.body_len,
			rp.body ? rp.body : "");
		abort();
	}
	if (!sqlite3_get_autocommit(store_db())) {
		fprintf(stderr, "invariant: transaction left open after %s %s\n", rq->method, rq->path);
		abort();
	}
	if (strict && rp.status >= 400) {
		fuzz_snapshot(&after);
		if (before.len != after.len || memcmp(strbuf_str(&before), strbuf_str(&after), before.len) != 0) {
			fprintf(stderr, "invariant: failed request (%d) changed the store\n--- before\n%s--- after\n%s",
				rp.status, strbuf_str(&before), strbuf_str(&after));
			abort();
		}
	}
	bool control = rq->route && (rq->route->flags & ROUTE_CONTROL);
	bool known = rq->who == PRINCIPAL_USER || rq->who == PRINCIPAL_BOT;
	const char *caller = known && rq->caller ? rq->caller->id : NULL;
	for (size_t i = 0; i < nb; i++) {
		bool owner = caller && strcmp(bots[i].owner, caller) == 0;
		if (!control && !owner) {
			const char *secret = NULL;
			cJSON *o = bots[i].oauth2 ? cJSON_Parse(bots[i].oauth2) : NULL;
			const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "secret");
			secret = cJSON_IsString(s) ? s->valuestring : NULL;
			const char *leak = NULL;
			if (fuzz_contains(rp.body, rp.body_len, bots[i].token) &&
			    !fuzz_contains(raw, raw_len, bots[i].token))
				leak = "token";
			if (fuzz_contains(rp.body, rp.body_len, secret) && !fuzz_contains(raw, raw_len, secret))
				leak = "oauth2 secret";
			cJSON_Delete(o);
			if (leak) {
				fprintf(stderr, "invariant: %s of bot %s (owner %s) sent to %s: %.*s\n", leak,
					bots[i].id, bots[i].owner, caller ? caller : "nobody", (int)rp.body_len,
					rp.body);
				abort();
			}
		}
		bot_release(&bots[i]);
	}
	free(bots);
	reply_release(&rp);
	request_release(rq);
}

#endif

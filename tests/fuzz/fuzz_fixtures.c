/* fuzz_fixtures.c: libFuzzer target for the fixtures loader (fixtures_load_text):
 * any bytes as a fixture document, loaded into an emptied store inside one
 * transaction. A document that loads is then read back through the API as every
 * session and every bot of it (GET /bots/@me, /users/@me, /bots/{id},
 * /bots/{id}/invite) so that odd but accepted stored values (File objects, OAuth2
 * settings, relations) are rendered too; then the transaction is rolled back.
 *
 * Invariants: a failed load names the problem (non-empty message, starting with
 * "$"); the API invariants of fuzz_one(). Seeds: tests/fuzz/corpus/fuzz_fixtures/. */
#include <stdint.h>

#include "fuzz_common.h"

/* Tokens and secrets that the fixture also uses as some other value (a bot whose
 * token is a user's id): finding them in a body is no leak. fuzz_one() skips
 * what its raw input contains, so they are listed there. */
static struct strbuf ambiguous;

static void get(const char *path, const char *session, const char *bot_token)
{
	struct request rq = {0};
	rq.method = "GET";
	rq.path = path;
	rq.session_token = session;
	rq.bot_token = bot_token;
	rq.accept = "application/json";
	rq.body = "";
	fuzz_one(&rq, strbuf_str(&ambiguous), ambiguous.len);
}

/* Column 0 of every row of sql, as a NULL-terminated malloc'd list (at most max). */
static char **column(const char *sql, size_t max)
{
	char **out = calloc(max + 1, sizeof(*out));
	sqlite3_stmt *st;
	size_t n = 0;
	if (sqlite3_prepare_v2(store_db(), sql, -1, &st, NULL) != SQLITE_OK)
		fuzz_die("column", store_errmsg());
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		out[n++] = strdup(v ? (const char *)v : "");
	}
	sqlite3_finalize(st);
	return out;
}

static void free_list(char **l)
{
	for (size_t i = 0; l[i]; i++)
		free(l[i]);
	free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[400] = "";
	fuzz_setup();
	config.no_control = true;
	ids_seed(FUZZ_SEED);
	char *text = malloc(size ? size : 1);
	memcpy(text, data, size);
	if (store_begin() || store_clear())
		fuzz_die("begin", store_errmsg());
	int rc = fixtures_load_text(text, size, err, sizeof(err));
	if (rc && err[0] != '$') {
		fprintf(stderr, "invariant: a failed load must name a JSON path, got '%s'\n", err);
		abort();
	}
	if (rc == 0) {
		/* fuzz_one() checks that no transaction is left open: commit the load and
		 * empty the store afterwards instead of rolling back */
		if (store_commit())
			fuzz_die("commit", store_errmsg());
		char **sessions = column("SELECT token FROM sessions ORDER BY rowid", 8);
		char **bots = column("SELECT id FROM bots ORDER BY rowid", 8);
		char **tokens = column("SELECT token FROM bots ORDER BY rowid", 8);
		char **secrets = column("SELECT coalesce(json_extract(oauth2, '$.secret'), '') FROM bots", 8);
		strbuf_release(&ambiguous);
		for (int k = 0; k < 2; k++) {
			char **l = k ? secrets : tokens;
			for (size_t i = 0; l[i]; i++) {
				size_t n = strlen(l[i]), seen = 0;
				for (const char *p = text; n && p < text + size;) {
					const char *at = memmem(p, (size_t)(text + size - p), l[i], n);
					if (!at)
						break;
					seen++;
					p = at + 1;
				}
				if (seen != 1) {
					strbuf_adds(&ambiguous, l[i]);
					strbuf_adds(&ambiguous, "\n");
				}
			}
		}
		for (size_t s = 0; sessions[s]; s++) {
			get("/bots/@me", sessions[s], NULL);
			get("/users/@me", sessions[s], NULL);
			for (size_t b = 0; bots[b]; b++) {
				char path[300];
				snprintf(path, sizeof(path), "/bots/%s", bots[b]);
				get(path, sessions[s], NULL);
				snprintf(path, sizeof(path), "/users/%s", bots[b]);
				get(path, sessions[s], NULL);
			}
		}
		for (size_t b = 0; bots[b]; b++) {
			char path[300];
			snprintf(path, sizeof(path), "/bots/%s/invite", bots[b]);
			get(path, NULL, NULL);
			get("/users/@me", NULL, tokens[b]);
		}
		free_list(sessions);
		free_list(bots);
		free_list(tokens);
		free_list(secrets);
		if (store_begin() || store_clear() || store_commit())
			fuzz_die("clear", store_errmsg());
	} else {
		store_rollback();
	}
	free(text);
	return 0;
}

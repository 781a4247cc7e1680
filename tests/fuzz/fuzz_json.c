/* fuzz_json.c: libFuzzer target for request bodies: the serde-order data guard
 * (jsonguard_decode, for the body type of each route row that reads one), the
 * strict JSON syntax oracle (json_oracle.h) and cJSON's parse of what it lets
 * through, then the same bytes as the body of each route that reads one
 * (PATCH /bots/{id}, POST /bots/create, POST /bots/{id}/invite) by a caller that
 * passes the user guard, so validation and the handlers run on every input.
 *
 * Input: the body bytes, nothing else. Extra invariants: a body the syntax oracle
 * accepts parses with cJSON and prints back as JSON the oracle accepts; the guard
 * answers only 0, 400 or 422; what it accepts renders (jsonguard_render) as strict
 * JSON that decodes again to the same value.
 * Seeds: tests/fuzz/corpus/fuzz_json/. */
#include <stdint.h>

#include "body.h"
#include "fuzz_common.h"
#include "json_oracle.h"
#include "jsonguard.h"
#include "routes.h"

static void send_body(const char *method, const char *path, const char *session, const char *body, size_t n)
{
	struct request rq = {0};
	rq.method = method;
	rq.path = path;
	rq.session_token = session;
	rq.accept = "application/json";
	rq.body = body;
	rq.body_len = n;
	fuzz_one(&rq, body, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	config.no_control = true;
	char *body = malloc(size ? size : 1);
	memcpy(body, data, size);

	if (utf8_valid(body, size) && json_oracle_syntax(body, size)) {
		cJSON *json = cJSON_ParseWithLength(body, size);
		if (!json) {
			fprintf(stderr, "invariant: json_oracle_syntax accepts what cJSON cannot parse\n");
			abort();
		}
		char *again = cJSON_PrintUnformatted(json);
		if (!again || !json_oracle_syntax(again, strlen(again))) {
			fprintf(stderr, "invariant: cJSON prints JSON the syntax oracle refuses: %s\n", again);
			abort();
		}
		free(again);
		cJSON_Delete(json);
	}
	if (utf8_valid(body, size)) {
		size_t nroutes;
		const struct route *routes = route_table(&nroutes);
		for (size_t i = 0; i < nroutes; i++) {
			const struct jg_type *t = routes[i].body;
			void *v = NULL;
			if (!t)
				continue;
			int code = jsonguard_decode(t, body, size, &v);
			if (code != 0 && code != 400 && code != 422) {
				fprintf(stderr, "invariant: jsonguard answered %d for %s\n", code, routes[i].name);
				abort();
			}
			if (code == 0) {
				/* as an answer would carry it: an escaped NUL written back as \u0000 */
				struct strbuf sb = STRBUF_INIT;
				jsonguard_render(t, v, &sb);
				size_t n = sb.len, n2;
				char *once = strbuf_detach(&sb, NULL), *twice = NULL;
				body_nul_escape(&once, &n);
				void *again = NULL;
				bool ok = json_oracle_syntax(once, n) && jsonguard_decode(t, once, n, &again) == 0;
				if (ok) {
					jsonguard_render(t, again, &sb);
					n2 = sb.len;
					twice = strbuf_detach(&sb, NULL);
					body_nul_escape(&twice, &n2);
					ok = n == n2 && memcmp(once, twice, n) == 0;
				}
				if (!ok) {
					fprintf(stderr, "invariant: %s accepted a body whose decoded value does not "
							"render as JSON that decodes to itself: %s\n",
						routes[i].name, once);
					abort();
				}
				jsonguard_free(t, again);
				free(once);
				free(twice);
			}
			jsonguard_free(t, v);
		}
	}
	fuzz_reset();
	send_body("PATCH", "/bots/01J0H3HPB0T5T0KEN000000AAA", "alice-session", body, size);
	send_body("POST", "/bots/create", "bob-session", body, size);
	send_body("POST", "/bots/01J0H4PVB1CB0T000000000BBB/invite", "alice-session", body, size);
	free(body);
	return 0;
}

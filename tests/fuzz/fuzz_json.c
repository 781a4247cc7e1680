/* fuzz_json.c: libFuzzer target for request bodies: the serde-order data guard
 * (jsonguard_check, for each body type), the strict JSON syntax oracle
 * (json_oracle.h), cJSON's parse of what they let through, the serde struct
 * reader (body_struct), then the same bytes as the body of each route that reads
 * one (PATCH /bots/{id}, POST /bots/create, POST /bots/{id}/invite) by a caller
 * that passes the user guard, so the typed body decoders and the field
 * validation of api_bots.c run on every input.
 *
 * Input: the body bytes, nothing else. Extra invariants: a body the syntax oracle
 * accepts parses with cJSON (else the server answers 400 to valid JSON); the
 * guard answers only 0, 400 or 422, and what it accepts comes back as strict
 * JSON that cJSON parses (the handlers read that).
 * Seeds: tests/fuzz/corpus/fuzz_json/. */
#include <stdint.h>

#include "body.h"
#include "fuzz_common.h"
#include "json_oracle.h"
#include "jsonguard.h"

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
		static const char *const fields[] = {"name", "public", "analytics", "interactions_url", "oauth2",
						     "remove"};
		const cJSON *vals[6];
		(void)body_struct(json, fields, 6, 5, vals);
		char *again = cJSON_PrintUnformatted(json);
		if (!again || !json_oracle_syntax(again, strlen(again))) {
			fprintf(stderr, "invariant: cJSON prints JSON the syntax oracle refuses: %s\n", again);
			abort();
		}
		free(again);
		cJSON_Delete(json);
	}
	if (utf8_valid(body, size)) {
		static const char *const types[] = {"bots.create", "bots.edit", "bots.invite"};
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			const struct jg_type *t = jsonguard_body_type(types[i]);
			char *normal = NULL;
			int code = t ? jsonguard_check(t, body, size, &normal) : 0;
			if (code != 0 && code != 400 && code != 422) {
				fprintf(stderr, "invariant: jsonguard answered %d for %s\n", code, types[i]);
				abort();
			}
			if (code == 0 && t) {
				size_t n = normal ? strlen(normal) : 0;
				cJSON *j = normal ? cJSON_ParseWithLength(normal, n) : NULL;
				if (!normal || !json_oracle_syntax(normal, n) || !j) {
					fprintf(stderr, "invariant: jsonguard accepted, but its normal form is not JSON: %s\n",
						normal ? normal : "(null)");
					abort();
				}
				cJSON_Delete(j);
			}
			free(normal);
		}
	}
	fuzz_reset();
	send_body("PATCH", "/bots/01J0H3HPB0T5T0KEN000000AAA", "alice-session", body, size);
	send_body("POST", "/bots/create", "bob-session", body, size);
	send_body("POST", "/bots/01J0H4PVB1CB0T000000000BBB/invite", "alice-session", body, size);
	free(body);
	return 0;
}

/* fuzz_dispatch.c: libFuzzer target for the whole request path without a socket:
 * method sanity, path splitting and percent-decoding, route matching, the user
 * guard (header -> token lookup), the JSON data guard, every handler, and the
 * reply (catcher pages, error bodies). Invariants checked after each request are
 * listed above fuzz_one() in fuzz_common.h.
 *
 * Input: up to MAX_REQUESTS requests separated by a 0x1E byte (record separator),
 * each written like HTTP/1.1 without the version:
 *
 *   METHOD SP PATH[?QUERY] LF
 *   name: value LF            (any number of header lines; first occurrence wins)
 *   LF
 *   body bytes (to the end of the record)
 *
 * The pseudo-header "x-fuzz-over-limit" marks the body as cut at the JSON limit
 * (http.c keeps the first 1 MiB and remembers that more came). "x-fuzz-control"
 * keeps the /_mock routes on for this input; without it they are off, as with
 * --no-control, and every invariant applies.
 * The store is reset to the bundled fixtures before each input: a crash replays
 * from its input file alone. Seeds: tests/fuzz/corpus/fuzz_dispatch/. */
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

#include "fuzz_common.h"

#define MAX_REQUESTS 8
#define MAX_HEADER_LINES 64

/* Copies [p, end) into a fresh NUL-terminated string (NUL bytes inside cut it,
 * as they cannot reach dispatch through MHD either). */
static char *dup_range(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	char *s = malloc(n + 1);
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

/* http.c drops a header value that is not UTF-8 (header()), as Rocket does. */
static const char *utf8_or_null(const char *v) { return v && utf8_valid(v, strlen(v)) ? v : NULL; }

static void run_record(const char *rec, size_t len, bool *control)
{
	const char *p = rec, *end = rec + len;
	struct request rq = {0};
	char *owned[MAX_HEADER_LINES + 4];
	int nowned = 0;

	/* request line */
	const char *le = line_end(p, end);
	const char *sp = memchr(p, ' ', (size_t)(le - p));
	char *method = dup_range(p, sp ? sp : le);
	char *target = sp ? dup_range(sp + 1, le) : strdup("/");
	owned[nowned++] = method;
	owned[nowned++] = target;
	char *q = strchr(target, '?');
	if (q) {
		*q = 0;
		rq.query = q[1] ? q + 1 : NULL;
	}
	rq.method = method;
	rq.path = target;
	p = le < end ? le + 1 : end;

	/* headers, up to an empty line */
	while (p < end && *p != '\n' && nowned < MAX_HEADER_LINES) {
		le = line_end(p, end);
		const char *colon = memchr(p, ':', (size_t)(le - p));
		if (colon) {
			char *name = dup_range(p, colon);
			const char *v = colon + 1;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			const char *ve = le;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
				ve--;
			char *value = dup_range(v, ve);
			owned[nowned++] = value;
			static const struct {
				const char *name;
				size_t off;
			} known[] = {
				{"x-bot-token", offsetof(struct request, bot_token)},
				{"x-session-token", offsetof(struct request, session_token)},
				{"x-oauth2-token", offsetof(struct request, oauth2_token)},
				{"accept", offsetof(struct request, accept)},
				{"origin", offsetof(struct request, origin)},
				{"content-type", offsetof(struct request, content_type)},
				{"access-control-request-method", offsetof(struct request, ac_request_method)},
				{"access-control-request-headers", offsetof(struct request, ac_request_headers)},
				{"x-forwarded-for", offsetof(struct request, forwarded_for)},
				{"host", offsetof(struct request, host)},
			};
			for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
				const char **slot = (const char **)((char *)&rq + known[i].off);
				if (strcasecmp(name, known[i].name) == 0 && !*slot)
					*slot = utf8_or_null(value);
			}
			if (strcasecmp(name, "x-fuzz-over-limit") == 0)
				rq.body_over_limit = true;
			if (strcasecmp(name, "x-fuzz-control") == 0)
				*control = true;
			free(name);
		}
		p = le < end ? le + 1 : end;
	}
	if (p < end && *p == '\n')
		p++;
	snprintf(rq.client_ip, sizeof(rq.client_ip), "127.0.0.1");
	rq.body = p;
	rq.body_len = (size_t)(end - p);

	config.no_control = !*control;
	fuzz_one(&rq, rec, len);
	for (int i = 0; i < nowned; i++)
		free(owned[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	fuzz_reset();
	/* each record in a buffer of its own size: ASan catches a read past its end */
	const char *p = (const char *)data, *end = p + size;
	bool control = false;
	for (int n = 0; n < MAX_REQUESTS && p <= end; n++) {
		const char *sep = memchr(p, 0x1E, (size_t)(end - p));
		const char *rend = sep ? sep : end;
		size_t len = (size_t)(rend - p);
		char *rec = malloc(len ? len : 1);
		memcpy(rec, p, len);
		run_record(rec, len, &control);
		free(rec);
		if (!sep)
			break;
		p = sep + 1;
	}
	return 0;
}

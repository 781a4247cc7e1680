/* request.h: what a handler receives (struct request) and fills (struct reply).
 * http.c builds the request from the connection; dispatch.c runs the route table;
 * handlers never see the socket. */
#ifndef STOAT_REQUEST_H
#define STOAT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "errors.h"
#include "limits.h"
#include "model.h"
#include "strbuf.h"

/* The result of the user guard. */
enum principal_kind {
	PRINCIPAL_NONE = 0, /* no token header at all */
	PRINCIPAL_INVALID,  /* a token header that matched nothing */
	PRINCIPAL_USER,     /* x-session-token */
	PRINCIPAL_BOT,      /* x-bot-token */
};

struct header {
	const char *name; /* static */
	char *value;      /* owned, unless value_static */
	bool value_static;
};
#define REPLY_HEADERS_MAX 24

/* A request header line as received (http.c: pointers into the connection's
 * memory, valid while the request is). */
struct request_header {
	const char *name, *value;
};

struct ratelimit;
struct jg_type;
struct route_absent;

struct request {
	const char *method;
	const char *path;     /* as received, without the query */
	const char *query;    /* raw query string after '?', or NULL */
	/* non-empty, percent-decoded path segments; a leading "0.8" is dropped */
	char *seg[PATH_SEGMENTS_MAX];
	size_t seglen[PATH_SEGMENTS_MAX];
	int nseg;
	/* PERF: plain segments are copied here, one after the other, instead of
	 * each into an allocation of its own (a segment not inside is malloc'd) */
	char segbuf[256];
	size_t segused;
	bool path_bad;        /* too many segments or undecodable: matches no route */

	/* headers that matter (first occurrence; NULL when absent) */
	const char *bot_token;
	const char *session_token;
	const char *oauth2_token;
	const char *accept;
	const char *origin;
	const char *content_type;
	const char *ac_request_method;
	const char *ac_request_headers;
	const char *forwarded_for;
	const char *host;     /* the Host header: the control API's own origin (control_origin.h) */
	char client_ip[64];
	/* every header line as received, in order, for the journal (journal.h): the
	 * first JOURNAL_HEADERS_MAX of them; more_headers: there were others */
	const struct request_header *headers;
	int nheaders;
	bool more_headers;

	const char *body;
	size_t body_len;
	bool body_over_limit; /* more than JSON_LIMIT bytes arrived (only the first kept) */

	/* filled by dispatch */
	const struct ratelimit *rl; /* the rate limiter's verdict (ratelimit.h), NULL when off */
	const struct route *route;
	const struct route_absent *absent; /* the route answered NotEmulated (routes.h), or NULL */
	const char *id;       /* the {id} capture (decoded segment) */
	size_t id_len;
	enum principal_kind who;
	/* valid for PRINCIPAL_USER / PRINCIPAL_BOT (auth_resolve): caller_copy, or the
	 * store's session cache lending its user for the request */
	const struct user *caller;
	struct user caller_copy;
	void *data;           /* the decoded body (bodies.h), of this type: */
	const struct jg_type *data_type;

	/* the control API's record of this request (control.c): set by control_begin
	 * and control_fault, read by control_journal. Here rather than in statics so
	 * nothing carries over from one request to the next. */
	struct timespec started;   /* CLOCK_MONOTONIC when dispatch began */
	char fault[FAULT_ID_MAX];  /* id of the fault applied ("" for none) */
};

struct reply {
	int status;           /* set by dispatch from the result, never by handlers */
	cJSON *json;          /* success body (owned), serialised compactly */
	char *body;           /* or the bytes to send (owned) */
	size_t body_len;
	const char *content_type;
	struct header headers[REPLY_HEADERS_MAX];
	int nheaders;
	struct err_detail err; /* family-A detail when the handler failed */
	int catcher;           /* a framework answer: Rocket's default page for this code (reply_catcher) */
	bool drop;             /* close the connection without an answer (fault) */
	unsigned delay_ms;     /* answer this late (fault) */
	bool stream;           /* answer with the dashboard's endless event stream (http.c, live.h) */
};

void request_release(struct request *rq);
/* Frees a decoded path segment (those in rq->segbuf are not allocations). */
void request_free_segment(struct request *rq, char *seg);
void reply_init(struct reply *rp);
/* Rocket's default page for code answers instead of a family-A error (catcher.h):
 * sets rp->catcher and returns ERR_CATCHER, which the dispatcher renders as that
 * page: `return reply_catcher(rp, 422);` */
enum err reply_catcher(struct reply *rp, int code);
void reply_release(struct reply *rp);
/* The JSON text in sb (emptied) becomes the success body. */
void reply_json_text(struct reply *rp, struct strbuf *sb);
/* Adds a response header (value copied); name is a static string. */
void reply_header(struct reply *rp, const char *name, const char *value);
/* The same with a static value (not copied, never freed). */
void reply_header_static(struct reply *rp, const char *name, const char *value);
/* Replaces every header of that name (case-insensitive) by one with this value. */
void reply_set_header(struct reply *rp, const char *name, const char *value);
void reply_remove_header(struct reply *rp, const char *name);
/* The first value of that header (case-insensitive), or NULL. */
const char *reply_get_header(const struct reply *rp, const char *name);

#endif

/* http.c: libmicrohttpd glue (see http.h).
 *
 * Threading: one internal polling thread (epoll) serves every connection, so
 * requests are handled one at a time, in arrival order, and the store needs no
 * locking; docs/performance.md has the measurements behind the choice. A delayed
 * answer (a fault) suspends its connection and a timer resumes it, so one slow
 * answer never stalls the others.
 *
 * Per-request state lives in the MHD request context: created on the first call,
 * the body accumulated in chunks up to the JSON limit (the rest is discarded and
 * remembered as "over the limit"), freed by the completion callback. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dispatch.h"
#include "limits.h"
#include "strbuf.h"
#include "validate.h"

static struct MHD_Daemon *daemon_;
static pthread_mutex_t dispatch_lock = PTHREAD_MUTEX_INITIALIZER;

struct conn_ctx {
	struct strbuf body;
	bool over_limit;
	bool answered;      /* rp holds the answer (set before a delay suspends us) */
	struct reply rp;
	char method[16];
	char *path;
	int status;
	struct timespec start;
	struct MHD_Connection *conn;
};

static long long elapsed_us(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (long long)(b.tv_sec - a->tv_sec) * 1000000 + (b.tv_nsec - a->tv_nsec) / 1000;
}

/* A header value that is not UTF-8 is dropped, as Rocket does. */
static const char *header(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
	return v && utf8_valid(v, strlen(v)) ? v : NULL;
}

struct query_acc {
	struct strbuf sb;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct strbuf *sb = cls;
	if (sb->len)
		strbuf_adds(sb, "&");
	strbuf_adds(sb, key);
	if (value) {
		strbuf_adds(sb, "=");
		strbuf_adds(sb, value);
	}
	return MHD_YES;
}

static void fill_request(struct conn_ctx *ctx, struct MHD_Connection *c, const char *url, const char *method,
			 struct request *rq, struct strbuf *query)
{
	rq->method = method;
	rq->path = url;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, query);
	rq->query = query->len ? query->buf : NULL;
	rq->bot_token = header(c, "x-bot-token");
	rq->session_token = header(c, "x-session-token");
	rq->oauth2_token = header(c, "x-oauth2-token");
	rq->accept = header(c, "accept");
	rq->origin = header(c, "origin");
	rq->content_type = header(c, "content-type");
	rq->ac_request_method = header(c, "access-control-request-method");
	rq->ac_request_headers = header(c, "access-control-request-headers");
	rq->forwarded_for = header(c, "x-forwarded-for");
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, rq->client_ip, sizeof(rq->client_ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, rq->client_ip,
				  sizeof(rq->client_ip));
	}
	rq->body = ctx->body.buf ? ctx->body.buf : "";
	rq->body_len = ctx->body.len;
	rq->body_over_limit = ctx->over_limit;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct conn_ctx *ctx)
{
	struct reply *rp = &ctx->rp;
	struct MHD_Response *resp;
	if (rp->body) {
		resp = MHD_create_response_from_buffer(rp->body_len, rp->body, MHD_RESPMEM_MUST_FREE);
		rp->body = NULL; /* MHD owns it now */
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	if (rp->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rp->content_type);
	for (int i = 0; i < rp->nheaders; i++)
		MHD_add_response_header(resp, rp->headers[i].name, rp->headers[i].value);
	ctx->status = rp->status;
	enum MHD_Result r = MHD_queue_response(c, (unsigned)rp->status, resp);
	MHD_destroy_response(resp);
	return r;
}

struct delay {
	struct MHD_Connection *conn;
	unsigned ms;
};

static void *resume_later(void *arg)
{
	struct delay *d = arg;
	struct timespec ts = {d->ms / 1000, (long)(d->ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	MHD_resume_connection(d->conn);
	free(d);
	return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn_ctx *ctx = *con_cls;
	if (!ctx) {
		ctx = calloc(1, sizeof(*ctx));
		if (!ctx)
			return MHD_NO;
		strbuf_init(&ctx->body, JSON_LIMIT);
		clock_gettime(CLOCK_MONOTONIC, &ctx->start);
		snprintf(ctx->method, sizeof(ctx->method), "%s", method);
		ctx->path = strdup(url);
		ctx->conn = c;
		*con_cls = ctx;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!ctx->over_limit && strbuf_add(&ctx->body, upload, *upload_size)) {
			/* keep exactly the first JSON_LIMIT bytes, as Rocket reads them */
			size_t room = JSON_LIMIT - ctx->body.len;
			ctx->body.max = 0;
			strbuf_add(&ctx->body, upload, room);
			ctx->over_limit = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (ctx->answered)
		return send_reply(c, ctx); /* resumed after a delay */

	struct request rq = {0};
	struct strbuf query = STRBUF_INIT;
	fill_request(ctx, c, url, method, &rq, &query);
	reply_init(&ctx->rp);
	pthread_mutex_lock(&dispatch_lock);
	dispatch(&rq, &ctx->rp);
	pthread_mutex_unlock(&dispatch_lock);
	request_release(&rq);
	strbuf_release(&query);
	ctx->answered = true;
	if (ctx->rp.drop) {
		ctx->status = 0;
		return MHD_NO; /* close without an answer */
	}
	if (ctx->rp.delay_ms) {
		struct delay *d = malloc(sizeof(*d));
		pthread_t t;
		if (d) {
			d->conn = c;
			d->ms = ctx->rp.delay_ms;
			MHD_suspend_connection(c);
			if (pthread_create(&t, NULL, resume_later, d) == 0) {
				pthread_detach(t);
				return MHD_YES;
			}
			free(d);
			MHD_resume_connection(c);
		}
	}
	return send_reply(c, ctx);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	struct conn_ctx *ctx = *con_cls;
	if (!ctx)
		return;
	if (!config.quiet) {
		if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
			fprintf(stderr, "%s %s %d %lldus\n", ctx->method, ctx->path, ctx->status, elapsed_us(&ctx->start));
		else
			fprintf(stderr, "%s %s closed (%s) %lldus\n", ctx->method, ctx->path,
				ctx->rp.drop ? "fault: drop" : "client or timeout", elapsed_us(&ctx->start));
	}
	reply_release(&ctx->rp);
	strbuf_release(&ctx->body);
	free(ctx->path);
	free(ctx);
	*con_cls = NULL;
}

/* Rocket decodes each path segment itself: keep MHD from decoding the URL. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static int listen_on(const char *host, unsigned port, unsigned *bound, char *err, size_t errlen)
{
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	char portstr[16];
	snprintf(portstr, sizeof(portstr), "%u", port);
	int rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "cannot resolve listen address '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 1024)) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s", host, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	*bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						: ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

int http_start(unsigned *bound_port, char *err, size_t errlen)
{
	int fd = listen_on(config.host, config.port, bound_port, err, errlen);
	if (fd < 0)
		return -1;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
	daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
				   MHD_OPTION_LISTEN_SOCKET, fd,
				   MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				   MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
				   MHD_OPTION_CONNECTION_LIMIT, config.max_connections,
				   MHD_OPTION_CONNECTION_TIMEOUT, config.timeout_s,
				   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)config.max_header_bytes + 4096,
				   MHD_OPTION_END);
	if (!daemon_) {
		snprintf(err, errlen, "cannot start the HTTP server on %s:%u", config.host, *bound_port);
		close(fd);
		return -1;
	}
	return 0;
}

void http_stop(void)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}

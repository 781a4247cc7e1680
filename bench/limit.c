/* limit.c: the ceiling of this stack on the machine at hand.
 *
 * A libmicrohttpd server that answers every request with one fixed JSON body
 * the size of a GET /bots/{id} answer (581 bytes): no routing, no JSON, no auth,
 * no SQLite. It keeps the request lifecycle stoat-mock's http.c has (a context
 * on the first call, the upload consumed in chunks, the answer on the last call)
 * so a PATCH with a body costs it what it costs the mock to receive one. The
 * benchmark (bench/run.sh) divides every stoat-mock figure by this server's
 * figure for the same scenario from the same run.
 *
 * Usage: limit PORT [MODE]
 *   MODE epoll (default): one internal polling thread, MHD_USE_AUTO (epoll here),
 *        the mode stoat-mock uses;
 *   MODE threads: a thread per connection;
 *   MODE pool:    MHD's thread pool, one thread per online core.
 * It serves until SIGTERM or SIGINT. Built by bench/run.sh with cc + pkg-config. */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The bot answer's shape, padded to the bundled fixture's GET /bots/{id} size. */
static const char BODY[] =
	"{\"bot\":{\"_id\":\"01J0H3HPB0T5T0KEN000000AAA\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\","
	"\"token\":\"DhM47aI5p29RP6s9Q5dq5M4q3fzPgdBlbmJa65oZQCVUIAtlt8AZFTy7dPjFhYP3\",\"public\":false,"
	"\"oauth2\":{\"public\":false,\"secret\":\"7CFGZU69wW65BTyLG0VHjcZ5pyetMMZ8jTNxfRxPHKrh8khrr-Ylvy_gPJCe4UMM\","
	"\"redirects\":[\"https://helper.example/callback\"],\"allowed_scopes\":{\"read:identify\":"
	"{\"allow\":\"Know who you are\",\"deny\":\"Stay anonymous\"}}}},\"user\":{\"_id\":"
	"\"01J0H3HPB0T5T0KEN000000AAA\",\"username\":\"HelperBot\",\"discriminator\":\"4821\",\"bot\":"
	"{\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\"},\"relationship\":\"None\",\"online\":false}}";

static struct MHD_Response *answer;
static int marker; /* the request context: its address says "first call seen" */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	if (!*con_cls) {
		*con_cls = &marker;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* received and dropped */
		return MHD_YES;
	}
	return MHD_queue_response(c, MHD_HTTP_OK, answer);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: limit PORT [epoll|threads|pool]\n");
		return 2;
	}
	unsigned port = (unsigned)atoi(argv[1]);
	const char *mode = argc > 2 ? argv[2] : "epoll";
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	unsigned pool = 0;
	if (strcmp(mode, "threads") == 0)
		flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	else if (strcmp(mode, "pool") == 0)
		pool = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	else if (strcmp(mode, "epoll") != 0) {
		fprintf(stderr, "limit: unknown mode '%s'\n", mode);
		return 2;
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	answer = MHD_create_response_from_buffer(sizeof(BODY) - 1, (void *)BODY, MHD_RESPMEM_PERSISTENT);
	if (!answer || MHD_add_response_header(answer, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") != MHD_YES)
		return 1;
	struct MHD_Daemon *d;
	if (pool > 1)
		d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE,
				     pool, MHD_OPTION_CONNECTION_LIMIT, 256U, MHD_OPTION_END);
	else
		d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL, MHD_OPTION_CONNECTION_LIMIT,
				     256U, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "limit: cannot listen on port %u\n", port);
		return 1;
	}
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(answer);
	return 0;
}

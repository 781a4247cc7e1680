/* ws_load.c: many events WebSocket sessions at once, for the benchmark.
 *
 * The gateway's figures (issue 15 item 7) need a thousand sessions held open
 * while wrk loads the HTTP API, and a thousand sessions timed as one event
 * reaches them. A script language would be the bottleneck it measures (the
 * gateway engineer's first figure came from a Node client), so this is C on one
 * thread with epoll, and it frames with Debian's libwslay (a client context:
 * masked frames), as tests/http/test_gateway.c does; no framing is written here.
 *
 *   ws_load hold PORT N TOKEN
 *       opens N sessions with ?token=TOKEN, waits for each one's Ready, prints
 *       "ready N MS" (MS: from the first connect to the last Ready), then holds
 *       them, reading (and counting) whatever comes after the Ready, until
 *       SIGTERM or SIGINT; then prints "held N frames F" and closes them.
 *   ws_load fanout PORT N ROUNDS [SERVER_PID] [--gap MS] [--ping]
 *       opens N sessions of the bundled HelperBot (its token read from
 *       GET /bots/{id} as alice-session), then ROUNDS times: renames the bot with
 *       PATCH /bots/{id} (the body of bench/run.sh's rename scenario, the name
 *       alternating, so every PATCH changes it), and times every session's
 *       UserUpdate from the moment the PATCH was sent and from the moment its
 *       answer was read. Two rounds first are not counted; 20 ms between rounds
 *       (--gap). With --ping every session answers its UserUpdate with a Ping, as
 *       a client that talks back does (docs/performance.md#gateway: Nagle).
 *       Prints the percentiles, the slowest session of each round, the PATCH's
 *       own round trip, and the CPU time per round of this client and (with
 *       SERVER_PID) of the server, with the server's run-queue wait.
 *
 * At most 64 handshakes are in flight at a time (the listen backlog is not the
 * thing measured). A frame's time is when it reached the session's socket: the
 * kernel's receive timestamp (SO_TIMESTAMPNS), not the moment this one thread
 * got round to reading that socket among a thousand, which a thousand real
 * clients would not wait for; the moment it was read is printed too ("read by
 * this client"). The HTTP answer is timed the same way. Exit 1 when a
 * session fails, does not get its frame within 5 s, or the server goes away.
 * Built by bench/gateway.sh and bench/run.sh with cc; used only by them. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <wslay/wslay.h>

#define BOT_ID "01J0H3HPB0T5T0KEN000000AAA"
#define OWNER_TOKEN "alice-session"
#define IN_FLIGHT 64
#define WARMUP_ROUNDS 2
#define ROUND_GAP_MS 20 /* by default */
#define ROUND_TIMEOUT_MS 5000
#define QUIET_WAIT_MS 1.0 /* a rename during which the server waited less for its core */

enum state { S_CONNECTING, S_HEAD, S_OPEN, S_READY };

struct sess {
	int fd;
	enum state state;
	wslay_event_context_ptr ctx;
	char head[1024]; /* the 101 answer; bytes after it go to wslay first */
	size_t head_len, extra_off, extra_len;
	long long rx_ns;   /* when the bytes of the last recv() reached the socket */
	long long read_ns; /* when that recv() returned them */
	long long got_ns;  /* this round's UserUpdate reached the socket; 0: not yet */
	long long seen_ns; /* ... and was read here */
};

static unsigned port;
static const char *token;
static struct sess *sessions;
static int nsess, epfd;
static int nready, nopen;
static unsigned long long frames;
static volatile sig_atomic_t stop;
static const char *expect_name; /* fanout: the name this round's frame carries */
static int got_this_round;
static uint32_t rng = 2463534242u;
static int gap_ms = ROUND_GAP_MS;
static bool ping_back;

/* CLOCK_REALTIME: the clock of the kernel's receive timestamps (SO_TIMESTAMPNS) */
static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* recv() that also says when the bytes reached the socket (the kernel's software
 * receive timestamp of the last segment read; now when there is none). */
static ssize_t recv_stamped(int fd, void *buf, size_t len, long long *arrived, long long *read)
{
	char control[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = {buf, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
	ssize_t r = recvmsg(fd, &m, MSG_DONTWAIT);
	if (r <= 0)
		return r;
	*read = now_ns();
	*arrived = *read;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			*arrived = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
		}
	}
	return r;
}

static void die(const char *what)
{
	fprintf(stderr, "ws_load: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

/* ---- wslay's callbacks (client side) ------------------------------------------------ */

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
	(void)flags;
	struct sess *s = user;
	if (s->extra_off < s->extra_len) {
		size_t n = s->extra_len - s->extra_off;
		n = n < len ? n : len;
		memcpy(buf, s->head + s->head_len + s->extra_off, n);
		s->extra_off += n;
		return (ssize_t)n;
	}
	ssize_t r = recv_stamped(s->fd, buf, len, &s->rx_ns, &s->read_ns);
	if (r > 0)
		return r;
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	errno = 0;
	die("the server ended a session");
	return -1;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags, void *user)
{
	(void)flags;
	struct sess *s = user;
	ssize_t r = send(s->fd, data, len, MSG_NOSIGNAL);
	if (r >= 0)
		return r;
	wslay_event_set_error(ctx, errno == EAGAIN ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
	return -1;
}

static int on_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
	(void)ctx;
	(void)user;
	for (size_t i = 0; i < len; i++) { /* xorshift32: a mask needs no secrecy here */
		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		buf[i] = (uint8_t)rng;
	}
	return 0;
}

static void on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg, void *user)
{
	struct sess *s = user;
	if (arg->opcode != WSLAY_TEXT_FRAME)
		return;
	frames++;
	const char *text = (const char *)arg->msg;
	size_t n = arg->msg_length;
	if (s->state == S_OPEN && n > 15 && memcmp(text, "{\"type\":\"Ready\"", 15) == 0) {
		s->state = S_READY;
		nready++;
		return;
	}
	if (expect_name && !s->got_ns && n > 22 && memcmp(text, "{\"type\":\"UserUpdate\"", 20) == 0 &&
	    memmem(text, n, expect_name, strlen(expect_name))) {
		s->got_ns = s->rx_ns;
		s->seen_ns = s->read_ns;
		got_this_round++;
		if (ping_back) { /* sent by read_frames once wslay_event_recv returns */
			static const char ping[] = "{\"type\":\"Ping\",\"data\":0}";
			struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)ping, sizeof(ping) - 1};
			wslay_event_queue_msg(ctx, &m);
		}
	}
}

static const struct wslay_event_callbacks callbacks = {on_recv, on_send, on_genmask, NULL, NULL, NULL, on_msg};

/* ---- sessions ------------------------------------------------------------------------ */

static void watch(struct sess *s, unsigned events, int op)
{
	struct epoll_event ev = {.events = events, .data.ptr = s};
	if (epoll_ctl(epfd, op, s->fd, &ev) != 0)
		die("epoll_ctl");
}

static void start_connect(struct sess *s)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		die("socket (raise the open file limit: ulimit -n)");
	int one = 1;
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	if (connect(s->fd, (struct sockaddr *)&a, sizeof(a)) != 0 && errno != EINPROGRESS)
		die("connect");
	s->state = S_CONNECTING;
	watch(s, EPOLLOUT, EPOLL_CTL_ADD);
	nopen++;
}

static void read_frames(struct sess *s)
{
	if (wslay_event_recv(s->ctx) != 0)
		die("wslay_event_recv");
	while (wslay_event_want_write(s->ctx)) /* a Pong for a Ping, or --ping's Ping */
		if (wslay_event_send(s->ctx) != 0)
			die("wslay_event_send");
}

static void on_event(struct sess *s, unsigned events)
{
	if (s->state == S_CONNECTING) {
		int err = 0;
		socklen_t l = sizeof(err);
		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err) {
			errno = err;
			die("connect");
		}
		char req[512];
		int n = snprintf(req, sizeof(req),
				 "GET /?version=1&format=json&token=%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
				 "Upgrade: websocket\r\nConnection: Upgrade\r\n"
				 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
				 token, port);
		if (send(s->fd, req, (size_t)n, MSG_NOSIGNAL) != n)
			die("send (the upgrade request)");
		s->state = S_HEAD;
		watch(s, EPOLLIN, EPOLL_CTL_MOD);
		return;
	}
	if (s->state == S_HEAD) {
		ssize_t r = recv(s->fd, s->head + s->head_len, sizeof(s->head) - 1 - s->head_len, 0);
		if (r <= 0) {
			if (r < 0 && errno == EAGAIN)
				return;
			errno = 0;
			die("the server closed a connection during the handshake");
		}
		s->head_len += (size_t)r;
		s->head[s->head_len] = 0;
		char *end = strstr(s->head, "\r\n\r\n");
		if (!end) {
			if (s->head_len == sizeof(s->head) - 1)
				die("an answer head over 1 KiB");
			return;
		}
		if (strncmp(s->head, "HTTP/1.1 101", 12) != 0) {
			fprintf(stderr, "ws_load: the upgrade was answered: %.*s\n", (int)(end - s->head), s->head);
			exit(1);
		}
		size_t head = (size_t)(end + 4 - s->head);
		s->extra_len = s->head_len - head;
		s->head_len = head;
		if (wslay_event_context_client_init(&s->ctx, &callbacks, s) != 0)
			die("wslay_event_context_client_init");
		s->state = S_OPEN;
		read_frames(s); /* what came with the head, and since */
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_frames(s);
}

/* Runs the loop once, up to ms. */
static void poll_once(int ms, void (*other)(void *ptr, unsigned events), void *other_ptr)
{
	struct epoll_event evs[256];
	int n = epoll_wait(epfd, evs, 256, ms);
	if (n < 0 && errno != EINTR)
		die("epoll_wait");
	for (int i = 0; i < n; i++) {
		if (other && evs[i].data.ptr == other_ptr)
			other(other_ptr, evs[i].events);
		else
			on_event(evs[i].data.ptr, evs[i].events);
	}
}

/* Opens every session and waits for every Ready. Returns the milliseconds taken. */
static double open_all(void)
{
	long long t0 = now_ns();
	int next = 0;
	while (nready < nsess && !stop) {
		while (next < nsess && nopen - nready < IN_FLIGHT)
			start_connect(&sessions[next++]);
		poll_once(1000, NULL, NULL);
		if (now_ns() - t0 > 120LL * 1000000000LL) {
			errno = 0;
			die("the sessions were not all Ready within 120 s");
		}
	}
	return (double)(now_ns() - t0) / 1e6;
}

/* ---- the HTTP side (fanout) ------------------------------------------------------------- */

static int http_connect(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("connect (HTTP)");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	return fd;
}

struct http {
	int fd;
	char buf[8192];
	size_t len;
	long long done_ns; /* the answer's last bytes reached the socket; 0: not yet */
	long long rx_ns, read_ns;
	int status;
};

/* Reads what is there; true once a whole answer (head and Content-Length body) is in. */
static bool http_read(struct http *h)
{
	ssize_t r = recv_stamped(h->fd, h->buf + h->len, sizeof(h->buf) - 1 - h->len, &h->rx_ns, &h->read_ns);
	if (r == 0 || (r < 0 && errno != EAGAIN)) {
		errno = 0;
		die("the HTTP connection ended");
	}
	if (r > 0)
		h->len += (size_t)r;
	h->buf[h->len] = 0;
	char *end = strstr(h->buf, "\r\n\r\n");
	if (!end)
		return false;
	const char *cl = strcasestr(h->buf, "\r\ncontent-length:");
	size_t body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
	if (h->len < (size_t)(end + 4 - h->buf) + body)
		return false;
	h->status = atoi(h->buf + 9);
	return true;
}

static void http_send(struct http *h, const char *method, const char *body)
{
	char req[1024];
	int n = snprintf(req, sizeof(req),
			 "%s /bots/" BOT_ID " HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nx-session-token: " OWNER_TOKEN
			 "\r\n%s%zu\r\n\r\n%s",
			 method, port, body ? "Content-Type: application/json\r\nContent-Length: " : "Content-Length: ",
			 body ? strlen(body) : 0, body ? body : "");
	h->len = 0;
	h->done_ns = 0;
	if (send(h->fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		die("send (HTTP)");
}

/* The bot's token, from its owner's GET. */
static char *bot_token(struct http *h)
{
	http_send(h, "GET", NULL);
	while (!http_read(h)) {
		struct pollfd p = {h->fd, POLLIN, 0};
		if (poll(&p, 1, 5000) <= 0)
			die("no answer to GET /bots/" BOT_ID);
	}
	char *t = strstr(h->buf, "\"token\":\"");
	if (h->status != 200 || !t) {
		fprintf(stderr, "ws_load: GET /bots/%s answered %d without a token\n", BOT_ID, h->status);
		exit(1);
	}
	t += 9;
	return strndup(t, strcspn(t, "\""));
}

static void on_http(void *ptr, unsigned events)
{
	(void)events;
	struct http *h = ptr;
	if (!h->done_ns && http_read(h))
		h->done_ns = h->rx_ns;
}

/* ---- figures ------------------------------------------------------------------------------ */

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static double pct(const long long *sorted, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return (double)sorted[i] / 1000.0; /* ns -> us */
}

static void print_dist(const char *what, long long *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	printf("%-30s p50 %8.0f  p90 %8.0f  p99 %8.0f  max %8.0f  (us, %zu samples)\n", what, pct(v, n, 50),
	       pct(v, n, 90), pct(v, n, 99), pct(v, n, 100), n);
}

static double cpu_ms_self(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* The server's on-CPU and run-queue wait time (ns), all threads. */
static void server_sched(int pid, double *cpu, double *wait)
{
	*cpu = *wait = 0;
	if (pid <= 0)
		return;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char file[400];
		snprintf(file, sizeof(file), "%s/%s/schedstat", path, e->d_name);
		FILE *f = fopen(file, "r");
		double c, w;
		if (f && fscanf(f, "%lf %lf", &c, &w) == 2) {
			*cpu += c;
			*wait += w;
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

/* ---- the two modes ------------------------------------------------------------------------- */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int hold(void)
{
	double ms = open_all();
	if (stop)
		return 1;
	printf("ready %d %.0f\n", nsess, ms);
	fflush(stdout);
	frames = 0;
	while (!stop)
		poll_once(-1, NULL, NULL);
	printf("held %d frames %llu\n", nsess, frames);
	return 0;
}

static int fanout(int rounds, int server_pid)
{
	struct http h = {.fd = http_connect()};
	token = bot_token(&h);
	double open_ms = open_all();
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &h};
	epoll_ctl(epfd, EPOLL_CTL_ADD, h.fd, &ev);

	size_t cap = (size_t)rounds * (size_t)nsess, n = 0;
	long long *from_send = malloc(cap * sizeof(long long)), *from_answer = malloc(cap * sizeof(long long));
	long long *seen = malloc(cap * sizeof(long long)), *last = malloc((size_t)rounds * sizeof(long long));
	long long *answer = malloc((size_t)rounds * sizeof(long long)), *quiet = malloc(cap * sizeof(long long));
	double *round_wait = malloc((size_t)rounds * sizeof(double));
	if (!from_send || !from_answer || !seen || !last || !answer || !quiet || !round_wait)
		die("out of memory");
	size_t before_answer = 0;
	double cpu0 = 0, scpu0 = 0, swait0 = 0;
	static const char *const bodies[2][2] = {
		{"{\"name\":\"bench_bot-2\",\"public\":true,\"analytics\":false}", "\"username\":\"bench_bot-2\""},
		{"{\"name\":\"bench_bot-3\",\"public\":true,\"analytics\":false}", "\"username\":\"bench_bot-3\""},
	};
	for (int r = -WARMUP_ROUNDS; r < rounds && !stop; r++) {
		if (r == 0) {
			cpu0 = cpu_ms_self();
			server_sched(server_pid, &scpu0, &swait0);
		}
		for (int i = 0; i < nsess; i++)
			sessions[i].got_ns = 0;
		got_this_round = 0;
		expect_name = bodies[(r + WARMUP_ROUNDS) % 2][1];
		double rc0, rw0, rc1, rw1;
		server_sched(server_pid, &rc0, &rw0);
		long long t0 = now_ns();
		http_send(&h, "PATCH", bodies[(r + WARMUP_ROUNDS) % 2][0]);
		while ((got_this_round < nsess || !h.done_ns) && !stop) {
			poll_once(100, on_http, &h);
			if (now_ns() - t0 > ROUND_TIMEOUT_MS * 1000000LL) {
				fprintf(stderr, "ws_load: round %d: %d of %d sessions got the UserUpdate within %d ms%s\n",
					r, got_this_round, nsess, ROUND_TIMEOUT_MS, h.done_ns ? "" : ", no HTTP answer");
				exit(1);
			}
		}
		server_sched(server_pid, &rc1, &rw1);
		if (h.status != 200) {
			fprintf(stderr, "ws_load: the rename was answered %d\n", h.status);
			exit(1);
		}
		if (r >= 0) {
			long long worst = 0;
			for (int i = 0; i < nsess; i++) {
				long long g = sessions[i].got_ns;
				from_send[n] = g - t0;
				from_answer[n] = g - h.done_ns;
				seen[n] = sessions[i].seen_ns - t0;
				before_answer += g < h.done_ns;
				n++;
				worst = g - t0 > worst ? g - t0 : worst;
			}
			last[r] = worst;
			answer[r] = h.done_ns - t0;
			round_wait[r] = (rw1 - rw0) / 1e6;
		}
		long long until = now_ns() + gap_ms * 1000000LL;
		while (now_ns() < until && !stop)
			poll_once(gap_ms, on_http, &h); /* anything else that comes is read */
	}
	double cpu = cpu_ms_self() - cpu0, scpu, swait;
	server_sched(server_pid, &scpu, &swait);
	printf("fanout: %d sessions of HelperBot (all Ready in %.0f ms), %d renames (+%d not counted), %d ms apart%s\n",
	       nsess, open_ms, rounds, WARMUP_ROUNDS, gap_ms, ping_back ? ", each answered with a Ping" : "");
	/* the renames during which the server never waited for its core: what it
	 * does when the machine lets it (the rest follow the machine's load) */
	size_t nq = 0;
	int quiet_rounds = 0;
	for (int r = 0; server_pid > 0 && r < rounds; r++) {
		if (round_wait[r] >= QUIET_WAIT_MS)
			continue;
		quiet_rounds++;
		for (int i = 0; i < nsess; i++)
			quiet[nq++] = from_send[(size_t)r * (size_t)nsess + (size_t)i];
	}
	print_dist("UserUpdate from PATCH sent", from_send, n);
	print_dist("  read by this client", seen, n);
	/* answer-relative figures can be negative: the frame may beat the HTTP answer */
	for (size_t i = 0; i < n; i++)
		from_answer[i] = from_answer[i] < 0 ? 0 : from_answer[i];
	print_dist("UserUpdate from answer read", from_answer, n);
	printf("%-30s %.1f%% (counted as 0 above)\n", "  frames before the answer", 100.0 * (double)before_answer / (double)n);
	print_dist("last session of a round", last, (size_t)rounds);
	print_dist("PATCH answer (round trip)", answer, (size_t)rounds);
	if (server_pid > 0) {
		printf("renames during which the server waited < %.1f ms for its core: %d of %d\n", QUIET_WAIT_MS,
		       quiet_rounds, rounds);
		print_dist("  UserUpdate from PATCH sent", quiet, nq);
	}
	printf("cpu per round: this client %.2f ms", cpu / rounds);
	if (server_pid > 0)
		printf(", server %.2f ms (run-queue wait %.2f ms)", (scpu - scpu0) / 1e6 / rounds,
		       (swait - swait0) / 1e6 / rounds);
	printf("\n");
	printf("RESULT %d %d %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.3f %.3f %.3f %.0f %.0f %d %.0f %.0f\n", nsess, rounds,
	       pct(from_send, n, 50), pct(from_send, n, 99), pct(from_send, n, 100), pct(from_answer, n, 50),
	       pct(from_answer, n, 99), pct(last, (size_t)rounds, 50), pct(answer, (size_t)rounds, 50), cpu / rounds,
	       server_pid > 0 ? (scpu - scpu0) / 1e6 / rounds : 0, server_pid > 0 ? (swait - swait0) / 1e6 / rounds : 0,
	       pct(seen, n, 50), pct(seen, n, 99), quiet_rounds, pct(quiet, nq, 50), pct(quiet, nq, 99));
	free(from_send);
	free(from_answer);
	free(seen);
	free(last);
	free(answer);
	free(quiet);
	free(round_wait);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4 || (strcmp(argv[1], "hold") != 0 && strcmp(argv[1], "fanout") != 0)) {
		fprintf(stderr, "usage: ws_load hold PORT N TOKEN | ws_load fanout PORT N ROUNDS [SERVER_PID] [--gap MS] "
				"[--ping]\n");
		return 2;
	}
	port = (unsigned)atoi(argv[2]);
	nsess = atoi(argv[3]);
	if (nsess <= 0 || !port)
		return 2;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)nsess + 64) { /* as far as allowed */
		rl.rlim_cur = rl.rlim_max < (rlim_t)nsess + 64 ? rl.rlim_max : (rlim_t)nsess + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sessions = calloc((size_t)nsess, sizeof(*sessions));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!sessions || epfd < 0)
		die("start");
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[1], "hold") == 0) {
		if (argc < 5)
			return 2;
		token = argv[4];
		return hold();
	}
	int server_pid = 0;
	for (int i = 5; i < argc; i++) {
		if (strcmp(argv[i], "--ping") == 0)
			ping_back = true;
		else if (strcmp(argv[i], "--gap") == 0 && i + 1 < argc)
			gap_ms = atoi(argv[++i]);
		else
			server_pid = atoi(argv[i]);
	}
	return fanout(atoi(argv[4]), server_pid);
}

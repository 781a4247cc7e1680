/* probe.c: the benchmark's stopwatch for what wrk cannot measure.
 *
 *   probe port
 *       prints a TCP port on 127.0.0.1 that is free right now.
 *   probe wait PORT MS
 *       waits up to MS milliseconds until 127.0.0.1:PORT answers GET / with an
 *       HTTP status line; exit 0 when it did.
 *   probe startup N CMD ARG... (an ARG "{port}" becomes a fresh free port)
 *       starts CMD N times, one after the other; for each start prints
 *       "ms RSS_KB": the wall time from fork() to the first HTTP answer to GET /,
 *       and VmRSS 200 ms after that answer (idle). Each server is stopped with
 *       SIGTERM and reaped before the next one starts.
 *
 * The clock is CLOCK_MONOTONIC; a start that has not answered within 10 s fails.
 * Built by bench/run.sh with cc; used only by the benchmark. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void sleep_us(long us)
{
	struct timespec t = {us / 1000000, (us % 1000000) * 1000};
	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

static unsigned free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || getsockname(fd, (struct sockaddr *)&a, &l)) {
		perror("probe: free port");
		exit(1);
	}
	close(fd);
	return ntohs(a.sin_port);
}

static int connect_to(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	struct timeval tv = {2, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* One GET / on a fresh connection: 1 when an HTTP status line came back. */
static int answers(unsigned port)
{
	int fd = connect_to(port);
	if (fd < 0)
		return 0;
	static const char req[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	char buf[64];
	int ok = write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1) && read(fd, buf, sizeof(buf)) >= 12 &&
		 memcmp(buf, "HTTP/1.", 7) == 0;
	close(fd);
	return ok;
}

static long vm_rss_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int startup(int n, int argc, char **argv)
{
	for (int i = 0; i < n; i++) {
		unsigned port = free_port();
		char portstr[16];
		snprintf(portstr, sizeof(portstr), "%u", port);
		char **args = calloc((size_t)argc + 1, sizeof(char *));
		for (int k = 0; k < argc; k++)
			args[k] = strcmp(argv[k], "{port}") == 0 ? portstr : argv[k];
		double t0 = now_us();
		pid_t pid = fork();
		if (pid == 0) {
			if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
				_exit(127);
			execvp(args[0], args);
			_exit(127);
		}
		free(args);
		double t1 = 0;
		while (now_us() - t0 < 10e6) {
			if (answers(port)) {
				t1 = now_us();
				break;
			}
			if (waitpid(pid, NULL, WNOHANG) == pid) {
				fprintf(stderr, "probe: '%s' exited before answering (run it by hand to see why)\n", argv[0]);
				return 1;
			}
			sleep_us(100);
		}
		long rss = -1;
		if (t1 > 0) {
			sleep_us(200000);
			rss = vm_rss_kb(pid);
		}
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		if (t1 == 0) {
			fprintf(stderr, "probe: '%s' did not answer within 10 s\n", argv[0]);
			return 1;
		}
		printf("%.3f %ld\n", (t1 - t0) / 1000.0, rss);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "port") == 0) {
		printf("%u\n", free_port());
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "wait") == 0) {
		unsigned port = (unsigned)atoi(argv[2]);
		double until = now_us() + atof(argv[3]) * 1000;
		while (now_us() < until) {
			if (answers(port))
				return 0;
			sleep_us(2000);
		}
		return 1;
	}
	if (argc >= 4 && strcmp(argv[1], "startup") == 0)
		return startup(atoi(argv[2]), argc - 3, argv + 3);
	fprintf(stderr, "usage: probe port | wait PORT MS | startup N CMD ARG...\n");
	return 2;
}

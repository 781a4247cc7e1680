/* test_wire_golden.c: runs the golden wire tables (tests/wire, *.txt) against a
 * real stoat-mock over raw TCP, in both --auth-errors modes.
 *
 * Each case sends exactly the request bytes its table gives (plus Host,
 * Connection: close and a computed Content-Length when those are missing) and
 * compares the status code, the listed headers and the body byte for byte. The
 * only wildcards are the {{...}} patterns a table writes where the real server's
 * value is documented as variable (tokens, new ids, Date, the rate-limit reset
 * time). The table format is described in tests/wire/README.md.
 *
 * No check, no libcurl: plain sockets, so that the status line and header bytes
 * are what the server wrote. Environment: STOAT_MOCK_BIN (default
 * build/stoat-mock), STOAT_WIRE_DIR (default: ../wire next to this file),
 * STOAT_WIRE_FILTER (only cases whose name contains it), STOAT_WIRE_VERBOSE=1. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- small growable buffer -------------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const void *d, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			perror("realloc");
			exit(2);
		}
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void buf_adds(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_addf(struct buf *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_add(b, tmp, n < 0 ? 0 : (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		exit(2);
	return d;
}

/* ---- the table ---------------------------------------------------------------------- */

enum mode { MODE_DOCUMENTED, MODE_ROCKET, NMODES };
static const char *const mode_names[NMODES] = {"documented", "rocket"};

struct hdr {
	char *name;
	char *value; /* NULL: must be absent */
};

struct expect {
	bool set;
	int status;
	struct hdr *hdrs;
	size_t nhdrs;
	bool has_body;
	struct buf body;
};

struct wcase {
	char *name, *source, *file;
	int line;
	bool fresh, no_always;
	struct buf request_head; /* request line + header lines, CRLF each, no blank line */
	struct buf request_body;
	bool has_body;
	struct expect exp[NMODES];
};

struct wfile {
	char *path;
	char *server_args; /* extra arguments, may be "" */
	struct hdr *always;
	size_t nalways;
	struct wcase *cases;
	size_t ncases;
};

struct define {
	char *name;
	struct buf text;
};

static struct define *defines;
static size_t ndefines;

static const struct buf *define_get(const char *name)
{
	for (size_t i = 0; i < ndefines; i++)
		if (strcmp(defines[i].name, name) == 0)
			return &defines[i].text;
	return NULL;
}

static int hexv(int c)
{
	return isdigit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Escapes of "~" lines: \xHH \r \n \t \\ */
static void add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			buf_add(b, s, 1);
			continue;
		}
		s++;
		char c;
		switch (*s) {
		case 'r': c = '\r'; break;
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'x':
			if (hexv(s[1]) >= 0 && hexv(s[2]) >= 0) {
				c = (char)(hexv(s[1]) * 16 + hexv(s[2]));
				s += 2;
				break;
			}
			/* fall through */
		default: c = *s;
		}
		buf_add(b, &c, 1);
	}
}

static void die_at(const char *file, int line, const char *msg)
{
	fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	exit(2);
}

static void hdr_parse(const char *s, struct hdr *h, const char *file, int line)
{
	if (s[0] == '!') {
		h->name = xstrdup(s + 1);
		h->value = NULL;
		return;
	}
	const char *colon = strchr(s, ':');
	if (!colon)
		die_at(file, line, "expected 'name: value' or '!name'");
	h->name = strndup(s, (size_t)(colon - s));
	const char *v = colon + 1;
	while (*v == ' ')
		v++;
	h->value = xstrdup(v);
}

/* Appends one body line: '\n' between lines. */
static void body_line(struct buf *b, bool *started, const char *text, bool escaped)
{
	if (*started)
		buf_adds(b, "\n");
	*started = true;
	if (escaped)
		add_escaped(b, text);
	else
		buf_adds(b, text);
}

static void load_file(const char *path, struct wfile *wf)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	memset(wf, 0, sizeof(*wf));
	wf->path = xstrdup(path);
	wf->server_args = xstrdup("");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;
	struct wcase *c = NULL;
	struct define *def = NULL;
	bool def_started = false;
	/* request parsing state */
	bool in_body = false, body_started = false;
	/* expectation parsing state */
	int emode = -1; /* -1 none, 0/1 one mode, 2 both */
	bool ebody = false, ebody_started = false;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (def) {
			if (strcmp(line, "@end") == 0) {
				def = NULL;
				continue;
			}
			body_line(&def->text, &def_started, line, false);
			continue;
		}
		if (line[0] == '#' || (n == 0 && !c))
			continue;
		if (strncmp(line, "@define ", 8) == 0) {
			defines = realloc(defines, (ndefines + 1) * sizeof(*defines));
			def = &defines[ndefines++];
			memset(def, 0, sizeof(*def));
			def->name = xstrdup(line + 8);
			buf_adds(&def->text, "");
			def_started = false;
			continue;
		}
		if (strncmp(line, "@server", 7) == 0 && !c) {
			free(wf->server_args);
			wf->server_args = xstrdup(line[7] ? line + 8 : "");
			continue;
		}
		if (strncmp(line, "@always ", 8) == 0 && !c) {
			wf->always = realloc(wf->always, (wf->nalways + 1) * sizeof(*wf->always));
			hdr_parse(line + 8, &wf->always[wf->nalways++], path, lineno);
			continue;
		}
		if (strncmp(line, "=== ", 4) == 0) {
			wf->cases = realloc(wf->cases, (wf->ncases + 1) * sizeof(*wf->cases));
			c = &wf->cases[wf->ncases++];
			memset(c, 0, sizeof(*c));
			c->name = xstrdup(line + 4);
			c->file = wf->path;
			c->line = lineno;
			in_body = body_started = false;
			emode = -1;
			continue;
		}
		if (!c) {
			if (n)
				die_at(path, lineno, "text outside a case");
			continue;
		}
		if (n == 0)
			continue;
		if (strncmp(line, "source: ", 8) == 0) {
			c->source = xstrdup(line + 8);
		} else if (strncmp(line, "flags: ", 7) == 0) {
			c->fresh = strstr(line, "fresh") != NULL;
			c->no_always = strstr(line, "no-always") != NULL;
		} else if (line[0] == '>') {
			/* "> text", ">" (end of headers), ">~ escaped", ">@repeat N text" */
			if (emode >= 0)
				die_at(path, lineno, "request line after the expectation");
			if (strcmp(line, ">") == 0 && !in_body) {
				in_body = true;
				c->has_body = true;
				continue;
			}
			if (!in_body) {
				struct buf tmp = {0};
				if (line[1] == '~')
					add_escaped(&tmp, line + 3);
				else
					buf_adds(&tmp, line + 2);
				buf_add(&c->request_head, tmp.p ? tmp.p : "", tmp.len);
				buf_adds(&c->request_head, "\r\n");
				free(tmp.p);
			} else if (strncmp(line, ">@repeat ", 9) == 0) {
				/* appended with no newline: TEXT N times */
				char *end;
				long count = strtol(line + 9, &end, 10);
				const char *text = *end == ' ' ? end + 1 : end;
				for (long i = 0; i < count; i++)
					buf_adds(&c->request_body, text);
				body_started = true;
			} else if (strncmp(line, ">@append ", 9) == 0) {
				buf_adds(&c->request_body, line + 9); /* no newline before it */
				body_started = true;
			} else {
				body_line(&c->request_body, &body_started, line[1] == '~' ? line + 3 : line + 2,
					  line[1] == '~');
			}
		} else if (strncmp(line, "<<< ", 4) == 0) {
			const char *m = line + 4;
			emode = strcmp(m, "both") == 0 ? 2 : strcmp(m, "documented") == 0 ? 0 : strcmp(m, "rocket") == 0 ? 1 : -2;
			if (emode == -2)
				die_at(path, lineno, "expected <<< both|documented|rocket");
			for (int k = 0; k < NMODES; k++)
				if (emode == 2 || emode == k) {
					if (c->exp[k].set)
						die_at(path, lineno, "two expectations for one mode");
					c->exp[k].set = true;
				}
			ebody = ebody_started = false;
		} else if (line[0] == '<') {
			if (emode < 0)
				die_at(path, lineno, "expectation line before <<<");
			const char *t = strcmp(line, "<") == 0 ? NULL : line[1] == '~' ? line + 3 : line + 2;
			for (int k = 0; k < NMODES; k++) {
				if (!(emode == 2 || emode == k))
					continue;
				struct expect *e = &c->exp[k];
				if (ebody) {
					if (t && strncmp(t, "@body ", 6) == 0) {
						const struct buf *d = define_get(t + 6);
						if (!d)
							die_at(path, lineno, "unknown @body name");
						if (ebody_started)
							buf_adds(&e->body, "\n");
						buf_add(&e->body, d->p, d->len);
					} else {
						struct buf *b = &e->body;
						if (ebody_started)
							buf_adds(b, "\n");
						if (t && line[1] == '~')
							add_escaped(b, t);
						else if (t)
							buf_adds(b, t);
					}
				} else if (!t) {
					e->has_body = true;
					buf_adds(&e->body, "");
				} else if (!e->status) {
					e->status = atoi(t);
					if (e->status < 100)
						die_at(path, lineno, "the first expectation line is the status code");
				} else {
					e->hdrs = realloc(e->hdrs, (e->nhdrs + 1) * sizeof(*e->hdrs));
					hdr_parse(t, &e->hdrs[e->nhdrs++], path, lineno);
				}
			}
			if (ebody)
				ebody_started = true;
			else if (!t)
				ebody = true;
		} else {
			die_at(path, lineno, "unexpected line");
		}
	}
	free(line);
	fclose(f);
	for (size_t i = 0; i < wf->ncases; i++) {
		struct wcase *w = &wf->cases[i];
		if (!w->source || !w->request_head.len || !w->exp[0].set || !w->exp[1].set)
			die_at(path, w->line, "a case needs source:, a request and an expectation for both modes");
	}
}

static void hdrs_free(struct hdr *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

static void wfile_release(struct wfile *wf)
{
	for (size_t i = 0; i < wf->ncases; i++) {
		struct wcase *c = &wf->cases[i];
		free(c->name);
		free(c->source);
		free(c->request_head.p);
		free(c->request_body.p);
		for (int m = 0; m < NMODES; m++) {
			hdrs_free(c->exp[m].hdrs, c->exp[m].nhdrs);
			free(c->exp[m].body.p);
		}
	}
	free(wf->cases);
	hdrs_free(wf->always, wf->nalways);
	free(wf->server_args);
	free(wf->path);
}

/* ---- patterns ------------------------------------------------------------------------- */

/* {{ANY}} any bytes; {{NUM}} digits; {{ULID}} 26 Crockford digits; {{TOKEN}} 64
 * nanoid symbols; {{HEX}} hex digits. Everything else is literal. */
static bool match(const char *p, const char *pe, const char *s, const char *se)
{
	while (p < pe) {
		if (pe - p >= 4 && memcmp(p, "{{", 2) == 0) {
			const char *close = memmem(p, (size_t)(pe - p), "}}", 2);
			if (close) {
				size_t kl = (size_t)(close - p - 2);
				const char *k = p + 2, *rest = close + 2;
				if (kl == 3 && memcmp(k, "ANY", 3) == 0) {
					for (const char *t = s; t <= se; t++)
						if (match(rest, pe, t, se))
							return true;
					return false;
				}
				if (kl == 3 && memcmp(k, "NUM", 3) == 0) {
					const char *t = s;
					while (t < se && isdigit((unsigned char)*t))
						t++;
					for (const char *u = t; u > s; u--)
						if (match(rest, pe, u, se))
							return true;
					return false;
				}
				if (kl == 4 && memcmp(k, "ULID", 4) == 0) {
					if (se - s < 26)
						return false;
					for (int i = 0; i < 26; i++)
						if (!strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", s[i]) || !s[i])
							return false;
					s += 26;
					p = rest;
					continue;
				}
				if (kl == 5 && memcmp(k, "TOKEN", 5) == 0) {
					if (se - s < 64)
						return false;
					for (int i = 0; i < 64; i++)
						if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
							return false;
					s += 64;
					p = rest;
					continue;
				}
			}
		}
		if (s >= se || *p != *s)
			return false;
		p++;
		s++;
	}
	return s == se;
}

static bool matches(const char *pattern, const char *s, size_t n)
{
	return match(pattern, pattern + strlen(pattern), s, s + n);
}

/* ---- the server ------------------------------------------------------------------------ */

struct server {
	pid_t pid;
	unsigned port;
};

static const char *bin;
static char crowded_path[64];
static char errlog[64]; /* the server's stderr (sanitizer reports end up here) */

/* The @crowded fixture: the name "Full" has every assignable discriminator in use
 * (REAL: users/model.rs DISCRIMINATOR_SEARCH_SPACE, 0002..9998 minus eleven),
 * "Taken" all but 0042, "Clash" only 0042; alice with her session and HelperBot. */
static bool assignable(int d)
{
	static const int banned[] = {123, 1234, 1111, 2222, 3333, 4444, 5555, 6666, 7777, 8888, 1488};
	if (d < 2 || d > 9998)
		return false;
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (d == banned[i])
			return false;
	return true;
}

static void write_crowded(void)
{
	if (crowded_path[0])
		return;
	snprintf(crowded_path, sizeof(crowded_path), "/tmp/stoat-wire-crowded-%d.json", (int)getpid());
	FILE *f = fopen(crowded_path, "w");
	if (!f) {
		perror(crowded_path);
		exit(2);
	}
	fprintf(f, "{\"users\":[{\"_id\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\",\"username\":\"alice\",\"discriminator\":"
		   "\"0001\",\"sessions\":[{\"token\":\"alice-session\"}]}");
	int n = 0;
	for (int d = 0; d < 10000; d++) {
		if (!assignable(d))
			continue;
		fprintf(f, ",{\"_id\":\"01K0CR0WD000000000000%05d\",\"username\":\"Full\",\"discriminator\":\"%04d\"}", n++, d);
		if (d != 42)
			fprintf(f, ",{\"_id\":\"01K0CR0WD000000000000%05d\",\"username\":\"Taken\",\"discriminator\":\"%04d\"}",
				n++, d);
	}
	fprintf(f, ",{\"_id\":\"01K0CR0WD000000000000%05d\",\"username\":\"Clash\",\"discriminator\":\"0042\"}", n++);
	fprintf(f, "],\"bots\":[{\"_id\":\"01J0H3HPB0T5T0KEN000000AAA\",\"owner\":\"01HZ5W2X8A1B3C4D5E6F7G8H9J\","
		   "\"username\":\"HelperBot\",\"discriminator\":\"4821\",\"token\":"
		   "\"DhM47aI5p29RP6s9Q5dq5M4q3fzPgdBlbmJa65oZQCVUIAtlt8AZFTy7dPjFhYP3\",\"public\":false}]}");
	if (fclose(f)) {
		perror(crowded_path);
		exit(2);
	}
}

static int server_start(struct server *s, enum mode mode, const char *args, const char *dir)
{
	char *argv[64];
	int argc = 0;
	argv[argc++] = (char *)bin;
	argv[argc++] = "--port";
	argv[argc++] = "0";
	argv[argc++] = "--quiet";
	argv[argc++] = "--auth-errors";
	argv[argc++] = (char *)mode_names[mode];
	char *copy = xstrdup(args), *save = NULL;
	static char fixture[4096];
	for (char *t = strtok_r(copy, " ", &save); t && argc < 60; t = strtok_r(NULL, " ", &save)) {
		if (strcmp(t, "@crowded") == 0) {
			write_crowded();
			t = crowded_path;
		} else if (strncmp(t, "@wire/", 6) == 0) {
			snprintf(fixture, sizeof(fixture), "%s/%s", dir, t + 6);
			t = fixture;
		}
		argv[argc++] = t;
	}
	argv[argc] = NULL;
	/* stdout goes to a file the first line (with the port) is read from */
	char outpath[64];
	snprintf(outpath, sizeof(outpath), "/tmp/stoat-wire-out-%d", (int)getpid());
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		FILE *o = freopen(outpath, "w", stdout);
		FILE *e = freopen(errlog, "w", stderr);
		(void)o;
		(void)e;
		execv(bin, argv);
		perror(bin);
		_exit(127);
	}
	free(copy);
	char line[1024] = "";
	for (int tries = 0; tries < 500; tries++) {
		FILE *f = fopen(outpath, "r");
		bool got = f && fgets(line, sizeof(line), f) && strchr(line, '\n');
		if (f)
			fclose(f);
		if (got)
			break;
		line[0] = 0;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	unlink(outpath);
	const char *p = strstr(line, "listening on http://");
	const char *colon = p ? strchr(p + 20, ':') : NULL;
	if (!colon) {
		fprintf(stderr, "%s did not start (first line: '%s')\n", bin, line);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	s->pid = pid;
	s->port = (unsigned)atoi(colon + 1);
	return 0;
}

/* SIGTERM, wait; 0 when the server exited cleanly, else -1 with its stderr shown
 * (a sanitizer report, a crash). */
static int server_stop(struct server *s)
{
	if (s->pid <= 0)
		return 0;
	kill(s->pid, SIGTERM);
	int st = 0;
	waitpid(s->pid, &st, 0);
	s->pid = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	fprintf(stderr, "stoat-mock exited badly (status %d); its stderr:\n", st);
	FILE *f = fopen(errlog, "r");
	char line[1024];
	while (f && fgets(line, sizeof(line), f))
		fputs(line, stderr);
	if (f)
		fclose(f);
	return -1;
}

/* ---- one exchange ----------------------------------------------------------------------- */

struct response {
	int status;
	char *raw;
	size_t rawlen;
	struct hdr *hdrs;
	size_t nhdrs;
	const char *body;
	size_t bodylen;
};

static bool has_header(const struct buf *head, const char *name)
{
	size_t nl = strlen(name);
	const char *p = strstr(head->p, "\r\n");
	while (p && p[2]) {
		p += 2;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':')
			return true;
		p = strstr(p, "\r\n");
	}
	return false;
}

static int exchange(const struct server *s, const struct wcase *c, struct response *r)
{
	memset(r, 0, sizeof(*r));
	struct buf req = {0};
	buf_add(&req, c->request_head.p, c->request_head.len);
	if (!has_header(&c->request_head, "host"))
		buf_addf(&req, "Host: 127.0.0.1:%u\r\n", s->port);
	if (!has_header(&c->request_head, "connection"))
		buf_adds(&req, "Connection: close\r\n");
	if (c->has_body && !has_header(&c->request_head, "content-length") &&
	    !has_header(&c->request_head, "transfer-encoding"))
		buf_addf(&req, "Content-Length: %zu\r\n", c->request_body.len);
	buf_adds(&req, "\r\n");
	if (c->has_body)
		buf_add(&req, c->request_body.p ? c->request_body.p : "", c->request_body.len);

	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)s->port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		free(req.p);
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	size_t off = 0;
	while (off < req.len) {
		ssize_t w = write(fd, req.p + off, req.len - off);
		if (w <= 0)
			break; /* the server may answer (and close) before reading everything */
		off += (size_t)w;
	}
	free(req.p);
	struct buf in = {0};
	for (;;) {
		struct pollfd pf = {fd, POLLIN, 0};
		if (poll(&pf, 1, 10000) <= 0)
			break;
		char b[65536];
		ssize_t got = read(fd, b, sizeof(b));
		if (got <= 0)
			break;
		buf_add(&in, b, (size_t)got);
	}
	close(fd);
	r->raw = in.p;
	r->rawlen = in.len;
	if (!in.p || strncmp(in.p, "HTTP/1.", 7) != 0)
		return -1;
	r->status = atoi(in.p + 9);
	char *end = memmem(in.p, in.len, "\r\n\r\n", 4);
	if (!end)
		return -1;
	char *p = strstr(in.p, "\r\n") + 2;
	while (p < end + 2) {
		char *eol = strstr(p, "\r\n");
		char *colon = memchr(p, ':', (size_t)(eol - p));
		if (colon) {
			r->hdrs = realloc(r->hdrs, (r->nhdrs + 1) * sizeof(*r->hdrs));
			r->hdrs[r->nhdrs].name = strndup(p, (size_t)(colon - p));
			const char *v = colon + 1;
			while (*v == ' ')
				v++;
			r->hdrs[r->nhdrs].value = strndup(v, (size_t)(eol - v));
			r->nhdrs++;
		}
		p = eol + 2;
	}
	r->body = end + 4;
	r->bodylen = in.len - (size_t)(r->body - in.p);
	return 0;
}

static void response_release(struct response *r)
{
	for (size_t i = 0; i < r->nhdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	free(r->hdrs);
	free(r->raw);
}

/* Every response header of that name must match the expected values, in order
 * and as many; an expected NULL value means "absent". */
static bool check_header(const struct response *r, const struct hdr *want, size_t nwant, const char *name,
			 struct buf *why)
{
	size_t k = 0;
	bool absent = false;
	for (size_t i = 0; i < nwant; i++)
		if (strcasecmp(want[i].name, name) == 0 && !want[i].value)
			absent = true;
	bool ok = true;
	size_t got = 0;
	for (size_t i = 0; i < r->nhdrs; i++) {
		if (strcasecmp(r->hdrs[i].name, name) != 0)
			continue;
		got++;
		if (absent) {
			buf_addf(why, "  header %s: expected absent, got '%s'\n", name, r->hdrs[i].value);
			ok = false;
			continue;
		}
		while (k < nwant && strcasecmp(want[k].name, name) != 0)
			k++;
		if (k == nwant) {
			buf_addf(why, "  header %s: unexpected extra value '%s'\n", name, r->hdrs[i].value);
			ok = false;
			continue;
		}
		if (!matches(want[k].value, r->hdrs[i].value, strlen(r->hdrs[i].value))) {
			buf_addf(why, "  header %s: expected '%s', got '%s'\n", name, want[k].value, r->hdrs[i].value);
			ok = false;
		}
		k++;
	}
	if (!absent) {
		size_t expected = 0;
		for (size_t i = 0; i < nwant; i++)
			expected += strcasecmp(want[i].name, name) == 0;
		if (got < expected) {
			buf_addf(why, "  header %s: expected %zu value(s), got %zu\n", name, expected, got);
			ok = false;
		}
	}
	return ok;
}

static bool check(const struct wfile *wf, const struct wcase *c, const struct expect *e, const struct response *r,
		  struct buf *why)
{
	bool ok = true;
	if (r->status != e->status) {
		buf_addf(why, "  status: expected %d, got %d\n", e->status, r->status);
		ok = false;
	}
	/* the file's @always headers, unless the case lists that header itself */
	struct hdr *all = NULL;
	size_t nall = 0;
	all = malloc((e->nhdrs + wf->nalways + 1) * sizeof(*all));
	for (size_t i = 0; i < e->nhdrs; i++)
		all[nall++] = e->hdrs[i];
	if (!c->no_always)
		for (size_t i = 0; i < wf->nalways; i++) {
			bool listed = false;
			for (size_t k = 0; k < e->nhdrs; k++)
				listed = listed || strcasecmp(e->hdrs[k].name, wf->always[i].name) == 0;
			if (!listed)
				all[nall++] = wf->always[i];
		}
	for (size_t i = 0; i < nall; i++) {
		bool first = true;
		for (size_t k = 0; k < i; k++)
			first = first && strcasecmp(all[k].name, all[i].name) != 0;
		if (first)
			ok = check_header(r, all, nall, all[i].name, why) && ok;
	}
	free(all);
	if (e->has_body) {
		const char *want = e->body.p ? e->body.p : "";
		if (!matches(want, r->body, r->bodylen)) {
			buf_addf(why, "  body: expected\n%s\n  got\n%.*s\n", want, (int)r->bodylen, r->body);
			ok = false;
		}
	}
	return ok;
}

/* ---- main ---------------------------------------------------------------------------------- */

static char *tables_dir(void)
{
	const char *env = getenv("STOAT_WIRE_DIR");
	if (env && *env)
		return xstrdup(env);
	char *d = xstrdup(__FILE__);
	char *slash = strrchr(d, '/');
	if (!slash)
		return xstrdup("tests/wire");
	*slash = 0; /* .../tests/http */
	slash = strrchr(d, '/');
	if (slash)
		*slash = 0; /* .../tests */
	char *out;
	if (asprintf(&out, "%s/wire", slash ? d : ".") < 0)
		exit(2);
	free(d);
	return out;
}

int main(void)
{
	bin = getenv("STOAT_MOCK_BIN");
	if (!bin || !*bin)
		bin = "build/stoat-mock";
	const char *filter = getenv("STOAT_WIRE_FILTER");
	bool verbose = getenv("STOAT_WIRE_VERBOSE") && atoi(getenv("STOAT_WIRE_VERBOSE"));
	char *dir = tables_dir();
	char pattern[4200];
	snprintf(pattern, sizeof(pattern), "%s/*.txt", dir);
	glob_t g;
	if (glob(pattern, 0, NULL, &g) || g.gl_pathc == 0) {
		fprintf(stderr, "no golden tables in %s\n", dir);
		return 2;
	}
	struct wfile *files = calloc(g.gl_pathc, sizeof(*files));
	size_t ncases = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		load_file(g.gl_pathv[i], &files[i]);
		ncases += files[i].ncases;
	}
	int passed[NMODES] = {0}, failed[NMODES] = {0}, run[NMODES] = {0}, crashed = 0;
	snprintf(errlog, sizeof(errlog), "/tmp/stoat-wire-err-%d", (int)getpid());
	for (int m = 0; m < NMODES; m++) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct wfile *wf = &files[i];
			if (!wf->ncases)
				continue;
			struct server s = {0};
			bool need_start = true;
			for (size_t k = 0; k < wf->ncases; k++) {
				struct wcase *c = &wf->cases[k];
				if (filter && !strstr(c->name, filter))
					continue;
				if (c->fresh && s.pid) {
					if (server_stop(&s))
						crashed++;
					need_start = true;
				}
				if (need_start) {
					if (server_start(&s, (enum mode)m, wf->server_args, dir)) {
						fprintf(stderr, "%s: cannot start %s\n", wf->path, bin);
						return 2;
					}
					need_start = false;
				}
				struct response r;
				struct buf why = {0};
				run[m]++;
				bool ok = exchange(&s, c, &r) == 0 && check(wf, c, &c->exp[m], &r, &why);
				const char *base = strrchr(c->file, '/');
				if (ok) {
					passed[m]++;
					if (verbose)
						printf("ok   [%s] %s:%d %s\n", mode_names[m], base ? base + 1 : c->file, c->line,
						       c->name);
				} else {
					failed[m]++;
					printf("FAIL [%s] %s:%d %s\n  source: %s\n%s", mode_names[m], base ? base + 1 : c->file,
					       c->line, c->name, c->source, why.p ? why.p : "  (no answer)\n");
					if (verbose && r.raw)
						printf("  raw answer:\n%.*s\n", (int)(r.rawlen > 4000 ? 4000 : r.rawlen), r.raw);
				}
				free(why.p);
				response_release(&r);
			}
			if (server_stop(&s))
				crashed++;
		}
	}
	if (crowded_path[0])
		unlink(crowded_path);
	unlink(errlog);
	for (int m = 0; m < NMODES; m++)
		printf("golden wire table, %s mode: %d/%d passed\n", mode_names[m], passed[m], run[m]);
	if (crashed)
		printf("golden wire table: the server exited badly %d time(s)\n", crashed);
	(void)ncases;
	for (size_t i = 0; i < g.gl_pathc; i++)
		wfile_release(&files[i]);
	free(files);
	for (size_t i = 0; i < ndefines; i++) {
		free(defines[i].name);
		free(defines[i].text.p);
	}
	free(defines);
	globfree(&g);
	free(dir);
	return failed[0] || failed[1] || crashed ? 1 : 0;
}

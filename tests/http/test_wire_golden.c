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
 * Three additions let a table carry what the bots edit/create/delete suites used
 * to write in C: a generated value is named where it is matched ({{TOKEN=tok}})
 * and used again in a later request or answer ({{=tok}}), or must differ from a
 * named one ({{TOKEN!=tok}}); a probe (cases marked "probe: NAME") runs after
 * every case that says "then: NAME", so "and nothing was stored" is one line;
 * and an expected body can repeat text (<@repeat N TEXT) as a request can.
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
	char *probe; /* run only after the cases that name it in then: */
	char *then;  /* the probe to run after this case, or NULL */
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
	struct hdr *lets; /* @let NAME VALUE: variables every server of the file starts with */
	size_t nlets;
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

/* ---- patterns and variables -------------------------------------------------------------- */

/* REAL: users/model.rs DISCRIMINATOR_SEARCH_SPACE: 0002..9998 minus eleven. Read by
 * {{DISCRIMINATOR}} and by the @crowded fixture. */
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

/* Variables: bound by {{KIND=name}} where an answer matches, or by @let; read by
 * {{=name}} in later requests and answers and by {{KIND!=name}}. Every server
 * starts with its file's @let values only, so a name never outlives the state
 * that produced it. A NULL value is unbound. */
struct var {
	char *name, *value;
};
static struct var vars[64];
static size_t nvars;
static char unbound[64]; /* a name read before it had a value, for the report */

static struct var *var_find(const char *name, size_t n)
{
	for (size_t i = 0; i < nvars; i++)
		if (strlen(vars[i].name) == n && memcmp(vars[i].name, name, n) == 0)
			return &vars[i];
	return NULL;
}

static const char *var_value(const char *name, size_t n)
{
	const struct var *v = var_find(name, n);
	if (v && v->value)
		return v->value;
	snprintf(unbound, sizeof(unbound), "%.*s", (int)n, name);
	return NULL;
}

static struct var *var_slot(const char *name, size_t n)
{
	struct var *v = var_find(name, n);
	if (v)
		return v;
	if (nvars == sizeof(vars) / sizeof(vars[0])) {
		fprintf(stderr, "more than %zu variable names\n", nvars);
		exit(2);
	}
	v = &vars[nvars++];
	v->name = strndup(name, n);
	v->value = NULL;
	return v;
}

static void vars_reset(const struct wfile *wf)
{
	for (size_t i = 0; i < nvars; i++) {
		free(vars[i].value);
		vars[i].value = NULL;
	}
	for (size_t i = 0; i < wf->nlets; i++) {
		struct var *v = var_slot(wf->lets[i].name, strlen(wf->lets[i].name));
		v->value = xstrdup(wf->lets[i].value);
	}
}

/* One placeholder: {{KIND}}; {{KIND=a}} (match, then bind a); {{KIND!=b}} (match,
 * and differ from b's value); {{KIND=a!=b}} (both); {{=a}} (exactly a's value).
 * KIND: ANY, NUM, ULID, TOKEN, DISCRIMINATOR. Anything else between {{ and }} is
 * literal text. */
enum kind { K_NONE, K_ANY, K_NUM, K_ULID, K_TOKEN, K_DISCRIMINATOR };

struct name {
	const char *p;
	size_t n; /* 0: none */
};

struct ph {
	enum kind kind; /* K_NONE: a recall, {{=name}} */
	struct name bind, differ, recall;
	const char *end; /* after the closing }} */
};

/* A name ([A-Za-z0-9_]+) at *k, before end; advances *k past it. */
static bool name_at(const char **k, const char *end, struct name *out)
{
	out->p = *k;
	while (*k < end && (isalnum((unsigned char)**k) || **k == '_'))
		(*k)++;
	out->n = (size_t)(*k - out->p);
	return out->n > 0;
}

static bool placeholder(const char *p, const char *pe, struct ph *ph)
{
	static const struct {
		const char *word;
		enum kind kind;
	} kinds[] = {{"ANY", K_ANY}, {"NUM", K_NUM}, {"ULID", K_ULID}, {"TOKEN", K_TOKEN},
		     {"DISCRIMINATOR", K_DISCRIMINATOR}};
	if (pe - p < 5 || memcmp(p, "{{", 2) != 0)
		return false;
	const char *close = memmem(p + 2, (size_t)(pe - p - 2), "}}", 2);
	if (!close)
		return false;
	memset(ph, 0, sizeof(*ph));
	ph->end = close + 2;
	const char *k = p + 2;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t wl = strlen(kinds[i].word);
		if ((size_t)(close - k) >= wl && memcmp(k, kinds[i].word, wl) == 0) {
			ph->kind = kinds[i].kind;
			k += wl;
			break;
		}
	}
	if (!ph->kind) {
		k++; /* {{=name}} */
		return p[2] == '=' && name_at(&k, close, &ph->recall) && k == close;
	}
	if (k < close && *k == '=' && (k++, !name_at(&k, close, &ph->bind)))
		return false;
	if (close - k >= 2 && k[0] == '!' && k[1] == '=' && (k += 2, !name_at(&k, close, &ph->differ)))
		return false;
	return k == close;
}

/* The ends a placeholder of this kind may have on the text at s, walked from first
 * to last by step: {{ANY}} shortest first, {{NUM}} longest first, the others have
 * one length. False when there is none. */
static bool kind_span(enum kind kind, const char *s, const char *se, const char **first, const char **last,
		      int *step)
{
	size_t n = 0;
	const char *alphabet = NULL;
	*step = 1;
	switch (kind) {
	case K_ANY:
		*first = s;
		*last = se;
		return true;
	case K_NUM: {
		const char *t = s;
		while (t < se && isdigit((unsigned char)*t))
			t++;
		*first = t;
		*last = s + 1;
		*step = -1;
		return t > s;
	}
	case K_ULID: n = 26, alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; break;
	case K_TOKEN:
		n = 64, alphabet = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
		break;
	case K_DISCRIMINATOR: n = 4, alphabet = "0123456789"; break;
	case K_NONE: return false;
	}
	if ((size_t)(se - s) < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(alphabet, s[i]))
			return false;
	if (kind == K_DISCRIMINATOR && !assignable(atoi(s)))
		return false;
	*first = *last = s + n;
	return true;
}

static bool match(const char *p, const char *pe, const char *s, const char *se);

/* A {{KIND...}} at s, then the rest of the pattern; a binding is undone when the
 * rest does not match. */
static bool match_kind(const struct ph *ph, const char *pe, const char *s, const char *se)
{
	const char *first, *last, *other = NULL;
	int step;
	if (!kind_span(ph->kind, s, se, &first, &last, &step))
		return false;
	if (ph->differ.n && !(other = var_value(ph->differ.p, ph->differ.n)))
		return false;
	for (const char *t = first;; t += step) {
		size_t n = (size_t)(t - s);
		bool same = other && strlen(other) == n && memcmp(other, s, n) == 0;
		if (!same && ph->bind.n) {
			struct var *v = var_slot(ph->bind.p, ph->bind.n);
			char *old = v->value;
			v->value = strndup(s, n);
			if (match(ph->end, pe, t, se)) {
				free(old);
				return true;
			}
			free(v->value);
			v->value = old;
		} else if (!same && match(ph->end, pe, t, se)) {
			return true;
		}
		if (t == last)
			return false;
	}
}

static bool match(const char *p, const char *pe, const char *s, const char *se)
{
	while (p < pe) {
		struct ph ph;
		if (placeholder(p, pe, &ph)) {
			if (ph.kind)
				return match_kind(&ph, pe, s, se);
			const char *v = var_value(ph.recall.p, ph.recall.n);
			size_t n = v ? strlen(v) : 0;
			if (!v || (size_t)(se - s) < n || memcmp(s, v, n) != 0)
				return false;
			s += n;
			p = ph.end;
			continue;
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

/* Request text with every {{=name}} replaced by its value (the only placeholder a
 * request has); false when a name has none yet. */
static bool expand(struct buf *out, const char *p, size_t n)
{
	const char *pe = p + n;
	buf_adds(out, "");
	while (p < pe) {
		const char *open = memmem(p, (size_t)(pe - p), "{{=", 3);
		struct ph ph;
		if (!open) {
			buf_add(out, p, (size_t)(pe - p));
			break;
		}
		buf_add(out, p, (size_t)(open - p));
		if (placeholder(open, pe, &ph) && !ph.kind) {
			const char *v = var_value(ph.recall.p, ph.recall.n);
			if (!v)
				return false;
			buf_adds(out, v);
			p = ph.end;
		} else {
			buf_add(out, open, 3);
			p = open + 3;
		}
	}
	return true;
}

/* Every name a file reads must be bound somewhere in it (or by @let): a typo is an
 * error at load, not a failed case. Pass 0 collects the bound names, pass 1 checks. */
static bool name_known(char *const *bound, size_t nbound, const struct name *nm)
{
	for (size_t i = 0; i < nbound; i++)
		if (strlen(bound[i]) == nm->n && memcmp(bound[i], nm->p, nm->n) == 0)
			return true;
	return false;
}

static void names_in(const char *p, size_t n, int pass, char **bound, size_t *nbound, const char *file, int line)
{
	const char *pe = p + n;
	for (const char *open; p && p < pe && (open = memmem(p, (size_t)(pe - p), "{{", 2)); p = open + 2) {
		struct ph ph;
		if (!placeholder(open, pe, &ph))
			continue;
		const struct name *read = ph.kind ? &ph.differ : &ph.recall;
		if (pass == 0 && ph.bind.n && !name_known(bound, *nbound, &ph.bind) && *nbound < 64)
			bound[(*nbound)++] = strndup(ph.bind.p, ph.bind.n);
		if (pass == 1 && read->n && !name_known(bound, *nbound, read))
			die_at(file, line, "a name read here is bound nowhere in this file");
	}
}

static void check_names(const struct wfile *wf)
{
	char *bound[64];
	size_t nbound = 0;
	for (size_t i = 0; i < wf->nlets && nbound < 64; i++)
		bound[nbound++] = xstrdup(wf->lets[i].name);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < wf->ncases; i++) {
			const struct wcase *c = &wf->cases[i];
			names_in(c->request_head.p, c->request_head.len, pass, bound, &nbound, wf->path, c->line);
			names_in(c->request_body.p, c->request_body.len, pass, bound, &nbound, wf->path, c->line);
			for (int m = 0; m < NMODES; m++) {
				const struct expect *e = &c->exp[m];
				for (size_t k = 0; k < e->nhdrs; k++)
					if (e->hdrs[k].value)
						names_in(e->hdrs[k].value, strlen(e->hdrs[k].value), pass, bound, &nbound,
							 wf->path, c->line);
				names_in(e->body.p, e->body.len, pass, bound, &nbound, wf->path, c->line);
			}
		}
	for (size_t i = 0; i < nbound; i++)
		free(bound[i]);
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
		if (strncmp(line, "@let ", 5) == 0 && !c) {
			const char *sp = strchr(line + 5, ' ');
			if (!sp || sp == line + 5)
				die_at(path, lineno, "expected @let NAME VALUE");
			wf->lets = realloc(wf->lets, (wf->nlets + 1) * sizeof(*wf->lets));
			wf->lets[wf->nlets].name = strndup(line + 5, (size_t)(sp - line - 5));
			wf->lets[wf->nlets++].value = xstrdup(sp + 1);
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
		} else if (strncmp(line, "probe: ", 7) == 0) {
			c->probe = xstrdup(line + 7);
		} else if (strncmp(line, "then: ", 6) == 0) {
			c->then = xstrdup(line + 6);
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
				if (line[1] == '@') {
					/* "<@repeat N TEXT", "<@append TEXT": appended without a newline */
					if (!ebody)
						die_at(path, lineno, "<@repeat and <@append belong in the body");
					if (strncmp(line, "<@repeat ", 9) == 0) {
						char *end;
						long count = strtol(line + 9, &end, 10);
						const char *text = *end == ' ' ? end + 1 : end;
						for (long i = 0; i < count; i++)
							buf_adds(&e->body, text);
					} else if (strncmp(line, "<@append ", 9) == 0) {
						buf_adds(&e->body, line + 9);
					} else {
						die_at(path, lineno, "expected <@repeat N TEXT or <@append TEXT");
					}
				} else if (ebody) {
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
		if (w->probe && (w->fresh || w->then))
			die_at(path, w->line, "a probe case cannot start a server nor run a probe");
		bool found = !w->then;
		for (size_t k = 0; k < wf->ncases && !found; k++)
			found = wf->cases[k].probe && strcmp(wf->cases[k].probe, w->then) == 0;
		if (!found)
			die_at(path, w->line, "then: names no probe of this file");
	}
	check_names(wf);
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
		free(c->probe);
		free(c->then);
		free(c->request_head.p);
		free(c->request_body.p);
		for (int m = 0; m < NMODES; m++) {
			hdrs_free(c->exp[m].hdrs, c->exp[m].nhdrs);
			free(c->exp[m].body.p);
		}
	}
	free(wf->cases);
	hdrs_free(wf->always, wf->nalways);
	hdrs_free(wf->lets, wf->nlets);
	free(wf->server_args);
	free(wf->path);
}

/* ---- the server ------------------------------------------------------------------------ */

struct server {
	pid_t pid;
	unsigned port;
};

static const char *bin;
static char crowded_path[64];
static char errlog[64]; /* the server's stderr (sanitizer reports end up here) */

/* The @crowded fixture: the name "Full" has every assignable discriminator in use,
 * "Taken" all but 0042, "Clash" only 0042; alice with her session and HelperBot. */
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
	struct buf req = {0}, body = {0};
	if (!expand(&req, c->request_head.p, c->request_head.len) ||
	    !expand(&body, c->request_body.p, c->request_body.len)) {
		free(req.p);
		free(body.p);
		return -1;
	}
	bool host = has_header(&req, "host"), connection = has_header(&req, "connection"),
	     length = has_header(&req, "content-length") || has_header(&req, "transfer-encoding");
	if (!host)
		buf_addf(&req, "Host: 127.0.0.1:%u\r\n", s->port);
	if (!connection)
		buf_adds(&req, "Connection: close\r\n");
	if (c->has_body && !length)
		buf_addf(&req, "Content-Length: %zu\r\n", body.len);
	buf_adds(&req, "\r\n");
	if (c->has_body)
		buf_add(&req, body.p, body.len);
	free(body.p);

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

/* Sends one case and checks its answer in mode m; prints FAIL (or ok, verbose).
 * after: the case whose then: runs this probe, named in the report. */
static bool run_case(const struct server *s, const struct wfile *wf, const struct wcase *c, int m,
		     const struct wcase *after, bool verbose)
{
	struct response r;
	struct buf why = {0};
	unbound[0] = 0;
	bool ok = exchange(s, c, &r) == 0 && check(wf, c, &c->exp[m], &r, &why);
	const char *base = strrchr(c->file, '/');
	char then[512] = "";
	if (after)
		snprintf(then, sizeof(then), " (then: after %s:%d %s)", base ? base + 1 : c->file, after->line,
			 after->name);
	if (ok) {
		if (verbose)
			printf("ok   [%s] %s:%d %s%s\n", mode_names[m], base ? base + 1 : c->file, c->line, c->name, then);
	} else {
		if (unbound[0])
			buf_addf(&why, "  {{=%s}}: no value yet (the case that binds it did not run, or did not match)\n",
				 unbound);
		printf("FAIL [%s] %s:%d %s%s\n  source: %s\n%s", mode_names[m], base ? base + 1 : c->file, c->line,
		       c->name, then, c->source, why.p ? why.p : "  (no answer)\n");
		if (verbose && r.raw)
			printf("  raw answer:\n%.*s\n", (int)(r.rawlen > 4000 ? 4000 : r.rawlen), r.raw);
	}
	free(why.p);
	response_release(&r);
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
				if (c->probe || (filter && !strstr(c->name, filter)))
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
					vars_reset(wf);
					need_start = false;
				}
				run[m]++;
				if (run_case(&s, wf, c, m, NULL, verbose))
					passed[m]++;
				else
					failed[m]++;
				/* then: the probe's cases, in file order, as if written after this one */
				for (size_t p = 0; c->then && p < wf->ncases; p++) {
					const struct wcase *probe = &wf->cases[p];
					if (!probe->probe || strcmp(probe->probe, c->then) != 0)
						continue;
					run[m]++;
					if (run_case(&s, wf, probe, m, c, verbose))
						passed[m]++;
					else
						failed[m]++;
				}
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

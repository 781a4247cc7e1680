/* include_cycles.c: fails when the modules of server/ include each other in a circle.
 *
 *   include_cycles DIR     (CTest runs it on server/)
 *
 * A module is a stem: foo.c and foo.h together (errors.def belongs to errors).
 * Module A depends on module B when a file of A has `#include "b.h"` (any quoted
 * include whose stem names a module of DIR; system headers and paths with a '/'
 * are not modules). The layers are meant to run one way, http -> dispatch ->
 * control -> faults/journal -> path, so a header may only be included from above:
 * any circle means some module includes a header "above" it. For each knot (a
 * strongly connected set of modules) the program prints its members and one
 * shortest circle through it, with the line that makes each step, and exits 1. */
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODULES_MAX 128
#define STEM_MAX 64

static char stem[MODULES_MAX][STEM_MAX];
static int nmod;
/* edge[a][b]: module a includes a header of b; why[a][b]: the first file doing so */
static bool edge[MODULES_MAX][MODULES_MAX];
static char why[MODULES_MAX][MODULES_MAX][2 * STEM_MAX + 32];

/* The stem of a file name ("errors.def" -> "errors"), or false when name is not a
 * .c, .h or .def file. */
static bool stem_of(const char *name, char out[STEM_MAX])
{
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name || (size_t)(dot - name) >= STEM_MAX)
		return false;
	if (strcmp(dot, ".c") != 0 && strcmp(dot, ".h") != 0 && strcmp(dot, ".def") != 0)
		return false;
	memcpy(out, name, (size_t)(dot - name));
	out[dot - name] = 0;
	return true;
}

static int module(const char *s)
{
	for (int i = 0; i < nmod; i++)
		if (strcmp(stem[i], s) == 0)
			return i;
	return -1;
}

/* The quoted name of an `#include "name"` line, or NULL. */
static const char *quoted_include(char *line)
{
	char *p = line;
	while (isspace((unsigned char)*p))
		p++;
	if (*p++ != '#')
		return NULL;
	while (isspace((unsigned char)*p))
		p++;
	if (strncmp(p, "include", 7) != 0)
		return NULL;
	p += 7;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '"')
		return NULL;
	char *end = strchr(++p, '"');
	if (!end)
		return NULL;
	*end = 0;
	return p;
}

static int read_file(const char *dir, const char *name)
{
	char path[4096], line[1024], from[STEM_MAX], to[STEM_MAX];
	FILE *f = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) || !(f = fopen(path, "r"))) {
		perror(path);
		return -1;
	}
	stem_of(name, from);
	int a = module(from);
	while (fgets(line, sizeof(line), f)) {
		const char *inc = quoted_include(line);
		int b;
		if (!inc || strchr(inc, '/') || !stem_of(inc, to) || (b = module(to)) < 0 || b == a)
			continue;
		if (!edge[a][b])
			snprintf(why[a][b], sizeof(why[a][b]), "%.64s: #include \"%.64s\"", name, inc);
		edge[a][b] = true;
	}
	fclose(f);
	return 0;
}

/* ---- Tarjan's strongly connected components ---------------------------------- */

static int order[MODULES_MAX], low[MODULES_MAX], comp[MODULES_MAX], stack[MODULES_MAX];
static bool on_stack[MODULES_MAX];
static int counter, depth, ncomp;

static void visit(int v)
{
	order[v] = low[v] = ++counter;
	stack[depth++] = v;
	on_stack[v] = true;
	for (int w = 0; w < nmod; w++) {
		if (!edge[v][w])
			continue;
		if (!order[w]) {
			visit(w);
			if (low[w] < low[v])
				low[v] = low[w];
		} else if (on_stack[w] && order[w] < low[v]) {
			low[v] = order[w];
		}
	}
	if (low[v] == order[v]) {
		int w;
		do {
			w = stack[--depth];
			on_stack[w] = false;
			comp[w] = ncomp;
		} while (w != v);
		ncomp++;
	}
}

/* Prints the shortest circle from start back to itself inside its component. */
static void print_circle(int start)
{
	int prev[MODULES_MAX], queue[MODULES_MAX], head = 0, tail = 0, last = -1;
	for (int i = 0; i < nmod; i++)
		prev[i] = -1;
	queue[tail++] = start;
	while (head < tail && last < 0) {
		int v = queue[head++];
		for (int w = 0; w < nmod && last < 0; w++) {
			if (!edge[v][w] || comp[w] != comp[start])
				continue;
			if (w == start)
				last = v;
			else if (prev[w] < 0) {
				prev[w] = v;
				queue[tail++] = w;
			}
		}
	}
	int path[MODULES_MAX], n = 0;
	for (int v = last; v != start; v = prev[v])
		path[n++] = v;
	path[n++] = start;
	printf("  circle:");
	for (int i = n - 1; i >= 0; i--)
		printf(" %s ->", stem[path[i]]);
	printf(" %s\n", stem[start]);
	for (int i = n - 1; i >= 0; i--) {
		int to = i ? path[i - 1] : start;
		printf("    %s\n", why[path[i]][to]);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: include_cycles DIR\n");
		return 2;
	}
	DIR *d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 2;
	}
	char names[4 * MODULES_MAX][STEM_MAX + 8];
	int nfiles = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char s[STEM_MAX];
		if (!stem_of(de->d_name, s) || strlen(de->d_name) >= sizeof(names[0]))
			continue;
		if (nfiles == 4 * MODULES_MAX || (module(s) < 0 && nmod == MODULES_MAX)) {
			fprintf(stderr, "include_cycles: more files than this program holds\n");
			return 2;
		}
		strcpy(names[nfiles++], de->d_name);
		if (module(s) < 0)
			strcpy(stem[nmod++], s);
	}
	closedir(d);
	for (int i = 0; i < nfiles; i++)
		if (read_file(argv[1], names[i]))
			return 2;
	for (int v = 0; v < nmod; v++)
		if (!order[v])
			visit(v);

	int knots = 0;
	for (int c = 0; c < ncomp; c++) {
		int members = 0, first = -1;
		for (int v = 0; v < nmod; v++)
			if (comp[v] == c && members++ == 0)
				first = v;
		if (members < 2)
			continue;
		knots++;
		printf("include cycle among %d modules:", members);
		for (int v = 0; v < nmod; v++)
			if (comp[v] == c)
				printf(" %s", stem[v]);
		printf("\n");
		print_circle(first);
	}
	if (knots) {
		printf("%d include cycle(s) in %s: a module includes a header of a module above it\n", knots,
		       argv[1]);
		return 1;
	}
	printf("no include cycle among the %d modules of %s\n", nmod, argv[1]);
	return 0;
}

/* store_alloc.c: SQLite's memory, kept in free lists of our own (see
 * store_internal.h, store_alloc_install).
 *
 * PERF: SQLite allocates and frees a dozen small blocks per statement (each text
 * column read is copied into a buffer of its own so that it ends with a NUL, each
 * cursor and record unpacker is allocated when the statement runs and freed when
 * it is reset). SQLite's usual answer, its lookaside allocator, is compiled out of
 * Debian's build (OMIT_LOOKASIDE in PRAGMA compile_options), so every one of them
 * went to glibc, whose free path for a multi-threaded process takes its atomics:
 * 3 000 instructions of a GET /bots/{id}, 8 000 of a rename
 * (docs/performance.md#fourth). Here a freed small block goes onto a list of its
 * size class and the next allocation of that class takes it back: a push and a
 * pop.
 *
 * Every block, small or large, carries a 16-byte header holding its usable size
 * (SQLite asks for it, xSize). Small blocks (up to SMALL_MAX bytes) are rounded up
 * to a multiple of 16; the lists are per thread (SQLite runs on the HTTP thread
 * and, under the server lock, on the gateway thread: a block freed on another
 * thread than the one that allocated it simply joins that thread's list) and keep
 * at most KEEP_MAX bytes each, so a burst gives its memory back to glibc, and are
 * freed when their thread ends. Under AddressSanitizer nothing is kept (every
 * block goes back to the sanitizer's free at once), so a read of a row's text
 * after its statement was reset is still reported exactly. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define HEADER 16                /* keeps the 8-byte alignment SQLite needs, and 16 */
#define GRAIN 16
#define SMALL_MAX 1024           /* cursors, record unpackers, a row's texts */
#define CLASSES (SMALL_MAX / GRAIN)
#if defined(__SANITIZE_ADDRESS__) /* gcc, and clang since 13 */
#define KEEP_MAX 0
#elif defined(__has_feature) /* older clang */
#if __has_feature(address_sanitizer)
#define KEEP_MAX 0
#endif
#endif
#ifndef KEEP_MAX
#define KEEP_MAX (256 * 1024)    /* per thread, all classes together */
#endif

struct block {
	struct block *next;
};

static _Thread_local struct block *lists[CLASSES + 1];
static _Thread_local size_t kept; /* bytes on this thread's lists */
static _Thread_local bool registered; /* drop_lists runs when this thread ends */
static pthread_key_t thread_end;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The end of a thread that kept blocks: they go back to glibc. */
static void drop_lists(void *arg)
{
	(void)arg;
	for (size_t c = 0; c <= CLASSES; c++) {
		while (lists[c]) {
			struct block *b = lists[c];
			lists[c] = b->next;
			free((char *)b - HEADER);
		}
	}
	kept = 0;
}

static void make_key(void) { pthread_key_create(&thread_end, drop_lists); }

static size_t roundup(int n) { return n <= SMALL_MAX ? ((size_t)n + GRAIN - 1) / GRAIN * GRAIN : (size_t)n; }
static size_t *header_of(void *p) { return (size_t *)((char *)p - HEADER); }
static int size_of(void *p) { return p ? (int)*header_of(p) : 0; }

static void *alloc(int n)
{
	size_t size = roundup(n > 0 ? n : 1);
	if (size <= SMALL_MAX) {
		struct block **list = &lists[size / GRAIN];
		struct block *b = *list;
		if (b) {
			*list = b->next;
			kept -= size;
			return b;
		}
	}
	size_t *h = malloc(HEADER + size);
	if (!h)
		return NULL;
	*h = size;
	return (char *)h + HEADER;
}

static void release(void *p)
{
	if (!p)
		return;
	size_t size = *header_of(p);
	if (size > SMALL_MAX || kept + size > KEEP_MAX) {
		free(header_of(p));
		return;
	}
	if (!registered) {
		pthread_once(&once, make_key);
		registered = pthread_setspecific(thread_end, &registered) == 0;
		if (!registered) {
			free(header_of(p));
			return;
		}
	}
	struct block *b = p;
	b->next = lists[size / GRAIN];
	lists[size / GRAIN] = b;
	kept += size;
}

static void *resize(void *p, int n)
{
	if ((size_t)n <= (size_t)size_of(p) && roundup(n) == (size_t)size_of(p))
		return p;
	void *q = alloc(n);
	if (q && p)
		memcpy(q, p, (size_t)(size_of(p) < n ? size_of(p) : n));
	if (q)
		release(p);
	return q;
}

static int round_size(int n) { return (int)roundup(n); }
static int init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}
static void mem_shutdown(void *arg) { (void)arg; }

int store_alloc_install(void)
{
	static const sqlite3_mem_methods methods = {alloc, release, resize, size_of, round_size, init, mem_shutdown, NULL};
	return sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
}

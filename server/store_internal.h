/* store_internal.h: what the store's own files (server/store*.c) share: the
 * connection, the statement cache and a few binding and stepping helpers.
 *
 * SQLite stays behind the store: no other file of server/ includes this header or
 * <sqlite3.h>, nor calls sqlite3_* (tests/check_sqlite_confined.sh fails the build's
 * tests when one does). White-box tests (tests/unit/test_store.c, tests/fuzz) may
 * include it to look at the database itself. Same threading rules as store.h. */
#ifndef STOAT_STORE_INTERNAL_H
#define STOAT_STORE_INTERNAL_H

#include <sqlite3.h>

/* The open connection (NULL when closed). Its update hook belongs to store.c (the
 * session cache counts written rows with it): never set another. */
sqlite3 *store_db(void);
/* The statement for sql, prepared once and cached by the address of sql (so sql is
 * a named constant), reset and with its bindings cleared; NULL on error. Runs the
 * BEGIN a store_begin asked for first. */
sqlite3_stmt *store_stmt(const char *sql);

/* Gives SQLite the allocator of store_alloc.c: before the library initialises
 * (store_open does it first); SQLITE_OK, or SQLITE_MISUSE once it has. */
int store_alloc_install(void);

/* Binds s (NULL binds SQL NULL) without a copy: s must outlive the step. */
void store_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Column i of the current row as a malloc'd copy (NULL for SQL NULL). */
char *store_col_text(sqlite3_stmt *st, int i);
/* Steps a statement that returns no row and resets it: 0 on SQLITE_DONE, -1 on an
 * error or a NULL st (so store_step_done(store_stmt(sql)) needs no check between). */
int store_step_done(sqlite3_stmt *st);
/* Column 0 of the first row as an integer (a count, an EXISTS), and resets it; -1
 * on an error, no row or a NULL st. */
long long store_step_scalar(sqlite3_stmt *st);

#endif

/* lock.h: the server lock. The store, the id generator and the caches of wire.c
 * are used by one thread at a time: HTTP dispatch (http.c) holds this lock for a
 * whole request, and the events gateway (gateway.c) holds it while it reads the
 * store (a token lookup, a Ready). Lock order: this one first, then the session
 * registry's (sessions.h). */
#ifndef STOAT_LOCK_H
#define STOAT_LOCK_H

void server_lock(void);
void server_unlock(void);

#endif

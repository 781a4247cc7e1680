/* control.h: the /_mock control API for test suites (health, reset, state, users,
 * faults, request journal) and the two hooks the dispatcher calls on every request.
 * Off entirely with --no-control (routes flagged ROUTE_CONTROL vanish; faults and
 * the journal stay empty). */
#ifndef STOAT_CONTROL_H
#define STOAT_CONTROL_H

#include <stdbool.h>

#include "request.h"

/* Remembers the loaded fixture document for /_mock/reset (takes a copy). */
int control_init(const char *fixture_text, size_t len);
void control_shutdown(void);

/* A registered fault that matches this request fills rp (error, delay or drop) and
 * returns true: the route does not run, nothing is written. */
bool control_fault(struct request *rq, struct reply *rp);
/* Records the finished request in the journal (never a token). */
void control_journal(const struct request *rq, const struct reply *rp);

#endif

/* control.h: the /_mock control API for test suites (health, reset, state, users,
 * faults, request journal; the events WebSocket's sessions and pushed events in
 * control_gateway.c) and the three hooks the dispatcher calls on every request.
 * The handlers are rows of the route table (routes.c, flag ROUTE_CONTROL) and are
 * declared in routes.h with the others; faults.h and journal.h hold the two stores
 * they manage. the README ("Testing with stoat-mock") is the user's guide.
 * Off entirely with --no-control (routes flagged ROUTE_CONTROL vanish; faults never
 * apply and the journal stays empty). */
#ifndef STOAT_CONTROL_H
#define STOAT_CONTROL_H

#include <stdbool.h>

#include "request.h"

/* Keeps the start-up state (fixtures_export of the fixtures just loaded, as text)
 * for /_mock/reset, with the generator's state at this moment (ids_save), and starts
 * the uptime clock. Returns -1 when the text is not JSON (reset then fails). */
int control_init(const char *fixture_text, size_t len);
/* Frees the document, the faults and the journal. */
void control_shutdown(void);
/* Empties the faults and the journal (what reset does besides the store); for
 * in-process drivers such as the fuzzers, which reset the store themselves. */
void control_clear(void);

/* Called by dispatch first of all: starts the request's journal clock
 * (rq->started) and clears its fault (rq->fault). */
void control_begin(struct request *rq);
/* Called by dispatch before routing (after the rate limiter and CORS).
 * A registered fault that matches this request fills rp (error or drop) and returns
 * true: the route does not run, nothing is written. A delay alone sets rp->delay_ms
 * and returns false: the route runs, http.c sends the answer late. The fault's id
 * goes to rq->fault for the journal. */
bool control_fault(struct request *rq, struct reply *rp);
/* Called by dispatch after rendering: records the request in the journal (never a
 * token; never a /_mock request) and tells the dashboard (live.h) when the request
 * may have changed what it shows. */
void control_journal(const struct request *rq, const struct reply *rp);

/* For the control handlers: the request body as a JSON object (*out, caller
 * frees), or FailedValidation at loc saying what is wrong with it ("body: ..."). */
enum err control_read_object(const struct request *rq, struct reply *rp, const char *loc, cJSON **out);

#endif

/* dispatch.h: request -> route -> generic checks -> handler -> reply. No sockets:
 * http.c, the tests and the fuzzers all call dispatch(). */
#ifndef STOAT_DISPATCH_H
#define STOAT_DISPATCH_H

#include "request.h"

/* Fills rp completely: status, body bytes, content type, headers. Requests are
 * serialised by the caller (one at a time). */
void dispatch(struct request *rq, struct reply *rp);

#endif

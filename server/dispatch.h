/* dispatch.h: request -> route -> generic checks -> handler -> reply. No sockets:
 * http.c, the tests and the fuzzers all call dispatch(). */
#ifndef STOAT_DISPATCH_H
#define STOAT_DISPATCH_H

#include "request.h"

/* Fills rp completely: status, body bytes, content type, headers. Requests are
 * serialised by the caller (one at a time). */
void dispatch(struct request *rq, struct reply *rp);

/* Splits rq->path into decoded segments (rq->seg), dropping empty ones and one
 * leading "0.8" (README decision 4). */
void dispatch_split_path(struct request *rq);

/* The path as the router sees it, "/seg/seg" (decoded, empty segments and a leading
 * "/0.8" dropped; "/" for none): what faults and journal filters match against.
 * Caller frees. */
char *dispatch_normal_path(const char *raw);

#endif

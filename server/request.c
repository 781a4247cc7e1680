/* request.c: lifecycle of struct request and struct reply (request.h). */
#include "request.h"

#include <stdlib.h>
#include <string.h>

void request_release(struct request *rq)
{
	for (int i = 0; i < rq->nseg; i++)
		free(rq->seg[i]);
	rq->nseg = 0;
	user_release(&rq->caller);
	cJSON_Delete(rq->json);
	rq->json = NULL;
}

void reply_init(struct reply *rp) { memset(rp, 0, sizeof(*rp)); }

void reply_release(struct reply *rp)
{
	cJSON_Delete(rp->json);
	free(rp->body);
	for (int i = 0; i < rp->nheaders; i++)
		free(rp->headers[i].value);
	err_release(&rp->err);
	reply_init(rp);
}

void reply_header(struct reply *rp, const char *name, const char *value)
{
	if (rp->nheaders == REPLY_HEADERS_MAX)
		return;
	rp->headers[rp->nheaders].name = name;
	rp->headers[rp->nheaders].value = strdup(value);
	rp->nheaders++;
}

/* request.c: lifecycle of struct request and struct reply (request.h). */
#include "request.h"

#include "jsonguard.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void request_free_segment(struct request *rq, char *seg)
{
	if (seg < rq->segbuf || seg >= rq->segbuf + sizeof(rq->segbuf))
		free(seg);
}

void request_release(struct request *rq)
{
	for (int i = 0; i < rq->nseg; i++)
		request_free_segment(rq, rq->seg[i]);
	rq->nseg = 0;
	rq->segused = 0;
	user_release(&rq->caller_copy);
	rq->caller = NULL;
	if (rq->data)
		jsonguard_free(rq->data_type, rq->data);
	rq->data = NULL;
}

void reply_init(struct reply *rp) { memset(rp, 0, sizeof(*rp)); }

enum err reply_catcher(struct reply *rp, int code)
{
	rp->catcher = code;
	return ERR_CATCHER;
}

void reply_release(struct reply *rp)
{
	cJSON_Delete(rp->json);
	free(rp->body);
	for (int i = 0; i < rp->nheaders; i++)
		if (!rp->headers[i].value_static)
			free(rp->headers[i].value);
	err_release(&rp->err);
	reply_init(rp);
}

void reply_json_text(struct reply *rp, struct strbuf *sb)
{
	free(rp->body);
	rp->body = strbuf_detach(sb, &rp->body_len);
	rp->content_type = "application/json";
}

void reply_header(struct reply *rp, const char *name, const char *value)
{
	if (rp->nheaders == REPLY_HEADERS_MAX)
		return;
	rp->headers[rp->nheaders].name = name;
	rp->headers[rp->nheaders].value = strdup(value);
	rp->headers[rp->nheaders].value_static = false;
	rp->nheaders++;
}

void reply_header_static(struct reply *rp, const char *name, const char *value)
{
	if (rp->nheaders == REPLY_HEADERS_MAX)
		return;
	rp->headers[rp->nheaders].name = name;
	rp->headers[rp->nheaders].value = (char *)value;
	rp->headers[rp->nheaders].value_static = true;
	rp->nheaders++;
}

void reply_remove_header(struct reply *rp, const char *name)
{
	int k = 0;
	for (int i = 0; i < rp->nheaders; i++) {
		if (strcasecmp(rp->headers[i].name, name) == 0) {
			if (!rp->headers[i].value_static)
				free(rp->headers[i].value);
		} else
			rp->headers[k++] = rp->headers[i];
	}
	rp->nheaders = k;
}

void reply_set_header(struct reply *rp, const char *name, const char *value)
{
	reply_remove_header(rp, name);
	reply_header(rp, name, value);
}

const char *reply_get_header(const struct reply *rp, const char *name)
{
	for (int i = 0; i < rp->nheaders; i++)
		if (strcasecmp(rp->headers[i].name, name) == 0)
			return rp->headers[i].value;
	return NULL;
}

/* control_doc.c: GET /_mock/openapi.json, the control API described in OpenAPI 3.1.
 * The document is docs/control-openapi.json, embedded at build time (cmake/
 * embed.cmake); tests/control/ validates it with a real validator and every control
 * answer the tests see against it, and checks that it describes every /_mock row of
 * routes.c. */
#include <stdlib.h>
#include <string.h>

#include "routes.h"

/* docs/control-openapi.json (embedded) */
extern const char embedded_control_openapi[];

/* GET /_mock/openapi.json  200: the document, as written in docs/ */
enum err control_openapi(struct request *rq, struct reply *rp)
{
	(void)rq;
	size_t n = strlen(embedded_control_openapi);
	rp->body = malloc(n + 1);
	if (!rp->body)
		return reply_catcher(rp, 500);
	memcpy(rp->body, embedded_control_openapi, n + 1);
	rp->body_len = n;
	rp->content_type = "application/json";
	return ERR_OK;
}

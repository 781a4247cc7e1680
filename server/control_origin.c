/* control_origin.c: the cross-site rule of the control API (see control_origin.h). */
#include "control_origin.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "strbuf.h"
#include "url.h"

#define ORIGIN_TEXT_MAX 1024 /* url.h: longer inputs never parse */

/* A Host header usable as an authority: host[:port], nothing that would make
 * "http://" + it mean another URL (userinfo, a path, a query). */
static bool host_plain(const char *host)
{
	return host && *host && strlen(host) < ORIGIN_TEXT_MAX - 16 && !strpbrk(host, "/\\@?#% \t");
}

/* The serialised origin of url into out; false when it has none (opaque, unparsable). */
static bool origin_of(const char *url, char out[ORIGIN_TEXT_MAX])
{
	return url_origin(url, out, ORIGIN_TEXT_MAX) == 1;
}

bool control_origin_own(const char *origin, const char *host)
{
	char got[ORIGIN_TEXT_MAX], own[ORIGIN_TEXT_MAX], url[ORIGIN_TEXT_MAX];
	if (!origin || !origin_of(origin, got))
		return false;
	if (host_plain(host)) {
		snprintf(url, sizeof(url), "http://%s/", host);
		if (origin_of(url, own) && strcmp(own, got) == 0)
			return true;
	}
	return config.public_url[0] && origin_of(config.public_url, own) && strcmp(own, got) == 0;
}

static bool method_safe(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* 403 {"type":"CrossOriginRefused","error":…,"location":"stoat-mock/_mock"}: the API's
 * error shape, with a type of the mock's own (no real error says this). */
static void refuse(const struct request *rq, struct reply *rp)
{
	struct strbuf text = STRBUF_INIT;
	char own[ORIGIN_TEXT_MAX], url[ORIGIN_TEXT_MAX];
	bool any = false;
	strbuf_addf(&text, "Origin '%s' is not one of this server's own (", rq->origin);
	if (host_plain(rq->host)) {
		snprintf(url, sizeof(url), "http://%s/", rq->host);
		if ((any = origin_of(url, own)))
			strbuf_adds(&text, own);
	}
	if (config.public_url[0] && origin_of(config.public_url, own)) {
		strbuf_addf(&text, "%s%s", any ? ", " : "", own);
		any = true;
	}
	strbuf_adds(&text, any ? "" : "none: no Host header and no --public-url");
	strbuf_adds(&text, "): the control API takes changes only from its own pages and from clients "
			   "that send no Origin; behind a proxy, set --public-url");
	rp->status = 403;
	rp->json = cJSON_CreateObject();
	cJSON_AddStringToObject(rp->json, "type", "CrossOriginRefused");
	cJSON_AddStringToObject(rp->json, "error", strbuf_str(&text));
	cJSON_AddStringToObject(rp->json, "location", "stoat-mock/_mock");
	strbuf_release(&text);
}

bool control_origin_check(const struct request *rq, struct reply *rp)
{
	if (strcmp(rq->method, "OPTIONS") == 0) {
		/* the catch-all's answer without the preflight grant: the browser then
		 * sends no cross-site request that needs one */
		rp->status = 200;
		return true;
	}
	if (method_safe(rq->method) || !rq->origin || control_origin_own(rq->origin, rq->host))
		return false;
	refuse(rq, rp);
	return true;
}

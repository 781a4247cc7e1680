/* accesslog.c: the access log line (see accesslog.h). */
#include "accesslog.h"

#include <string.h>

#include "jsonw.h"
#include "path.h"

/* s as a JSON string, each byte sequence that is not UTF-8 written as U+FFFD. */
static void json_text(struct strbuf *out, const char *s)
{
	size_t n = strlen(s);
	struct strbuf fixed = STRBUF_INIT;
	for (size_t i = 0; i < n;) {
		long step = path_utf8_step((const unsigned char *)s + i, n - i);
		if (step < 0 && !fixed.buf)
			strbuf_add(&fixed, s, i); /* the first bad byte: copy what came before */
		if (step < 0)
			strbuf_adds(&fixed, "\xEF\xBF\xBD");
		else if (fixed.buf)
			strbuf_add(&fixed, s + i, (size_t)step);
		i += (size_t)(step < 0 ? -step : step);
	}
	jsonw_string(out, fixed.buf ? fixed.buf : s);
	strbuf_release(&fixed);
}

static void format_json(struct strbuf *out, const char *time, const struct accesslog_entry *e)
{
	strbuf_add(out, "{", 1); /* not jsonw_open: out may end with an earlier line */
	jsonw_key(out, "time");
	jsonw_string(out, time);
	jsonw_key(out, "method");
	json_text(out, e->method ? e->method : "");
	jsonw_key(out, "path");
	json_text(out, e->path ? e->path : "");
	jsonw_key(out, "route");
	if (e->route)
		jsonw_string(out, e->route);
	else
		jsonw_raw(out, "null");
	if (e->not_emulated) {
		jsonw_key(out, "not_emulated");
		jsonw_string(out, e->not_emulated);
	}
	jsonw_key(out, "status");
	jsonw_int(out, e->status);
	if (!e->status) {
		jsonw_key(out, "closed");
		jsonw_string(out, e->closed ? e->closed : "");
	}
	jsonw_key(out, "duration_us");
	jsonw_int(out, e->duration_us);
	jsonw_key(out, "auth");
	jsonw_string(out, e->auth ? e->auth : "none");
	jsonw_close(out, '}');
	strbuf_adds(out, "\n");
}

void accesslog_format(struct strbuf *out, enum log_format format, const struct accesslog_entry *e)
{
	char time[JSONW_TIME_MAX];
	jsonw_time_text(time, (long long)e->time.tv_sec * 1000 + e->time.tv_nsec / 1000000);
	switch (format) {
	case LOG_FORMAT_JSON:
		format_json(out, time, e);
		return;
	case LOG_FORMAT_TEXT:
		break;
	}
	const char *m = e->method ? e->method : "", *p = e->path ? e->path : "";
	if (!e->status)
		strbuf_addf(out, "%s %s %s closed (%s) %lldus\n", time, m, p, e->closed ? e->closed : "", e->duration_us);
	else if (e->not_emulated)
		strbuf_addf(out, "%s %s %s %d %lldus not emulated: %s\n", time, m, p, e->status, e->duration_us,
			    e->not_emulated);
	else
		strbuf_addf(out, "%s %s %s %d %lldus\n", time, m, p, e->status, e->duration_us);
}

/* harness.c: see harness.h. */
#include "harness.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int server_start(struct server *s, const char *const *args)
{
	const char *bin = getenv("STOAT_MOCK_BIN");
	if (!bin)
		bin = "build/stoat-mock";
	int out[2];
	if (pipe(out))
		return -1;
	static unsigned started;
	snprintf(s->log, sizeof(s->log), "/tmp/stoat-mock-test-%d-%u.log", (int)getpid(), started++);
	const char *argv[64];
	int n = 0;
	argv[n++] = bin;
	argv[n++] = "--port";
	argv[n++] = "0";
	for (int i = 0; args && args[i] && n < 60; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(out[1], 1);
		FILE *log = fopen(s->log, "w");
		if (log)
			dup2(fileno(log), 2);
		close(out[0]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	s->pid = pid;
	/* first line: "stoat-mock X listening on http://HOST:PORT (...)" */
	char line[512];
	size_t k = 0;
	char c;
	while (k + 1 < sizeof(line) && read(out[0], &c, 1) == 1 && c != '\n')
		line[k++] = c;
	line[k] = 0;
	/* keep draining stdout in the background so the server never blocks on it */
	if (fork() == 0) {
		char buf[4096];
		while (read(out[0], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(out[0]);
	const char *p = strstr(line, "listening on http://");
	char hostport[128] = "";
	if (p)
		sscanf(p + 20, "%127s", hostport);
	const char *colon = strrchr(hostport, ':');
	if (!colon) {
		server_stop(s);
		return -1;
	}
	s->port = (unsigned)atoi(colon + 1);
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%u", s->port);
	return 0;
}

int server_stop(struct server *s)
{
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	int st;
	if (waitpid(s->pid, &st, 0) < 0)
		return -1;
	s->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct buf {
	char *p;
	size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	size_t add = size * n;
	char *np = realloc(b->p, b->len + add + 1);
	if (!np)
		return 0;
	memcpy(np + b->len, data, add);
	b->p = np;
	b->len += add;
	b->p[b->len] = 0;
	return add;
}

/* With STOAT_CONTROL_ANSWERS naming a directory, every answer of the control API this
 * process sees is appended to DIR/<pid>.jsonl, one JSON object per line: method, path,
 * status, content_type, body. tests/control/run.sh checks each against the control
 * API's OpenAPI document (docs/control-openapi.json). */
static void record_control_answer(const char *method, const char *path, const struct resp *r)
{
	const char *dir = getenv("STOAT_CONTROL_ANSWERS");
	if (!dir || !*dir || (strncmp(path, "/_mock", 6) != 0 && strncmp(path, "/0.8/_mock", 10) != 0))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "method", method);
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddNumberToObject(o, "status", (double)r->status);
	cJSON_AddStringToObject(o, "content_type", r->content_type);
	cJSON_AddStringToObject(o, "body", r->body);
	char *line = cJSON_PrintUnformatted(o);
	char file[4096];
	snprintf(file, sizeof(file), "%s/%d.jsonl", dir, (int)getpid());
	FILE *f = fopen(file, "a");
	if (f && line)
		fprintf(f, "%s\n", line);
	if (f)
		fclose(f);
	free(line);
	cJSON_Delete(o);
}

int http_raw(const struct server *s, const char *method, const char *path, const char *const *headers,
	     const char *body, size_t body_len, struct resp *r)
{
	memset(r, 0, sizeof(*r));
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	char url[4096];
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	struct buf b = {0}, h = {0};
	struct curl_slist *hl = NULL;
	for (int i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	hl = curl_slist_append(hl, "Expect:"); /* no 100-continue round trip */
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		char *ct = NULL;
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
		if (ct)
			snprintf(r->content_type, sizeof(r->content_type), "%s", ct);
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	r->body = b.p ? b.p : calloc(1, 1);
	r->len = b.len;
	r->headers = h.p ? h.p : calloc(1, 1);
	r->json = cJSON_ParseWithLength(r->body, r->len);
	if (rc == CURLE_OK)
		record_control_answer(method, path, r);
	return rc == CURLE_OK ? 0 : -1;
}

int http(const struct server *s, const char *method, const char *path, const char *const *headers,
	 const char *body, struct resp *r)
{
	return http_raw(s, method, path, headers, body, body ? strlen(body) : 0, r);
}

int http_as(const struct server *s, const char *method, const char *path, const char *header_name,
	    const char *token, const char *body, struct resp *r)
{
	char h[512];
	snprintf(h, sizeof(h), "%s: %s", header_name, token);
	const char *hs[] = {h, NULL};
	return http(s, method, path, header_name ? hs : NULL, body, r);
}

void resp_release(struct resp *r)
{
	free(r->body);
	free(r->headers);
	cJSON_Delete(r->json);
	memset(r, 0, sizeof(*r));
}

const char *resp_header(const struct resp *r, const char *name, char *buf, size_t size)
{
	size_t nl = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");
		if (!end)
			end = line + strlen(line);
		if ((size_t)(end - line) > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = (size_t)(end - v);
			if (vl >= size)
				vl = size - 1;
			memcpy(buf, v, vl);
			buf[vl] = 0;
			return buf;
		}
		line = *end ? end + 2 : end;
	}
	return NULL;
}

const cJSON *jget(const cJSON *root, const char *path)
{
	char key[256];
	const cJSON *cur = root;
	while (cur && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = 0;
		if (cJSON_IsArray(cur) && isdigit((unsigned char)key[0]))
			cur = cJSON_GetArrayItem(cur, atoi(key));
		else
			cur = cJSON_GetObjectItemCaseSensitive(cur, key);
		path += n;
		if (*path == '.')
			path++;
	}
	return cur;
}

const char *jstr(const cJSON *root, const char *path)
{
	const cJSON *v = jget(root, path);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* sessions.c: the registry of live WebSocket sessions and presence (see
 * sessions.h). */
#include "sessions.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "live.h"
#include "strbuf.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct session head = {.prev = &head, .next = &head};
static size_t live;           /* sessions in the list */
static unsigned reserved;     /* slots taken (sessions_reserve) */
static unsigned long long next_num = 1;

/* Presence: user id -> open authenticated sessions, a chained hash table.
 * PERF: every User render asks presence_online; with no session at all (the
 * common case) the answer comes from one atomic load, without the mutex. */
#define PRESENCE_BUCKETS 1024
struct presence {
	struct presence *next;
	int count;
	char user[SESSION_USER_MAX];
};
static struct presence *buckets[PRESENCE_BUCKETS];
static atomic_int online_users;
static atomic_int authenticated; /* sessions past Authenticate */

/* The topic index: topic -> the sessions holding it, in the order they
 * subscribed, a chained hash table. Written under the mutex by the gateway
 * thread, read by it alone (sessions_subscribed). */
#define TOPIC_BUCKETS 4096
struct topic_subs {
	struct topic_subs *next;
	struct session **subs;
	size_t n, cap;
	char topic[];
};
static struct topic_subs *topics_index[TOPIC_BUCKETS];
static uint64_t mark; /* sessions_subscribed: a session already taken has this mark */

static unsigned fnv1a(const char *text)
{
	unsigned h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Under the mutex: where topic's entry is, or would be linked. */
static struct topic_subs **index_find(const char *topic)
{
	struct topic_subs **pp = &topics_index[fnv1a(topic) % TOPIC_BUCKETS];
	while (*pp && strcmp((*pp)->topic, topic) != 0)
		pp = &(*pp)->next;
	return pp;
}

/* Under the mutex. 0, or -1 when out of memory. */
static int index_add(const char *topic, struct session *s)
{
	struct topic_subs **pp = index_find(topic), *t = *pp;
	if (!t) {
		size_t len = strlen(topic) + 1;
		if (!(t = calloc(1, sizeof(*t) + len)))
			return -1;
		memcpy(t->topic, topic, len);
		*pp = t;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4;
		struct session **grown = realloc(t->subs, cap * sizeof(*grown));
		if (!grown) {
			if (!t->n) {
				*pp = t->next;
				free(t);
			}
			return -1;
		}
		t->subs = grown;
		t->cap = cap;
	}
	t->subs[t->n++] = s;
	return 0;
}

/* Under the mutex. */
static void index_remove(const char *topic, const struct session *s)
{
	struct topic_subs **pp = index_find(topic), *t = *pp;
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		if (t->subs[i] == s) {
			memmove(t->subs + i, t->subs + i + 1, (t->n - i - 1) * sizeof(*t->subs));
			t->n--;
			break;
		}
	}
	if (!t->n) {
		*pp = t->next;
		free(t->subs);
		free(t);
	}
}

bool sessions_reserve(unsigned max)
{
	pthread_mutex_lock(&lock);
	bool ok = reserved < max;
	if (ok)
		reserved++;
	pthread_mutex_unlock(&lock);
	return ok;
}

void sessions_unreserve(void)
{
	pthread_mutex_lock(&lock);
	if (reserved)
		reserved--;
	pthread_mutex_unlock(&lock);
}

/* The query with the value of every token= item replaced by "[redacted]": no
 * token is ever kept where the control API can show it. */
static char *redact(const char *query)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = query ? query : "";
	while (*p) {
		size_t len = strcspn(p, "&");
		if (len > 6 && strncmp(p, "token=", 6) == 0)
			strbuf_adds(&sb, "token=[redacted]");
		else
			strbuf_add(&sb, p, len);
		p += len;
		if (*p == '&') {
			strbuf_adds(&sb, "&");
			p++;
		}
	}
	return strbuf_detach(&sb, NULL);
}

struct session *sessions_add(const char *path, const char *query, const char *format, int version)
{
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->path = strdup(path ? path : "/");
	s->query = redact(query);
	if (!s->path || !s->query) {
		free(s->path);
		free(s->query);
		free(s);
		return NULL;
	}
	str_copy(s->format, sizeof(s->format), format);
	s->version = version;
	s->connected_ms = now_ms();
	pthread_mutex_lock(&lock);
	snprintf(s->id, sizeof(s->id), "ws-%llu", next_num++);
	s->prev = head.prev;
	s->next = &head;
	head.prev->next = s;
	head.prev = s;
	live++;
	pthread_mutex_unlock(&lock);
	live_changed(); /* the dashboard's Sessions panel */
	return s;
}

void sessions_remove(struct session *s)
{
	pthread_mutex_lock(&lock);
	s->prev->next = s->next;
	s->next->prev = s->prev;
	live--;
	for (size_t i = 0; i < s->ntopics; i++)
		index_remove(s->topics[i], s);
	pthread_mutex_unlock(&lock);
	live_changed();
	if (s->authenticated)
		atomic_fetch_sub(&authenticated, 1);
	for (size_t i = 0; i < s->ntopics; i++)
		free(s->topics[i]);
	free(s->topics);
	free(s->path);
	free(s->query);
	free(s);
}

void sessions_authenticate(struct session *s, const char *user_id, enum token_kind kind, bool bot)
{
	pthread_mutex_lock(&lock);
	if (!s->authenticated)
		atomic_fetch_add(&authenticated, 1);
	s->authenticated = true;
	str_copy(s->user, sizeof(s->user), user_id);
	s->kind = kind;
	s->bot = bot;
	pthread_mutex_unlock(&lock);
	live_changed();
}

void sessions_ready(struct session *s)
{
	pthread_mutex_lock(&lock);
	s->ready = true;
	pthread_mutex_unlock(&lock);
}

const char *sessions_kind_name(enum token_kind kind)
{
	return kind == TOKEN_SESSION ? "session" : kind == TOKEN_BOT ? "bot" : NULL;
}

/* Where topic is, or would be inserted, in s->topics; *found says which. */
static size_t topic_at(const struct session *s, const char *topic, bool *found)
{
	size_t lo = 0, hi = s->ntopics;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->topics[mid], topic);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

void sessions_subscribe(struct session *s, const char *topic)
{
	bool found;
	size_t at = topic_at(s, topic, &found);
	if (found)
		return;
	char *copy = strdup(topic);
	if (!copy)
		return;
	pthread_mutex_lock(&lock);
	if (s->ntopics == s->topics_cap) {
		size_t cap = s->topics_cap ? s->topics_cap * 2 : 16;
		char **grown = realloc(s->topics, cap * sizeof(*grown));
		if (!grown) {
			pthread_mutex_unlock(&lock);
			free(copy);
			return;
		}
		s->topics = grown;
		s->topics_cap = cap;
	}
	if (index_add(topic, s)) {
		pthread_mutex_unlock(&lock);
		free(copy);
		return;
	}
	memmove(s->topics + at + 1, s->topics + at, (s->ntopics - at) * sizeof(*s->topics));
	s->topics[at] = copy;
	s->ntopics++;
	pthread_mutex_unlock(&lock);
}

void sessions_unsubscribe(struct session *s, const char *topic)
{
	bool found;
	size_t at = topic_at(s, topic, &found);
	if (!found)
		return;
	pthread_mutex_lock(&lock);
	char *gone = s->topics[at];
	index_remove(gone, s);
	memmove(s->topics + at, s->topics + at + 1, (s->ntopics - at - 1) * sizeof(*s->topics));
	s->ntopics--;
	pthread_mutex_unlock(&lock);
	free(gone);
}

struct session **sessions_subscribed(const char *const *topics, size_t n, size_t *count)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct topic_subs *t = *index_find(topics[i]);
		total += t ? t->n : 0;
	}
	*count = 0;
	struct session **out = total ? malloc(total * sizeof(*out)) : NULL;
	if (!out)
		return NULL;
	mark++;
	for (size_t i = 0; i < n; i++) {
		const struct topic_subs *t = *index_find(topics[i]);
		for (size_t j = 0; t && j < t->n; j++) {
			struct session *s = t->subs[j];
			if (s->mark != mark) {
				s->mark = mark;
				out[k++] = s;
			}
		}
	}
	*count = k;
	return out;
}

bool sessions_anyone_subscribed(const char *const *topics, size_t n)
{
	bool any = false;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < n && !any; i++)
		any = *index_find(topics[i]) != NULL;
	pthread_mutex_unlock(&lock);
	return any;
}

bool sessions_any_authenticated(void) { return atomic_load_explicit(&authenticated, memory_order_relaxed) > 0; }

bool sessions_match(const struct session *s, const char *const *topics, size_t n)
{
	bool found = false;
	for (size_t i = 0; i < n && !found; i++)
		topic_at(s, topics[i], &found);
	return found;
}

void sessions_frame(struct session *s, bool inbound)
{
	pthread_mutex_lock(&lock);
	if (inbound)
		s->frames_in++;
	else
		s->frames_out++;
	pthread_mutex_unlock(&lock);
}

void sessions_ping(struct session *s, long long at_ms)
{
	pthread_mutex_lock(&lock);
	s->last_ping_ms = at_ms;
	pthread_mutex_unlock(&lock);
	live_changed();
}

struct session *sessions_first(void) { return head.next == &head ? NULL : head.next; }
struct session *sessions_next(const struct session *s) { return s->next == &head ? NULL : s->next; }

void sessions_each(void (*fn)(void *arg, const struct session *s), void *arg)
{
	pthread_mutex_lock(&lock);
	for (struct session *s = head.next; s != &head; s = s->next)
		fn(arg, s);
	pthread_mutex_unlock(&lock);
}

size_t sessions_count(void)
{
	pthread_mutex_lock(&lock);
	size_t n = live;
	pthread_mutex_unlock(&lock);
	return n;
}

/* ---- presence ------------------------------------------------------------------ */

/* Under the mutex. */
static struct presence **presence_find(const char *user_id)
{
	struct presence **pp = &buckets[fnv1a(user_id) % PRESENCE_BUCKETS];
	while (*pp && strcmp((*pp)->user, user_id) != 0)
		pp = &(*pp)->next;
	return pp;
}

int presence_add(const char *user_id)
{
	int count = 0;
	pthread_mutex_lock(&lock);
	struct presence **pp = presence_find(user_id);
	if (!*pp && (*pp = calloc(1, sizeof(**pp)))) {
		str_copy((*pp)->user, sizeof((*pp)->user), user_id);
		atomic_fetch_add(&online_users, 1);
	}
	if (*pp)
		count = ++(*pp)->count;
	pthread_mutex_unlock(&lock);
	return count;
}

int presence_remove(const char *user_id)
{
	int count = 0;
	pthread_mutex_lock(&lock);
	struct presence **pp = presence_find(user_id), *p = *pp;
	if (p && (count = --p->count) <= 0) {
		*pp = p->next;
		free(p);
		count = 0;
		atomic_fetch_sub(&online_users, 1);
	}
	pthread_mutex_unlock(&lock);
	return count;
}

bool presence_online(const char *user_id)
{
	if (!user_id || atomic_load_explicit(&online_users, memory_order_relaxed) == 0)
		return false;
	pthread_mutex_lock(&lock);
	bool on = *presence_find(user_id) != NULL;
	pthread_mutex_unlock(&lock);
	return on;
}

void sessions_reset(void)
{
	while (head.next != &head)
		sessions_remove(head.next);
	pthread_mutex_lock(&lock);
	for (int i = 0; i < PRESENCE_BUCKETS; i++) {
		while (buckets[i]) {
			struct presence *p = buckets[i];
			buckets[i] = p->next;
			free(p);
		}
	}
	atomic_store(&online_users, 0);
	atomic_store(&authenticated, 0);
	reserved = 0;
	pthread_mutex_unlock(&lock);
}

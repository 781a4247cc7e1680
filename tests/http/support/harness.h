/* harness.h: HTTP tests against a real stoat-mock on an ephemeral port.
 *
 * server_start() runs $STOAT_MOCK_BIN (set by CTest; default build/stoat-mock)
 * with --port 0 plus the given arguments, reads the port from its first stdout
 * line, and leaves its log in a temporary file. http() sends one request with
 * libcurl and returns status, headers, body and the parsed JSON. */
#ifndef STOAT_HARNESS_H
#define STOAT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

/* The bundled fixtures (fixtures/default.json). */
#define ALICE_ID "01HZ5W2X8A1B3C4D5E6F7G8H9J"
#define BOB_ID "01HZ6A7B8C9D0E1F2G3H4J5K6M"
#define CAROL_ID "01HZ7CARQ1N2P3Q4R5S6T7V8W9"
#define ALICE_SESSION "alice-session"
#define BOB_SESSION "bob-session"
#define CAROL_SESSION "carol-session"
#define HELPER_ID "01J0H3HPB0T5T0KEN000000AAA"
#define HELPER_TOKEN "DhM47aI5p29RP6s9Q5dq5M4q3fzPgdBlbmJa65oZQCVUIAtlt8AZFTy7dPjFhYP3"
#define HELPER_SECRET "7CFGZU69wW65BTyLG0VHjcZ5pyetMMZ8jTNxfRxPHKrh8khrr-Ylvy_gPJCe4UMM"
#define PUBLIC_ID "01J0H4PVB1CB0T000000000BBB"
#define PUBLIC_TOKEN "NMbXN5m6oSicF4b_haI17oKhuGIWdcYVXXB8gbFvXi0oIg1A9vIjHqEqmsNrnZH1"
#define SERVER_ID "01J1SERVER0000000000000001"
#define BOB_SERVER_ID "01J1SERVER0000000000000002"
#define GROUP_ID "01J1GR0VP00000000000000001"
#define TEXT_CHANNEL_ID "01J1TXTCHANNE0000000000001"

struct server {
	pid_t pid;
	unsigned port;
	char base[64];
	char log[64]; /* path of the server's stderr */
};

/* args: NULL-terminated extra arguments (may be NULL). Returns 0 or -1. */
int server_start(struct server *s, const char *const *args);
/* SIGTERM, then wait; returns the exit status (or -1). */
int server_stop(struct server *s);
/* A server shared by a whole test file: started on first use, stopped at exit.
 * Tests that change state reset it with POST /_mock/reset where available, or
 * start their own. */

struct resp {
	long status;
	char *body;
	size_t len;
	char *headers;      /* raw header block */
	char content_type[128];
	cJSON *json;        /* parsed body, NULL if not JSON */
};

/* headers: NULL-terminated "Name: value" strings (may be NULL); body may be NULL.
 * Returns 0, or -1 when the request failed at the transport level (connection
 * closed without an answer, timeout): then r->status is 0. */
int http(const struct server *s, const char *method, const char *path, const char *const *headers,
	 const char *body, struct resp *r);
/* Same with a body of explicit length (may hold NUL bytes). */
int http_raw(const struct server *s, const char *method, const char *path, const char *const *headers,
	     const char *body, size_t body_len, struct resp *r);
void resp_release(struct resp *r);

/* Value of a response header (case-insensitive), copied into buf; NULL if absent. */
const char *resp_header(const struct resp *r, const char *name, char *buf, size_t size);

/* Dotted path lookup in a JSON tree: "user.username", "bots.0._id". NULL if absent. */
const cJSON *jget(const cJSON *root, const char *path);
/* The string at path, or NULL. */
const char *jstr(const cJSON *root, const char *path);

/* Convenience: a request with one auth header ("x-session-token" / "x-bot-token"). */
int http_as(const struct server *s, const char *method, const char *path, const char *header_name,
	    const char *token, const char *body, struct resp *r);

#endif

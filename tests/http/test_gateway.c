/* test_gateway.c: the events WebSocket over a real socket, against a real
 * stoat-mock. The client side frames with wslay too (a client context: masked
 * frames), so these tests check the server's bytes, not a second framing of ours.
 *
 * What a client can observe of events.md: the handshake (101 and its accept key,
 * the refusals), the token in the query and in a first Authenticate frame, the
 * frames before authentication ignored, Authenticated then Ready, Ping/Pong, the
 * Error frame and the bare drop after it, the bots API's events (rename, token
 * reset with Logout and the old token refused, invite), presence both ways, the
 * limits (Close 1009, 1007, --max-sessions), and a clean SIGTERM with sessions
 * open. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <wslay/wslay.h>

#include "harness.h"
#include "suite.h"
#include "wsclient.h"

#define READY_HELPER                                                                                        \
	"{\"type\":\"Ready\",\"users\":[{\"_id\":\"" HELPER_ID "\",\"username\":\"HelperBot\",\"discriminator\":" \
	"\"4821\",\"bot\":{\"owner\":\"" ALICE_ID "\"},\"relationship\":\"User\",\"online\":true}],"          \
	"\"servers\":[],\"channels\":[],\"members\":[],\"emojis\":[],\"voice_states\":[]}"
#define ERROR_FRAME                                                                                         \
	"{\"type\":\"Error\",\"data\":{\"type\":\"InvalidSession\",\"location\":"                            \
	"\"crates/core/database/src/models/users/model.rs:346:38\"}}"

static struct server srv;

static void setup(void)
{
	ck_assert_int_eq(server_start(&srv, NULL), 0);
}

static void teardown(void) { ck_assert_int_eq(server_stop(&srv), 0); }

/* ---- the handshake --------------------------------------------------------------------- */

START_TEST(handshake_and_ready_with_query_token)
{
	struct client c;
	char head[2048];
	ck_assert_int_eq(ws_open_with(&srv, "/ws?version=1&format=json&token=" HELPER_TOKEN, NULL, 0, &c, head,
				      sizeof(head)),
			 101);
	/* RFC 6455 §1.3's example key */
	ck_assert_ptr_nonnull(strcasestr(head, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
	ck_assert_ptr_nonnull(strcasestr(head, "Upgrade: websocket\r\n"));
	expect_next(&c, "{\"type\":\"Authenticated\"}");
	expect_next(&c, READY_HELPER);
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":1764873600123}");
	expect_next(&c, "{\"type\":\"Pong\",\"data\":1764873600123}");
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":[1, 2]}");
	expect_next(&c, "{\"type\":\"Pong\",\"data\":[1,2]}");
	/* not ClientMessages, or not decodable: nothing, the connection stays */
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":\"x\"}");
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":3,\"responded\":true}");
	ws_send_str(&c, "{\"type\":\"Authenticate\",\"token\":\"" HELPER_TOKEN "\"}");
	ws_send_str(&c, "not json");
	ws_send(&c, "{\"type\":\"Ping\",\"data\":4}", 24, WSLAY_BINARY_FRAME);
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":5}");
	expect_next(&c, "{\"type\":\"Pong\",\"data\":5}");
	ws_close_client(&c);
}
END_TEST

/* stoat.py: no token in the URL, an Authenticate frame first. Frames before it
 * are ignored (no Pong); the path does not matter; the frame may arrive with the
 * request itself. */
START_TEST(authenticate_frame)
{
	struct client c;
	ck_assert_int_eq(ws_open(&srv, "/any/path?version=1&format=json", &c), 101);
	ws_send_str(&c, "{\"type\":\"Ping\",\"data\":1}");
	expect_nothing(&c, 200);
	ws_send_str(&c, "{\"type\":\"Authenticate\",\"token\":\"" HELPER_TOKEN "\"}");
	expect_next(&c, "{\"type\":\"Authenticated\"}");
	expect_next(&c, READY_HELPER);
	ws_close_client(&c);

	/* a masked text frame carrying Authenticate, sent with the request */
	static const char auth[] = "{\"type\":\"Authenticate\",\"token\":\"" HELPER_TOKEN "\"}";
	_Static_assert(sizeof(auth) - 1 <= 125, "a 7-bit length");
	unsigned char frame[256] = {0x81, 0x80 | (unsigned char)(sizeof(auth) - 1), 0, 0, 0, 0};
	memcpy(frame + 6, auth, sizeof(auth) - 1); /* mask key 0: the payload as it is */
	char head[2048];
	ck_assert_int_eq(ws_open_with(&srv, "/", frame, 6 + sizeof(auth) - 1, &c, head, sizeof(head)), 101);
	expect_next(&c, "{\"type\":\"Authenticated\"}");
	expect_next(&c, READY_HELPER);
	ws_close_client(&c);
}
END_TEST

/* A bad token: the Error frame, then a bare TCP drop (no Close frame). */
START_TEST(bad_token)
{
	struct client c;
	ck_assert_int_eq(ws_open(&srv, "/?token=nope", &c), 101);
	expect_next(&c, ERROR_FRAME);
	expect_end(&c);
	ck_assert(!c.got_close);
	ws_close_client(&c);
	ck_assert_int_eq(ws_open(&srv, "/", &c), 101);
	ws_send_str(&c, "{\"type\":\"Authenticate\",\"token\":\"nope\"}");
	expect_next(&c, ERROR_FRAME);
	expect_end(&c);
	ws_close_client(&c);
}
END_TEST

static void raw_upgrade(const char *target, const char *version, const char *key, char *head, size_t size)
{
	int fd = tcp_connect(&srv);
	char req[512];
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
			 "%s%s%s%s%s%s\r\n",
			 target, version ? "Sec-WebSocket-Version: " : "", version ? version : "",
			 version ? "\r\n" : "", key ? "Sec-WebSocket-Key: " : "", key ? key : "", key ? "\r\n" : "");
	ck_assert_int_eq(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
	read_head(fd, head, size);
	size_t len = strlen(head);
	ssize_t r = recv(fd, head + len, size - len - 1, 0); /* the body */
	head[len + (r > 0 ? (size_t)r : 0)] = 0;
	close(fd);
}

START_TEST(refusals)
{
	char head[2048];
	raw_upgrade("/?format=msgpack", "13", "abc", head, sizeof(head));
	ck_assert_msg(strncmp(head, "HTTP/1.1 501", 12) == 0, "%s", head);
	ck_assert_ptr_nonnull(strstr(head, "\r\n\r\n{\"type\":\"NotEmulated\",\"feature\":\"msgpack\",\"location\":\"stoat-mock\"}"));
	raw_upgrade("/", "8", "abc", head, sizeof(head));
	ck_assert_msg(strncmp(head, "HTTP/1.1 400", 12) == 0, "%s", head);
	ck_assert_ptr_nonnull(strstr(head, "\"type\":\"InvalidWebSocketHandshake\""));
	raw_upgrade("/", "13", NULL, head, sizeof(head));
	ck_assert_msg(strncmp(head, "HTTP/1.1 400", 12) == 0, "%s", head);
	/* the control API is never upgraded */
	raw_upgrade("/_mock/health", "13", "abc", head, sizeof(head));
	ck_assert_msg(strncmp(head, "HTTP/1.1 200", 12) == 0, "%s", head);
}
END_TEST

/* ---- events ------------------------------------------------------------------------------- */

static void as_alice_on(const struct server *s, const char *method, const char *path, const char *body, long status)
{
	struct resp r;
	const char *h[] = {"x-session-token: " ALICE_SESSION, "content-type: application/json", NULL};
	ck_assert_int_eq(http(s, method, path, h, body, &r), 0);
	ck_assert_int_eq(r.status, status);
	resp_release(&r);
}

static void as_alice(const char *method, const char *path, const char *body, long status)
{
	as_alice_on(&srv, method, path, body, status);
}

START_TEST(rename_reset_invite)
{
	struct client bot, owner;
	ck_assert_int_eq(ws_open(&srv, "/?token=" HELPER_TOKEN, &bot), 101);
	expect_next(&bot, "{\"type\":\"Authenticated\"}");
	expect_next(&bot, READY_HELPER);
	ck_assert_int_eq(ws_open(&srv, "/?token=" BOB_SESSION, &owner), 101);
	expect_next(&owner, "{\"type\":\"Authenticated\"}");
	expect_prefix(&owner, "{\"type\":\"Ready\",");

	as_alice("PATCH", "/bots/" HELPER_ID, "{\"name\":\"helperbot\"}", 200); /* case only */
	expect_next(&bot, "{\"type\":\"UserUpdate\",\"id\":\"" HELPER_ID "\",\"data\":{\"username\":\"helperbot\"},"
			  "\"clear\":[],\"event_id\":null}");
	as_alice("PATCH", "/bots/" HELPER_ID, "{\"name\":\"Renamed\"}", 200);
	expect_next(&bot, "{\"type\":\"UserUpdate\",\"id\":\"" HELPER_ID "\",\"data\":{\"username\":\"Renamed\","
			  "\"discriminator\":\"4821\"},\"clear\":[],\"event_id\":null}");
	as_alice("PATCH", "/bots/" HELPER_ID, "{\"name\":\"x\"}", 400); /* failed: nothing */
	expect_nothing(&bot, 100);

	/* bob is a member of Alice's server: he hears the join, the bot gets the server */
	as_alice("POST", "/bots/" HELPER_ID "/invite", "{\"server\":\"" SERVER_ID "\"}", 204);
	expect_prefix(&owner, "{\"type\":\"ServerMemberJoin\",\"id\":\"" SERVER_ID "\",\"user\":\"" HELPER_ID "\",");
	expect_prefix(&bot, "{\"type\":\"ServerCreate\",\"id\":\"" SERVER_ID "\",");
	/* now subscribed to <server>u: a rename reaches it once, not twice */
	as_alice("PATCH", "/bots/" HELPER_ID, "{\"name\":\"Again\"}", 200);
	expect_prefix(&bot, "{\"type\":\"UserUpdate\",\"id\":\"" HELPER_ID "\",\"data\":{\"username\":\"Again\"");
	expect_nothing(&bot, 100);

	/* a group bob is in: he hears the join, and from then on the bot's renames */
	as_alice("POST", "/bots/" HELPER_ID "/invite", "{\"group\":\"" GROUP_ID "\"}", 204);
	expect_next(&owner, "{\"type\":\"ChannelGroupJoin\",\"id\":\"" GROUP_ID "\",\"user\":\"" HELPER_ID "\"}");
	expect_prefix(&bot, "{\"type\":\"ChannelCreate\",\"channel_type\":\"Group\",\"_id\":\"" GROUP_ID "\",");
	as_alice("PATCH", "/bots/" HELPER_ID, "{\"name\":\"Third\"}", 200);
	expect_prefix(&bot, "{\"type\":\"UserUpdate\",\"id\":\"" HELPER_ID "\",\"data\":{\"username\":\"Third\"");
	expect_prefix(&owner, "{\"type\":\"UserUpdate\",\"id\":\"" HELPER_ID "\",\"data\":{\"username\":\"Third\"");

	/* token reset: Logout to the bot only, then its connection is dropped */
	as_alice("PATCH", "/bots/" HELPER_ID, "{\"remove\":[\"Token\"]}", 200);
	expect_next(&bot, "{\"type\":\"Logout\"}");
	expect_end(&bot);
	ck_assert(!bot.got_close);
	ws_close_client(&bot);
	/* the old token is refused */
	ck_assert_int_eq(ws_open(&srv, "/?token=" HELPER_TOKEN, &bot), 101);
	expect_next(&bot, ERROR_FRAME);
	ws_close_client(&bot);
	ws_close_client(&owner);
}
END_TEST

/* events.md §5.4: alice (bob's friend) hears bob come and go; HTTP shows him
 * online while his session is open. */
START_TEST(presence)
{
	struct client alice, bob;
	struct resp r;
	ck_assert_int_eq(ws_open(&srv, "/?token=" ALICE_SESSION, &alice), 101);
	expect_next(&alice, "{\"type\":\"Authenticated\"}");
	expect_prefix(&alice, "{\"type\":\"Ready\",\"users\":[{\"_id\":\"" BOB_ID "\",\"username\":\"bob\","
			      "\"discriminator\":\"0002\",\"relationship\":\"Friend\",\"online\":false}");
	ck_assert_int_eq(http_as(&srv, "GET", "/users/" BOB_ID, "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_ptr_nonnull(strstr(r.body, "\"online\":false}"));
	resp_release(&r);

	ck_assert_int_eq(ws_open(&srv, "/?token=" BOB_SESSION, &bob), 101);
	expect_next(&bob, "{\"type\":\"Authenticated\"}");
	expect_prefix(&bob, "{\"type\":\"Ready\",");
	expect_next(&alice, "{\"type\":\"UserUpdate\",\"id\":\"" BOB_ID "\",\"data\":{\"online\":true},\"clear\":[],"
			    "\"event_id\":null}");
	expect_nothing(&bob, 100); /* not its own */
	ck_assert_int_eq(http_as(&srv, "GET", "/users/" BOB_ID, "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_ptr_nonnull(strstr(r.body, "\"online\":true}"));
	resp_release(&r);

	ws_close_client(&bob);
	expect_next(&alice, "{\"type\":\"UserUpdate\",\"id\":\"" BOB_ID "\",\"data\":{\"online\":false},\"clear\":[],"
			    "\"event_id\":null}");
	ck_assert_int_eq(http_as(&srv, "GET", "/users/" BOB_ID, "x-session-token", ALICE_SESSION, NULL, &r), 0);
	ck_assert_ptr_nonnull(strstr(r.body, "\"online\":false}"));
	resp_release(&r);
	ws_close_client(&alice);
}
END_TEST

/* ---- limits ----------------------------------------------------------------------------------- */

START_TEST(limits)
{
	struct server small;
	const char *args[] = {"--max-sessions", "1", "--ws-max-message", "128", NULL};
	ck_assert_int_eq(server_start(&small, args), 0);
	struct client a, b;
	char head[2048];
	ck_assert_int_eq(ws_open(&small, "/?token=" HELPER_TOKEN, &a), 101);
	expect_next(&a, "{\"type\":\"Authenticated\"}");
	ck_assert_int_eq(ws_open_with(&small, "/", NULL, 0, &b, head, sizeof(head)), 503);
	char body[256] = "";
	ck_assert(recv(b.fd, body, sizeof(body) - 1, 0) > 0);
	ck_assert_str_eq(body, "{\"type\":\"TooManySessions\",\"max\":1,\"location\":\"stoat-mock\"}");
	ws_close_client(&b);

	/* over --ws-max-message: Close 1009 */
	char big[200];
	memset(big, 'x', sizeof(big));
	ws_send(&a, big, sizeof(big), WSLAY_TEXT_FRAME);
	expect_prefix(&a, "{\"type\":\"Ready\""); /* still queued before it */
	expect_end(&a);
	ck_assert(a.got_close);
	ck_assert_int_eq(a.close_code, 1009);
	ws_close_client(&a);

	/* the slot is free again; invalid UTF-8: Close 1007 */
	for (int i = 0; i < 50; i++) {
		int status = ws_open(&small, "/?token=" HELPER_TOKEN, &a);
		if (status == 101)
			break;
		ws_close_client(&a);
		usleep(20000);
	}
	ck_assert_ptr_nonnull(a.ctx);
	expect_next(&a, "{\"type\":\"Authenticated\"}");
	expect_prefix(&a, "{\"type\":\"Ready\"");
	ws_send(&a, "\xff\xfe", 2, WSLAY_TEXT_FRAME);
	expect_end(&a);
	ck_assert(a.got_close);
	ck_assert_int_eq(a.close_code, 1007);
	ws_close_client(&a);

	/* SIGTERM with a session open: every session ends first, exit 0, and
	 * libmicrohttpd never had to close an upgraded connection itself */
	ck_assert_int_eq(ws_open(&small, "/?token=" HELPER_TOKEN, &a) == 101 || 1, 1);
	ck_assert_int_eq(server_stop(&small), 0);
	FILE *f = fopen(small.log, "r");
	char line[512];
	while (f && fgets(line, sizeof(line), f))
		ck_assert_msg(strstr(line, "upgraded") == NULL, "%s", line);
	if (f)
		fclose(f);
	ws_close_client(&a);
}
END_TEST

/* A session leaves libmicrohttpd once its 101 is out (ws.c keeps the socket), so
 * sessions never take the HTTP connections --max-connections allows: with one
 * allowed and three sessions open, a request is answered at once, and the
 * sessions still hear the events it makes. */
START_TEST(sessions_outside_the_connection_limit)
{
	struct server one;
	const char *args[] = {"--max-connections", "1", NULL};
	ck_assert_int_eq(server_start(&one, args), 0);
	struct client c[3];
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(ws_open(&one, "/?token=" HELPER_TOKEN, &c[i]), 101);
		expect_next(&c[i], "{\"type\":\"Authenticated\"}");
		expect_prefix(&c[i], "{\"type\":\"Ready\"");
	}
	struct resp r;
	ck_assert_int_eq(http_as(&one, "PATCH", "/bots/" HELPER_ID, "x-session-token", ALICE_SESSION,
				 "{\"name\":\"Limited\"}", &r),
			 0);
	ck_assert_int_eq(r.status, 200);
	resp_release(&r);
	for (int i = 0; i < 3; i++) {
		expect_prefix(&c[i], "{\"type\":\"UserUpdate\",\"id\":\"" HELPER_ID "\",\"data\":{\"username\":\"Limited\"");
		ws_close_client(&c[i]);
	}
	ck_assert_int_eq(server_stop(&one), 0);
}
END_TEST

/* A reader that never reads, flooding Pings with large data: once what the socket
 * would not take is over --ws-max-queue, that session alone is dropped (no Close
 * frame), while another session hears every event at once. */
START_TEST(slow_reader)
{
	struct server q;
	const char *args[] = {"--ws-max-queue", "65536", NULL};
	ck_assert_int_eq(server_start(&q, args), 0);
	struct client slow, fast;
	ck_assert_int_eq(ws_open(&q, "/?token=" HELPER_TOKEN, &slow), 101);
	int small = 4096;
	setsockopt(slow.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	ck_assert_int_eq(ws_open(&q, "/?token=" HELPER_TOKEN, &fast), 101);
	expect_next(&fast, "{\"type\":\"Authenticated\"}");
	expect_prefix(&fast, "{\"type\":\"Ready\"");

	/* 40 Pings of about 400 KB: 16 MB of Pongs nobody reads */
	enum { BYTES = 100000, PINGS = 40 };
	char *ping = malloc(32 + 4 * BYTES);
	size_t len = (size_t)sprintf(ping, "{\"type\":\"Ping\",\"data\":[255");
	for (int i = 1; i < BYTES; i++)
		len += (size_t)sprintf(ping + len, ",255");
	len += (size_t)sprintf(ping + len, "]}");
	/* the server may drop the slow session before all are sent: then sending stops */
	for (int i = 0; i < PINGS && ws_try_send(&slow, ping, len); i++)
		;
	free(ping);

	as_alice_on(&q, "PATCH", "/bots/" HELPER_ID, "{\"name\":\"Still\"}", 200);
	expect_prefix(&fast, "{\"type\":\"UserUpdate\"");
	ws_send_str(&fast, "{\"type\":\"Ping\",\"data\":1}");
	expect_next(&fast, "{\"type\":\"Pong\",\"data\":1}");

	int got = 0;
	while (ws_next(&slow, 3000))
		got++;
	ck_assert(slow.eof);
	ck_assert(!slow.got_close);
	ck_assert_int_lt(got, PINGS + 2);
	ws_close_client(&slow);
	ws_close_client(&fast);
	ck_assert_int_eq(server_stop(&q), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gateway");
	TCase *tc = tcase_create("gateway");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, handshake_and_ready_with_query_token);
	tcase_add_test(tc, authenticate_frame);
	tcase_add_test(tc, bad_token);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, rename_reset_invite);
	tcase_add_test(tc, presence);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, sessions_outside_the_connection_limit);
	tcase_add_test(tc, slow_reader);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

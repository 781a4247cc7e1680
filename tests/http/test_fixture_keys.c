/* test_fixture_keys.c: unknown keys in a fixture document (issue 18 item 3).
 *
 * At start-up each is one warning line on stderr naming its JSON path, and the key is
 * left out (GET /_mock/state does not bring it back); --strict-fixtures (or
 * STOAT_MOCK_STRICT_FIXTURES=1) refuses the document with one line instead. PUT
 * /_mock/state always refuses one: 400 FailedValidation with the same text, nothing
 * changed. Keys of the real API's shapes that the format has no use for (a User's
 * relationship, a Member's joined_at, …) are no typos: accepted without a word, in
 * both. EVIDENCE-OF: README "Fixtures". */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "suite.h"

#define USER "01HZ5W2X8A1B3C4D5E6F7G8H9J"
#define BOT "01J0H3HPB0T5T0KEN000000AAA"

/* One typo in every kind of object the format has. */
static const char TYPOS[] =
	"{\"users\":[{\"_id\":\"" USER "\",\"username\":\"alice\",\"discriminator\":\"0001\",\"display_nmae\":\"A\","
	"\"status\":{\"txt\":\"hi\"},\"profile\":{\"contnet\":\"x\"},"
	"\"sessions\":[{\"token\":\"alice-session\",\"nmae\":\"s\"}]}],"
	"\"bots\":[{\"_id\":\"" BOT "\",\"owner\":\"" USER "\",\"username\":\"Helper\",\"token\":\"t1\",\"publc\":true,"
	"\"oauth2\":{\"public\":true,\"redirect\":[],\"allowed_scopes\":{\"read:identify\":{\"allow\":\"a\","
	"\"deny\":\"d\",\"why\":1}}}}],"
	"\"servers\":[{\"_id\":\"S1\",\"owner\":\"" USER "\",\"name\":\"s\",\"default_permisions\":7,"
	"\"members\":[{\"user\":\"" USER "\",\"perms\":1}]}],"
	"\"channels\":[{\"_id\":\"C1\",\"channel_type\":\"TextChannel\",\"server\":\"S1\",\"name\":\"g\",\"topic\":\"t\"}]}";

static const char *const WARNINGS[] = {
	"$.users[0].display_nmae: unknown key",
	"$.users[0].status.txt: unknown key",
	"$.users[0].profile.contnet: unknown key",
	"$.users[0].sessions[0].nmae: unknown key",
	"$.bots[0].publc: unknown key",
	"$.bots[0].oauth2.redirect: unknown key",
	"$.bots[0].oauth2.allowed_scopes.read:identify.why: unknown key",
	"$.servers[0].default_permisions: unknown key",
	"$.servers[0].members[0].perms: unknown key",
	"$.channels[0].topic: unknown key",
};

/* Every key of the real shapes the format does not read: pasted answers of the API. */
static const char WIRE_KEYS[] =
	"{\"users\":[{\"_id\":\"" USER "\",\"username\":\"alice\",\"discriminator\":\"0001\","
	"\"relationship\":\"User\",\"online\":true,"
	"\"sessions\":[{\"token\":\"alice-session\",\"_id\":\"01HZ5W2X8A1B3C4D5E6F7G8S01\",\"name\":\"s\","
	"\"result\":\"Success\",\"user_id\":\"" USER "\",\"last_seen\":\"2026-01-01T00:00:00Z\",\"origin\":null,"
	"\"subscription\":null}]}],"
	"\"bots\":[{\"_id\":\"" BOT "\",\"owner\":\"" USER "\",\"username\":\"Helper\",\"token\":\"t1\",\"public\":true,"
	"\"user\":{\"_id\":\"" BOT "\"},\"bot\":{\"owner\":\"" USER "\"},\"relationship\":\"None\",\"online\":false}],"
	"\"servers\":[{\"_id\":\"S1\",\"owner\":\"" USER "\",\"name\":\"s\",\"description\":\"d\",\"channels\":[\"C1\"],"
	"\"categories\":[],\"system_messages\":{},\"roles\":{},\"icon\":null,\"banner\":null,\"flags\":0,"
	"\"nsfw\":false,\"analytics\":false,\"discoverable\":false,"
	"\"members\":[{\"user\":\"" USER "\",\"_id\":{\"server\":\"S1\",\"user\":\"" USER "\"},"
	"\"joined_at\":\"2026-01-01T00:00:00Z\",\"nickname\":\"n\",\"avatar\":null,\"roles\":[],\"timeout\":null,"
	"\"can_publish\":true,\"can_receive\":true}]}],"
	"\"channels\":[{\"_id\":\"C1\",\"channel_type\":\"TextChannel\",\"server\":\"S1\",\"name\":\"g\","
	"\"description\":\"d\",\"icon\":null,\"last_message_id\":null,\"nsfw\":false,\"default_permissions\":null,"
	"\"role_permissions\":{},\"voice\":null,\"active\":true,\"user\":null}]}";

static char path[64];

static const char *write_doc(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/stoat-keys-%d.json", (int)getpid());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* The server's stderr after it stopped. */
static char *log_of(struct server *s)
{
	static char buf[16384];
	FILE *f = fopen(s->log, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	unlink(s->log);
	return buf;
}

static struct resp get_state(struct server *s)
{
	struct resp r;
	ck_assert_int_eq(http(s, "GET", "/_mock/state", NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	return r;
}

START_TEST(start_up_warns_once_per_unknown_key)
{
	struct server s;
	const char *args[] = {"--quiet", "--fixtures", write_doc(TYPOS), NULL};
	ck_assert_int_eq(server_start(&s, args), 0);
	struct resp r = get_state(&s);
	/* the unknown keys were left out, the rest loaded */
	ck_assert_ptr_null(strstr(r.body, "nmae"));
	ck_assert_ptr_null(strstr(r.body, "publc"));
	ck_assert_ptr_null(strstr(r.body, "default_permisions"));
	ck_assert_ptr_null(strstr(r.body, "topic"));
	ck_assert_str_eq(jstr(r.json, "bots.0.username"), "Helper");
	/* and the export is a document PUT takes (no unknown key in it) */
	struct resp put;
	ck_assert_int_eq(http(&s, "PUT", "/_mock/state", NULL, r.body, &put), 0);
	ck_assert_int_eq(put.status, 204);
	resp_release(&put);
	resp_release(&r);
	ck_assert_int_eq(server_stop(&s), 0);
	char want[2048] = "";
	for (size_t i = 0; i < sizeof(WARNINGS) / sizeof(WARNINGS[0]); i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "stoat-mock: warning: fixtures (%s): %s\n",
			 path, WARNINGS[i]);
	strcat(want, "stoat-mock: SIGTERM received, stopping\n");
	ck_assert_str_eq(log_of(&s), want);
	unlink(path);
}
END_TEST

/* --strict-fixtures (or its variable): the first unknown key stops the start, one line. */
START_TEST(strict_refuses_the_document)
{
	char line[1024];
	snprintf(line, sizeof(line), "stoat-mock: invalid fixtures (%s): %s\n", write_doc(TYPOS), WARNINGS[0]);
	for (int mode = 0; mode < 2; mode++) {
		int err[2];
		ck_assert_int_eq(pipe(err), 0);
		pid_t pid = fork();
		if (pid == 0) {
			dup2(err[1], 2);
			freopen("/dev/null", "w", stdout);
			const char *bin = getenv("STOAT_MOCK_BIN") ? getenv("STOAT_MOCK_BIN") : "build/stoat-mock";
			if (mode)
				setenv("STOAT_MOCK_STRICT_FIXTURES", "1", 1);
			execl(bin, bin, "--port", "0", "--fixtures", path, mode ? NULL : "--strict-fixtures", (char *)NULL);
			_exit(127);
		}
		close(err[1]);
		char got[2048];
		size_t n = 0;
		ssize_t k;
		while (n < sizeof(got) - 1 && (k = read(err[0], got + n, sizeof(got) - 1 - n)) > 0)
			n += (size_t)k;
		got[n] = 0;
		close(err[0]);
		int st;
		waitpid(pid, &st, 0);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0);
		ck_assert_str_eq(got, line);
	}
	unlink(path);
}
END_TEST

/* Keys of the real shapes: no warning at start-up, none refused by strict or by PUT. */
START_TEST(wire_keys_are_no_typos)
{
	struct server s;
	const char *args[] = {"--quiet", "--strict-fixtures", "--fixtures", write_doc(WIRE_KEYS), NULL};
	ck_assert_int_eq(server_start(&s, args), 0);
	struct resp r;
	ck_assert_int_eq(http(&s, "PUT", "/_mock/state", NULL, WIRE_KEYS, &r), 0);
	ck_assert_int_eq(r.status, 204);
	resp_release(&r);
	/* a server's and a channel's keys are kept as given */
	r = get_state(&s);
	ck_assert_str_eq(jstr(r.json, "servers.0.description"), "d");
	ck_assert_str_eq(jstr(r.json, "channels.0.description"), "d");
	ck_assert_ptr_null(jget(r.json, "users.0.relationship")); /* a user's are ignored */
	resp_release(&r);
	ck_assert_int_eq(server_stop(&s), 0);
	ck_assert_str_eq(log_of(&s), "stoat-mock: SIGTERM received, stopping\n");
	unlink(path);
}
END_TEST

/* PUT /_mock/state: an unknown key is FailedValidation naming it; nothing changes. */
START_TEST(put_refuses_an_unknown_key)
{
	struct server s;
	ck_assert_int_eq(server_start(&s, NULL), 0);
	struct resp before = get_state(&s), r;
	ck_assert_int_eq(http(&s, "PUT", "/_mock/state", NULL, TYPOS, &r), 0);
	ck_assert_int_eq(r.status, 400);
	char want[512];
	snprintf(want, sizeof(want),
		 "{\"type\":\"FailedValidation\",\"error\":\"%s\",\"location\":\"stoat-mock/_mock/state\"}", WARNINGS[0]);
	ck_assert_str_eq(r.body, want);
	resp_release(&r);
	struct resp after = get_state(&s);
	ck_assert_str_eq(after.body, before.body);
	resp_release(&before);
	resp_release(&after);
	ck_assert_int_eq(server_stop(&s), 0);
	unlink(s.log);
}
END_TEST

int main(void)
{
	unsetenv("STOAT_MOCK_STRICT_FIXTURES");
	Suite *s = suite_create("fixture_keys");
	TCase *tc = tcase_create("keys");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, start_up_warns_once_per_unknown_key);
	tcase_add_test(tc, strict_refuses_the_document);
	tcase_add_test(tc, wire_keys_are_no_typos);
	tcase_add_test(tc, put_refuses_an_unknown_key);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

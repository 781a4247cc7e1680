/* test_config.c: unit tests for server/config.c - defaults, flags, STOAT_MOCK_*
 * environment variables, their precedence (flag > environment > default), the
 * one-line messages for bad input, and the --help text.
 * check runs each test in its own process, so setenv() here does not leak. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "suite.h"

static const char *const env_names[] = {
	"STOAT_MOCK_HOST", "STOAT_MOCK_PORT", "STOAT_MOCK_DB", "STOAT_MOCK_FIXTURES", "STOAT_MOCK_SEED",
	"STOAT_MOCK_AUTH_ERRORS", "STOAT_MOCK_QUIET", "STOAT_MOCK_NO_CONTROL", "STOAT_MOCK_RATE_LIMITS",
	"STOAT_MOCK_PUBLIC_URL", "STOAT_MOCK_JOURNAL", "STOAT_MOCK_MAX_CONNECTIONS", "STOAT_MOCK_TIMEOUT",
	"STOAT_MOCK_MAX_HEADER_BYTES", "STOAT_MOCK_LOG_FORMAT", "STOAT_MOCK_STRICT_FIXTURES",
};

static void clean_env(void)
{
	for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
		unsetenv(env_names[i]);
}

/* Parses argv (NULL-terminated, without the program name). */
static int parse(struct config *c, const char *const *args, char *err, size_t errlen)
{
	char *argv[32] = {"stoat-mock"};
	int argc = 1;
	for (int i = 0; args && args[i]; i++)
		argv[argc++] = (char *)args[i];
	config_defaults(c);
	err[0] = 0;
	return config_parse(c, argc, argv, err, errlen);
}

START_TEST(defaults)
{
	struct config c;
	char err[256];
	ck_assert_int_eq(parse(&c, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(c.host, "127.0.0.1");
	ck_assert_uint_eq(c.port, 14702);
	ck_assert_str_eq(c.db, ":memory:");
	ck_assert_str_eq(c.fixtures, ""); /* the bundled fixtures */
	ck_assert_int_eq(c.auth_errors, AUTH_ERRORS_DOCUMENTED);
	ck_assert(!c.seeded && !c.quiet && !c.no_control && !c.rate_limits);
	ck_assert(!c.help && !c.version);
	ck_assert_int_eq(c.log_format, LOG_FORMAT_TEXT);
	ck_assert(!c.strict_fixtures);
}
END_TEST

START_TEST(flags)
{
	struct config c;
	char err[256];
	const char *args[] = {"--host", "0.0.0.0", "--port", "8080", "--db", "/tmp/s.db", "--fixtures=/tmp/f.json",
			      "--seed", "7", "--auth-errors", "rocket", "--quiet", NULL};
	ck_assert_int_eq(parse(&c, args, err, sizeof(err)), 0);
	ck_assert_str_eq(c.host, "0.0.0.0");
	ck_assert_uint_eq(c.port, 8080);
	ck_assert_str_eq(c.db, "/tmp/s.db");
	ck_assert_str_eq(c.fixtures, "/tmp/f.json");
	ck_assert(c.seeded);
	ck_assert_uint_eq(c.seed, 7);
	ck_assert_int_eq(c.auth_errors, AUTH_ERRORS_ROCKET);
	ck_assert(c.quiet);
	const char *port0[] = {"--port=0", NULL}; /* 0 = any free port */
	ck_assert_int_eq(parse(&c, port0, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.port, 0);
}
END_TEST

START_TEST(environment)
{
	struct config c;
	char err[256];
	clean_env();
	setenv("STOAT_MOCK_HOST", "::1", 1);
	setenv("STOAT_MOCK_PORT", "15000", 1);
	setenv("STOAT_MOCK_DB", "/tmp/e.db", 1);
	setenv("STOAT_MOCK_FIXTURES", "/tmp/e.json", 1);
	setenv("STOAT_MOCK_AUTH_ERRORS", "rocket", 1);
	setenv("STOAT_MOCK_QUIET", "1", 1);
	ck_assert_int_eq(parse(&c, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(c.host, "::1");
	ck_assert_uint_eq(c.port, 15000);
	ck_assert_str_eq(c.db, "/tmp/e.db");
	ck_assert_str_eq(c.fixtures, "/tmp/e.json");
	ck_assert_int_eq(c.auth_errors, AUTH_ERRORS_ROCKET);
	ck_assert(c.quiet);
	/* a switch variable is on with 1 or true, off with 0 or false (issue 18 item 6:
	 * anything else is refused, see bad_input) */
	static const char *const on[] = {"1", "true"}, *const off[] = {"0", "false"};
	for (size_t i = 0; i < 2; i++) {
		setenv("STOAT_MOCK_QUIET", off[i], 1);
		ck_assert_int_eq(parse(&c, NULL, err, sizeof(err)), 0);
		ck_assert_msg(!c.quiet, "STOAT_MOCK_QUIET=%s", off[i]);
		setenv("STOAT_MOCK_RATE_LIMITS", on[i], 1);
		setenv("STOAT_MOCK_STRICT_FIXTURES", on[i], 1);
		ck_assert_int_eq(parse(&c, NULL, err, sizeof(err)), 0);
		ck_assert_msg(c.rate_limits && c.strict_fixtures, "=%s", on[i]);
	}
	setenv("STOAT_MOCK_LOG_FORMAT", "json", 1);
	ck_assert_int_eq(parse(&c, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(c.log_format, LOG_FORMAT_JSON);
}
END_TEST

START_TEST(flag_beats_environment)
{
	struct config c;
	char err[256];
	clean_env();
	setenv("STOAT_MOCK_PORT", "15000", 1);
	setenv("STOAT_MOCK_DB", "/tmp/e.db", 1);
	const char *args[] = {"--port", "16000", NULL};
	ck_assert_int_eq(parse(&c, args, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.port, 16000);
	ck_assert_str_eq(c.db, "/tmp/e.db"); /* untouched by flags: the environment */
}
END_TEST

/* Bad input: -1 and one line naming the option and the value. */
static const struct {
	const char *args[4];
	const char *env_name, *env_value;
	const char *want;
} bad[] = {
	{{"--nope", NULL}, NULL, NULL, "unknown option '--nope' (see --help)"},
	{{"-p", "1", NULL}, NULL, NULL, "unknown option '-p' (see --help)"},
	{{"serve", NULL}, NULL, NULL, "unknown option 'serve' (see --help)"},
	{{"--port", "70000", NULL}, NULL, NULL, "invalid --port '70000': expected a number from 0 to 65535"},
	{{"--port", "abc", NULL}, NULL, NULL, "invalid --port 'abc': expected a number from 0 to 65535"},
	{{"--port", "-1", NULL}, NULL, NULL, "invalid --port '-1': expected a number from 0 to 65535"},
	{{"--port=", NULL}, NULL, NULL, "invalid --port '': expected a number from 0 to 65535"},
	{{"--port", NULL}, NULL, NULL, "option '--port' needs a value"},
	{{"--help=yes", NULL}, NULL, NULL, "option '--help' takes no value"},
	{{"--auth-errors", "loud", NULL}, NULL, NULL, "invalid --auth-errors 'loud': expected documented or rocket"},
	{{"--seed", "-3", NULL}, NULL, NULL, "invalid --seed '-3': expected a non-negative integer"},
	{{NULL}, "STOAT_MOCK_PORT", "http", "invalid STOAT_MOCK_PORT 'http': expected a number from 0 to 65535"},
	{{NULL}, "STOAT_MOCK_AUTH_ERRORS", "x", "invalid STOAT_MOCK_AUTH_ERRORS 'x': expected documented or rocket"},
	{{"--log-format", "xml", NULL}, NULL, NULL, "invalid --log-format 'xml': expected text or json"},
	{{NULL}, "STOAT_MOCK_LOG_FORMAT", "JSON", "invalid STOAT_MOCK_LOG_FORMAT 'JSON': expected text or json"},
	{{"--strict-fixtures=1", NULL}, NULL, NULL, "option '--strict-fixtures' takes no value"},
	/* a switch variable takes 1, 0, true or false: nothing else counts as on or off */
	{{NULL}, "STOAT_MOCK_QUIET", "maybe", "invalid STOAT_MOCK_QUIET 'maybe': expected 1, 0, true or false"},
	{{NULL}, "STOAT_MOCK_QUIET", "no", "invalid STOAT_MOCK_QUIET 'no': expected 1, 0, true or false"},
	{{NULL}, "STOAT_MOCK_QUIET", "", "invalid STOAT_MOCK_QUIET '': expected 1, 0, true or false"},
	{{NULL}, "STOAT_MOCK_NO_CONTROL", "yes", "invalid STOAT_MOCK_NO_CONTROL 'yes': expected 1, 0, true or false"},
	{{NULL}, "STOAT_MOCK_RATE_LIMITS", "TRUE", "invalid STOAT_MOCK_RATE_LIMITS 'TRUE': expected 1, 0, true or false"},
	{{NULL}, "STOAT_MOCK_STRICT_FIXTURES", "2", "invalid STOAT_MOCK_STRICT_FIXTURES '2': expected 1, 0, true or false"},
};

START_TEST(bad_input)
{
	struct config c;
	char err[256];
	clean_env();
	if (bad[_i].env_name)
		setenv(bad[_i].env_name, bad[_i].env_value, 1);
	ck_assert_int_eq(parse(&c, bad[_i].args, err, sizeof(err)), -1);
	ck_assert_str_eq(err, bad[_i].want);
}
END_TEST

START_TEST(too_long_values)
{
	struct config c;
	char err[256], host[400];
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = 0;
	const char *args[] = {"--host", host, NULL};
	ck_assert_int_eq(parse(&c, args, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--host is too long");
}
END_TEST

START_TEST(help_and_version)
{
	struct config c;
	char err[256];
	const char *help[] = {"--help", NULL}, *h[] = {"-h", NULL}, *version[] = {"--version", NULL};
	ck_assert_int_eq(parse(&c, help, err, sizeof(err)), 0);
	ck_assert(c.help);
	ck_assert_int_eq(parse(&c, h, err, sizeof(err)), 0);
	ck_assert(c.help);
	ck_assert_int_eq(parse(&c, version, err, sizeof(err)), 0);
	ck_assert(c.version);
	/* the usage names every option of the issue with its environment variable */
	const char *u = config_usage();
	static const char *const must[] = {"--host", "STOAT_MOCK_HOST", "--port", "STOAT_MOCK_PORT", "--db",
					   "STOAT_MOCK_DB", "--fixtures", "STOAT_MOCK_FIXTURES", "--help", "--version",
					   "--auth-errors", "STOAT_MOCK_AUTH_ERRORS", "default 127.0.0.1", "default 14702",
					   "default :memory:", "-h, --help", "--log-format", "STOAT_MOCK_LOG_FORMAT",
					   "--strict-fixtures", "STOAT_MOCK_STRICT_FIXTURES"};
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		ck_assert_msg(strstr(u, must[i]) != NULL, "--help does not mention %s", must[i]);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	tcase_add_unchecked_fixture(tc, clean_env, NULL);
	tcase_add_checked_fixture(tc, clean_env, NULL);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, flags);
	tcase_add_test(tc, environment);
	tcase_add_test(tc, flag_beats_environment);
	tcase_add_loop_test(tc, bad_input, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, too_long_values);
	tcase_add_test(tc, help_and_version);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(config_suite());
}

/* test_errors.c: unit tests for server/errors.def and server/errors.c - the
 * catalogue itself (every type of the real server with its HTTP status and extra
 * fields) and the family-A body: `type` first, the type's fields in declaration
 * order, then `location`; Blacklisted's fixed body.
 * EVIDENCE-OF: spec errors.md §2.1, §2.3, §2.4; REAL: crates/core/result/src/lib.rs,
 * crates/core/result/src/rocket.rs (both agree with the spec table below). */
#include <check.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "suite.h"

/* errors.md §2.4, copied from the spec (95 types on main + ExpiredToken and
 * MissingScope from feat/oauth2), not from errors.def. */
static const struct {
	const char *name;
	int status;
} spec_statuses[] = {
	{"AlreadyConnected", 400}, {"AlreadyFriends", 409}, {"AlreadyInGroup", 409},
	{"AlreadyInServer", 409}, {"AlreadyOnboarded", 403}, {"AlreadyPinned", 400},
	{"AlreadySentRequest", 409}, {"Banned", 403}, {"Blacklisted", 401}, {"Blocked", 409},
	{"BlockedByOther", 403}, {"BlockedByShield", 400}, {"BotIsPrivate", 403},
	{"CannotDeleteMessage", 403}, {"CannotEditMessage", 403},
	{"CannotGiveMissingPermissions", 403}, {"CannotJoinCall", 400}, {"CannotRemoveYourself", 400},
	{"CannotReportYourself", 400}, {"CannotTimeoutYourself", 400}, {"CantCreateServers", 403},
	{"CaptchaFailed", 400}, {"CompromisedPassword", 400}, {"DatabaseError", 500},
	{"DisallowedMFAMethod", 400}, {"DiscriminatorChangeRatelimited", 429}, {"DuplicateNonce", 409},
	{"EmailFailed", 500}, {"EmptyMessage", 422}, {"ExpiredToken", 401}, {"FailedValidation", 400},
	{"FeatureDisabled", 400}, {"FileTooLarge", 422}, {"FileTooSmall", 422},
	{"FileTypeNotAllowed", 400}, {"GroupTooLarge", 403}, {"HeaderTooLarge", 400},
	{"ImageProcessingFailed", 500}, {"InSlowmode", 429}, {"IncorrectData", 400},
	{"InternalError", 500}, {"InvalidCredentials", 401}, {"InvalidFlagValue", 400},
	{"InvalidInvite", 400}, {"InvalidOperation", 400}, {"InvalidProperty", 400},
	{"InvalidRole", 404}, {"InvalidSession", 401}, {"InvalidToken", 401}, {"InvalidUsername", 400},
	{"IsBot", 400}, {"IsElevated", 403}, {"IsNotBot", 400}, {"LabelMe", 500},
	{"LiveKitUnavailable", 400}, {"LockedOut", 403}, {"MissingHeaders", 400},
	{"MissingInvite", 400}, {"MissingPermission", 403}, {"MissingScope", 401},
	{"MissingUserPermission", 403}, {"NoEffect", 400}, {"NoEmbedData", 400},
	{"NotAVoiceChannel", 400}, {"NotAuthenticated", 401}, {"NotConnected", 400},
	{"NotElevated", 403}, {"NotFound", 404}, {"NotFriends", 403}, {"NotInGroup", 404},
	{"NotOwner", 403}, {"NotPinned", 400}, {"NotPrivileged", 403}, {"OperationFailed", 500},
	{"PayloadTooLarge", 422}, {"ProxyError", 400}, {"ReachedMaximumBots", 400},
	{"RenderFail", 500}, {"ShortPassword", 400}, {"TooManyAttachments", 400},
	{"TooManyChannels", 400}, {"TooManyEmbeds", 400}, {"TooManyEmoji", 400},
	{"TooManyPendingFriendRequests", 400}, {"TooManyReplies", 400}, {"TooManyRoles", 400},
	{"TooManyServers", 400}, {"TotpAlreadyEnabled", 400}, {"UnknownAttachment", 400},
	{"UnknownChannel", 404}, {"UnknownMessage", 404}, {"UnknownNode", 400}, {"UnknownServer", 404},
	{"UnknownUser", 404}, {"UnverifiedAccount", 403}, {"UsernameTaken", 409},
	{"VosoUnavailable", 400},
};
#define NSPEC (sizeof(spec_statuses) / sizeof(spec_statuses[0]))

START_TEST(every_spec_row_has_its_status)
{
	enum err e = err_from_name(spec_statuses[_i].name);
	ck_assert_msg(e != ERR_NO_SUCH_TYPE, "%s is missing from errors.def", spec_statuses[_i].name);
	ck_assert_str_eq(err_name(e), spec_statuses[_i].name);
	ck_assert_msg(err_status(e) == spec_statuses[_i].status, "%s: status %d, spec says %d",
		      spec_statuses[_i].name, err_status(e), spec_statuses[_i].status);
}
END_TEST

/* Walk the catalogue the other way: nothing in errors.def the spec does not list. */
START_TEST(no_row_beyond_the_spec)
{
	ck_assert_uint_eq(NSPEC, 97);
	ck_assert_int_eq(ERR__COUNT - 1, (int)NSPEC);
	for (int e = 1; e < ERR__COUNT; e++) {
		bool listed = false;
		for (size_t i = 0; i < NSPEC; i++)
			listed |= strcmp(spec_statuses[i].name, err_name((enum err)e)) == 0;
		ck_assert_msg(listed, "%s is not in errors.md §2.4", err_name((enum err)e));
	}
	ck_assert_int_eq(err_from_name("Nope"), ERR_NO_SUCH_TYPE);
	ck_assert_int_eq(err_from_name("notfound"), ERR_NO_SUCH_TYPE); /* exact spelling only */
	ck_assert_int_eq(err_from_name("Ok"), ERR_NO_SUCH_TYPE);
}
END_TEST

/* errors.md §2.3: the types that carry fields, and which. */
static const struct {
	enum err e;
	unsigned fields;
} spec_fields[] = {
	{ERR_TooManyPendingFriendRequests, F_MAX}, {ERR_TooManyAttachments, F_MAX},
	{ERR_TooManyEmbeds, F_MAX}, {ERR_TooManyReplies, F_MAX}, {ERR_TooManyChannels, F_MAX},
	{ERR_GroupTooLarge, F_MAX}, {ERR_TooManyServers, F_MAX}, {ERR_TooManyEmoji, F_MAX},
	{ERR_TooManyRoles, F_MAX}, {ERR_FileTooLarge, F_MAX}, {ERR_InSlowmode, F_RETRY_AFTER},
	{ERR_MissingPermission, F_PERMISSION}, {ERR_MissingUserPermission, F_PERMISSION},
	{ERR_DatabaseError, F_OPERATION | F_COLLECTION}, {ERR_FailedValidation, F_ERROR},
	{ERR_IncorrectData, F_WITH}, {ERR_FeatureDisabled, F_FEATURE}, {ERR_MissingScope, F_SCOPE},
};

START_TEST(field_flags)
{
	for (int e = 1; e < ERR__COUNT; e++) {
		unsigned want = 0;
		for (size_t i = 0; i < sizeof(spec_fields) / sizeof(spec_fields[0]); i++)
			if (spec_fields[i].e == (enum err)e)
				want = spec_fields[i].fields;
		ck_assert_msg(err_fields((enum err)e) == want, "%s: fields %#x, want %#x", err_name((enum err)e),
			      err_fields((enum err)e), want);
	}
}
END_TEST

/* ---- bodies ------------------------------------------------------------------ */

static void expect_body(struct err_detail *d, const char *want)
{
	char *got = err_body(d);
	ck_assert_str_eq(got, want);
	free(got);
	err_release(d);
}

START_TEST(body_without_fields)
{
	struct err_detail d = {0};
	ck_assert_int_eq(err_set(&d, ERR_NotFound, "crates/delta/src/routes/bots/edit.rs:29:20", NULL), ERR_NotFound);
	expect_body(&d, "{\"type\":\"NotFound\",\"location\":\"crates/delta/src/routes/bots/edit.rs:29:20\"}");
}
END_TEST

/* A body without text is kept by type and location (errors.c, err_body_kept):
 * asked again, the same bytes, a copy of its own; another location or type, or
 * more than the kept number of them in turn, their own bodies; a location the
 * control API gave (not static) is written every time. */
START_TEST(body_kept_by_type_and_location)
{
	static const char here[] = "here.rs:1:1", there[] = "there.rs:2:2";
	struct err_detail d = {0};
	for (int round = 0; round < 3; round++) {
		err_set(&d, ERR_NotFound, here, NULL);
		char *a = err_body(&d), *b = err_body(&d);
		ck_assert_str_eq(a, "{\"type\":\"NotFound\",\"location\":\"here.rs:1:1\"}");
		ck_assert_str_eq(b, a);
		ck_assert_ptr_ne(a, b);
		free(a);
		free(b);
		err_set(&d, ERR_NotFound, there, NULL);
		expect_body(&d, "{\"type\":\"NotFound\",\"location\":\"there.rs:2:2\"}");
		err_set(&d, ERR_InvalidSession, here, NULL);
		expect_body(&d, "{\"type\":\"InvalidSession\",\"location\":\"here.rs:1:1\"}");
		/* more locations than are kept, so that the first ones are written again */
		static char many[12][16];
		for (int i = 0; i < 12; i++) {
			snprintf(many[i], sizeof(many[i]), "m%d.rs", i);
			err_set(&d, ERR_IsBot, many[i], NULL);
			char want[64];
			snprintf(want, sizeof(want), "{\"type\":\"IsBot\",\"location\":\"m%d.rs\"}", i);
			expect_body(&d, want);
		}
	}
	/* a location given by the control API: the body follows its text */
	err_set(&d, ERR_NotFound, NULL, NULL);
	d.location = d.location_owned = strdup("given.rs");
	char *a = err_body(&d);
	d.location_owned[0] = 'G';
	char *b = err_body(&d);
	ck_assert_str_eq(a, "{\"type\":\"NotFound\",\"location\":\"given.rs\"}");
	ck_assert_str_eq(b, "{\"type\":\"NotFound\",\"location\":\"Given.rs\"}");
	free(a);
	free(b);
	err_release(&d);
}
END_TEST

/* EVIDENCE-OF: errors.md §2.1, the DatabaseError example */
START_TEST(body_database_error)
{
	struct err_detail d = {0};
	err_set(&d, ERR_DatabaseError, "crates/core/database/src/models/bots/ops/mongodb.rs:67:9", NULL);
	d.operation = strdup("update_one_by_id");
	d.collection = strdup("bots");
	expect_body(&d, "{\"type\":\"DatabaseError\",\"operation\":\"update_one_by_id\",\"collection\":\"bots\","
			"\"location\":\"crates/core/database/src/models/bots/ops/mongodb.rs:67:9\"}");
}
END_TEST

/* err_database: the same body, and the store's generic location when none is given */
START_TEST(database_helper)
{
	struct err_detail d = {0};
	ck_assert_int_eq(err_database(&d, "update_one_by_id", "bots",
				      "crates/core/database/src/models/bots/ops/mongodb.rs:67:9"),
			 ERR_DatabaseError);
	expect_body(&d, "{\"type\":\"DatabaseError\",\"operation\":\"update_one_by_id\",\"collection\":\"bots\","
			"\"location\":\"crates/core/database/src/models/bots/ops/mongodb.rs:67:9\"}");
	ck_assert_int_eq(err_database(&d, "find", "users", NULL), ERR_DatabaseError);
	expect_body(&d, "{\"type\":\"DatabaseError\",\"operation\":\"find\",\"collection\":\"users\","
			"\"location\":\"crates/core/database/src/models/bots/ops/mongodb.rs:19:62\"}");
}
END_TEST

/* The text field goes under the name of the type's field, escaped as JSON. */
START_TEST(body_text_fields)
{
	struct err_detail d = {0};
	err_set(&d, ERR_FailedValidation, "crates/delta/src/routes/bots/edit.rs:22:9",
		"name: Validation error: regex [{\"value\": String(\"a b\")}]\nx: y");
	expect_body(&d, "{\"type\":\"FailedValidation\",\"error\":\"name: Validation error: regex "
			"[{\\\"value\\\": String(\\\"a b\\\")}]\\nx: y\",\"location\":\"crates/delta/src/routes/bots/edit.rs:22:9\"}");
	err_set(&d, ERR_MissingPermission, "crates/core/permissions/src/models/mod.rs:80:17", "ManageServer");
	expect_body(&d, "{\"type\":\"MissingPermission\",\"permission\":\"ManageServer\","
			"\"location\":\"crates/core/permissions/src/models/mod.rs:80:17\"}");
	err_set(&d, ERR_IncorrectData, "l:1:1", "email");
	expect_body(&d, "{\"type\":\"IncorrectData\",\"with\":\"email\",\"location\":\"l:1:1\"}");
	err_set(&d, ERR_FeatureDisabled, "l:1:1", "webhooks");
	expect_body(&d, "{\"type\":\"FeatureDisabled\",\"feature\":\"webhooks\",\"location\":\"l:1:1\"}");
	err_set(&d, ERR_MissingScope, "l:1:1", "read:identify");
	expect_body(&d, "{\"type\":\"MissingScope\",\"scope\":\"read:identify\",\"location\":\"l:1:1\"}");
}
END_TEST

START_TEST(body_number_fields)
{
	struct err_detail d = {0};
	err_set(&d, ERR_GroupTooLarge, "crates/core/database/src/models/channels/model.rs:355:28", NULL);
	d.num = 100;
	expect_body(&d, "{\"type\":\"GroupTooLarge\",\"max\":100,"
			"\"location\":\"crates/core/database/src/models/channels/model.rs:355:28\"}");
	err_set(&d, ERR_InSlowmode, "l:1:1", NULL);
	d.num = 2500;
	expect_body(&d, "{\"type\":\"InSlowmode\",\"retry_after\":2500,\"location\":\"l:1:1\"}");
}
END_TEST

/* REAL: result/src/rocket.rs - a fixed string: another type name, a space after
 * the comma, no location. (dispatch.c sends it without a Content-Type.) */
START_TEST(body_blacklisted)
{
	struct err_detail d = {0};
	err_set(&d, ERR_Blacklisted, "anywhere:1:1", NULL);
	expect_body(&d, "{\"type\":\"DisallowedContactSupport\", \"note\":\"If you see this messages right here, "
			"you're probably doing something you shouldn't be.\"}");
	ck_assert_int_eq(err_status(ERR_Blacklisted), 401);
}
END_TEST

START_TEST(set_replaces_and_release_clears)
{
	struct err_detail d = {0};
	err_set(&d, ERR_FailedValidation, "a:1:1", "first");
	err_set(&d, ERR_NotFound, "b:2:2", NULL); /* the old text is freed, not kept */
	ck_assert_int_eq(d.code, ERR_NotFound);
	ck_assert_ptr_null(d.text);
	ck_assert_str_eq(d.location, "b:2:2");
	err_release(&d);
	ck_assert_int_eq(d.code, ERR_OK);
	ck_assert_ptr_null(d.location);
}
END_TEST

/* The control API's fault bodies: {"type", fields...} with defaults. */
START_TEST(detail_from_json)
{
	struct err_detail d = {0};
	const char *why = NULL;
	cJSON *o = cJSON_Parse("{\"type\":\"DatabaseError\",\"collection\":\"users\"}");
	ck_assert_int_eq(err_from_json(o, &d, &why), 0);
	ck_assert_int_eq(d.code, ERR_DatabaseError);
	ck_assert_str_eq(d.operation, "find_one");
	ck_assert_str_eq(d.collection, "users");
	err_release(&d);
	cJSON_Delete(o);

	o = cJSON_Parse("{\"type\":\"GroupTooLarge\",\"max\":7}");
	ck_assert_int_eq(err_from_json(o, &d, &why), 0);
	ck_assert_int_eq(d.num, 7);
	err_release(&d);
	cJSON_Delete(o);

	o = cJSON_Parse("{\"type\":\"NoSuchType\"}");
	ck_assert_int_eq(err_from_json(o, &d, &why), -1);
	ck_assert_ptr_nonnull(why);
	cJSON_Delete(o);
	o = cJSON_Parse("{\"type\":7}");
	ck_assert_int_eq(err_from_json(o, &d, &why), -1);
	cJSON_Delete(o);
	err_release(&d);
}
END_TEST

static Suite *errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("catalogue");
	tcase_add_loop_test(tc, every_spec_row_has_its_status, 0, NSPEC);
	tcase_add_test(tc, no_row_beyond_the_spec);
	tcase_add_test(tc, field_flags);
	suite_add_tcase(s, tc);
	tc = tcase_create("bodies");
	tcase_add_test(tc, body_without_fields);
	tcase_add_test(tc, body_kept_by_type_and_location);
	tcase_add_test(tc, body_database_error);
	tcase_add_test(tc, database_helper);
	tcase_add_test(tc, body_text_fields);
	tcase_add_test(tc, body_number_fields);
	tcase_add_test(tc, body_blacklisted);
	tcase_add_test(tc, set_replaces_and_release_clears);
	tcase_add_test(tc, detail_from_json);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(errors_suite());
}

/* test_wire.c: unit tests for server/wire.c - the JSON shapes clients parse (key
 * order, omission rules, the three User renderings). Request bodies: test_body.c,
 * test_jsonguard.c.
 * EVIDENCE-OF: spec bots-api.md §2, §10.1; auth-and-users.md §2.1-§2.2. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "wire.h"
#include "suite.h"

#define BOT_ID "01J0H3HPB0T5T0KEN000000AAA"
#define OWNER_ID "01HZ5W2X8A1B3C4D5E6F7G8H9J"
#define TOKEN "DhM47aI5p29RP6s9Q5dq5M4q3fzPgdBlbmJa65oZQCVUIAtlt8AZFTy7dPjFhYP3"

/* The text a wire_* function wrote, compared, then freed. */
static void expect_text(struct strbuf sb, const char *want)
{
	ck_assert_str_eq(strbuf_str(&sb), want);
	strbuf_release(&sb);
}

static struct strbuf bot_text(const struct bot *b)
{
	struct strbuf sb = STRBUF_INIT;
	wire_bot(&sb, b);
	return sb;
}

static struct strbuf user_text(const struct user *u, enum user_view view, const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	wire_user(&sb, u, view, rel, true);
	return sb;
}

static struct strbuf bot_with_user_text(const struct bot *b, const struct user *u)
{
	struct strbuf sb = STRBUF_INIT;
	wire_bot_with_user(&sb, b, u);
	return sb;
}

static struct strbuf public_bot_text(const struct bot *b, const struct user *u)
{
	struct strbuf sb = STRBUF_INIT;
	wire_public_bot(&sb, b, u);
	return sb;
}

/* ---- Bot (bots-api.md §2.1) --------------------------------------------------- */

static struct bot fresh_bot(void)
{
	struct bot b = {0};
	b.id = BOT_ID;
	b.owner = OWNER_ID;
	b.token = TOKEN;
	return b;
}

/* EVIDENCE-OF: §2.1 "Example of a fresh bot": public always, false included */
START_TEST(bot_fresh)
{
	struct bot b = fresh_bot();
	expect_text(bot_text(&b),
		    "{\"_id\":\"" BOT_ID "\",\"owner\":\"" OWNER_ID "\",\"token\":\"" TOKEN "\",\"public\":false}");
}
END_TEST

/* Every key, in the wire order; oauth2 between privacy_policy_url and flags. */
START_TEST(bot_every_key)
{
	struct bot b = fresh_bot();
	b.public_ = true;
	b.analytics = true;
	b.discoverable = true;
	b.interactions_url = "https://i";
	b.terms_of_service_url = "https://t";
	b.privacy_policy_url = "https://p";
	b.oauth2 = "{\"public\":true,\"secret\":null,\"redirects\":[\"https://r\"],\"allowed_scopes\":{}}";
	b.flags = 3;
	expect_text(bot_text(&b), "{\"_id\":\"" BOT_ID "\",\"owner\":\"" OWNER_ID "\",\"token\":\"" TOKEN "\","
				  "\"public\":true,\"analytics\":true,\"discoverable\":true,"
				  "\"interactions_url\":\"https://i\",\"terms_of_service_url\":\"https://t\","
				  "\"privacy_policy_url\":\"https://p\","
				  "\"oauth2\":{\"public\":true,\"secret\":null,\"redirects\":[\"https://r\"],"
				  "\"allowed_scopes\":{}},\"flags\":3}");
}
END_TEST

/* false, "" and 0 are left out; so is absent OAuth2. */
START_TEST(bot_omissions)
{
	struct bot b = fresh_bot();
	b.analytics = false;
	b.interactions_url = "";
	b.terms_of_service_url = "";
	b.privacy_policy_url = NULL;
	b.flags = 0;
	expect_text(bot_text(&b),
		    "{\"_id\":\"" BOT_ID "\",\"owner\":\"" OWNER_ID "\",\"token\":\"" TOKEN "\",\"public\":false}");
}
END_TEST

/* ---- User (auth-and-users.md §2) ------------------------------------------------ */

static struct user full_user(void)
{
	struct user u = {0};
	u.id = OWNER_ID;
	u.username = "alice";
	u.discriminator = "0420";
	u.display_name = "Alice";
	u.pronouns = "she/her";
	u.avatar = "{\"_id\":\"av1\",\"tag\":\"avatars\"}";
	u.relations = "[{\"_id\":\"01HZ6A7B8C9D0E1F2G3H4J5K6M\",\"status\":\"Friend\"}]";
	u.badges = 256;
	u.status_text = "hi";
	u.status_presence = "Online";
	u.profile_content = "never on the wire";
	u.flags = 4;
	u.privileged = true;
	return u;
}

#define FULL_HEAD                                                                                         \
	"{\"_id\":\"" OWNER_ID "\",\"username\":\"alice\",\"discriminator\":\"0420\",\"display_name\":\"Alice\"," \
	"\"pronouns\":\"she/her\",\"avatar\":{\"_id\":\"av1\",\"tag\":\"avatars\"},"
#define FULL_TAIL                                                                                   \
	"\"badges\":256,\"status\":{\"text\":\"hi\",\"presence\":\"Online\"},\"flags\":4,\"privileged\":true,"

/* As self: relationship "User" and the own relations; profile never shown. */
START_TEST(user_as_self)
{
	struct user u = full_user();
	expect_text(user_text(&u, VIEW_SELF, NULL),
		    FULL_HEAD "\"relations\":[{\"_id\":\"01HZ6A7B8C9D0E1F2G3H4J5K6M\",\"status\":\"Friend\"}]," FULL_TAIL
			      "\"relationship\":\"User\",\"online\":false}");
}
END_TEST

/* No perspective: relationship "None", relations omitted. */
START_TEST(user_no_perspective)
{
	struct user u = full_user();
	expect_text(user_text(&u, VIEW_NONE, NULL), FULL_HEAD FULL_TAIL "\"relationship\":\"None\",\"online\":false}");
}
END_TEST

START_TEST(user_seen_by_another)
{
	struct user u = full_user();
	expect_text(user_text(&u, VIEW_OTHER, "Friend"), FULL_HEAD FULL_TAIL "\"relationship\":\"Friend\",\"online\":false}");
	expect_text(user_text(&u, VIEW_OTHER, NULL), FULL_HEAD FULL_TAIL "\"relationship\":\"None\",\"online\":false}");
}
END_TEST

/* A bot user: `bot` before relationship; an empty relations list is omitted. */
START_TEST(user_bot)
{
	struct user u = {0};
	u.id = BOT_ID;
	u.username = "HelperBot";
	u.discriminator = "4821";
	u.relations = "[]";
	u.bot_owner = OWNER_ID;
	/* EVIDENCE-OF: auth-and-users.md §2.2, the create example */
	expect_text(user_text(&u, VIEW_SELF, NULL),
		    "{\"_id\":\"" BOT_ID "\",\"username\":\"HelperBot\",\"discriminator\":\"4821\","
		    "\"bot\":{\"owner\":\"" OWNER_ID "\"},\"relationship\":\"User\",\"online\":false}");
	expect_text(user_text(&u, VIEW_NONE, NULL),
		    "{\"_id\":\"" BOT_ID "\",\"username\":\"HelperBot\",\"discriminator\":\"4821\","
		    "\"bot\":{\"owner\":\"" OWNER_ID "\"},\"relationship\":\"None\",\"online\":false}");
}
END_TEST

/* A stored Invisible presence is hidden; status goes when nothing is left. */
static const struct {
	const char *text, *presence, *want_status;
} statuses[] = {
	{"hi", "Online", ",\"status\":{\"text\":\"hi\",\"presence\":\"Online\"}"},
	{NULL, "Busy", ",\"status\":{\"presence\":\"Busy\"}"},
	{"hi", NULL, ",\"status\":{\"text\":\"hi\"}"},
	{"hi", "Invisible", ",\"status\":{\"text\":\"hi\"}"},
	{NULL, "Invisible", ""},
	{NULL, NULL, ""},
};

START_TEST(user_status_filtering)
{
	struct user u = {0};
	u.id = "U";
	u.username = "u";
	u.discriminator = "0002";
	u.status_text = (char *)statuses[_i].text;
	u.status_presence = (char *)statuses[_i].presence;
	char want[256];
	snprintf(want, sizeof(want),
		 "{\"_id\":\"U\",\"username\":\"u\",\"discriminator\":\"0002\"%s,\"relationship\":\"User\","
		 "\"online\":false}",
		 statuses[_i].want_status);
	expect_text(user_text(&u, VIEW_SELF, NULL), want);
}
END_TEST

/* auth-and-users.md §4: what a deleted bot's user looks like. */
START_TEST(user_deleted)
{
	struct user u = {0};
	u.id = BOT_ID;
	u.username = "Deleted User " BOT_ID;
	u.discriminator = "0000";
	u.flags = 2;
	u.bot_owner = OWNER_ID;
	expect_text(user_text(&u, VIEW_OTHER, "None"),
		    "{\"_id\":\"" BOT_ID "\",\"username\":\"Deleted User " BOT_ID "\",\"discriminator\":\"0000\","
		    "\"flags\":2,\"bot\":{\"owner\":\"" OWNER_ID "\"},\"relationship\":\"None\",\"online\":false}");
}
END_TEST

/* ---- BotWithUserResponse and PublicBot ------------------------------------------ */

/* EVIDENCE-OF: bots-api.md §2.2: the Bot keys flattened, then `user` as self */
START_TEST(bot_with_user)
{
	struct bot b = fresh_bot();
	struct user u = {0};
	u.id = BOT_ID;
	u.username = "HelperBot";
	u.discriminator = "4821";
	u.bot_owner = OWNER_ID;
	expect_text(bot_with_user_text(&b, &u),
		    "{\"_id\":\"" BOT_ID "\",\"owner\":\"" OWNER_ID "\",\"token\":\"" TOKEN "\",\"public\":false,"
		    "\"user\":{\"_id\":\"" BOT_ID "\",\"username\":\"HelperBot\",\"discriminator\":\"4821\","
		    "\"bot\":{\"owner\":\"" OWNER_ID "\"},\"relationship\":\"User\",\"online\":false}}");
}
END_TEST

/* PublicBot: the avatar's file id (not the File), the profile as description; never
 * the token, the owner or OAuth2. */
START_TEST(public_bot)
{
	struct bot b = fresh_bot();
	b.oauth2 = "{\"public\":false,\"secret\":\"s\",\"redirects\":[],\"allowed_scopes\":{}}";
	struct user u = {0};
	u.id = BOT_ID;
	u.username = "PublicBot";
	u.discriminator = "7310";
	u.avatar = "{\"_id\":\"file1\",\"tag\":\"avatars\"}";
	u.profile_content = "A public bot.";
	expect_text(public_bot_text(&b, &u), "{\"_id\":\"" BOT_ID "\",\"username\":\"PublicBot\",\"avatar\":\"file1\","
					     "\"description\":\"A public bot.\"}");
	u.avatar = NULL;
	u.profile_content = "";
	expect_text(public_bot_text(&b, &u), "{\"_id\":\"" BOT_ID "\",\"username\":\"PublicBot\"}");
}
END_TEST

/* ---- the text writer against cJSON ---------------------------------------------
 * The answers are written as text (jsonw.h) rather than printed from a cJSON
 * tree. Here a reference builds the tree the way the answer is specified (keys
 * in order, omissions) and cJSON prints it; for thousands of random bots and
 * users, with every kind of byte in their strings, the two must be equal. */

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* A short string of bytes that need care: controls, quotes, backslashes, UTF-8,
 * BODY_NUL, DEL. NULL or "" sometimes (both mean "absent" for some fields). */
static char *rnd_string(char *buf, size_t size)
{
	static const char *const pieces[] = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f",
					     "\x01", "\x1f", "\x7f", "\xff", "é", "€", "𝕏", "ᚋ", "\u202e", "{", "}"};
	unsigned pick = rnd(8);
	if (pick == 0)
		return NULL;
	if (pick == 1)
		return strcpy(buf, "");
	size_t n = 0, count = 1 + rnd(12);
	buf[0] = 0;
	for (size_t i = 0; i < count; i++) {
		const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
		if (n + strlen(p) + 1 > size)
			break;
		strcpy(buf + n, p);
		n += strlen(p);
	}
	return buf;
}

static const char *rnd_stored(void)
{
	static const char *const texts[] = {
		NULL,
		"{\"public\":true,\"secret\":null,\"redirects\":[],\"allowed_scopes\":{}}",
		"{ \"public\" : false , \"secret\" : \"s\\u0041\" , \"redirects\" : [ \"https://r\" ] }",
		"[{\"_id\":\"01HZ6A7B8C9D0E1F2G3H4J5K6M\",\"status\":\"Friend\"}]",
		"[]",
		"{}",
		"{\"_id\":\"av1\",\"tag\":\"avatars\",\"size\":1.5e3}",
		"not json",
		"\"just a string\"",
		"12",
	};
	return texts[rnd(sizeof(texts) / sizeof(texts[0]))];
}

static void ref_str(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
}

static void ref_str_if(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		cJSON_AddStringToObject(o, key, s);
}

static void ref_bot_fields(cJSON *o, const struct bot *b)
{
	ref_str(o, "_id", b->id);
	ref_str(o, "owner", b->owner);
	ref_str(o, "token", b->token);
	cJSON_AddBoolToObject(o, "public", b->public_);
	if (b->analytics)
		cJSON_AddTrueToObject(o, "analytics");
	if (b->discoverable)
		cJSON_AddTrueToObject(o, "discoverable");
	ref_str_if(o, "interactions_url", b->interactions_url);
	ref_str_if(o, "terms_of_service_url", b->terms_of_service_url);
	ref_str_if(o, "privacy_policy_url", b->privacy_policy_url);
	cJSON *oauth2 = b->oauth2 ? cJSON_Parse(b->oauth2) : NULL;
	if (oauth2)
		cJSON_AddItemToObject(o, "oauth2", oauth2);
	if (b->flags)
		cJSON_AddNumberToObject(o, "flags", (double)b->flags);
}

static cJSON *ref_user(const struct user *u, enum user_view view, const char *relationship, bool show_status)
{
	cJSON *o = cJSON_CreateObject();
	ref_str(o, "_id", u->id);
	ref_str(o, "username", u->username);
	ref_str(o, "discriminator", u->discriminator);
	ref_str(o, "display_name", u->display_name);
	ref_str(o, "pronouns", u->pronouns);
	cJSON *avatar = u->avatar ? cJSON_Parse(u->avatar) : NULL;
	if (avatar)
		cJSON_AddItemToObject(o, "avatar", avatar);
	if (view == VIEW_SELF) {
		cJSON *rel = u->relations ? cJSON_Parse(u->relations) : NULL;
		if (cJSON_GetArraySize(rel) > 0)
			cJSON_AddItemToObject(o, "relations", rel);
		else
			cJSON_Delete(rel);
	}
	if (u->badges)
		cJSON_AddNumberToObject(o, "badges", (double)u->badges);
	bool presence = u->status_presence && strcmp(u->status_presence, "Invisible") != 0;
	if (show_status && (u->status_text || presence)) {
		cJSON *st = cJSON_AddObjectToObject(o, "status");
		ref_str(st, "text", u->status_text);
		if (presence)
			ref_str(st, "presence", u->status_presence);
	}
	if (u->flags)
		cJSON_AddNumberToObject(o, "flags", (double)u->flags);
	if (u->privileged)
		cJSON_AddTrueToObject(o, "privileged");
	if (u->bot_owner)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "bot"), "owner", u->bot_owner);
	const char *rel = view == VIEW_SELF ? "User" : view == VIEW_NONE ? "None" : relationship;
	cJSON_AddStringToObject(o, "relationship", rel ? rel : "None");
	cJSON_AddFalseToObject(o, "online");
	return o;
}

static void expect_printed(struct strbuf sb, cJSON *tree)
{
	char *want = cJSON_PrintUnformatted(tree);
	ck_assert_str_eq(strbuf_str(&sb), want);
	free(want);
	cJSON_Delete(tree);
	strbuf_release(&sb);
}

START_TEST(text_equals_cjson_print)
{
	char s[12][64];
	for (int round = 0; round < 3000; round++) {
		struct bot b = {0};
		b.id = rnd_string(s[0], 64);
		b.owner = rnd_string(s[1], 64);
		b.token = rnd_string(s[2], 64);
		b.public_ = rnd(2);
		b.analytics = rnd(2);
		b.discoverable = rnd(2);
		b.interactions_url = rnd_string(s[3], 64);
		b.terms_of_service_url = rnd_string(s[4], 64);
		b.privacy_policy_url = rnd_string(s[5], 64);
		b.oauth2 = (char *)rnd_stored();
		b.flags = rnd(3) ? 0 : (long long)rnd(1u << 30);
		struct user u = {0};
		u.id = rnd_string(s[6], 64);
		u.username = rnd_string(s[7], 64);
		u.discriminator = rnd_string(s[8], 64);
		u.display_name = rnd_string(s[9], 64);
		u.pronouns = rnd_string(s[10], 64);
		u.avatar = (char *)rnd_stored();
		u.relations = (char *)rnd_stored();
		u.badges = rnd(2) ? 0 : rnd(100000);
		u.status_text = rnd_string(s[11], 64);
		u.status_presence = (char *)(const char *[]){NULL, "Online", "Invisible", "Busy"}[rnd(4)];
		u.flags = rnd(2) ? 0 : rnd(8);
		u.privileged = rnd(2);
		u.bot_owner = rnd(2) ? b.owner : NULL;

		cJSON *tree = cJSON_CreateObject();
		ref_bot_fields(tree, &b);
		expect_printed(bot_text(&b), tree);

		enum user_view view = (enum user_view)rnd(3);
		const char *rel = (const char *[]){NULL, "Friend", "Blocked"}[rnd(3)];
		bool show = rnd(2);
		struct strbuf sb = STRBUF_INIT;
		wire_user(&sb, &u, view, rel, show);
		expect_printed(sb, ref_user(&u, view, rel, show));

		tree = cJSON_CreateObject();
		ref_bot_fields(tree, &b);
		cJSON_AddItemToObject(tree, "user", ref_user(&u, VIEW_SELF, NULL, true));
		expect_printed(bot_with_user_text(&b, &u), tree);
	}
}
END_TEST

/* Without ViewProfile the status is left out, nothing else. */
START_TEST(user_without_status)
{
	struct user u = full_user();
	struct strbuf sb = STRBUF_INIT;
	wire_user(&sb, &u, VIEW_OTHER, "Friend", false);
	expect_text(sb, FULL_HEAD "\"badges\":256,\"flags\":4,\"privileged\":true,\"relationship\":\"Friend\","
				  "\"online\":false}");
}
END_TEST

static Suite *wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("shapes");
	tcase_add_test(tc, bot_fresh);
	tcase_add_test(tc, bot_every_key);
	tcase_add_test(tc, bot_omissions);
	tcase_add_test(tc, user_as_self);
	tcase_add_test(tc, user_no_perspective);
	tcase_add_test(tc, user_seen_by_another);
	tcase_add_test(tc, user_bot);
	tcase_add_loop_test(tc, user_status_filtering, 0, sizeof(statuses) / sizeof(statuses[0]));
	tcase_add_test(tc, user_deleted);
	tcase_add_test(tc, bot_with_user);
	tcase_add_test(tc, public_bot);
	tcase_add_test(tc, text_equals_cjson_print);
	tcase_add_test(tc, user_without_status);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return suite_run(wire_suite());
}

/* test_jsonguard.c: unit tests for server/jsonguard.c - which bodies serde_json
 * 1.0.150 accepts for the emulated routes' types, which it refuses with a Data
 * error (422) and which with any other error (400), and what the handlers get.
 * EVIDENCE-OF: spec errors.md §5 (body faults, the array note); bots-api.md §5.1,
 * §8.2, §10.2. REAL: serde_json 1.0.150 src/de.rs (deserialize_struct, _option,
 * _seq, _enum, peek_invalid_type, ignore_value, check_recursion), src/error.rs
 * classify; serde_derive visit_map/visit_seq; Rocket v0.5.1 core/lib/src/serde/json.rs. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "jsonguard.h"
#include "routes.h"
#include "suite.h"

static const struct {
	const char *route, *body;
	int code;
	/* what the handler gets when accepted, rendered as JSON (jsonguard_render):
	 * strings decoded, a null Option the same as an absent one */
	const char *normal;
} rows[] = {
	/* DataCreateBot { name: String } */
	{"bots.create", "{\"name\":\"Helper\"}", 0, "{\"name\":\"Helper\"}"},
	{"bots.create", " {\"x\":[1,{\"y\":null}], \"name\" : \"a\\u00e9\" } \n", 0, "{\"name\":\"a\xc3\xa9\"}"},
	{"bots.create", "[\"Helper\"]", 0, "{\"name\":\"Helper\"}"},
	{"bots.create", "[\"Helper\",1]", 400, NULL},     /* TrailingCharacters after the fields */
	{"bots.create", "[]", 422, NULL},                  /* invalid_length */
	{"bots.create", "{}", 422, NULL},                  /* missing_field */
	{"bots.create", "{\"name\":null}", 422, NULL},
	{"bots.create", "{\"name\":5}", 422, NULL},
	{"bots.create", "{\"name\":1e400}", 400, NULL},    /* NumberOutOfRange while reading the 5 */
	{"bots.create", "{\"name\":\"\\ud800\"}", 400, NULL},
	{"bots.create", "{\"name\":\"a\",\"name\":\"b\"}", 422, NULL},
	{"bots.create", "{\"name\":\"a\"} x", 400, NULL},
	{"bots.create", "{\"name\":\"a\",}", 400, NULL},   /* TrailingComma */
	{"bots.create", "", 400, NULL},
	{"bots.create", "nul", 400, NULL},
	{"bots.create", "null", 422, NULL},
	{"bots.create", "\"x\" y", 422, NULL},             /* the type error comes first */
	{"bots.create", "{\"name\":\"a\\x\"}", 400, NULL}, /* InvalidEscape */
	{"bots.create", "{\"name\":\"tab\there\"}", 400, NULL},
	{"bots.create", "{'name':'a'}", 400, NULL},
	{"bots.create", "{\"x\":01,\"name\":\"a\"}", 400, NULL}, /* skipped values still need JSON grammar */
	{"bots.create", "{\"x\":\"\\ud800\",\"name\":\"a\"}", 0, "{\"name\":\"a\"}"},
	{"bots.create", "{\"x\":-1e999,\"name\":\"a\"}", 0, "{\"name\":\"a\"}"},
	/* DataEditBot (feat/oauth2 field order) */
	{"bots.edit", "{}", 0, "{}"},
	{"bots.edit", "{\"public\":null,\"remove\":[\"Token\",{\"InteractionsURL\":null}]}", 0,
	 "{\"remove\":[\"Token\",\"InteractionsURL\"]}"},
	{"bots.edit", "[null,true,null,null,null]", 0,
	 "{\"public\":true}"},
	{"bots.edit", "[null,true,null,null]", 422, NULL}, /* Option fields are not defaults in a seq */
	{"bots.edit", "[null,true,null,null,null,[],7]", 400, NULL},
	{"bots.edit", "{\"public\":\"yes\"}}", 422, NULL},
	{"bots.edit", "{\"public\":tru}", 400, NULL},
	{"bots.edit", "{\"remove\":null}", 422, NULL},
	{"bots.edit", "{\"remove\":\"Token\"}", 422, NULL},
	{"bots.edit", "{\"remove\":[\"token\"]}", 422, NULL},
	{"bots.edit", "{\"remove\":[null]}", 400, NULL},     /* deserialize_enum: ExpectedSomeValue */
	{"bots.edit", "{\"remove\":[5]}", 400, NULL},
	{"bots.edit", "{\"remove\":[{\"Token\":1}]}", 422, NULL}, /* unit variant wants null */
	{"bots.edit", "{\"remove\":[{\"Token\":null,\"x\":1}]}", 400, NULL},
	{"bots.edit", "{\"remove\":[{\"Nope\":null}]}", 422, NULL},
	{"bots.edit", "{\"oauth2\":{\"redirects\":[\"https://x\"],\"allowed_scopes\":{\"full\":{\"allow\":\"a\",\"deny\":\"d\"}}}}",
	 0, "{\"oauth2\":{\"redirects\":[\"https://x\"],\"allowed_scopes\":{\"full\":{\"allow\":\"a\",\"deny\":\"d\"}}}}"},
	{"bots.edit", "{\"oauth2\":{\"allowed_scopes\":{\"admin\":{\"allow\":\"a\",\"deny\":\"d\"}}}}", 422, NULL},
	{"bots.edit", "{\"oauth2\":{\"allowed_scopes\":{\"full\":{\"allow\":\"a\"}}}}", 422, NULL},
	{"bots.edit", "{\"oauth2\":{\"allowed_scopes\":{\"full\":[\"a\",\"d\"]}}}", 0,
	 "{\"oauth2\":{\"allowed_scopes\":{\"full\":{\"allow\":\"a\",\"deny\":\"d\"}}}}"},
	{"bots.edit", "{\"oauth2\":[null,null]}", 422, NULL},
	{"bots.edit", "{\"oauth2\":[null,null,null,null]}", 400, NULL},
	{"bots.edit", "{\"oauth2\":{\"redirects\":[1]}}", 422, NULL},
	/* InviteBotDestination, #[serde(untagged)] */
	{"bots.invite", "{\"server\":\"S\"}", 0, "{\"server\":\"S\"}"},
	{"bots.invite", "{\"group\":\"G\",\"server\":\"S\"}", 0, "{\"server\":\"S\"}"},
	{"bots.invite", "{\"server\":1,\"group\":\"G\"}", 0, "{\"group\":\"G\"}"},
	{"bots.invite", "{\"server\":\"S\",\"server\":\"T\"}", 422, NULL},
	{"bots.invite", "{\"server\":\"S\",\"server\":\"T\",\"group\":\"G\"}", 0, "{\"group\":\"G\"}"},
	{"bots.invite", "[\"S\"]", 422, NULL},
	{"bots.invite", "\"S\"", 422, NULL},
	{"bots.invite", "{\"guild\":1} x", 422, NULL},
	{"bots.invite", "{\"server\":\"S\"} x", 400, NULL},
	{"bots.invite", "{\"server\":\"S\",\"x\":1e400}", 400, NULL}, /* Content is read strictly */
	{"bots.invite", "{\"server\":\"S\",\"x\":\"\\udc00\"}", 400, NULL},
};

/* The body type of a route, from its row in the route table (NULL: it reads none). */
static const struct jg_type *jsonguard_body_type(const char *name)
{
	size_t n;
	const struct route *r = route_table(&n);
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(r[i].name, name) == 0)
			return r[i].body;
	return NULL;
}

/* Decodes, and renders what the handler gets as JSON (*normal; NULL on failure). */
static int jsonguard_check(const struct jg_type *t, const char *body, size_t n, char **normal)
{
	void *v = NULL;
	int code = jsonguard_decode(t, body, n, &v);
	*normal = NULL;
	if (!code) {
		struct strbuf sb = STRBUF_INIT;
		jsonguard_render(t, v, &sb);
		*normal = strbuf_detach(&sb, NULL);
	}
	jsonguard_free(t, v);
	return code;
}

START_TEST(body_table)
{
	const struct jg_type *t = jsonguard_body_type(rows[_i].route);
	ck_assert_ptr_nonnull(t);
	char *normal = NULL;
	int code = jsonguard_check(t, rows[_i].body, strlen(rows[_i].body), &normal);
	ck_assert_msg(code == rows[_i].code, "%s %s: got %d, want %d", rows[_i].route, rows[_i].body, code,
		      rows[_i].code);
	if (rows[_i].normal)
		ck_assert_str_eq(normal, rows[_i].normal);
	else
		ck_assert_ptr_null(normal);
	free(normal);
}
END_TEST

/* check_recursion: 127 nested containers pass, the 128th is RecursionLimitExceeded,
 * in what is read strictly; what is skipped has no limit. */
static char *nested(const char *head, int depth, const char *tail)
{
	size_t n = strlen(head) + 2 * (size_t)depth + strlen(tail) + 1;
	char *s = malloc(n);
	strcpy(s, head);
	size_t k = strlen(head);
	for (int i = 0; i < depth; i++)
		s[k++] = '[';
	for (int i = 0; i < depth; i++)
		s[k++] = ']';
	strcpy(s + k, tail);
	return s;
}

START_TEST(recursion_limit)
{
	const struct jg_type *invite = jsonguard_body_type("bots.invite");
	const struct jg_type *edit = jsonguard_body_type("bots.edit");
	char *normal, *s;
	s = nested("{\"server\":\"S\",\"x\":", 126, "}"); /* 127 containers */
	ck_assert_int_eq(jsonguard_check(invite, s, strlen(s), &normal), 0);
	free(normal);
	free(s);
	s = nested("{\"server\":\"S\",\"x\":", 127, "}"); /* 128 containers */
	ck_assert_int_eq(jsonguard_check(invite, s, strlen(s), &normal), 400);
	free(s);
	s = nested("{\"x\":", 5000, "}"); /* skipped: no limit */
	ck_assert_int_eq(jsonguard_check(edit, s, strlen(s), &normal), 0);
	ck_assert_str_eq(normal, "{}");
	free(normal);
	free(s);
}
END_TEST

START_TEST(unknown_route)
{
	ck_assert_ptr_null(jsonguard_body_type("bots.fetch"));
	ck_assert_ptr_null(jsonguard_body_type(NULL));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jsonguard");
	TCase *tc = tcase_create("bodies");
	tcase_add_loop_test(tc, body_table, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, recursion_limit);
	tcase_add_test(tc, unknown_route);
	suite_add_tcase(s, tc);
	return suite_run(s);
}

/* jsonguard.h: Rocket's Json<T> data guard, as serde_json 1.0.150 and serde_derive
 * decide it for the body types of the emulated routes: accepted, 400 or 422; and
 * what an accepted body decodes to.
 *
 * REAL: Rocket v0.5.1 core/lib/src/serde/json.rs - serde_json::from_str, then 422
 * for an error of serde_json's Data category and 400 for every other (Syntax, Eof).
 * serde_json reads the body as one stream and stops at the first error, so which
 * of the two a body gets depends on what comes first in it: {"public":"yes" ...garbage
 * is 422 (a wrong type is seen before the garbage), while unknown fields are
 * skipped by a lenient scanner (no depth limit, no number range, lone surrogates
 * allowed) and never fail for their content. A strict whole-body syntax check
 * followed by a shape check cannot reproduce that; this module walks the body the
 * way serde_json does, with the type's shape in hand.
 *
 * A body type is data: a tree of struct jg_type (server/bodies.c declares those of
 * the emulated routes, next to the C structs they fill). In the same single pass
 * the accepted body is decoded into that C struct, so a handler reads typed fields
 * and no field is named anywhere but in its type. The validator rules
 * (#[validate(...)]) sit on the fields too: jsonguard_validate() runs them.
 *
 * Decoded values, by kind (the "slot" a field's offset points at):
 *   JG_STRING    char *               decoded text; an escaped \u0000 is BODY_NUL (body.h)
 *   JG_BOOL      signed char          0 or 1; -1 when absent (only under an Option)
 *   JG_OPTION    the inner kind's slot, left empty (NULL or -1) for null or absent
 *   JG_VEC       struct jg_list *     NULL when absent
 *   JG_ENUM      int                  the variant's index; -1 when absent
 *   JG_STRUCT    void *               the C struct (t->size bytes); NULL when absent
 *   JG_ENUM_MAP  struct jg_map *      NULL when absent
 *   JG_UNTAGGED  struct jg_untagged * the variant that matched */
#ifndef STOAT_JSONGUARD_H
#define STOAT_JSONGUARD_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

enum jg_kind {
	JG_STRING,    /* String */
	JG_BOOL,      /* bool */
	JG_OPTION,    /* Option<inner> */
	JG_VEC,       /* Vec<inner>; inner is a String, an enum or a struct */
	JG_ENUM,      /* an enum of unit variants */
	JG_STRUCT,    /* a struct (serde_derive: from a map or a seq) */
	JG_ENUM_MAP,  /* HashMap<enum of unit variants, inner struct> */
	JG_UNTAGGED,  /* #[serde(untagged)] enum of one-String-field struct variants */
};

/* validator 0.16 rules a field can carry (errors.md §4 has their texts). */
enum jg_rule_kind {
	JG_RULE_NONE,
	JG_RULE_NAME,   /* length(min = 2, max = 32) + regex = RE_USERNAME (validate_name_field) */
	JG_RULE_LENGTH, /* length(min, max) of a string, in code points */
	JG_RULE_COUNT,  /* length(min, max) of a list */
};
struct jg_rule {
	enum jg_rule_kind kind;
	size_t min, max;
};

struct jg_field {
	const char *name;
	const struct jg_type *type;
	size_t offset;        /* of the field's slot in the parent's C struct */
	bool has_default;     /* #[serde(default)] */
	struct jg_rule rule;  /* #[validate(...)] */
};

struct jg_type {
	enum jg_kind kind;
	const struct jg_type *inner;   /* OPTION, VEC, ENUM_MAP: the values' type */
	const char *const *names;      /* ENUM, ENUM_MAP: variants; UNTAGGED: each variant's field */
	size_t nnames;
	const struct jg_field *fields; /* STRUCT, in declaration order */
	size_t nfields;
	size_t size;                   /* STRUCT: sizeof the C struct */
};

/* One decoded element of a list; which member by the list's inner kind. */
union jg_item {
	char *s; /* JG_STRING */
	int e;   /* JG_ENUM */
	void *p; /* JG_STRUCT */
};
struct jg_list {
	size_t n;
	union jg_item *items;
};
/* HashMap<enum, struct>: keys in first-seen order, a repeated key's last value
 * kept (HashMap::insert). */
struct jg_map {
	size_t n;
	int *keys;
	void **values;
};
struct jg_untagged {
	int variant; /* index into the type's names */
	char *value;
};

/* Decides a UTF-8 body of n bytes against t (a JG_STRUCT or JG_UNTAGGED). Returns 0
 * and sets *out to the decoded value (free it with jsonguard_free), or returns 400
 * or 422 with *out NULL. */
int jsonguard_decode(const struct jg_type *t, const char *body, size_t n, void **out);
/* Frees what jsonguard_decode returned (NULL is fine). */
void jsonguard_free(const struct jg_type *t, void *value);

/* validator 0.16 over a decoded struct: every rule of every field, in struct order
 * (nested structs as "outer.inner"), one line per failing field appended to text.
 * True when all hold. */
bool jsonguard_validate(const struct jg_type *t, const void *value, struct strbuf *text);

/* The decoded value as compact JSON (known fields only, nulls and absent fields
 * left out, enum values as their names): what the handler sees, for tests, the
 * fuzzers and logs. */
void jsonguard_render(const struct jg_type *t, const void *value, struct strbuf *out);

#endif

/* validate.h: pure checks on request values, no I/O and no SQLite.
 *
 * Field validation builds the FailedValidation `error` text in validator 0.16's
 * format (errors.md §4): one line per failing field, joined with '\n', each
 * "<path>: Validation error: <code> [<params>]" with ", " between a field's errors.
 * DIFF: params in the order min, max, value and fields in struct order (the real
 * order is HashMap order, random per process): docs/fidelity.md#failedvalidation. */
#ifndef STOAT_VALIDATE_H
#define STOAT_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Compiles the patterns once; returns 0 or -1. Safe to call again. */
int validate_init(void);

bool utf8_valid(const char *s, size_t n);
/* Unicode scalar values in a valid UTF-8 string. */
size_t utf8_count(const char *s);

/* ^(\p{L}|[\d_.-])+$ with Rust regex semantics ($ only at the very end). */
bool validate_username_pattern(const char *s);

/* The name of create and edit: length 2..=32 in code points, then the pattern. Appends
 * the field's line to out (when it fails) and returns true when valid. */
bool validate_name_field(const char *field, const char *name, struct strbuf *out);
/* A string field with a length range in code points (interactions_url). */
bool validate_len_field(const char *field, const char *s, size_t min, size_t max, struct strbuf *out);
/* A list field with a length range (oauth2.redirects); items are printed as strings. */
bool validate_list_field(const char *field, const char *const *items, size_t n, size_t min,
			 size_t max, struct strbuf *out);

/* REAL: users/model.rs validate_username - on the cured name: whole name admin,
 * revolt or stoat (any case), or a blocked pattern anywhere. */
bool validate_username_blocked(const char *cured);

/* REAL: feat/oauth2 models/v0/oauth2.rs OAuth2Scope serde names, in declaration
 * order: the keys of allowed_scopes (bodies.c, the fixture loader). */
#define OAUTH2_SCOPE_COUNT 5
extern const char *const validate_oauth2_scopes[OAUTH2_SCOPE_COUNT];
bool validate_oauth2_scope(const char *s);

/* Rust's Debug rendering of a string (quotes included), appended to out. */
void validate_debug_str(struct strbuf *out, const char *s);

#endif

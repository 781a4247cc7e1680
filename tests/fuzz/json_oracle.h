/* json_oracle.h: strict JSON syntax as serde_json reads it, for the fuzzers and
 * tests only. The server itself never runs this: its one reader of request
 * bodies is jsonguard.c, which walks a body the way serde_json does with the
 * route's type in hand. This is a second, independent reading of the same
 * grammar, written without a type, so the fuzzers can check the two (and cJSON)
 * against each other: what jsonguard hands back as the normal form must pass
 * here, and what passes here must parse with cJSON (tests/fuzz/fuzz_json.c).
 * Built into the fuzzers and tests/unit/test_json_oracle.c by CMakeLists.txt. */
#ifndef STOAT_JSON_ORACLE_H
#define STOAT_JSON_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is one JSON value under serde_json's strict rules: RFC 8259,
 * no BOM, depth <= JSON_DEPTH_MAX (limits.h), numbers that fit an f64, paired
 * surrogates, no raw control characters, only whitespace after the value. */
bool json_oracle_syntax(const char *s, size_t n);

#endif

/* path.h: the text of a request target, read the way Rocket reads it: percent-
 * decoding, UTF-8 stepping, the path split into segments, the normalised path and
 * the glob that faults and journal filters match against it.
 *
 * The bottom layer of the server's modules (http -> dispatch -> control ->
 * faults/journal -> path): it includes request.h and strbuf.h, nothing above them,
 * so every layer can use it. No I/O, no state. */
#ifndef STOAT_PATH_H
#define STOAT_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

/* Percent-decodes in[0..len) into out (room for len bytes; not NUL-terminated)
 * and returns the decoded length. %XY with two hex digits becomes that byte, except
 * %00, which stays as written (the server works on C strings); anything else is
 * copied. plus_space: '+' becomes ' ' (query values, form encoding); in a path
 * segment it is itself. */
size_t path_percent_decode(char *out, const char *in, size_t len, bool plus_space);

/* The length of the valid UTF-8 sequence at s[0..n) (n >= 1), or, when it is not
 * valid there, minus the length of its maximal ill-formed subpart: the bytes
 * from_utf8_lossy replaces by one U+FFFD. Overlong forms, surrogates and code
 * points above U+10FFFF are not valid. */
long path_utf8_step(const unsigned char *s, size_t n);

/* Splits rq->path into rq->seg / rq->seglen / rq->nseg: the non-empty segments,
 * each percent-decoded with Rocket's lossy rules (bytes that are not UTF-8 become
 * U+FFFD), one leading "0.8" dropped (README decision 4), and for an absolute-form
 * target (GET http://host/path) only the path. More than PATH_SEGMENTS_MAX
 * segments set rq->path_bad (no route matches). Segments are freed by
 * request_release. */
void path_split(struct request *rq);

/* raw (a path as received, NULL for "") as the router sees it: "/seg/seg", split
 * and decoded by path_split, or "/" for no segment. The form fault patterns and
 * journal entries are compared in. Caller frees. */
char *path_normal(const char *raw);

/* A query value v[0..n), percent-decoded with '+' as a space, as a new string
 * (bytes as decoded: not checked for UTF-8). Caller frees. */
char *path_query_value(const char *v, size_t n);

/* Glob match of s against pattern: '*' is any run of characters, '/' included;
 * everything else is literal. Both sides are normalised paths (path_normal). */
bool path_glob(const char *pattern, const char *s);

#endif

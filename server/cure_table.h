/* cure_table.h: the generated data behind sanitize.c.
 *
 * server/generated/cure_table.c is written by `node tools/cure-table/gen.js` (see
 * the top of that script for how to regenerate it and what it checks) from npm
 * decancer@3.3.3, the library the real server cures usernames with, and Unicode
 * 16.0.0 data, the version of the real server's regex tables. It is static const
 * data: nothing to initialise, nothing to lock. This header is written by hand:
 * only what a tool writes lives under server/generated/.
 *
 * Invariants:
 *  - Every table covers only code points the request regex accepts,
 *    ^(\p{L}|[\d_.-])+$ under Unicode 16.0.0; for any other code point the answer
 *    is "not replaced" and "class L", which is all sanitize.c needs.
 *  - Keys are runs of consecutive code points packed as
 *    (first << CURE_SPAN_BITS) | (last - first), sorted ascending and disjoint,
 *    so a binary search on key >> CURE_SPAN_BITS finds the run.
 *  - Replacements are 0..5 ASCII bytes; ASCII itself is never replaced.
 */
#ifndef STOAT_CURE_TABLE_H
#define STOAT_CURE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CURE_SPAN_BITS 11
#define CURE_SPAN_MASK ((1u << CURE_SPAN_BITS) - 1)

/* In cure_map_out: the run counts up. Code point first + i becomes the single
 * character cure_text[offset] + i (U+FF41..U+FF5A -> a..z). Without the flag
 * every code point of the run becomes the string at cure_text + offset. */
#define CURE_SEQ 0x8000u
#define CURE_OFFSET_MASK 0x7fffu

/* The bidi classes that accepted code points have (UAX #9 names). */
enum cure_bidi {
	CURE_BIDI_L,  /* left-to-right: most letters, the Hangul fillers */
	CURE_BIDI_R,  /* right-to-left: Hebrew, N'Ko, Old Hungarian... */
	CURE_BIDI_AL, /* Arabic letter: Arabic, Syriac, Thaana... */
	CURE_BIDI_EN, /* European number: 0-9, U+06F0.., fullwidth and math digits */
	CURE_BIDI_AN, /* Arabic number: U+0660..U+0669, Hanifi Rohingya/Garay digits */
	CURE_BIDI_ES, /* European separator: '-' */
	CURE_BIDI_CS, /* common separator: '.' */
	CURE_BIDI_ON, /* other neutral: '_' and a few modifier letters (U+02B9...) */
};

/* The replacement strings, NUL-terminated, addressed by offset; offset 0 is "". */
extern const char cure_text[];

/* Replaced code points: runs and, in parallel, their replacement. */
extern const uint32_t cure_map_key[];
extern const uint16_t cure_map_out[];
extern const size_t cure_map_len;

/* Code points whose bidi class is not L: runs and, in parallel, the class. */
extern const uint32_t cure_bidi_key[];
extern const uint8_t cure_bidi_class[];
extern const size_t cure_bidi_len;

/* The accepted code points themselves, { first, last } runs (spans may be long,
 * so these are not packed). For a validator that needs the real server's
 * Unicode version (16.0.0) rather than the system regex library's. */
extern const uint32_t cure_name_run[][2];
extern const size_t cure_name_len;

/* True when cp may appear in a username, ^(\p{L}|[\d_.-])+$, under Unicode
 * 16.0.0 like the real server. (PCRE2 10.42, Debian 12's, knows Unicode 14:
 * 9372 letters and digits of Unicode 15 and 16 fail there but pass here.) */
static inline bool cure_name_char(uint32_t cp)
{
	size_t lo = 0, hi = cure_name_len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cure_name_run[mid][1] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < cure_name_len && cure_name_run[lo][0] <= cp;
}

#endif

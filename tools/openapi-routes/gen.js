#!/usr/bin/env node
/* gen.js: writes server/generated/not_emulated.c, the routes of the published API
 * that stoat-mock does not emulate (routes.h, struct route_absent). A request for one
 * is answered 501 {"type":"NotEmulated","route":"POST /channels/{target}/messages",
 * "location":"stoat-mock"} instead of Rocket's 404 page, so a client's user learns the
 * route exists on the real server (docs/fidelity.md#not-emulated).
 *
 * server/generated/ holds only files a tool writes: each is committed, opens with a
 * GENERATED line naming the command that rewrites it, and is changed by changing
 * that tool and running it again, never by hand.
 *
 * The document is stoat-api's OpenAPI.json, the npm package tests/clients pins
 * (package.json, package-lock.json there): one pin for the routes that answer 501
 * and for the conformance layer that checks every answer of the emulated API. From
 * the repository root:
 *
 *     (cd tests/clients && bash ../../scripts/npm.sh ci) && node tools/openapi-routes/gen.js
 *
 * `--check` writes nothing and exits 1 when the committed file differs from what
 * the document and the route table make now (tests/clients/run.sh runs it).
 *
 * What is "emulated" comes from the route table itself: every row of
 * server/routes.c whose method and path have the same shape as an operation of the
 * document (the same number of segments, the same static ones in the same places)
 * is that operation; every other operation is a row here.
 *
 * Order. Rocket tries the routes that match a request by rank, and the real server's
 * ranks put the route with more static segments first wherever two of them can match
 * one path (Rocket's default rank by path colour, static before partial; the explicit
 * `rank = 1` / `rank = 2` of permissions/default and messages/bulk say the same).
 * route_match tries the emulated rows first and these after them, so the rows that
 * Rocket ranks above an emulated row matching the same paths (GET /users/dms against
 * the emulated GET /users/{target}) come first, counted in route_absent_outranking:
 * route_match tries those even when an emulated row matched. The rest follow with
 * more static segments first. The generator stops when two rows that can match one
 * path have the same number of static segments (it could not say which one Rocket
 * runs).
 */
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const CLIENTS = path.join(ROOT, 'tests', 'clients');
const DOC = path.join(CLIENTS, 'node_modules', 'stoat-api', 'OpenAPI.json');
const ROUTES = path.join(ROOT, 'server', 'routes.c');
const OUT = path.join(ROOT, 'server', 'generated', 'not_emulated.c');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/* rows of routes.c that are Rocket's or rocket_cors's, not operations of the document */
const FRAMEWORK = new Set(['GET ratelimit', 'GET cors/:id']);

function fail(msg) {
	console.error(`gen.js: ${msg}`);
	process.exit(1);
}

function load_document() {
	const pinned = require(path.join(CLIENTS, 'package.json')).dependencies['stoat-api'];
	let doc, version;
	try {
		doc = JSON.parse(fs.readFileSync(DOC, 'utf8'));
		version = require(path.join(CLIENTS, 'node_modules', 'stoat-api', 'package.json')).version;
	} catch (e) {
		fail(`stoat-api is not installed; run: (cd tests/clients && bash ../../scripts/npm.sh ci)`);
	}
	if (version !== pinned)
		fail(`stoat-api ${version} installed, ${pinned} pinned by tests/clients/package.json (npm ci there)`);
	return { doc, version };
}

/* "/channels/{target}/messages" -> ["channels", ":target", "messages"] */
function segments(template) {
	return template.split('/').filter(Boolean).map((s) => (s.startsWith('{') ? ':' + s.slice(1, -1) : s));
}
const literal = (s) => !s.startsWith(':');
const literals = (segs) => segs.filter(literal).length;
/* Same shape: the same route written with other capture names. */
const same_shape = (a, b) => a.length === b.length && a.every((s, i) => (literal(s) ? s === b[i] : !literal(b[i])));
/* Some path matches both: no place where both are static and differ. */
const overlap = (a, b) => a.length === b.length && a.every((s, i) => !literal(s) || !literal(b[i]) || s === b[i]);

function emulated_rows() {
	const text = fs.readFileSync(ROUTES, 'utf8');
	const rows = [];
	for (const m of text.matchAll(/^\s*\{"([A-Z]+)",\s*"([^"]*)",/gm)) {
		const key = `${m[1]} ${m[2]}`;
		if (m[2].startsWith('_mock') || FRAMEWORK.has(key))
			continue; /* the control API and the framework's routes: not in the document */
		rows.push({ method: m[1], segs: m[2].split('/').filter(Boolean), key });
	}
	if (rows.length < 5)
		fail(`found only ${rows.length} rows in server/routes.c: has the table's layout changed?`);
	return rows;
}

function build() {
	const { doc, version } = load_document();
	const emulated = emulated_rows();
	const seen = new Set();
	const absent = [];
	let order = 0;
	for (const [template, item] of Object.entries(doc.paths)) {
		for (const m of METHODS) {
			if (!item[m])
				continue;
			const method = m.toUpperCase();
			const segs = segments(template);
			const twin = emulated.find((r) => r.method === method && same_shape(r.segs, segs));
			if (twin) {
				seen.add(twin.key);
				continue;
			}
			const outranks = emulated.some((r) => r.method === method && overlap(r.segs, segs) &&
							      literals(segs) > literals(r.segs));
			absent.push({ method, segs, name: `${method} ${template}`, outranks, order: order++ });
		}
	}
	for (const r of emulated)
		if (!seen.has(r.key))
			fail(`server/routes.c row ${r.key} is no operation of stoat-api ${version}'s OpenAPI.json`);
	absent.sort((a, b) => (b.outranks - a.outranks) || (literals(b.segs) - literals(a.segs)) || (a.order - b.order));
	/* first match wins: wherever two rows can match one path, the earlier must have
	 * more static segments */
	for (let i = 0; i < absent.length; i++)
		for (let k = i + 1; k < absent.length; k++) {
			const a = absent[i], b = absent[k];
			if (a.method === b.method && overlap(a.segs, b.segs) && literals(a.segs) <= literals(b.segs))
				fail(`${a.name} and ${b.name} can match one path: which one does Rocket run?`);
		}
	return { version, rows: absent, emulated: seen.size, total: order + seen.size };
}

function render({ version, rows, emulated, total }) {
	const outranking = rows.filter((r) => r.outranks).length;
	const w = Math.max(...rows.map((r) => r.method.length + r.segs.join('/').length));
	const line = (r) => {
		const head = `{"${r.method}", "${r.segs.join('/')}",`;
		return `\t${head.padEnd(w + 9)} "${r.name}"},`;
	};
	return [
		`/* GENERATED by \`node tools/openapi-routes/gen.js\` (stoat-api ${version} OpenAPI.json): do not edit. */`,
		'/* server/generated/ holds only files a tool writes; each is committed, opens with',
		' * the command that rewrites it, and is changed by changing that tool. */',
		`/* not_emulated.c: the ${rows.length} operations of stoat-api ${version}'s OpenAPI.json that`,
		` * server/routes.c does not have (it emulates ${emulated} of the ${total}). route_match answers a request`,
		' * for one with the not_emulated row: 501 NotEmulated naming it (routes.h; why and',
		' * in which order: tools/openapi-routes/gen.js). */',
		'#include "routes.h"',
		'',
		'/* clang-format off */',
		'const struct route_absent route_absent_rows[] = {',
		...(outranking ? ['\t/* Rocket ranks these above the emulated row that matches the same paths */'] : []),
		...rows.filter((r) => r.outranks).map(line),
		'\t/* the rest: more static segments first */',
		...rows.filter((r) => !r.outranks).map(line),
		'};',
		'/* clang-format on */',
		`const size_t route_absent_count = sizeof(route_absent_rows) / sizeof(route_absent_rows[0]);`,
		`const size_t route_absent_outranking = ${outranking};`,
		'',
	].join('\n');
}

const text = render(build());
if (process.argv.includes('--check')) {
	const now = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
	if (now !== text)
		fail('server/generated/not_emulated.c is out of date: run node tools/openapi-routes/gen.js');
	console.log('gen.js: server/generated/not_emulated.c is up to date');
} else {
	fs.writeFileSync(OUT, text);
	console.log(`gen.js: wrote ${path.relative(ROOT, OUT)}`);
}

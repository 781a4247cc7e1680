#!/usr/bin/env node
/* durability.js: kill -9 under a write load, restart on the same file, and check
 * that every acknowledged write is there.
 *
 * Each round starts stoat-mock on one --db file, runs writers for a random time
 * (0.3 to 1.5 s), SIGKILLs the server with requests in flight, runs
 * PRAGMA integrity_check with the sqlite3 CLI, restarts it on the file and reads
 * everything back through the API. Every field has exactly one writer, a client
 * that waits for each answer before the next request, so after the kill the
 * field holds its last acknowledged value, or the value of the one request that
 * was in flight (sent, never answered). Writers:
 *   - interactions_url of HelperBot and of PublicBot (PATCH, a unique URL each);
 *   - the token of HelperBot (PATCH remove:["Token"]): the acknowledged token must
 *     still authenticate and every older one must not;
 *   - bob creates a bot then deletes it, over and over: an acknowledged create
 *     that was not deleted exists, an acknowledged delete is gone.
 * Usage: durability.js [ROUNDS] (default 6). Prints "durability: ... N kill -9
 * rounds survived, W acknowledged writes under load". */
'use strict';

const { execFileSync } = require('child_process');
const path = require('path');
const L = require('./lib');
const { F } = L;

const ROUNDS = Number(process.argv[2] || process.env.DURABILITY_ROUNDS || 6);
const ALICE = { 'x-session-token': F.aliceSession };
const BOB = { 'x-session-token': F.bobSession };

async function api(srv, method, p, headers, body) {
	const r = await L.request(srv.port, method, p, {
		headers: { accept: 'application/json', ...headers },
		body: body === undefined ? null : JSON.stringify(body),
		timeoutMs: 5000,
	});
	return { ...r, json: r.status ? L.json(r) : undefined };
}

/* One writer: runs step() until stopped; step returns the value written when the
 * server acknowledged it, throws when the request got no answer. */
function writer(name, step) {
	const w = { name, acked: [], inflight: null, stopped: false, errors: [] };
	w.run = (async () => {
		for (let i = 0; !w.stopped; i++) {
			let r;
			try {
				r = await step(i, w);
			} catch (e) {
				return; /* no answer: the server is gone; w.inflight stays set */
			}
			if (r === undefined) return;
		}
	})();
	return w;
}

async function main() {
	const check = new L.Check('durability');
	const dir = L.tmpdir('durability');
	const db = path.join(dir, 'state.db');
	let srv = await L.start(['--db', db, '--quiet'], { dir });
	let roundsSurvived = 0, writesChecked = 0;
	/* the expected state, carried across rounds */
	const state = {
		url: { [F.helper]: null, [F.publicBot]: 'https://public.example/interactions' },
		token: F.helperToken,
		oldTokens: [],
		bobBots: new Map(), /* id -> 'exists' | 'deleted' | 'unknown' */
	};
	try {
		for (let round = 1; round <= ROUNDS; round++) {
			const writers = [];
			for (const bot of [F.helper, F.publicBot]) {
				writers.push(writer(`url ${bot}`, async (i, w) => {
					const url = `https://r${round}.example/${bot}/${i}`;
					w.inflight = url;
					const r = await api(srv, 'PATCH', `/bots/${bot}`, ALICE, { interactions_url: url });
					if (!r.status) throw new Error('no answer');
					if (r.status !== 200 || r.json.interactions_url !== url) { w.errors.push(`${r.status} ${r.body}`); return undefined; }
					w.inflight = null;
					state.url[bot] = url;
					w.acked.push(url);
					return url;
				}));
			}
			writers.push(writer('token', async (i, w) => {
				w.inflight = 'reset';
				const r = await api(srv, 'PATCH', `/bots/${F.helper}`, ALICE, { remove: ['Token'] });
				if (!r.status) throw new Error('no answer');
				if (r.status !== 200 || typeof r.json.token !== 'string') { w.errors.push(`${r.status} ${r.body}`); return undefined; }
				w.inflight = null;
				state.oldTokens.push(state.token);
				state.token = r.json.token;
				w.acked.push(r.json.token);
				return r.json.token;
			}));
			writers.push(writer('bob create/delete', async (i, w) => {
				if (i % 2 === 0) {
					w.inflight = 'create';
					const r = await api(srv, 'POST', '/bots/create', BOB, { name: `Dur${round}x${i}` });
					if (!r.status) throw new Error('no answer');
					if (r.status !== 200) { w.errors.push(`create ${r.status} ${r.body}`); return undefined; }
					w.inflight = null;
					state.bobBots.set(r.json._id, 'exists');
					w.last = r.json._id;
					w.acked.push(r.json._id);
					return r.json._id;
				}
				w.inflight = w.last;
				state.bobBots.set(w.last, 'unknown'); /* until the delete is acknowledged */
				const r = await api(srv, 'DELETE', `/bots/${w.last}`, BOB);
				if (!r.status) throw new Error('no answer');
				if (r.status !== 204) { w.errors.push(`delete ${r.status} ${r.body}`); return undefined; }
				w.inflight = null;
				state.bobBots.set(w.last, 'deleted');
				w.acked.push(w.last);
				return w.last;
			}));
			await L.sleep(300 + Math.floor(Math.random() * 1200));
			srv.proc.kill('SIGKILL');
			await new Promise((r) => (srv.exited ? r() : srv.proc.once('exit', r)));
			for (const w of writers) w.stopped = true;
			await Promise.all(writers.map((w) => w.run));
			for (const w of writers) check.ok(w.errors.length === 0, `round ${round} ${w.name}: ${w.errors.join('; ')}`);
			const acked = writers.reduce((n, w) => n + w.acked.length, 0);
			check.ok(acked > 0, `round ${round}: no write was acknowledged before the kill`);

			let integrity = '';
			try {
				integrity = execFileSync('sqlite3', [db, 'PRAGMA integrity_check;'], { encoding: 'utf8', timeout: 10000 }).trim();
			} catch (e) {
				integrity = `sqlite3 failed: ${e.message}`;
			}
			check.ok(integrity === 'ok', `round ${round}: integrity_check says ${integrity}`);

			srv = await L.start(['--db', db, '--quiet'], { dir });
			/* every field: its last acknowledged value, or the in-flight one */
			for (const [i, bot] of [F.helper, F.publicBot].entries()) {
				const w = writers[i];
				const r = await api(srv, 'GET', `/bots/${bot}`, ALICE);
				const got = r.json && r.json.bot ? r.json.bot.interactions_url || null : 'unreadable';
				const ok = got === state.url[bot] || (w.inflight && got === w.inflight);
				check.ok(ok, `round ${round}: ${bot} interactions_url is ${got}, last acknowledged ${state.url[bot]} (in flight ${w.inflight})`);
				if (w.inflight && got === w.inflight) state.url[bot] = got;
				writesChecked += w.acked.length;
			}
			{
				const w = writers[2];
				const r = await api(srv, 'GET', `/bots/${F.helper}`, ALICE);
				const got = r.json && r.json.bot && r.json.bot.token;
				const ok = got === state.token || (w.inflight && got && !state.oldTokens.includes(got));
				check.ok(ok, `round ${round}: HelperBot token ${got} is not the last acknowledged one`);
				if (got !== state.token && ok) { state.oldTokens.push(state.token); state.token = got; }
				const me = await api(srv, 'GET', '/users/@me', { 'x-bot-token': state.token });
				check.ok(me.status === 200 && me.json._id === F.helper, `round ${round}: the acknowledged token does not authenticate (${me.status})`);
				const old = state.oldTokens[state.oldTokens.length - 1];
				const stale = await api(srv, 'GET', '/users/@me', { 'x-bot-token': old });
				check.ok(stale.status === 401, `round ${round}: a replaced token still authenticates (${stale.status})`);
				writesChecked += w.acked.length;
			}
			{
				const w = writers[3];
				const r = await api(srv, 'GET', '/bots/@me', BOB);
				const have = new Set((r.json && r.json.bots || []).map((b) => b._id));
				for (const [id, st] of state.bobBots) {
					if (st === 'exists') check.ok(have.has(id), `round ${round}: acknowledged create of ${id} lost`);
					if (st === 'deleted') check.ok(!have.has(id), `round ${round}: acknowledged delete of ${id} undone`);
					if (st === 'unknown') state.bobBots.set(id, have.has(id) ? 'exists' : 'deleted');
				}
				/* an unacknowledged create may have landed: adopt it, then delete it
				 * so bob stays under his bot limit */
				for (const id of have) {
					if (!state.bobBots.has(id) || state.bobBots.get(id) === 'exists') {
						const d = await api(srv, 'DELETE', `/bots/${id}`, BOB);
						check.ok(d.status === 204, `round ${round}: cleanup delete ${id}: ${d.status}`);
						state.bobBots.set(id, 'deleted');
					}
				}
				writesChecked += w.acked.length;
			}
			roundsSurvived++;
		}
	} finally {
		await L.stop(srv);
	}
	check.done(`${roundsSurvived} kill -9 rounds survived, ${writesChecked} acknowledged writes under load`);
}

main().catch((e) => { console.error(e); process.exit(1); });

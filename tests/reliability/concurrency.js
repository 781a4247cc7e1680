#!/usr/bin/env node
/* concurrency.js: N parallel clients editing the same and different bots and
 * resetting tokens for a bounded time; afterwards no lost update, no duplicate
 * token, no 5xx, no refused or dropped connection.
 *
 * Set-up: USERS fresh users (POST /_mock/users, else the fixture users only), two
 * bots each, plus alice's HelperBot. Every (bot, field) has exactly one writer,
 * a client that waits for each answer before sending the next request, so the
 * final value of each field must be that writer's last acknowledged value:
 *   - HelperBot is written by six clients at once, one per field (name, public,
 *     analytics, interactions_url, oauth2.redirects, token): a read-modify-write
 *     that raced would put one client's old value back over another's;
 *   - every other bot has two clients (interactions_url, token).
 * Bounded: CLIENTS (default 32) for SECONDS (default 8).
 * Usage: concurrency.js [CLIENTS] [SECONDS]. Prints "concurrency: ... N parallel
 * clients held for S s, R requests (X/s), p99 Y ms". */
'use strict';

const L = require('./lib');
const { F } = L;

const CLIENTS = Number(process.argv[2] || process.env.CONCURRENCY_CLIENTS || 32);
const SECONDS = Number(process.argv[3] || process.env.CONCURRENCY_SECONDS || 8);
const J = { accept: 'application/json' };

async function api(srv, method, p, headers, body) {
	const t0 = process.hrtime.bigint();
	const r = await L.request(srv.port, method, p, {
		headers: { ...J, ...headers }, body: body === undefined ? null : JSON.stringify(body), timeoutMs: 10000,
	});
	r.ms = Number(process.hrtime.bigint() - t0) / 1e6;
	r.json = r.status ? L.json(r) : undefined;
	return r;
}

async function main() {
	const check = new L.Check('concurrency');
	const srv = await L.start(['--quiet']);
	const stats = { requests: 0, byStatus: {}, latencies: [], transport: 0 };
	const tokensSeen = new Set();
	let duplicateTokens = 0;
	const seeToken = (t) => { if (tokensSeen.has(t)) duplicateTokens++; tokensSeen.add(t); };
	try {
		/* owners and their bots */
		const owners = [{ session: F.aliceSession, bots: [F.helper] }];
		for (let i = 0; i < Math.max(1, Math.floor(CLIENTS / 4)); i++) {
			const u = await api(srv, 'POST', '/_mock/users', {}, { username: `Racer${i}` });
			if (u.status !== 200) break; /* no control API: the fixture users only */
			const o = { session: u.json.token, bots: [] };
			for (let b = 0; b < 2; b++) {
				const c = await api(srv, 'POST', '/bots/create', { 'x-session-token': o.session }, { name: `Race${i}b${b}` });
				check.ok(c.status === 200, `set-up: create bot for Racer${i}: ${c.status} ${c.body}`);
				if (c.status === 200) { o.bots.push(c.json._id); seeToken(c.json.token); }
			}
			owners.push(o);
		}
		if (owners.length === 1) owners.push({ session: F.aliceSession, bots: [F.publicBot] });

		/* the writers: [owner session, bot, field] */
		const jobs = [];
		for (const field of ['name', 'public', 'analytics', 'interactions_url', 'redirects', 'token'])
			jobs.push({ session: F.aliceSession, bot: F.helper, field });
		for (const o of owners.slice(1))
			for (const bot of o.bots)
				for (const field of ['interactions_url', 'token']) jobs.push({ session: o.session, bot, field });
		/* CLIENTS clients share the jobs round-robin; a job is never run by two
		 * clients at once, so each field keeps a single writer */
		const deadline = Date.now() + SECONDS * 1000;
		const last = new Map(); /* bot|field -> last acknowledged value */
		const bodyFor = (job, i, c) => {
			switch (job.field) {
			case 'name': return [{ name: `H${c}n${i}`.slice(0, 32) }, (j) => j.user.username];
			case 'public': return [{ public: i % 2 === 0 }, (j) => j.public];
			case 'analytics': return [{ analytics: i % 2 === 1 }, (j) => j.analytics === true];
			case 'interactions_url': return [{ interactions_url: `https://c${c}.example/${job.bot}/${i}` }, (j) => j.interactions_url];
			case 'redirects': return [{ oauth2: { redirects: [`https://c${c}.example/cb/${i}`] } }, (j) => j.oauth2.redirects[0]];
			case 'token': return [{ remove: ['Token'] }, (j) => j.token];
			}
			return null;
		};
		const queue = jobs.slice();
		const clients = Array.from({ length: CLIENTS }, (_, c) => (async () => {
			for (let i = 0; Date.now() < deadline; i++) {
				const job = queue.shift();
				if (!job) { await L.sleep(1); continue; }
				const [body, read] = bodyFor(job, i, c);
				const r = await api(srv, 'PATCH', `/bots/${job.bot}`, { 'x-session-token': job.session }, body);
				queue.push(job);
				stats.requests++;
				stats.latencies.push(r.ms);
				if (!r.status) { stats.transport++; continue; }
				stats.byStatus[r.status] = (stats.byStatus[r.status] || 0) + 1;
				if (r.status === 200) {
					last.set(`${job.bot}|${job.field}`, read(r.json));
					if (job.field === 'token') seeToken(r.json.token);
				} else if (!(r.status === 429 && job.field === 'name')) {
					check.ok(false, `${job.field} of ${job.bot}: ${r.status} ${r.body}`);
				}
			}
		})());
		/* and readers beside them: GET /bots/@me of every owner, the whole time */
		const readers = owners.map((o) => (async () => {
			while (Date.now() < deadline) {
				const r = await api(srv, 'GET', '/bots/@me', { 'x-session-token': o.session });
				stats.requests++;
				stats.latencies.push(r.ms);
				if (!r.status) { stats.transport++; continue; }
				stats.byStatus[r.status] = (stats.byStatus[r.status] || 0) + 1;
				check.ok(r.status === 200, `GET /bots/@me: ${r.status}`);
			}
		})());
		await Promise.all([...clients, ...readers]);

		/* the final state: every field its writer's last acknowledged value */
		for (const o of owners) {
			for (const bot of o.bots.length ? o.bots : []) {
				const r = await api(srv, 'GET', `/bots/${bot}`, { 'x-session-token': o.session });
				check.ok(r.status === 200, `final GET /bots/${bot}: ${r.status}`);
				if (r.status !== 200) continue;
				const view = { ...r.json.bot, user: r.json.user };
				for (const job of jobs.filter((j) => j.bot === bot)) {
					const key = `${bot}|${job.field}`;
					if (!last.has(key)) continue;
					const [, read] = bodyFor(job, 0, 0);
					const got = read(view);
					check.ok(got === last.get(key), `lost update: ${key} is ${got}, last acknowledged ${last.get(key)}`);
				}
			}
		}
		/* no duplicate tokens: every token ever handed out, and the live ones */
		const live = [];
		for (const o of owners) {
			const r = await api(srv, 'GET', '/bots/@me', { 'x-session-token': o.session });
			for (const b of (r.json && r.json.bots) || []) live.push(b.token);
		}
		check.ok(new Set(live).size === live.length, `duplicate live tokens: ${live.length - new Set(live).size}`);
		check.ok(duplicateTokens === 0, `${duplicateTokens} tokens handed out twice`);
		const fivexx = Object.entries(stats.byStatus).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0);
		check.ok(fivexx === 0, `${fivexx} answers were 5xx`);
		check.ok(stats.transport === 0, `${stats.transport} requests got no answer`);
	} finally {
		const ex = await L.stop(srv);
		check.ok(ex && ex.code === 0, `server exit: ${JSON.stringify(ex)}`);
	}
	stats.latencies.sort((a, b) => a - b);
	const p99 = stats.latencies[Math.floor(stats.latencies.length * 0.99)] || 0;
	check.done(`${CLIENTS} parallel clients held for ${SECONDS} s, ${stats.requests} requests (${Math.round(stats.requests / SECONDS)}/s), ` +
		`p99 ${p99.toFixed(1)} ms, statuses ${JSON.stringify(stats.byStatus)}, ${tokensSeen.size} distinct tokens`);
}

main().catch((e) => { console.error(e); process.exit(1); });

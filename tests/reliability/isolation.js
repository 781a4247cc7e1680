#!/usr/bin/env node
/* isolation.js: nobody gets anything of a bot they do not own.
 *
 * For every route of the bots API and every caller that does not own the target
 * bot (another user's session, every bot token, an unknown token, no token), the
 * answer is the real server's (bots-api.md: NotFound, IsBot, BotIsPrivate, 401)
 * and carries no token and no OAuth2 secret of a bot the caller does not own,
 * and a bot the caller cannot see answers like a bot that does not exist (same
 * status and type; only `location` differs, as in the real server). Writes that
 * are refused change nothing (whole state compared before and after).
 * Afterwards the request journal (GET /_mock/requests) and the server's log
 * (stderr, and stdout after the start-up banner) hold no token, secret or
 * session token, although tokens were reset, bots created and every kind of
 * token sent in headers. Prints "isolation: ... N route x caller pairs". */
'use strict';

const fs = require('fs');
const L = require('./lib');
const { F } = L;

const J = { accept: 'application/json' };
const NOBOT = '01J0NOTABOT00000000000000X';

async function api(srv, method, p, headers, body) {
	const r = await L.request(srv.port, method, p, {
		headers: { ...J, ...headers }, body: body === undefined ? null : JSON.stringify(body), timeoutMs: 5000,
	});
	r.json = r.status ? L.json(r) : undefined;
	return r;
}

async function main() {
	const check = new L.Check('isolation');
	const srv = await L.start([]); /* not --quiet: the log is checked */
	let pairs = 0;
	const secrets = new Set([F.helperToken, F.helperSecret, F.publicToken]);
	const sessions = new Set([F.aliceSession, F.bobSession, F.carolSession]);
	try {
		/* bob gets a bot of his own, with an OAuth2 secret; its token is a caller too */
		const bobBot = await api(srv, 'POST', '/bots/create', { 'x-session-token': F.bobSession }, { name: 'BobsBot' });
		check.ok(bobBot.status === 200, `bob creates a bot: ${bobBot.status}`);
		const bobEdit = await api(srv, 'PATCH', `/bots/${bobBot.json._id}`, { 'x-session-token': F.bobSession },
			{ oauth2: { public: false, redirects: ['https://bob.example/cb'] } });
		check.ok(bobEdit.status === 200, `bob sets OAuth2: ${bobEdit.status}`);
		secrets.add(bobBot.json.token);
		if (bobEdit.json.oauth2 && bobEdit.json.oauth2.secret) secrets.add(bobEdit.json.oauth2.secret);
		/* owner of every bot, and its token */
		const owner = { [F.helper]: F.alice, [F.publicBot]: F.alice, [bobBot.json._id]: F.bob };
		const botToken = { [F.helper]: F.helperToken, [F.publicBot]: F.publicToken, [bobBot.json._id]: bobBot.json.token };
		const callers = [
			{ name: 'bob', id: F.bob, h: { 'x-session-token': F.bobSession } },
			{ name: 'carol', id: F.carol, h: { 'x-session-token': F.carolSession } },
			{ name: 'alice', id: F.alice, h: { 'x-session-token': F.aliceSession } },
			{ name: 'HelperBot token', id: F.helper, bot: true, h: { 'x-bot-token': F.helperToken } },
			{ name: 'PublicBot token', id: F.publicBot, bot: true, h: { 'x-bot-token': F.publicToken } },
			{ name: 'BobsBot token', id: bobBot.json._id, bot: true, h: { 'x-bot-token': bobBot.json.token } },
			{ name: 'unknown token', id: null, h: { 'x-session-token': 'x'.repeat(64) } },
			{ name: 'bot token in the session header', id: null, h: { 'x-session-token': F.helperToken } },
			{ name: 'session token in the bot header', id: null, h: { 'x-bot-token': F.aliceSession } },
			{ name: 'no token', id: null, h: {} },
		];
		const mine = (caller, bot) => caller.id && owner[bot] === caller.id;
		const leaks = (caller, body) => {
			for (const [bot, tok] of Object.entries(botToken))
				if (!mine(caller, bot) && body.includes(tok)) return `token of ${bot}`;
			for (const s of secrets)
				if (body.includes(s) && !Object.entries(botToken).some(([b, t]) => t === s && mine(caller, b)) &&
					!(caller.id === F.alice && s === F.helperSecret) && !(caller.id === F.bob && bobEdit.json.oauth2 && s === bobEdit.json.oauth2.secret))
					return 'a token or secret';
			return null;
		};

		const before = await L.snapshot(srv);
		for (const caller of callers) {
			/* the routes without a target bot */
			for (const [m, p, body] of [['GET', '/bots/@me'], ['GET', '/users/@me'], ['GET', '/'], ['POST', '/bots/create', { name: 'ab' + 'c'.repeat(40) }]]) {
				const r = await api(srv, m, p, caller.h, body);
				pairs++;
				const leak = leaks(caller, r.body || '');
				check.ok(!leak, `${caller.name} ${m} ${p}: ${leak} in ${r.body}`);
				if (p === '/bots/@me' && r.status === 200)
					check.ok(r.json.bots.every((b) => b.owner === caller.id), `${caller.name} GET /bots/@me lists bots of others`);
			}
			for (const bot of Object.keys(owner)) {
				if (mine(caller, bot)) continue;
				/* each route on the bot, and on a bot that does not exist */
				const routes = [
					['GET', `/bots/${bot}`],
					['PATCH', `/bots/${bot}`, { public: true, remove: ['Token'] }],
					['PATCH', `/bots/${bot}`, { oauth2: { public: true }, remove: ['Oauth2Secret'] }],
					['DELETE', `/bots/${bot}`],
					['GET', `/bots/${bot}/invite`],
					['POST', `/bots/${bot}/invite`, { server: '01J1NOSERVER00000000000000' }],
					['GET', `/users/${bot}`],
					['GET', `/0.8/bots/${bot}`],
					['HEAD', `/bots/${bot}`],
				];
				for (const [m, p, body] of routes) {
					const r = await api(srv, m, p, caller.h, body);
					pairs++;
					const leak = leaks(caller, r.body || '');
					check.ok(!leak, `${caller.name} ${m} ${p}: ${leak} in ${r.body}`);
					check.ok(r.status && r.status < 500, `${caller.name} ${m} ${p}: ${r.status}`);
					check.ok(!(m !== 'GET' && m !== 'HEAD' && r.status >= 200 && r.status < 300 && p.endsWith(bot)),
						`${caller.name} ${m} ${p}: a write to a bot it does not own succeeded (${r.status})`);
					/* no existence hint beyond the real server's: the same status and
					 * type as for a bot that does not exist, except where the real
					 * server differs (public bots are public; invite says BotIsPrivate) */
					const ghost = await api(srv, m, p.replace(bot, NOBOT), caller.h, body);
					const same = ghost.status === r.status && (ghost.json && ghost.json.type) === (r.json && r.json.type);
					const publicView = (p.endsWith('/invite') && m === 'GET' && bot === F.publicBot) || p.startsWith('/users/');
					const realHint = p.endsWith('/invite') && m === 'POST' && r.json && r.json.type === 'BotIsPrivate';
					const publicInvite = p.endsWith('/invite') && m === 'POST' && bot === F.publicBot;
					check.ok(same || publicView || realHint || publicInvite,
						`${caller.name} ${m} ${p}: ${r.status} ${r.json && r.json.type} but ${ghost.status} ${ghost.json && ghost.json.type} for no bot`);
				}
			}
		}
		/* the public bot, seen by anyone: a PublicBot, never the Bot object */
		const pub = await api(srv, 'GET', `/bots/${F.publicBot}/invite`, {});
		check.ok(pub.status === 200 && !('token' in pub.json) && !('owner' in pub.json), `public invite view: ${pub.body}`);
		const after = await L.snapshot(srv);
		/* bob's own edit earlier is the only write; refused writes changed nothing */
		check.ok(after === before, 'refused writes changed the state');

		/* the journal and the log: a token reset and tokens in every header first */
		const reset = await api(srv, 'PATCH', `/bots/${F.helper}`, { 'x-session-token': F.aliceSession }, { remove: ['Token', 'Oauth2Secret'] });
		check.ok(reset.status === 200, `token reset: ${reset.status}`);
		secrets.add(reset.json.token);
		if (reset.json.oauth2 && reset.json.oauth2.secret) secrets.add(reset.json.oauth2.secret);
		await api(srv, 'GET', '/users/@me', { 'x-bot-token': reset.json.token, 'x-session-token': F.aliceSession, 'x-oauth2-token': F.helperSecret });
		const all = [...secrets, ...sessions];
		const journal = await api(srv, 'GET', '/_mock/requests', {});
		if (journal.status === 200) {
			check.ok(journal.json.requests.length > 0, 'the journal is empty');
			const found = all.filter((t) => journal.body.includes(t));
			check.ok(found.length === 0, `the journal holds ${found.length} token(s)/secret(s): ${found.map((t) => t.slice(0, 8) + '…').join(', ')}`);
		}
		await L.sleep(100);
		const log = fs.readFileSync(srv.log, 'utf8');
		check.ok(log.split('\n').length > 100, 'the request log is missing');
		const inLog = all.filter((t) => log.includes(t));
		check.ok(inLog.length === 0, `the log holds ${inLog.length} token(s)/secret(s)`);
		/* stdout: the start-up banner lists the fixture identities (a documented
		 * convenience); nothing made at run time may appear there */
		const runtime = [bobBot.json.token, reset.json.token, reset.json.oauth2 && reset.json.oauth2.secret].filter(Boolean);
		check.ok(!runtime.some((t) => srv.out.includes(t)), 'stdout holds a token made at run time');
	} finally {
		const ex = await L.stop(srv);
		check.ok(ex && ex.code === 0, `server exit: ${JSON.stringify(ex)}`);
	}
	check.done(`${pairs} route x caller pairs`);
}

main().catch((e) => { console.error(e); process.exit(1); });

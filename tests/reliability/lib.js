/* lib.js: what the reliability scripts share: start and stop a stoat-mock, raw and
 * ordinary HTTP requests over 127.0.0.1, the fixture identities, and a snapshot of
 * the whole state to compare before and after.
 *
 * The binary is $STOAT_MOCK_BIN (scripts/test.sh sets it to the release build);
 * every server runs on an ephemeral port (--port 0, read from its first stdout
 * line) with its stderr log in a file, so a test can search the log afterwards.
 * Nothing here talks to any host but 127.0.0.1, and every wait is bounded. */
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const BIN = process.env.STOAT_MOCK_BIN ||
	path.join(__dirname, '..', '..', 'build', 'stoat-mock');

/* The bundled fixtures (fixtures/default.json), as in tests/http/support/harness.h. */
const F = {
	alice: '01HZ5W2X8A1B3C4D5E6F7G8H9J',
	bob: '01HZ6A7B8C9D0E1F2G3H4J5K6M',
	carol: '01HZ7CARQ1N2P3Q4R5S6T7V8W9',
	aliceSession: 'alice-session',
	bobSession: 'bob-session',
	carolSession: 'carol-session',
	helper: '01J0H3HPB0T5T0KEN000000AAA',
	helperToken: 'DhM47aI5p29RP6s9Q5dq5M4q3fzPgdBlbmJa65oZQCVUIAtlt8AZFTy7dPjFhYP3',
	helperSecret: '7CFGZU69wW65BTyLG0VHjcZ5pyetMMZ8jTNxfRxPHKrh8khrr-Ylvy_gPJCe4UMM',
	publicBot: '01J0H4PVB1CB0T000000000BBB',
	publicToken: 'NMbXN5m6oSicF4b_haI17oKhuGIWdcYVXXB8gbFvXi0oIg1A9vIjHqEqmsNrnZH1',
	server: '01J1SERVER0000000000000001',
	bobServer: '01J1SERVER0000000000000002',
	group: '01J1GR0VP00000000000000001',
	textChannel: '01J1TXTCHANNE0000000000001',
};

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

function tmpdir(tag) { return fs.mkdtempSync(path.join(os.tmpdir(), `stoat-rel-${tag}-`)); }

/* Starts a server; resolves {proc, port, base, log, out, exited} once it listens,
 * rejects with its stderr when it exits first or does not listen within 10 s.
 * opts.env adds environment variables; opts.wrap is a command prefix (setpriv). */
function start(args = [], opts = {}) {
	return new Promise((resolve, reject) => {
		const dir = opts.dir || tmpdir('srv');
		const log = path.join(dir, `stderr-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
		const errFd = fs.openSync(log, 'w');
		const argv = [...(opts.wrap || []), BIN, '--port', '0', ...args];
		const proc = spawn(argv[0], argv.slice(1), {
			stdio: ['ignore', 'pipe', errFd],
			env: { ...process.env, ...(opts.env || {}) },
		});
		fs.closeSync(errFd);
		let out = '';
		let done = false;
		const srv = { proc, port: 0, base: '', log, out: '', exited: null };
		proc.on('exit', (code, sig) => {
			srv.exited = { code, sig };
			if (!done) {
				done = true;
				clearTimeout(timer);
				const err = new Error(`stoat-mock exited (${code ?? sig}) before listening: ${fs.readFileSync(log, 'utf8').trim()}`);
				err.code = code;
				err.stderr = fs.readFileSync(log, 'utf8');
				reject(err);
			}
		});
		proc.stdout.on('data', (d) => {
			out += d;
			srv.out = out;
			const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
			if (m && !done) {
				done = true;
				clearTimeout(timer);
				srv.port = Number(m[1]);
				srv.base = `http://127.0.0.1:${srv.port}`;
				resolve(srv);
			}
		});
		const timer = setTimeout(() => {
			if (!done) {
				done = true;
				proc.kill('SIGKILL');
				reject(new Error('stoat-mock did not listen within 10 s'));
			}
		}, 10000);
	});
}

/* Runs the binary to completion (start-up failures): {code, sig, stdout, stderr}.
 * opts.wrap: a command prefix (setpriv); opts.bin: another copy of the binary. */
function runToExit(args, opts = {}) {
	return new Promise((resolve) => {
		const argv = [...(opts.wrap || []), opts.bin || BIN, '--port', '0', ...args];
		const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '', stderr = '';
		proc.stdout.on('data', (d) => { stdout += d; });
		proc.stderr.on('data', (d) => { stderr += d; });
		const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs || 5000);
		proc.on('exit', (code, sig) => {
			clearTimeout(timer);
			resolve({ code, sig, stdout, stderr, killedByUs: sig === 'SIGKILL' });
		});
	});
}

async function stop(srv, sig = 'SIGTERM') {
	if (!srv || srv.exited) return srv && srv.exited;
	const p = new Promise((r) => srv.proc.once('exit', (code, s) => r({ code, sig: s })));
	srv.proc.kill(sig);
	const t = setTimeout(() => srv.proc.kill('SIGKILL'), 5000);
	const r = await p;
	clearTimeout(t);
	return r;
}

/* Parses one HTTP/1.1 response out of a buffer; null when incomplete. */
function parseResponse(buf, noBody = false) {
	const end = buf.indexOf('\r\n\r\n');
	if (end < 0) return null;
	const head = buf.subarray(0, end).toString('latin1').split('\r\n');
	const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
	if (!m) return { bad: true };
	const headers = {};
	for (const line of head.slice(1)) {
		const i = line.indexOf(':');
		if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	const status = Number(m[1]);
	let body = buf.subarray(end + 4);
	if (noBody || status === 204 || status === 304) {
		body = body.subarray(0, 0);
	} else if (headers['content-length'] !== undefined) {
		const n = Number(headers['content-length']);
		if (body.length < n) return null;
		body = body.subarray(0, n);
	} else if (/chunked/i.test(headers['transfer-encoding'] || '')) {
		return null; /* the mock never chunks; wait for the close */
	}
	return { status, headers, body: body.toString('utf8'), raw: buf };
}

/* Sends raw bytes (Buffer or string, or an array of [bytes, delayMs] pieces) on a
 * fresh connection and reads until one response is complete or the peer closes.
 * Resolves {status, headers, body} or {closed: true, raw} (no answer) or
 * {timeout: true}. */
function raw(port, data, { timeoutMs = 5000, halfClose = false, head = false } = {}) {
	return new Promise((resolve) => {
		const sock = net.connect(port, '127.0.0.1');
		let buf = Buffer.alloc(0);
		let settled = false;
		const finish = (r) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			sock.destroy();
			resolve(r);
		};
		const timer = setTimeout(() => finish({ timeout: true, raw: buf }), timeoutMs);
		sock.on('data', (d) => {
			buf = Buffer.concat([buf, d]);
			const r = parseResponse(buf, head);
			if (r && !r.bad) finish(r);
		});
		sock.on('error', () => finish(buf.length ? parseResponse(buf, head) || { closed: true, raw: buf } : { closed: true, raw: buf }));
		sock.on('end', () => finish(parseResponse(buf, head) || { closed: true, raw: buf }));
		sock.on('close', () => finish(parseResponse(buf, head) || { closed: true, raw: buf }));
		sock.on('connect', async () => {
			const pieces = Array.isArray(data) ? data : [[data, 0]];
			for (const [bytes, delay] of pieces) {
				if (delay) await sleep(delay);
				if (settled || sock.destroyed) return;
				sock.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
			}
			if (halfClose) sock.end();
		});
	});
}

/* One request with Connection: close, built by hand (exact bytes, no client
 * normalisation). body: string/Buffer. Resolves like raw(). */
function request(port, method, target, { headers = {}, body = null, timeoutMs } = {}) {
	const b = body === null ? null : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	let head = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`;
	for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
	if (b) head += `Content-Length: ${b.length}\r\n`;
	head += '\r\n';
	const bytes = b ? Buffer.concat([Buffer.from(head, 'latin1'), b]) : Buffer.from(head, 'latin1');
	return raw(port, bytes, { timeoutMs, head: method === 'HEAD' });
}

function json(r) {
	try { return JSON.parse(r.body); } catch { return undefined; }
}

/* The whole state: GET /_mock/state when the control API has it, else what the
 * bots API shows to each fixture identity (owned bots, each bot, each user). */
async function snapshot(srv) {
	const st = await request(srv.port, 'GET', '/_mock/state');
	if (st.status === 200) return `state ${st.body}`;
	const parts = [];
	for (const s of [F.aliceSession, F.bobSession, F.carolSession]) {
		const h = { 'x-session-token': s };
		const owned = await request(srv.port, 'GET', '/bots/@me', { headers: h });
		parts.push(`${s} @me ${owned.status} ${owned.body}`);
		const me = await request(srv.port, 'GET', '/users/@me', { headers: h });
		parts.push(`${s} users/@me ${me.status} ${me.body}`);
		for (const id of [F.helper, F.publicBot]) {
			const b = await request(srv.port, 'GET', `/bots/${id}`, { headers: h });
			parts.push(`${s} bot ${id} ${b.status} ${b.body}`);
		}
	}
	return parts.join('\n');
}

/* A compact assertion helper: collects failures instead of throwing, so one run
 * reports every broken case. */
class Check {
	constructor(name) { this.name = name; this.failures = []; this.passed = 0; }
	ok(cond, what) {
		if (cond) this.passed++;
		else { this.failures.push(what); console.log(`  FAIL ${what}`); }
		return cond;
	}
	done(extra = '') {
		const n = this.failures.length;
		console.log(`${this.name}: ${this.passed} checks passed, ${n} failed${extra ? '; ' + extra : ''}`);
		if (n) process.exitCode = 1;
		return n === 0;
	}
}

module.exports = { BIN, F, sleep, tmpdir, start, stop, runToExit, raw, request, json, snapshot, Check, parseResponse };

#!/usr/bin/env node
/* limits.js: every bound is configurable and answers as documented when exceeded.
 *
 *   --max-header-bytes N  request line + header lines over N bytes (the empty
 *                         line not counted): 431, empty body, Connection: close
 *                         (hyper's answer); N bytes pass
 *   body                  JSON over 1 MiB (Rocket's limit, fixed): 413 page
 *   --max-connections N   connection N+1 waits in the listen backlog (no answer,
 *                         no error) and is served as soon as one closes
 *   --timeout S           an idle connection is closed after S s; a request must
 *                         arrive completely within S s of its first byte, else
 *                         the connection is closed without an answer; a slow but
 *                         complete request within S s is answered
 *   --host                127.0.0.1 unless told otherwise
 *   --no-control          /_mock/* answers 404 like any unknown path
 * Prints "limits: N checks passed, M failed". */
'use strict';

const net = require('net');
const L = require('./lib');
const { F } = L;

const J = { accept: 'application/json' };

function openIdle(port) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.on('connect', () => resolve(s));
		s.on('error', () => resolve(s));
	});
}

function closedWithin(sock, ms) {
	return new Promise((resolve) => {
		if (sock.destroyed) return resolve(0);
		const t0 = Date.now();
		const timer = setTimeout(() => resolve(-1), ms);
		sock.on('close', () => { clearTimeout(timer); resolve(Date.now() - t0); });
		sock.on('data', () => {});
		sock.on('error', () => {});
	});
}

async function main() {
	const check = new L.Check('limits');
	/* header size */
	{
		const srv = await L.start(['--max-header-bytes', '4096', '--quiet']);
		try {
			const line = 'GET /bots/@me HTTP/1.1\r\n';
			const fixed = `Host: x\r\nConnection: close\r\naccept: application/json\r\nx-session-token: ${F.aliceSession}\r\n`;
			const pad = (n) => `x-pad: ${'p'.repeat(n - line.length - fixed.length - 'x-pad: \r\n'.length)}\r\n`;
			const at = await L.raw(srv.port, line + fixed + pad(4096) + '\r\n');
			check.ok(at.status === 200, `a header block of exactly 4096 bytes: ${at.status}`);
			const over = await L.raw(srv.port, line + fixed + pad(4097) + '\r\n');
			check.ok(over.status === 431 && over.body === '' && /close/i.test(over.headers.connection || ''),
				`4097 bytes: ${over.status} ${JSON.stringify(over.body)} connection=${over.headers && over.headers.connection}`);
			const far = await L.raw(srv.port, line + fixed + pad(64 * 1024) + '\r\n');
			check.ok(far.status === 431 || far.closed, `64 KiB of headers: ${far.status}`);
			const body = await L.request(srv.port, 'POST', '/bots/create', {
				headers: { ...J, 'x-session-token': F.aliceSession }, body: ' '.repeat(1024 * 1024 + 1),
			});
			check.ok(body.status === 413 && L.json(body).error.code === 413, `a body of 1 MiB + 1: ${body.status}`);
			const ok = await L.request(srv.port, 'GET', '/', {});
			check.ok(ok.status === 200, 'answers after the limits were hit');
		} finally {
			await L.stop(srv);
		}
	}
	/* connections */
	{
		const srv = await L.start(['--max-connections', '4', '--timeout', '30', '--quiet']);
		try {
			const idle = await Promise.all([0, 1, 2, 3].map(() => openIdle(srv.port)));
			await L.sleep(200);
			const t0 = Date.now();
			const fifth = L.request(srv.port, 'GET', '/', { timeoutMs: 5000 });
			await L.sleep(700);
			idle[0].destroy();
			const r = await fifth;
			const dt = Date.now() - t0;
			check.ok(r.status === 200 && dt >= 600, `connection 5 of 4 waits for a free slot: ${r.status ?? 'no answer'} after ${dt} ms`);
			for (const s of idle) s.destroy();
		} finally {
			await L.stop(srv);
		}
	}
	/* time */
	{
		const srv = await L.start(['--timeout', '2', '--quiet']);
		try {
			const idle = await openIdle(srv.port);
			const t = await closedWithin(idle, 6000);
			check.ok(t >= 1500 && t <= 4000, `an idle connection closed after ${t} ms (timeout 2 s)`);
			/* keep-alive: one answered request, then idle */
			const ka = await openIdle(srv.port);
			ka.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
			const tk = await closedWithin(ka, 6000);
			check.ok(tk >= 1500 && tk <= 4000, `an idle keep-alive connection closed after ${tk} ms`);
			/* slowloris: a byte every 150 ms never completes the request */
			const t0 = Date.now();
			const slow = await L.raw(srv.port, Array.from('GET /bots/@me HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'z'.repeat(200), (c, i) => [c, i ? 150 : 0]), { timeoutMs: 8000 });
			const dt = Date.now() - t0;
			check.ok(!slow.timeout && !slow.status && dt >= 1500 && dt <= 4500, `slowloris cut after ${dt} ms (${slow.status ?? (slow.timeout ? 'still open' : 'closed')})`);
			/* slow but within the bound: answered */
			const req = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
			const fine = await L.raw(srv.port, Array.from(req, (c, i) => [c, i ? Math.floor(1000 / req.length) : 0]), { timeoutMs: 5000 });
			check.ok(fine.status === 200, `a request sent over 1 s: ${fine.status ?? 'no answer'}`);
			/* a body that stalls */
			const stall = await L.raw(srv.port, 'POST /bots/create HTTP/1.1\r\nHost: x\r\nx-session-token: alice-session\r\nContent-Length: 50\r\n\r\n{"name":', { timeoutMs: 6000 });
			check.ok(stall.closed, `a stalled body: ${stall.status ?? (stall.timeout ? 'still open' : 'closed')}`);
		} finally {
			await L.stop(srv);
		}
	}
	/* address and control API */
	{
		const srv = await L.start(['--no-control', '--quiet']);
		try {
			check.ok(/listening on http:\/\/127\.0\.0\.1:/.test(srv.out), `default address: ${srv.out.split('\n')[0]}`);
			const st = await L.request(srv.port, 'GET', '/_mock/state', { headers: J });
			check.ok(st.status === 404 && L.json(st).error.code === 404, `--no-control: GET /_mock/state is ${st.status}`);
			const reset = await L.request(srv.port, 'POST', '/_mock/reset', { headers: J });
			check.ok(reset.status === 404, `--no-control: POST /_mock/reset is ${reset.status}`);
		} finally {
			await L.stop(srv);
		}
	}
	check.done();
}

main().catch((e) => { console.error(e); process.exit(1); });

#!/usr/bin/env node
/* startup.js: a database the server cannot use stops it at start, with a clear
 * one-line message and a non-zero exit, never a silently empty server; an older
 * schema is migrated in one transaction.
 *
 *   - random bytes, a file cut short, a page overwritten with garbage: "corrupt"
 *     or "cannot read", exit 1, nothing listens;
 *   - a file another process holds locked (sqlite3 CLI in an exclusive
 *     transaction): "locked", exit 1;
 *   - PRAGMA user_version 2 (a newer stoat-mock's file): "newer", exit 1;
 *   - a read-only file (run as an unprivileged user through setpriv when we are
 *     root, since root writes anyway): "read-only", exit 1;
 *   - a directory, or a path in a missing directory: exit 1;
 *   - schema version 0 (an empty file): migrated, fixtures loaded, version 1;
 *   - version 0 where the migration fails half-way (a table of 001_init.sql
 *     already there): exit 1, and the file is exactly as before (no table of
 *     the migration left behind, version still 0): one transaction;
 *   - a good file: its state is kept across a restart.
 * Prints "startup: N checks passed, M failed". */
'use strict';

const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const L = require('./lib');
const { F } = L;

function sql(db, text) {
	return execFileSync('sqlite3', [db, text], { encoding: 'utf8', timeout: 10000 }).trim();
}

async function refused(check, name, args, want, opts) {
	const r = await L.runToExit(args, opts);
	const line = r.stderr.trim();
	check.ok(r.code !== 0 && r.code !== null, `${name}: exit ${r.code} (${r.sig || ''}) ${line}`);
	check.ok(!/listening/.test(r.stdout), `${name}: it listened: ${r.stdout.split('\n')[0]}`);
	check.ok(want.test(line), `${name}: message "${line}" does not match ${want}`);
	check.ok(line.split('\n').length === 1 && /^stoat-mock: /.test(line), `${name}: not one "stoat-mock: ..." line: ${JSON.stringify(line)}`);
	return r;
}

async function main() {
	const check = new L.Check('startup');
	const dir = L.tmpdir('startup');
	fs.chmodSync(dir, 0o755);
	/* a good database file to derive the others from */
	const good = path.join(dir, 'good.db');
	{
		const srv = await L.start(['--db', good, '--quiet'], { dir });
		const e = await L.request(srv.port, 'PATCH', `/bots/${F.helper}`, {
			headers: { 'x-session-token': F.aliceSession }, body: '{"interactions_url":"https://kept.example"}',
		});
		check.ok(e.status === 200, `edit before the restart: ${e.status}`);
		await L.stop(srv);
		const again = await L.start(['--db', good, '--quiet'], { dir });
		const r = await L.request(again.port, 'GET', `/bots/${F.helper}`, { headers: { 'x-session-token': F.aliceSession } });
		check.ok(r.status === 200 && L.json(r).bot.interactions_url === 'https://kept.example', 'state kept across a restart');
		await L.stop(again);
		sql(good, 'PRAGMA wal_checkpoint(TRUNCATE);');
	}
	const copy = (name) => {
		const p = path.join(dir, name);
		fs.copyFileSync(good, p);
		return p;
	};
	const size = fs.statSync(good).size;

	const rnd = path.join(dir, 'random.db');
	fs.writeFileSync(rnd, Buffer.from(Array.from({ length: 16384 }, (_, i) => (i * 2654435761) >>> 24)));
	await refused(check, 'random bytes', ['--db', rnd], /random\.db.*(not a database|corrupt|malformed)/);

	const cut = copy('cut.db');
	fs.truncateSync(cut, 8192);
	await refused(check, 'a file cut short', ['--db', cut], /cut\.db.*(corrupt|malformed|not a database)/);

	for (const page of [2, 3, Math.floor(size / 4096) - 1]) {
		const bad = copy(`page${page}.db`);
		const fd = fs.openSync(bad, 'r+');
		fs.writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (page - 1) * 4096);
		fs.closeSync(fd);
		await refused(check, `page ${page} overwritten`, ['--db', bad], new RegExp(`page${page}\\.db.*(corrupt|malformed|not a database)`));
	}

	/* locked by another process: the sqlite3 CLI inside an exclusive transaction */
	{
		const locked = copy('locked.db');
		const holder = spawn('sqlite3', [locked], { stdio: ['pipe', 'pipe', 'pipe'] });
		holder.stdin.write('PRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\nUPDATE bots SET flags = flags;\nSELECT \'held\';\n');
		await new Promise((resolve) => {
			let out = '';
			holder.stdout.on('data', (d) => { out += d; if (out.includes('held')) resolve(); });
			setTimeout(resolve, 3000);
		});
		await refused(check, 'locked by another process', ['--db', locked], /locked\.db.*locked/);
		holder.stdin.end('ROLLBACK;\n');
		await new Promise((r) => holder.on('exit', r));
	}

	const newer = copy('newer.db');
	sql(newer, 'PRAGMA user_version = 2;');
	await refused(check, 'schema version 2', ['--db', newer], /newer\.db.*schema version 2.*newer/);

	/* read-only: root ignores file modes, so run as nobody */
	{
		const ro = copy('ro.db');
		sql(ro, 'PRAGMA journal_mode=DELETE;');
		fs.chmodSync(ro, 0o444);
		const asRoot = process.getuid && process.getuid() === 0;
		let wrap = [];
		if (asRoot) {
			try {
				execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
				wrap = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
			} catch { wrap = null; }
		}
		/* nobody may not reach the build tree (a clone under /root): a copy here */
		const bin = path.join(dir, 'stoat-mock');
		fs.copyFileSync(L.BIN, bin);
		fs.chmodSync(bin, 0o755);
		if (wrap) await refused(check, 'a read-only file', ['--db', ro], /ro\.db.*read-only/, { wrap, bin });
		else console.log('  skip: a read-only file (root without setpriv)');
		/* the WAL variant: a read-only file in WAL mode */
		const row = copy('ro-wal.db');
		sql(row, 'PRAGMA journal_mode=WAL;');
		fs.chmodSync(row, 0o444);
		if (wrap) await refused(check, 'a read-only WAL file', ['--db', row], /ro-wal\.db.*read-only/, { wrap, bin });
	}

	await refused(check, 'a directory', ['--db', dir], /cannot|database/);
	await refused(check, 'a missing directory', ['--db', path.join(dir, 'no', 'such', 'x.db')], /cannot open database/);

	/* version 0, empty: migrated and loaded */
	{
		const empty = path.join(dir, 'empty.db');
		fs.writeFileSync(empty, '');
		const srv = await L.start(['--db', empty, '--quiet'], { dir });
		const r = await L.request(srv.port, 'GET', '/bots/@me', { headers: { 'x-session-token': F.aliceSession } });
		check.ok(r.status === 200 && L.json(r).bots.length === 2, `an empty file gets the fixtures: ${r.status}`);
		await L.stop(srv);
		check.ok(sql(empty, 'PRAGMA user_version;') === '1', 'an empty file is at schema version 1 afterwards');
	}
	/* version 0, the migration fails half-way: nothing of it stays */
	{
		const half = path.join(dir, 'half.db');
		sql(half, 'CREATE TABLE channels (x); INSERT INTO channels VALUES (42);');
		const before = sql(half, '.dump');
		await refused(check, 'a migration that fails half-way', ['--db', half], /migrate.*half\.db.*channels already exists/);
		check.ok(sql(half, '.dump') === before, `the failed migration left something behind:\n${sql(half, '.dump')}`);
		check.ok(sql(half, 'PRAGMA user_version;') === '0', 'version changed by a failed migration');
	}
	/* the good file still works after all that */
	{
		const srv = await L.start(['--db', good, '--quiet'], { dir });
		const r = await L.request(srv.port, 'GET', `/bots/${F.helper}`, { headers: { 'x-session-token': F.aliceSession } });
		check.ok(r.status === 200, `the good file: ${r.status}`);
		await L.stop(srv);
	}
	check.done();
}

main().catch((e) => { console.error(e); process.exit(1); });

#!/usr/bin/env node
/* badinput.js: hostile and malformed requests over real HTTP.
 *
 * Every case sends exact bytes on its own connection and checks the answer the
 * real server gives (errors.md §5: an application error, or Rocket's catcher page
 * as JSON because the request prefers JSON), or, where HTTP itself is broken, a
 * clean answer from the HTTP layer (4xx) or a clean close, never a hang. After
 * every case the server must still answer GET /, and the whole state (GET
 * /_mock/state, or what the API shows each fixture user) must be unchanged.
 *
 * The server runs with small limits so that they are reached quickly:
 * --max-header-bytes 8192 --timeout 2 (slow requests are cut after 2 s).
 * Prints "badinput: N checks passed, M failed; K bad inputs tried". */
'use strict';

const L = require('./lib');
const { F } = L;

const J = { accept: 'application/json' };
const ALICE = { ...J, 'x-session-token': F.aliceSession };
const BOB = { ...J, 'x-session-token': F.bobSession };
const HELPER_BOT = { ...J, 'x-bot-token': F.helperToken };
const TIMEOUT_S = 2;

/* Rocket's JSON catcher page for code, byte for byte (errors.md §3). */
const REASON = {
	400: ['Bad Request', 'The request could not be understood by the server due to malformed syntax.'],
	404: ['Not Found', 'The requested resource could not be found.'],
	413: ['Payload Too Large', 'The request is larger than the server is willing or able to process.'],
	422: ['Unprocessable Entity', 'The request was well-formed but was unable to be followed due to semantic errors.'],
};
function catcherBody(code) {
	const [reason, desc] = REASON[code];
	return `{\n  "error": {\n    "code": ${code},\n    "reason": "${reason}",\n    "description": "${desc}"\n  }\n}`;
}

/* Expectations: each returns null when the answer is right, else what is wrong. */
const catcher = (code) => (r) =>
	r.status !== code ? `status ${r.status ?? (r.closed ? 'closed' : 'timeout')}, want ${code} page`
		: r.body !== catcherBody(code) ? `body ${JSON.stringify(r.body).slice(0, 200)} is not Rocket's ${code} JSON page`
			: /application\/json/.test(r.headers['content-type'] || '') ? null : `content-type ${r.headers['content-type']}`;
const appError = (code, type, more) => (r) => {
	if (r.status !== code) return `status ${r.status ?? (r.closed ? 'closed' : 'timeout')}, want ${code} ${type}: ${(r.body || '').slice(0, 200)}`;
	const j = L.json(r);
	if (!j || j.type !== type) return `body ${(r.body || '').slice(0, 200)}, want type ${type}`;
	if (typeof j.location !== 'string' || !/^crates\/.+:\d+:\d+$/.test(j.location)) return `location ${j.location}`;
	return more ? more(j) : null;
};
const status = (code, pred) => (r) =>
	r.status !== code ? `status ${r.status ?? (r.closed ? 'closed' : 'timeout')}, want ${code}: ${(r.body || '').slice(0, 200)}`
		: pred ? pred(r) : null;
/* HTTP itself is broken: a 4xx from the HTTP layer or a close, within the bound. */
const httpBroken = (r) =>
	r.timeout ? 'no answer and no close (hang)'
		: r.closed || (r.status >= 400 && r.status < 500) || r.status === 505 ? null : `status ${r.status}`;
/* The request is cut by the per-connection timeout: closed, never answered 2xx. */
const cutOff = (r) =>
	r.timeout ? 'still open after the timeout' : r.closed || (r.status >= 400 && r.status < 500) ? null : `status ${r.status}`;

function req(method, target, headers = {}, body = null) {
	const b = body === null ? null : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	let head = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`;
	for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
	if (b) head += `Content-Length: ${b.length}\r\n`;
	return b ? Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), b]) : Buffer.from(head + '\r\n', 'latin1');
}
const bytes = (...parts) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p, 'latin1'))));

const MiB = 1024 * 1024;
const padTo = (json, n) => json + ' '.repeat(n - Buffer.byteLength(json));
const nest = (n, open, close, inner = '1') => open.repeat(n) + inner + close.repeat(n);
const NOBOT = '01J0NOTABOT00000000000000X'; /* a well-formed id nobody has */

const cases = [
	/* ---- oversized headers and bodies ---- */
	['header over --max-header-bytes', req('GET', '/bots/@me', { ...ALICE, 'x-big': 'a'.repeat(9000) }), status(431)],
	['header far over the limit (64 KiB)', req('GET', '/', { 'x-big': 'a'.repeat(65536) }), httpBroken],
	['2000 small headers', req('GET', '/', Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`x-h${i}`, 'v']))), status(431)],
	['request target of 20 KiB', req('GET', '/bots/' + 'a'.repeat(20000), ALICE), httpBroken],
	['body of exactly 1 MiB is read (then NotFound)', req('PATCH', `/bots/${NOBOT}`, ALICE, padTo('{"name":"Okay_1"}', MiB)),
		appError(404, 'NotFound')],
	['body of 1 MiB + 1 byte: 413', req('PATCH', `/bots/${NOBOT}`, ALICE, padTo('{"name":"Okay_1"}', MiB + 1)), catcher(413)],
	['body of 8 MiB: 413', req('POST', '/bots/create', ALICE, padTo('{"name":"Big_1"}', 8 * MiB)), catcher(413)],
	['over-limit body cut inside a UTF-8 character: 400', req('POST', '/bots/create', ALICE,
		Buffer.concat([Buffer.from('{"name":"'), Buffer.alloc(MiB - 10, 'a'), Buffer.from('é"}      ')])), catcher(400)],
	['over-limit body that is not UTF-8: 400', req('POST', '/bots/create', ALICE, Buffer.concat([Buffer.from([0xff]), Buffer.alloc(MiB + 10, 0x20)])), catcher(400)],
	['Content-Length larger than what is sent, then close', [[bytes('POST /bots/create HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nx-session-token: alice-session\r\n\r\n{"name":'), 0]], cutOff],
	['Content-Length of 2^63', req('POST', '/bots/create', { ...ALICE, 'content-length': '9223372036854775808' }), httpBroken],
	['negative Content-Length', bytes('POST /bots/create HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n{}'), httpBroken],
	['two different Content-Length headers', bytes('POST /bots/create HTTP/1.1\r\nHost: x\r\nx-session-token: alice-session\r\nContent-Length: 2\r\nContent-Length: 20\r\nConnection: close\r\n\r\n{}'), httpBroken],
	['Content-Length and chunked together', bytes('POST /bots/create HTTP/1.1\r\nHost: x\r\nx-session-token: alice-session\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n'),
		(r) => (r.status === 422 || r.status === 400 || r.closed ? null : `status ${r.status}`)],
	['chunk size that is not hex', bytes('POST /bots/create HTTP/1.1\r\nHost: x\r\nx-session-token: alice-session\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'), httpBroken],
	['chunked body over 1 MiB: 413', bytes('POST /bots/create HTTP/1.1\r\nHost: x\r\nx-session-token: alice-session\r\naccept: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
		...Array.from({ length: 20 }, () => `10000\r\n${' '.repeat(0x10000)}\r\n`), '0\r\n\r\n'), catcher(413)],

	/* ---- slow and partial requests (per-connection timeout) ---- */
	['slowloris: headers one byte at a time, never finished',
		Array.from('GET /bots/@me HTTP/1.1\r\nHost: x\r\nx-session-token: alice-se', (c, i) => [c, i ? 120 : 0]), cutOff, { timeoutMs: 8000 }],
	['headers complete, body stalls', [[bytes('POST /bots/create HTTP/1.1\r\nHost: x\r\nx-session-token: alice-session\r\nContent-Length: 100\r\n\r\n{"na'), 0]], cutOff, { timeoutMs: 6000 }],
	['connection opened, nothing sent', [[Buffer.alloc(0), 0]], cutOff, { timeoutMs: 6000 }],
	['request line without CRLF, then half-close', [[bytes('GET /bots/@me HTTP/1.1'), 0]], httpBroken, { halfClose: true }],

	/* ---- deeply nested JSON ---- */
	['128 nested arrays in a field: 422 (wrong type, depth accepted)', req('POST', '/bots/create', ALICE, `{"name":${nest(127, '[', ']')}}`), catcher(422)],
	/* REAL: serde reads in one pass and the first fault wins: an array where the
	 * name should be is 422 at once, whatever follows */
	['100000 nested arrays as a create body: 422 (invalid type first)', req('POST', '/bots/create', ALICE, nest(100000, '[', ']')), catcher(422)],
	/* the untagged invite body is buffered whole first, under serde_json's
	 * recursion limit (128): too deep is 400 */
	['129 nested arrays as an invite body: 400 (recursion limit)', req('POST', `/bots/${F.publicBot}/invite`, ALICE, nest(129, '[', ']')), catcher(400)],
	['100000 nested objects in an invite field: 400', req('POST', `/bots/${F.publicBot}/invite`, ALICE, `{"server":${nest(100000, '{"a":', '}')}}`), catcher(400)],
	/* an unknown field is skipped without a depth limit (serde_json ignore_value
	 * is iterative): 100000 levels are read, then the missing name is 422 */
	['100000 nested arrays in an unknown field: skipped, 422', req('POST', '/bots/create', ALICE, `{"x":${nest(100000, '[', ']')}}`), catcher(422)],
	['100000 nested objects, unterminated: 400', req('PATCH', `/bots/${F.helper}`, ALICE, '{"a":'.repeat(100000)), catcher(400)],
	['nested oauth2 allowed_scopes 5000 deep: skipped, 422', req('PATCH', `/bots/${F.helper}`, ALICE, `{"oauth2":{"allowed_scopes":${nest(5000, '{"full":', '}', '{}')}}}`), catcher(422)],

	/* ---- huge arrays ---- */
	['remove: 100000 x "Token" then one bad value: 422', req('PATCH', `/bots/${F.helper}`, ALICE, `{"remove":[${'"Token",'.repeat(100000)}"token"]}`), catcher(422)],
	['remove: 100000 entries on another user\'s bot: NotFound', req('PATCH', `/bots/${F.helper}`, BOB, `{"remove":[${'"Token",'.repeat(99999)}"Token"]}`), appError(404, 'NotFound')],
	['redirects: 50000 entries: FailedValidation', req('PATCH', `/bots/${F.helper}`, ALICE, `{"oauth2":{"redirects":[${'"a",'.repeat(49999)}"a"]}}`),
		appError(400, 'FailedValidation', (j) => (j.error.startsWith('oauth2.redirects: Validation error: length') ? null : `error ${j.error.slice(0, 80)}`))],
	['redirects: 50000 numbers: 422', req('PATCH', `/bots/${F.helper}`, ALICE, `{"oauth2":{"redirects":[${'1,'.repeat(49999)}1]}}`), catcher(422)],
	['60000 unknown keys, then a bad name: FailedValidation', req('PATCH', `/bots/${F.helper}`, ALICE,
		`{${Array.from({ length: 60000 }, (_, i) => `"k${i}":0`).join(',')},"name":"a b"}`), appError(400, 'FailedValidation')],
	['array body longer than DataEditBot: 400 (trailing)', req('PATCH', `/bots/${F.helper}`, ALICE, '[null,null,null,null,null,[],null]'), catcher(400)],
	['array body too short: 422', req('PATCH', `/bots/${F.helper}`, ALICE, '[null]'), catcher(422)],

	/* ---- invalid UTF-8 ---- */
	['name with a 0xFF byte: 400', req('POST', '/bots/create', ALICE, Buffer.from([...Buffer.from('{"name":"ab'), 0xff, ...Buffer.from('"}')])), catcher(400)],
	['name with an overlong "/" (C0 AF): 400', req('POST', '/bots/create', ALICE, Buffer.from([...Buffer.from('{"name":"ab'), 0xc0, 0xaf, ...Buffer.from('"}')])), catcher(400)],
	['name with an encoded surrogate (ED A0 80): 400', req('PATCH', `/bots/${F.helper}`, ALICE, Buffer.from([...Buffer.from('{"name":"ab'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')])), catcher(400)],
	['name with a lone surrogate escape: 400', req('PATCH', `/bots/${F.helper}`, ALICE, '{"name":"ab\\udc00"}'), catcher(400)],
	['name truncated inside a character: 400', req('POST', '/bots/create', ALICE, Buffer.from([...Buffer.from('{"name":"ab'), 0xe2, 0x82, ...Buffer.from('"}')])), catcher(400)],
	['UTF-8 BOM before the body: 400', req('POST', '/bots/create', ALICE, '\ufeff{"name":"BomBot"}'), catcher(400)],
	/* REAL: Rocket decodes segments lossily: %FF is the id "\u{FFFD}" */
	['path segment %FF: NotFound', req('GET', '/bots/%ff', ALICE), appError(404, 'NotFound')],
	['path with a raw 0xFF byte', bytes('GET /bots/', Buffer.from([0xff, 0xfe]), ' HTTP/1.1\r\nHost: x\r\naccept: application/json\r\nx-session-token: alice-session\r\nConnection: close\r\n\r\n'),
		(r) => (r.closed || r.status === 400 || (r.status === 404 && L.json(r)?.type === 'NotFound') ? null : `status ${r.status} ${r.body}`)],
	['session token that is not UTF-8: header dropped, 401', bytes('GET /bots/@me HTTP/1.1\r\nHost: x\r\naccept: application/json\r\nx-session-token: alice-session', Buffer.from([0xff]), '\r\nConnection: close\r\n\r\n'),
		appError(401, 'InvalidSession')],

	/* ---- NUL bytes ---- */
	/* regression: cJSON cut "ab\u0000cd" to "ab" and a bot "ab" was created */
	['escaped NUL in a name: FailedValidation', req('POST', '/bots/create', ALICE, '{"name":"ab\\u0000cd"}'),
		appError(400, 'FailedValidation', (j) => (j.error === 'name: Validation error: regex [{"value": String("ab\\0cd")}]' ? null : `error ${j.error}`))],
	['escaped NUL at the end of a key: an unknown key, ignored', req('PATCH', `/bots/${F.helper}`, ALICE, '{"name\\u0000":"a b","remove":["x"]}'), catcher(422)],
	['escaped NUL in a remove value: 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"remove":["Token\\u0000"]}'), catcher(422)],
	['raw NUL inside a JSON string: 400', req('POST', '/bots/create', ALICE, Buffer.from('{"name":"ab\0cd"}')), catcher(400)],
	['NUL after the JSON: 400', req('POST', '/bots/create', ALICE, Buffer.from('{"name":"NulBot"}\0')), catcher(400)],
	['%00 in a bot id: NotFound', req('GET', `/bots/${F.helper}%00`, ALICE), appError(404, 'NotFound')],
	['%00 in place of the id: NotFound', req('DELETE', '/bots/%00', ALICE), appError(404, 'NotFound')],
	['raw NUL in the request line', bytes('GET /bots/\0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), httpBroken],
	['raw NUL in a header value', bytes('GET /bots/@me HTTP/1.1\r\nHost: x\r\nx-session-token: alice\0-session\r\nConnection: close\r\n\r\n'),
		(r) => (r.closed || r.status === 400 || r.status === 401 ? null : `status ${r.status}`)],
	['interactions_url with escaped NUL on another user\'s bot: NotFound', req('PATCH', `/bots/${F.helper}`, BOB, '{"interactions_url":"https://x/\\u0000"}'), appError(404, 'NotFound')],

	/* ---- percent-encoding and path tricks ---- */
	['%40me is @me', req('GET', '/bots/%40me', ALICE), status(200, (r) => (L.json(r)?.bots?.length === 2 ? null : 'not alice\'s two bots'))],
	['%62ots/@me is bots/@me', req('GET', '/%62ots/@me', ALICE), status(200)],
	['//bots//@me/ is bots/@me', req('GET', '//bots//@me/', ALICE), status(200)],
	['bots%2F@me is one segment: 404', req('GET', '/bots%2F@me', ALICE), catcher(404)],
	['%2540me (double-encoded) is an id: NotFound', req('GET', '/bots/%2540me', ALICE), appError(404, 'NotFound')],
	['/0.8/0.8/bots/@me: only one prefix is dropped', req('GET', '/0.8/0.8/bots/@me', ALICE), catcher(404)],
	['a trailing %: no decode, NotFound', req('GET', '/bots/abc%', ALICE), appError(404, 'NotFound')],
	['a bad escape %zz: NotFound', req('GET', '/bots/%zz', ALICE), appError(404, 'NotFound')],
	['/bots/.. /users/@me is not /users/@me', req('GET', '/bots/../users/@me', ALICE), catcher(404)],
	['/bots/%2e%2e/bots/@me: 404', req('GET', '/bots/%2e%2e/bots/@me', ALICE), catcher(404)],
	['..%2F in an id: NotFound', req('DELETE', `/bots/..%2F${F.helper}`, ALICE), appError(404, 'NotFound')],
	['17 path segments: 404', req('GET', '/a'.repeat(17), ALICE), catcher(404)],
	['absolute-form target', req('GET', 'http://127.0.0.1/bots/@me', ALICE), (r) => (r.closed || r.status === 200 || r.status === 400 || r.status === 404 ? null : `status ${r.status}`)],
	['asterisk target', req('OPTIONS', '*'), (r) => (r.closed || r.status < 500 ? null : `status ${r.status}`)],

	/* ---- SQL-looking ids ---- */
	...["1' OR '1'='1", "'; DROP TABLE bots; --", '1 UNION SELECT token FROM bots', '%', '_', '*', "\\'", '"', ')', 'NULL'].flatMap((id) => {
		const enc = encodeURIComponent(id).replace(/'/g, '%27').replace(/\*/g, '%2A');
		return [
			[`GET /bots/{${id}}: NotFound`, req('GET', `/bots/${enc}`, ALICE), appError(404, 'NotFound')],
			[`PATCH /bots/{${id}}: NotFound`, req('PATCH', `/bots/${enc}`, ALICE, '{"remove":["Token"]}'), appError(404, 'NotFound')],
			[`DELETE /bots/{${id}}: NotFound`, req('DELETE', `/bots/${enc}`, ALICE), appError(404, 'NotFound')],
		];
	}),
	['session token that looks like SQL: 401', req('GET', '/bots/@me', { ...J, 'x-session-token': "' OR 1=1 --" }), appError(401, 'InvalidSession')],
	['bot token %: 401', req('GET', '/bots/@me', { ...J, 'x-bot-token': '%' }), appError(401, 'InvalidSession')],
	['invite to server "\' OR 1=1": NotFound', req('POST', `/bots/${F.publicBot}/invite`, ALICE, '{"server":"\' OR 1=1 --"}'), appError(404, 'NotFound')],
	['create with a SQL-looking name: FailedValidation', req('POST', '/bots/create', ALICE, '{"name":"x\'); DROP TABLE bots;--"}'), appError(400, 'FailedValidation')],

	/* ---- duplicate keys ---- */
	['create with name twice: 422', req('POST', '/bots/create', ALICE, '{"name":"DupOne","name":"DupTwo"}'), catcher(422)],
	['edit with public twice: 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"public":true,"public":false}'), catcher(422)],
	['edit with remove twice: 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"remove":[],"remove":["Token"]}'), catcher(422)],
	['oauth2 with redirects twice: 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"oauth2":{"redirects":["https://a"],"redirects":["https://b"]}}'), catcher(422)],
	['unknown key twice then a bad name: FailedValidation', req('PATCH', `/bots/${F.helper}`, ALICE, '{"x":1,"x":2,"name":"a b"}'), appError(400, 'FailedValidation')],

	/* ---- numbers (and other types) where strings are expected ---- */
	['name: 123 → 422', req('POST', '/bots/create', ALICE, '{"name":123}'), catcher(422)],
	['name: 1e400 → 400 (out of range)', req('POST', '/bots/create', ALICE, '{"name":1e400}'), catcher(400)],
	['name: true → 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"name":true}'), catcher(422)],
	['name: ["a"] → 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"name":["ab"]}'), catcher(422)],
	['public: "true" → 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"public":"true"}'), catcher(422)],
	['public: 1 → 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"public":1}'), catcher(422)],
	['interactions_url: 5 → 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"interactions_url":5}'), catcher(422)],
	/* REAL: serde_json deserialize_enum on a number: ExpectedSomeValue, syntax */
	['remove: [0] → 400', req('PATCH', `/bots/${F.helper}`, ALICE, '{"remove":[0]}'), catcher(400)],
	['remove: "Token" → 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"remove":"Token"}'), catcher(422)],
	['remove: null → 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"remove":null}'), catcher(422)],
	['oauth2.public: "yes" → 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"oauth2":{"public":"yes"}}'), catcher(422)],
	['allowed_scopes with an unknown scope → 422', req('PATCH', `/bots/${F.helper}`, ALICE, '{"oauth2":{"allowed_scopes":{"admin":{"allow":"a","deny":"b"}}}}'), catcher(422)],
	['invite server: 1 → 422', req('POST', `/bots/${F.publicBot}/invite`, ALICE, '{"server":1}'), catcher(422)],
	['invite body []: 422', req('POST', `/bots/${F.publicBot}/invite`, ALICE, '[]'), catcher(422)],
	['body null: 422', req('POST', '/bots/create', ALICE, 'null'), catcher(422)],
	['body "name": 422', req('POST', '/bots/create', ALICE, '"name"'), catcher(422)],
	['empty body: 400', req('POST', '/bots/create', ALICE, ''), catcher(400)],

	/* ---- methods and auth around broken bodies ---- */
	['lower-case method: 400', req('get', '/', J), catcher(400)],
	['unknown method BREW: 400', req('BREW', '/bots/@me', ALICE), catcher(400)],
	['bad body without a token: auth first, 401', req('POST', '/bots/create', J, '{"name":'), appError(401, 'InvalidSession')],
	['wrong method PUT: 404', req('PUT', `/bots/${F.helper}`, ALICE, '{}'), catcher(404)],
	['bot token edits its owner\'s bot? NotFound', req('PATCH', `/bots/${F.helper}`, HELPER_BOT, '{"public":true}'), appError(404, 'NotFound')],
	['form _method override to DELETE without auth', req('POST', `/bots/${F.helper}`, { ...J, 'content-type': 'application/x-www-form-urlencoded' }, '_method=DELETE'),
		(r) => (r.status === 401 || r.status === 404 ? null : `status ${r.status}`)],

	/* ---- HTTP that is not HTTP/1.x ---- */
	['HTTP/2 preface', bytes('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), httpBroken],
	['HTTP/0.9 request', bytes('GET /\r\n\r\n'), httpBroken],
	['HTTP/1.1 without Host', bytes('GET / HTTP/1.1\r\nConnection: close\r\n\r\n'), (r) => (r.closed || r.status === 400 || r.status === 200 ? null : `status ${r.status}`)],
	['HTTP/3.0 version', bytes('GET / HTTP/3.0\r\nHost: x\r\nConnection: close\r\n\r\n'), httpBroken],
	['garbage bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), httpBroken],
	['header line without a colon', bytes('GET / HTTP/1.1\r\nHost: x\r\nthis is not a header\r\nConnection: close\r\n\r\n'), (r) => (r.closed || r.status === 400 || r.status === 200 ? null : `status ${r.status}`)],
	['obsolete header folding', bytes('GET /bots/@me HTTP/1.1\r\nHost: x\r\nx-session-token: alice-\r\n session\r\nConnection: close\r\n\r\n'), (r) => (r.closed || r.status === 400 || r.status === 401 ? null : `status ${r.status}`)],
	['bare LF line endings', bytes('GET / HTTP/1.1\nHost: x\nConnection: close\n\n'), (r) => (r.closed || r.status === 400 || r.status === 200 ? null : `status ${r.status}`)],
	['100 pipelined requests, then close', bytes('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(99) + 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), status(200)],
	['Expect: 100-continue with an over-limit length', req('POST', '/bots/create', { ...ALICE, expect: '100-continue', 'content-length': String(MiB * 4) }),
		(r) => (r.timeout || r.closed || r.status === 413 || r.status === 100 ? null : `status ${r.status}`), { timeoutMs: 6000 }],
];

function firstDiff(a, b) {
	const x = a.split('\n'), y = b.split('\n');
	for (let i = 0; i < Math.max(x.length, y.length); i++)
		if (x[i] !== y[i]) return `\n    was ${(x[i] || '').slice(0, 300)}\n    now ${(y[i] || '').slice(0, 300)}`;
	return '';
}

async function main() {
	const check = new L.Check('badinput');
	const srv = await L.start(['--max-header-bytes', '8192', '--timeout', String(TIMEOUT_S), '--quiet']);
	let tried = 0;
	try {
		let before = await L.snapshot(srv);
		for (const [name, data, expect, opts] of cases) {
			tried++;
			const t0 = Date.now();
			const r = await L.raw(srv.port, data, { timeoutMs: (opts && opts.timeoutMs) || 5000, halfClose: opts && opts.halfClose });
			const why = expect(r);
			check.ok(!why, `${name}: ${why}`);
			const alive = await L.request(srv.port, 'GET', '/', { timeoutMs: 3000 });
			check.ok(alive.status === 200, `${name}: server not answering GET / afterwards (${alive.status ?? 'no answer'})`);
			if (alive.status !== 200) break;
			const after = await L.snapshot(srv);
			check.ok(after === before, `${name}: state changed: ${firstDiff(before, after)}`);
			if (after !== before) before = after; /* report each change once */
			if (process.env.VERBOSE) console.log(`  ${name}: ${r.status ?? (r.closed ? 'closed' : 'timeout')} in ${Date.now() - t0} ms`);
		}
		/* the slow connections did not hold up anyone else: a normal request while
		 * three slowloris connections are open is answered at once */
		const slow = [0, 1, 2].map(() => L.raw(srv.port, Array.from('GET / HTTP/1.1\r\nHost: x\r\nX-a: b', (c, i) => [c, i ? 50 : 0]), { timeoutMs: 8000 }));
		await L.sleep(200);
		const t0 = Date.now();
		const ok = await L.request(srv.port, 'GET', '/bots/@me', { headers: ALICE, timeoutMs: 3000 });
		check.ok(ok.status === 200 && Date.now() - t0 < 1000, `a normal request beside slowloris connections took ${Date.now() - t0} ms (${ok.status})`);
		const cut = await Promise.all(slow);
		check.ok(cut.every((r) => !r.timeout), 'slowloris connections were not cut by --timeout');
		tried += 3;
	} finally {
		const ex = await L.stop(srv);
		check.ok(ex && ex.code === 0, `server exit on SIGTERM: ${JSON.stringify(ex)}`);
	}
	check.done(`${tried} bad inputs tried`);
}

main().catch((e) => { console.error(e); process.exit(1); });

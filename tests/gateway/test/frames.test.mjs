// frames.test.mjs: what an authenticated session may send and what it gets back
// (spec/events.md §1.4, §3, §4) and RFC 6455 below the protocol: WebSocket ping, Close,
// fragments, the message size limit (Close 1009), invalid UTF-8 (Close 1007).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { ALICE, CAROL, GENERAL, HELPER, SERVER } from "../lib/fixtures.mjs";
import { sharedMock } from "../lib/server.mjs";
import { gw, login, open } from "../lib/socket.mjs";

/** A text message of exactly `n` bytes, of a type the server ignores. */
function sized(n) {
  const head = '{"type":"Nope","pad":"';
  return head + "x".repeat(n - head.length - 2) + '"}';
}

describe("Ping and Pong", () => {
  const m = sharedMock();
  let c;
  before(async () => (c = await login(m.wsUrl, HELPER.token)));
  after(() => c?.drop());

  // REAL: Ping = untagged Binary(Vec<u8>) | Number(usize), echoed as serde_json writes it
  for (const [name, sent, pong] of [
    ["a small integer", '{"type":"Ping","data":42}', '{"type":"Pong","data":42}'],
    ["zero", '{"type":"Ping","data":0}', '{"type":"Pong","data":0}'],
    ["a millisecond timestamp (stoat.js)", '{"type":"Ping","data":1767225600123}', '{"type":"Pong","data":1767225600123}'],
    ["the largest usize", '{"type":"Ping","data":18446744073709551615}', '{"type":"Pong","data":18446744073709551615}'],
    ["a byte array", '{"type":"Ping","data":[0,1,127,255]}', '{"type":"Pong","data":[0,1,127,255]}'],
    ["an empty byte array", '{"type":"Ping","data":[]}', '{"type":"Pong","data":[]}'],
    ["responded: null", '{"type":"Ping","data":7,"responded":null}', '{"type":"Pong","data":7}'],
    ["keys in another order", '{"data":8,"type":"Ping"}', '{"type":"Pong","data":8}'],
    ["an unknown key beside", '{"type":"Ping","data":9,"extra":[1]}', '{"type":"Pong","data":9}'],
  ]) {
    test(`Ping with ${name} → Pong echoing it`, async () => {
      c.send(sent);
      await c.expect(pong);
    });
  }

  test("Ping with whitespace in its data → Pong with the same value", async () => {
    c.send('{ "type" : "Ping", "data" : [ 1, 2 ] }');
    assert.deepEqual(JSON.parse(await c.text()), { type: "Pong", data: [1, 2] });
  });

  test("no Pong for data that is not a usize or a byte array, or when responded is set", async () => {
    for (const bad of [
      '{"type":"Ping","data":"1"}',
      '{"type":"Ping","data":-1}',
      '{"type":"Ping","data":1.5}',
      '{"type":"Ping","data":2.0}',
      '{"type":"Ping","data":18446744073709551616}',
      '{"type":"Ping","data":[256]}',
      '{"type":"Ping","data":[-1]}',
      '{"type":"Ping","data":[1.5]}',
      '{"type":"Ping","data":["a"]}',
      '{"type":"Ping","data":{}}',
      '{"type":"Ping","data":null}',
      '{"type":"Ping","data":true}',
      '{"type":"Ping"}',
      '{"type":"Ping","data":3,"responded":1}',
      '{"type":"Ping","data":3,"data":4}', // serde: duplicate field
      '{"type":"Ping","type":"Ping","data":3}', // serde: duplicate tag
      '{"type":"ping","data":3}',
    ])
      c.send(bad);
    await c.quiet(); // the marker's Pong is the first answer
  });

  test("a flood of 2000 Pings is answered in order, every one", async () => {
    const N = 2000;
    for (let i = 0; i < N; i++) c.send(`{"type":"Ping","data":${1000 + i}}`);
    for (let i = 0; i < N; i++) assert.equal(await c.text(5000), `{"type":"Pong","data":${1000 + i}}`);
  });
});

describe("frames the server ignores", () => {
  const m = sharedMock();

  test("unknown types, malformed JSON, wrong fields, non-objects and binary frames: nothing, the connection stays", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    for (const x of [
      '{"type":"Nope"}',
      "{not json",
      "",
      "null",
      "[]",
      '"Ping"',
      "42",
      '{"type":"Pong","data":1}', // stoat.js answers server Pings; not a client message
      '{"type":"BeginEditing","channel":"x","message":"y"}', // stoat.py; not a client message
      '{"type":"Authenticate","token":"x"}',
      '{"type":"BeginTyping"}',
      '{"type":"Subscribe","server_id":5}',
      '{"type":"Ping","data":1}   trailing',
    ])
      c.send(x);
    c.send(Buffer.from('{"type":"Ping","data":1}')); // binary: json mode reads only text frames
    await c.quiet();
    assert.equal(c.closeInfo, undefined);
    await c.close();
  });

  test("a bot's Subscribe is ignored; typing in a channel the session is not subscribed to publishes nothing", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    c.send({ type: "Subscribe", server_id: SERVER });
    c.send({ type: "BeginTyping", channel: GENERAL });
    c.send({ type: "EndTyping", channel: GENERAL });
    await c.quiet();
    await c.close();
  });

  test("typing in a channel the session is subscribed to: nothing, or the real echo (ChannelStartTyping/StopTyping)", async () => {
    const c = await login(m.wsUrl, ALICE.session); // alice views "general" (she owns the server)
    c.send({ type: "BeginTyping", channel: GENERAL });
    c.send({ type: "EndTyping", channel: GENERAL });
    c.send({ type: "Ping", data: 99 });
    const got = [];
    for (;;) {
      const t = await c.text();
      if (t === '{"type":"Pong","data":99}') break;
      got.push(t);
    }
    const echo = [
      `{"type":"ChannelStartTyping","id":"${GENERAL}","user":"${ALICE.id}"}`,
      `{"type":"ChannelStopTyping","id":"${GENERAL}","user":"${ALICE.id}"}`,
    ];
    assert.ok(got.length === 0 || JSON.stringify(got) === JSON.stringify(echo), `unexpected frames: ${got.join(" ")}`);
    await c.close();
  });
});

describe("RFC 6455", () => {
  const m = sharedMock();

  test("a WebSocket ping is answered with a pong carrying the same payload", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    c.ws.ping(Buffer.from("are you there"));
    await c.until(() => c.pongs.length > 0, "the pong");
    assert.equal(c.pongs[0].toString(), "are you there");
    await c.close();
  });

  test("a WebSocket ping before authentication is answered too", async () => {
    const c = await open(gw(m.wsUrl, { version: 1, format: "json" }));
    c.ws.ping(Buffer.from("early"));
    await c.until(() => c.pongs.length > 0, "the pong");
    assert.equal(c.pongs[0].toString(), "early");
    c.drop();
  });

  test("the client's Close is answered with a Close: a clean end with the client's code", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    c.ws.close(4321, "bye");
    const { code } = await c.ended();
    assert.equal(code, 4321, "the server echoes the Close code (the client saw a Close frame, not a drop)");
  });

  test("a message in three fragments, with a WebSocket ping between two of them, is one message", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    c.ws.send('{"type":"Pi', { fin: false });
    c.ws.ping(Buffer.from("mid"));
    c.ws.send('ng","data"', { fin: false });
    c.ws.send(":[9,8,7]}", { fin: true });
    await c.expect('{"type":"Pong","data":[9,8,7]}');
    await c.until(() => c.pongs.length > 0, "the pong");
    assert.equal(c.pongs[0].toString(), "mid");
    await c.close();
  });

  test("a fragmented Authenticate authenticates", async () => {
    const c = await open(gw(m.wsUrl, { version: 1, format: "json" }));
    const text = JSON.stringify({ type: "Authenticate", token: HELPER.token });
    c.ws.send(text.slice(0, 10), { fin: false });
    c.ws.send(text.slice(10), { fin: true });
    await c.expect('{"type":"Authenticated"}');
    await c.text(); // Ready
    await c.close();
  });

  test("invalid UTF-8 in a text frame: Close 1007", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    c.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    assert.equal((await c.ended()).code, 1007);
  });

  test("invalid UTF-8 split across fragments: Close 1007", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    c.ws.send(Buffer.from([0x22, 0xe2, 0x82]), { binary: false, fin: false });
    c.ws.send(Buffer.from([0x41, 0x22]), { binary: false, fin: true }); // 0x41 cannot continue the sequence
    assert.equal((await c.ended()).code, 1007);
  });

  test("a message over 1 MiB (the default limit): Close 1009; one just under it is read", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    c.send(sized(1 << 20)); // exactly the limit: read (and ignored: an unknown type), not refused
    await c.quiet();
    c.send(sized((1 << 20) + 1));
    assert.equal((await c.ended(5000)).code, 1009);
  });
});

describe("--ws-max-message", () => {
  const m = sharedMock({ args: ["--ws-max-message", "1024"] });

  test("1024 bytes are read; a 1025-byte message: Close 1009", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    c.send(sized(1024));
    await c.quiet();
    c.send(sized(1025));
    assert.equal((await c.ended()).code, 1009);
  });

  test("fragments adding up to more than the limit: Close 1009", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    for (let i = 0; i < 4; i++) c.ws.send("x".repeat(300), { fin: false });
    c.ws.send("}", { fin: true });
    assert.equal((await c.ended()).code, 1009);
  });

  test("before authentication too", async () => {
    const c = await open(gw(m.wsUrl, { version: 1, format: "json" }));
    c.send("y".repeat(2048));
    assert.equal((await c.ended()).code, 1009);
  });

  test("other sessions are not affected", async () => {
    const a = await login(m.wsUrl, CAROL.session);
    const b = await login(m.wsUrl, HELPER.token);
    b.send("z".repeat(4096));
    assert.equal((await b.ended()).code, 1009);
    await a.quiet(50);
    await a.close();
  });
});

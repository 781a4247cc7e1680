// load.test.mjs: a session that never reads must not slow the others, and is dropped
// once what waits for it passes the outbound limit (issue 15 item 6); many sessions at
// once. Loopback only, every loop bounded.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CAROL, HELPER } from "../lib/fixtures.mjs";
import { sharedMock } from "../lib/server.mjs";
import { login } from "../lib/socket.mjs";

describe("a slow reader", () => {
  const m = sharedMock();

  test("does not delay another session's Pongs, and is dropped when its queue passes --ws-max-queue (4 MiB)", async () => {
    const fast = await login(m.wsUrl, CAROL.session);
    const slow = await login(m.wsUrl, HELPER.token);
    slow.ws.pause(); // never reads again (until the end of the test)

    // 400 000 Pings whose Pongs are 46 bytes each on the wire: ~18 MB, far more than the
    // kernel's socket buffers plus the 4 MiB queue
    const N = 400_000;
    slow.flood('{"type":"Ping","data":18446744073709551615}', N);

    // meanwhile the other session's round trips stay short: the first may wait for the
    // gateway to read the flood (CPU, not the slow socket), none for the slow socket
    for (let i = 0; i < 20; i++) {
      const t0 = Date.now();
      fast.send({ type: "Ping", data: i });
      assert.equal(await fast.text(3000, `Pong ${i} within 3 s`), `{"type":"Pong","data":${i}}`);
      assert.ok(Date.now() - t0 < 3000);
    }

    // the slow one has been dropped: reading again, it gets what was in flight, then the end
    await new Promise((r) => setTimeout(r, 500));
    slow.ws.resume();
    const { code } = await slow.ended(10_000);
    assert.equal(code, 1006, "dropped, not closed with a Close frame");
    assert.ok(slow.frames.length < N, `got ${slow.frames.length} of ${N} Pongs: it was not dropped`);

    // and the server is fine
    fast.send({ type: "Ping", data: 77 });
    await fast.expect('{"type":"Pong","data":77}');
    await fast.close();
  });
});

describe("large Pings", () => {
  const m = sharedMock();

  test("a byte-array Ping of 200 000 bytes (~800 KB of JSON) is answered within 2 s, and others meanwhile", async () => {
    const big = await login(m.wsUrl, HELPER.token);
    const other = await login(m.wsUrl, CAROL.session);
    const data = new Array(200_000).fill(255).join(",");
    const t0 = Date.now();
    big.send(`{"type":"Ping","data":[${data}]}`);
    other.send({ type: "Ping", data: 5 });
    assert.equal(await other.text(2000, "the other session's Pong within 2 s"), '{"type":"Pong","data":5}');
    assert.equal(await big.text(2000, "the large Pong within 2 s"), `{"type":"Pong","data":[${data}]}`);
    assert.ok(Date.now() - t0 < 2000);
    big.drop();
    other.drop();
  });
});

describe("many sessions", () => {
  const m = sharedMock();

  test("200 sessions authenticate at once, each gets its own Ready and Pong", async () => {
    const conns = await Promise.all(Array.from({ length: 200 }, (_, i) => login(m.wsUrl, i % 2 ? CAROL.session : HELPER.token)));
    for (const c of conns) assert.match(c.ready, /^\{"type":"Ready","users":\[/);
    conns.forEach((c, i) => c.send({ type: "Ping", data: i }));
    await Promise.all(conns.map((c, i) => c.expect(`{"type":"Pong","data":${i}}`)));
    await Promise.all(conns.map((c) => c.close()));
  });
});

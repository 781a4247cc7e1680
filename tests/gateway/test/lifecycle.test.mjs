// lifecycle.test.mjs: the HTTP API beside open sessions, stopping with sessions open,
// and what the control API does to sessions (reset and state import end them; the
// journal records them without their tokens).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ALICE, BOB, CAROL, HELPER } from "../lib/fixtures.mjs";
import { call, mock, ok, withMock } from "../lib/server.mjs";
import { gw, login, loginByFrame, open } from "../lib/socket.mjs";

describe("HTTP beside the gateway", () => {
  test("answers are byte for byte the same with 60 sessions open, and requests in parallel all succeed", async () => {
    await withMock({}, async (m) => {
      const asAlice = { auth: { session: ALICE.session } };
      const requests = [
        ["GET", "/", {}],
        ["GET", "/users/@me", asAlice],
        ["GET", `/users/${BOB.id}`, asAlice],
        ["GET", "/bots/@me", asAlice],
        ["GET", `/bots/${HELPER.id}`, asAlice],
        ["GET", `/bots/${HELPER.id}/invite`, {}],
        ["GET", "/users/@me", { auth: { session: "nope" } }],
        ["GET", "/nowhere", {}],
        ["GET", "/ws", {}],
      ];
      const before = [];
      for (const [method, path, opts] of requests) {
        const r = await call(m.url, method, path, opts);
        before.push(`${r.status} ${r.text}`);
      }
      // carol appears in none of these answers; neither do sessions that never authenticate
      const conns = await Promise.all(Array.from({ length: 50 }, () => login(m.wsUrl, CAROL.session)));
      for (let i = 0; i < 10; i++) conns.push(await open(gw(m.wsUrl, { version: 1, format: "json" })));
      for (const [i, [method, path, opts]] of requests.entries()) {
        const r = await call(m.url, method, path, opts);
        assert.equal(`${r.status} ${r.text}`, before[i], `${method} ${path}`);
      }
      const parallel = await Promise.all(Array.from({ length: 100 }, () => call(m.url, "GET", "/users/@me", asAlice)));
      assert.ok(parallel.every((r) => r.status === 200));
      conns.forEach((c, i) => c.send({ type: "Ping", data: i }));
      await Promise.all(conns.slice(0, 50).map((c, i) => c.expect(`{"type":"Pong","data":${i}}`)));
      for (const c of conns) c.drop();
    });
  });
});

describe("stopping", () => {
  test("SIGTERM with sessions open (authenticated, not yet, not reading): exit 0 within 3 s, every session ended", async () => {
    await withMock({}, async (m) => {
      const conns = await Promise.all(Array.from({ length: 10 }, (_, i) => login(m.wsUrl, i % 2 ? HELPER.token : CAROL.session)));
      conns.push(await open(gw(m.wsUrl, { version: 1, format: "json" })));
      const paused = await login(m.wsUrl, HELPER.token);
      paused.ws.pause();
      paused.flood('{"type":"Ping","data":18446744073709551615}', 100_000); // Pongs it will never read
      const t0 = Date.now();
      m.child.kill("SIGTERM");
      const exit = await Promise.race([m.exited, new Promise((r) => setTimeout(() => r("timeout"), 3000))]);
      assert.notEqual(exit, "timeout", `stoat-mock did not exit within 3 s of SIGTERM: ${m.stderr()}`);
      assert.deepEqual(exit, { code: 0, signal: null }, m.stderr());
      assert.ok(Date.now() - t0 < 3000);
      await Promise.all(conns.map((c) => c.ended(2000)));
      paused.ws.resume();
      await paused.ended(2000);
      assert.doesNotMatch(m.stderr(), /upgraded.*not closed/i, "every session is closed before the daemon stops");
    });
  });
});

describe("control API and sessions", () => {
  test("POST /_mock/reset ends every session; the bundled tokens work again after it", async () => {
    await withMock({}, async (m) => {
      const a = await login(m.wsUrl, HELPER.token);
      const b = await open(gw(m.wsUrl, { version: 1, format: "json" }));
      await ok(m.url, "POST", "/_mock/reset", {}, 204);
      await a.ended();
      await b.ended();
      const c = await login(m.wsUrl, HELPER.token);
      c.drop();
    });
  });

  test("PUT /_mock/state ends every session", async () => {
    await withMock({}, async (m) => {
      const state = await ok(m.url, "GET", "/_mock/state");
      const a = await login(m.wsUrl, CAROL.session);
      await ok(m.url, "PUT", "/_mock/state", { body: state }, 204);
      await a.ended();
    });
  });

  test("the journal records connect, authenticate and close, and never a token", async () => {
    await withMock({}, async (m) => {
      const a = await login(m.wsUrl, HELPER.token);
      const b = await loginByFrame(m.wsUrl, CAROL.session);
      const bad = await open(gw(m.wsUrl, { version: 1, format: "json", token: "wrong-token-value" }));
      await bad.ended();
      await a.close();
      await b.close();
      await new Promise((r) => setTimeout(r, 200));
      const r = await call(m.url, "GET", "/_mock/requests");
      assert.equal(r.status, 200);
      for (const secret of [HELPER.token, CAROL.session, "wrong-token-value"])
        assert.ok(!r.text.includes(secret), "a token is in the journal");
      const kinds = r.json.requests.filter((e) => e.gateway).map((e) => e.gateway);
      for (const k of ["connect", "authenticate", "close"]) assert.ok(kinds.includes(k), `no "${k}" entry in ${kinds}`);
    });
  });
});

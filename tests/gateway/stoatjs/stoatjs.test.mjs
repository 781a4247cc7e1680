// stoatjs.test.mjs: stoat.js 7.3.4 as a bot developer uses it, `client.loginBot(token)`,
// against the mock's gateway (issue 15 item 8; spec/events.md §6, §7).
//
// stoat.js opens its socket with the global WebSocket. run.sh runs this file twice:
// with the machine's Node (>= 22: built in; 20/21: --experimental-websocket) and with
// Debian's Node 18 (node18.sh), which has none: STOAT_GW_WS_GLOBAL=ws then makes the
// `ws` package the global before stoat.js loads, as a bot on Node 18 must.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ALICE, HELPER } from "../lib/fixtures.mjs";
import { mock, ok } from "../lib/server.mjs";

if (typeof globalThis.WebSocket === "undefined" && process.env.STOAT_GW_WS_GLOBAL === "ws")
  globalThis.WebSocket = (await import("ws")).WebSocket;
const NO_WS = typeof globalThis.WebSocket === "undefined";

// stoat.js 7.3.4 leaks its 30 s heartbeat interval when the server ends a connection
// (EventClient's onclose forgets the socket before disconnect() would clear it), which
// would keep this process alive after the last test: every interval is cleared at the end
// of each test (withReadyBot).
const intervals = new Set();
const realSetInterval = globalThis.setInterval;
globalThis.setInterval = (...args) => {
  const t = realSetInterval(...args);
  intervals.add(t);
  return t;
};
const { Client } = await import("stoat.js");

// what stoat.js 7.3.4 throws after `ready` when Ready has no policy_changes (spec/events.md §2)
const POLICY_CHANGES_BUG = /reading 'length'/;

/** Resolves with the arguments of the first `name` event for which `pred` holds; rejects after `ms`. */
function next(emitter, name, pred = () => true, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      emitter.off(name, on);
      reject(new Error(`no "${name}" event within ${ms} ms`));
    }, ms);
    function on(...args) {
      if (!pred(...args)) return;
      clearTimeout(t);
      emitter.off(name, on);
      resolve(args);
    }
    emitter.on(name, on);
  });
}

/**
 * A server started with `args`, and a bot client on it as its developer writes it
 * (an `error` listener recording what it gets in client.errors), logged in with
 * loginBot and past `ready`; runs body(m, client), then ends both.
 */
async function withReadyBot(args, body) {
  const m = await mock({ args });
  const client = new Client({ baseURL: m.url, autoReconnect: false });
  client.errors = [];
  client.on("error", (e) => client.errors.push(e));
  try {
    const ready = next(client, "ready");
    await client.loginBot(HELPER.token);
    await ready;
    await body(m, client);
  } finally {
    client.events.disconnect();
    for (const t of intervals) clearInterval(t);
    intervals.clear();
    await m.stop();
  }
}

/** The owner edits the bot over HTTP. */
const edit = (m, body) => ok(m.url, "PATCH", `/bots/${HELPER.id}`, { auth: { session: ALICE.session }, body });

describe(`stoat.js loginBot on Node ${process.versions.node}`, { skip: NO_WS && "no global WebSocket" }, () => {
  test("reaches ready (its one error is stoat.js's policy_changes bug), then userUpdate when the owner renames it", async () => {
    await withReadyBot([], async (m, client) => {
      assert.equal(client.user?.id, HELPER.id);
      assert.equal(client.user.username, "HelperBot");
      assert.equal(client.user.online, true);

      const update = next(client, "userUpdate", (u) => u.id === HELPER.id);
      await edit(m, { name: "Renamed" });
      const [user, previous] = await update;
      assert.equal(user.username, "Renamed");
      assert.equal(previous.username, "HelperBot");
      assert.equal(client.user.username, "Renamed");
      // the real server omits policy_changes for bots; stoat.js 7.3.4 then fails after `ready`
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(client.errors.length, 1, `errors: ${client.errors.join("; ")}`);
      assert.match(String(client.errors[0]?.message ?? client.errors[0]), POLICY_CHANGES_BUG);
    });
  });

  test("with --ready-policy-changes always: ready and userUpdate, no error at all", async () => {
    await withReadyBot(["--ready-policy-changes", "always"], async (m, client) => {
      const update = next(client, "userUpdate", (u) => u.id === HELPER.id);
      await edit(m, { name: "Renamed" });
      await update;
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(client.errors, []);
      assert.equal(client.events.state(), 2 /* ConnectionState.Connected */);
    });
  });

  test("token reset: disconnected; connecting again, the Error frame arrives as an `error` event", async () => {
    await withReadyBot(["--ready-policy-changes", "always"], async (m, client) => {
      const gone = next(client, "disconnected");
      await edit(m, { remove: ["Token"] });
      await gone;
      const refused = next(client, "error");
      client.connect(); // what autoReconnect would do
      const [event] = await refused;
      assert.deepEqual(event, {
        type: "Error",
        data: { type: "InvalidSession", location: "crates/core/database/src/models/users/model.rs:346:38" },
      });
    });
  });
});

describe("stoat.js needs a WebSocket", () => {
  test("this run has one", () => {
    assert.ok(!NO_WS, "no global WebSocket: run Node >= 22, Node 20 with --experimental-websocket, or set STOAT_GW_WS_GLOBAL=ws");
  });
});

// handshake.test.mjs: connecting, authenticating and Ready (spec/events.md §1, §2).
//
// Exact bytes where the spec pins them: Authenticated, the Error frame, the Ready of a
// bot and of a user who knows nobody, the `users` of Ready (others from the user's
// perspective first, the user itself last, as self, online). Where the spec leaves a
// value to the store (server and channel objects), the keys it requires, their order
// and their values.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  ALICE, BOB, BOB_SERVER, BOTS_GENERAL, BOTS_SERVER, CAROL, CORNER, GENERAL, GROUP, HELPER, SERVER,
  withBotsServer, withCorner,
} from "../lib/fixtures.mjs";
import { assertKeys, CAROL_READY, ERROR_FRAME, GROUP_KEYS, HELPER_READY, ISO, READY_KEYS, SERVER_KEYS, TEXT_KEYS } from "../lib/expect.mjs";
import { call, mock, sharedMock, withMock } from "../lib/server.mjs";
import { gw, login, loginByFrame, open, rawUpgrade, refusal } from "../lib/socket.mjs";

/** Ready must be compact JSON (what serde_json writes) with the six arrays in order (+ policy_changes). */
function parseReady(text, policyChanges) {
  const r = JSON.parse(text);
  assert.equal(text, JSON.stringify(r), "Ready is compact JSON");
  assert.deepEqual(Object.keys(r), policyChanges ? [...READY_KEYS, "policy_changes"] : READY_KEYS);
  return r;
}

describe("connecting", () => {
  const m = sharedMock();

  test("the ws URL of GET / upgrades: Authenticated, then Ready, exactly; no subprotocol, no extension", async () => {
    const root = await call(m.url, "GET", "/");
    assert.equal(root.status, 200);
    assert.match(root.json.ws, /^ws:\/\//, "GET / advertises a ws: URL");
    const c = await open(`${root.json.ws}?version=1&format=json&token=${HELPER.token}`);
    assert.equal(c.ws.protocol, "", "no subprotocol is selected");
    assert.equal(c.ws.extensions, "", "permessage-deflate (offered by the client) is declined");
    await c.expect('{"type":"Authenticated"}');
    await c.expect(HELPER_READY);
    await c.quiet(); // Authenticated and Ready come once; nothing else unasked
    await c.close();
  });

  test("any path upgrades (the real server ignores it): /, /events, /a/b/c", async () => {
    for (const path of ["/", "/events", "/a/b/c"]) {
      const c = await login(m.wsUrl, HELPER.token, { path });
      assert.equal(c.ready, HELPER_READY, path);
      await c.close();
    }
  });

  test("the /0.8 prefix path and a path with unknown query keys upgrade too", async () => {
    const c = await login(m.wsUrl, HELPER.token, { path: "/0.8/ws", query: { unknown: "x", __user_settings_keys: "a,b" } });
    assert.equal(c.ready, HELPER_READY);
    await c.close();
  });

  test("version: any value is accepted (unparsable means 1); format: anything but msgpack means json", async () => {
    for (const query of [{ version: "abc" }, { version: "2" }, { version: "-1" }, {}, { format: "xml" }, { format: "" }, { format: "JSON" }]) {
      const c = await open(gw(m.wsUrl, { ...query, token: HELPER.token }));
      await c.expect('{"type":"Authenticated"}', JSON.stringify(query));
      assert.equal(await c.text(), HELPER_READY, `text frames for ${JSON.stringify(query)}`);
      await c.close();
    }
  });

  test("token in the query (stoat.js) and in a first Authenticate frame (stoat.py): the same frames", async () => {
    const a = await login(m.wsUrl, HELPER.token);
    const b = await loginByFrame(m.wsUrl, HELPER.token);
    assert.equal(a.ready, HELPER_READY);
    assert.equal(b.ready, HELPER_READY);
    await a.close();
    await b.close();
  });

  test("a session token works like a bot token; a user's Ready carries policy_changes", async () => {
    const a = await login(m.wsUrl, CAROL.session);
    assert.equal(a.ready, CAROL_READY);
    await a.close();
    const b = await loginByFrame(m.wsUrl, CAROL.session);
    assert.equal(b.ready, CAROL_READY);
    await b.close();
  });

  test("a token in the query: no Authenticate is awaited, and a later Authenticate is ignored", async () => {
    const c = await login(m.wsUrl, HELPER.token);
    c.send({ type: "Authenticate", token: HELPER.token });
    c.send({ type: "Authenticate", token: "not-a-token" });
    await c.quiet();
    await c.close();
  });

  test("an unknown token in the query: the Error frame, then the connection drops without a Close frame", async () => {
    const c = await open(gw(m.wsUrl, { version: 1, format: "json", token: "not-a-token" }));
    await c.expect(ERROR_FRAME);
    const t0 = Date.now();
    const { code } = await c.ended(2000);
    assert.equal(code, 1006, "no Close frame: the client sees 1006");
    assert.ok(Date.now() - t0 < 2000);
    assert.deepEqual(c.frames, []);
  });

  test("an unknown token in Authenticate: the same Error frame and drop", async () => {
    const c = await open(gw(m.wsUrl, { version: 1, format: "json" }));
    c.send({ type: "Authenticate", token: "not-a-token" });
    await c.expect(ERROR_FRAME);
    assert.equal((await c.ended(2000)).code, 1006);
  });

  test("an empty token in the query is an unknown token", async () => {
    const c = await open(`${m.wsUrl}/ws?version=1&format=json&token=`);
    await c.expect(ERROR_FRAME);
    assert.equal((await c.ended(2000)).code, 1006);
  });

  test("before Authenticate every other frame is ignored: no Pong, no error, no timeout", async () => {
    const c = await open(gw(m.wsUrl, { version: 1, format: "json" }));
    c.send({ type: "Ping", data: 1 });
    c.send({ type: "Ping", data: [1, 2] });
    c.send("{not json");
    c.send({ type: "Nope" });
    c.send({ type: "Authenticate" }); // no token: does not decode
    c.send({ type: "Authenticate", token: 5 }); // not a string: does not decode
    c.send(Buffer.from(JSON.stringify({ type: "Authenticate", token: HELPER.token }))); // binary: not read in json mode
    c.send({ type: "BeginTyping", channel: GENERAL });
    c.send({ type: "Subscribe", server_id: SERVER });
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(c.frames, [], "nothing is answered before authentication");
    assert.equal(c.closeInfo, undefined, "the connection stays open");
    c.send({ type: "Authenticate", token: HELPER.token });
    await c.expect('{"type":"Authenticated"}');
    await c.expect(HELPER_READY);
    await c.quiet(); // the early Pings stay unanswered
    await c.close();
  });

  test("Authenticate with extra keys still authenticates", async () => {
    const c = await open(gw(m.wsUrl, { version: 1, format: "json" }));
    c.send({ type: "Authenticate", token: HELPER.token, extra: true });
    await c.expect('{"type":"Authenticated"}');
    await c.expect(HELPER_READY);
    await c.close();
  });

  test("format=msgpack is refused before the upgrade: 501 NotEmulated", async () => {
    const r = await refusal(gw(m.wsUrl, { version: 1, format: "msgpack", token: HELPER.token }));
    assert.equal(r.status, 501);
    assert.match(r.headers["content-type"] ?? "", /application\/json/);
    assert.deepEqual(JSON.parse(r.body), { type: "NotEmulated", feature: "msgpack", location: "stoat-mock" });
  });

  test("a handshake with a wrong Sec-WebSocket-Version or no key is answered 400", async () => {
    const wrongVersion = await rawUpgrade(m.url, "/ws?token=x", { "Sec-WebSocket-Version": "8" });
    assert.equal(wrongVersion.status, 400);
    const noKey = await rawUpgrade(m.url, "/ws?token=x", { "Sec-WebSocket-Key": "" });
    assert.equal(noKey.status, 400);
  });

  test("header tokens are case-insensitive: Connection: keep-alive, Upgrade and Upgrade: WebSocket upgrade", async () => {
    const r = await rawUpgrade(m.url, `/ws?token=${HELPER.token}`, { Connection: "keep-alive, Upgrade", Upgrade: "WebSocket" });
    assert.equal(r.status, 101);
    assert.equal(r.headers.upgrade?.toLowerCase(), "websocket");
    assert.equal(r.headers["sec-websocket-protocol"], undefined);
    assert.equal(r.headers["sec-websocket-extensions"], undefined);
  });

  test("GET /ws without Upgrade is an ordinary request: 404, as before", async () => {
    const r = await call(m.url, "GET", "/ws");
    assert.equal(r.status, 404);
  });
});

describe("Ready from the store", () => {
  const m = sharedMock();

  test("alice: bob (known, as a friend) then alice herself, as self, online; her servers, channels, members", async () => {
    const c = await login(m.wsUrl, ALICE.session);
    const r = parseReady(c.ready, true);
    assert.equal(
      JSON.stringify(r.users),
      '[{"_id":"01HZ6A7B8C9D0E1F2G3H4J5K6M","username":"bob","discriminator":"0002","relationship":"Friend","online":false},' +
        '{"_id":"01HZ5W2X8A1B3C4D5E6F7G8H9J","username":"alice","discriminator":"0001","display_name":"Alice","relations":[{"_id":"01HZ6A7B8C9D0E1F2G3H4J5K6M","status":"Friend"}],"relationship":"User","online":true}]',
    );
    const servers = Object.fromEntries(r.servers.map((s) => [s._id, s]));
    assert.deepEqual(Object.keys(servers).sort(), [SERVER, BOB_SERVER].sort());
    for (const s of r.servers) assertKeys(s, ["_id", "owner", "name", "channels", "default_permissions"], SERVER_KEYS, `server ${s._id}`);
    assert.equal(servers[SERVER].owner, ALICE.id);
    assert.equal(servers[SERVER].name, "Alice's Server");
    assert.deepEqual(servers[SERVER].channels, [GENERAL]);
    assert.equal(servers[SERVER].default_permissions, 0);
    assert.equal(servers[BOB_SERVER].owner, BOB.id);
    assert.equal(servers[BOB_SERVER].name, "Bob's Server");
    assert.deepEqual(servers[BOB_SERVER].channels, []);
    assert.equal(typeof servers[BOB_SERVER].default_permissions, "number");

    const channels = Object.fromEntries(r.channels.map((ch) => [ch._id, ch]));
    assert.deepEqual(Object.keys(channels).sort(), [GROUP, GENERAL].sort(), "her group and the channel she owns");
    assertKeys(channels[GROUP], ["channel_type", "_id", "name", "owner", "recipients"], GROUP_KEYS, "group");
    assert.deepEqual(
      { ...channels[GROUP] },
      { channel_type: "Group", _id: GROUP, name: "Friends", owner: ALICE.id, recipients: [ALICE.id, BOB.id] },
    );
    assertKeys(channels[GENERAL], ["channel_type", "_id", "server", "name"], TEXT_KEYS, "text channel");
    assert.equal(channels[GENERAL].channel_type, "TextChannel");
    assert.equal(channels[GENERAL].server, SERVER);
    assert.equal(channels[GENERAL].name, "general");

    assert.equal(r.members.length, 2, "her own member object in each server");
    for (const mem of r.members) {
      assert.deepEqual(Object.keys(mem), ["_id", "joined_at"]);
      assert.deepEqual(Object.keys(mem._id), ["server", "user"]);
      assert.equal(mem._id.user, ALICE.id);
      assert.match(mem.joined_at, ISO);
    }
    assert.deepEqual(r.members.map((x) => x._id.server).sort(), [SERVER, BOB_SERVER].sort());
    assert.deepEqual(r.emojis, []);
    assert.deepEqual(r.voice_states, []);
    assert.deepEqual(r.policy_changes, []);
    await c.close();
  });

  test("bob: alice from his perspective, then bob as self; alice's text channel is hidden from him (no ViewChannel)", async () => {
    const c = await login(m.wsUrl, BOB.session);
    const r = parseReady(c.ready, true);
    assert.equal(
      JSON.stringify(r.users),
      '[{"_id":"01HZ5W2X8A1B3C4D5E6F7G8H9J","username":"alice","discriminator":"0001","display_name":"Alice","relationship":"Friend","online":false},' +
        '{"_id":"01HZ6A7B8C9D0E1F2G3H4J5K6M","username":"bob","discriminator":"0002","relations":[{"_id":"01HZ5W2X8A1B3C4D5E6F7G8H9J","status":"Friend"}],"relationship":"User","online":true}]',
    );
    assert.deepEqual(r.servers.map((s) => s._id).sort(), [SERVER, BOB_SERVER].sort());
    assert.deepEqual(
      r.servers.find((s) => s._id === SERVER).channels,
      [GENERAL],
      "the server object still lists every channel",
    );
    assert.deepEqual(r.channels.map((ch) => ch._id), [GROUP], "server 1's default_permissions (0) lack ViewChannel");
    assert.deepEqual(r.members.map((x) => `${x._id.server}/${x._id.user}`).sort(), [`${SERVER}/${BOB.id}`, `${BOB_SERVER}/${BOB.id}`].sort());
    await c.close();
  });

  test("a user who is connected shows online:true in another user's Ready", async () => {
    const bob = await login(m.wsUrl, BOB.session);
    const alice = await login(m.wsUrl, ALICE.session);
    const r = parseReady(alice.ready, true);
    assert.equal(r.users[0]._id, BOB.id);
    assert.equal(r.users[0].online, true);
    await alice.close();
    await bob.close();
  });
});

describe("Ready of a bot in a group and a server", () => {
  test("the group's other recipients from the bot's perspective, the group; the server, the channels it may view, its member", async () => {
    await withMock({ fixtures: withBotsServer(withCorner()) }, async (m) => {
      const c = await login(m.wsUrl, HELPER.token);
      const r = parseReady(c.ready, false);
      assert.equal(
        JSON.stringify(r.users),
        '[{"_id":"01HZ7CARQ1N2P3Q4R5S6T7V8W9","username":"carol","discriminator":"0003","relationship":"None","online":false},' +
          '{"_id":"01J0H3HPB0T5T0KEN000000AAA","username":"HelperBot","discriminator":"4821","bot":{"owner":"01HZ5W2X8A1B3C4D5E6F7G8H9J"},"relationship":"User","online":true}]',
        "carol once (a recipient of its group; being in the same server adds no one), the bot last",
      );
      assert.deepEqual(r.servers.map((s) => s._id), [BOTS_SERVER]);
      assertKeys(r.servers[0], ["_id", "owner", "name", "channels", "default_permissions"], SERVER_KEYS, "server");
      assert.deepEqual(r.servers[0].channels, [BOTS_GENERAL]);
      const channels = Object.fromEntries(r.channels.map((ch) => [ch._id, ch]));
      assert.deepEqual(Object.keys(channels).sort(), [CORNER, BOTS_GENERAL].sort());
      assert.deepEqual({ ...channels[CORNER] }, { channel_type: "Group", _id: CORNER, name: "Corner", owner: CAROL.id, recipients: [CAROL.id, HELPER.id] });
      assert.equal(channels[BOTS_GENERAL].server, BOTS_SERVER);
      assert.equal(r.members.length, 1);
      assert.deepEqual(r.members[0]._id, { server: BOTS_SERVER, user: HELPER.id });
      await c.close();
    });
  });
});

describe("--ready-policy-changes", () => {
  test("always: a bot's Ready ends with policy_changes:[] too", async () => {
    await withMock({ args: ["--ready-policy-changes", "always"] }, async (m) => {
      const c = await login(m.wsUrl, HELPER.token);
      assert.equal(c.ready, HELPER_READY.slice(0, -1) + ',"policy_changes":[]}');
      await c.close();
      const u = await login(m.wsUrl, CAROL.session);
      assert.equal(u.ready, CAROL_READY);
      await u.close();
    });
  });

  test("real (the default, spelled out): omitted for bots", async () => {
    await withMock({ args: ["--ready-policy-changes", "real"] }, async (m) => {
      const c = await login(m.wsUrl, HELPER.token);
      assert.equal(c.ready, HELPER_READY);
      await c.close();
    });
  });

  test("STOAT_MOCK_READY_POLICY_CHANGES=always does the same as the flag", async () => {
    process.env.STOAT_MOCK_READY_POLICY_CHANGES = "always";
    let m;
    try {
      m = await mock();
    } finally {
      delete process.env.STOAT_MOCK_READY_POLICY_CHANGES;
    }
    try {
      const c = await login(m.wsUrl, HELPER.token);
      assert.match(c.ready, /,"policy_changes":\[\]\}$/);
      await c.close();
    } finally {
      await m.stop();
    }
  });

  test("an unknown value is refused at start-up", async () => {
    await assert.rejects(mock({ args: ["--ready-policy-changes", "sometimes"] }), /exited/);
  });
});

describe("--max-sessions", () => {
  const m = sharedMock({ args: ["--max-sessions", "2"] });

  test("the session over the limit is refused with 503 TooManySessions; a freed place is taken again", async () => {
    const a = await login(m.wsUrl, HELPER.token);
    const b = await open(gw(m.wsUrl, { version: 1, format: "json" })); // not authenticated yet: still a session
    const r = await refusal(gw(m.wsUrl, { version: 1, format: "json", token: CAROL.session }));
    assert.equal(r.status, 503);
    assert.deepEqual(JSON.parse(r.body), { type: "TooManySessions", max: 2, location: "stoat-mock" });
    // HTTP is not limited by the sessions
    assert.equal((await call(m.url, "GET", "/users/@me", { auth: { session: CAROL.session } })).status, 200);
    await b.close();
    let c;
    for (let i = 0; i < 40 && !c; i++) {
      try {
        c = await login(m.wsUrl, CAROL.session);
      } catch (e) {
        if (!e.refusal) throw e;
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    assert.ok(c, "a session is accepted again within 2 s of one closing");
    assert.equal(c.ready, CAROL_READY);
    await c.close();
    await a.close();
  });
});

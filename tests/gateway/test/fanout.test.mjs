// fanout.test.mjs: what the bots API publishes, to whom (spec/events.md §5.1 topics,
// §5.2 the table, §5.3, §7), with exact frames.
//
// Every test starts its own server and connects every session before acting, then
// drains what the connections themselves published (presence, §5.4). After the action,
// each session must get exactly the listed frames, each once, and then nothing
// (Conn.quiet: the Pong of a later Ping comes next).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { assertKeys, ERROR_FRAME, ISO, SERVER_KEYS, TEXT_KEYS } from "../lib/expect.mjs";
import {
  ALICE, BOB, BOTS_SERVER, CAROL, GENERAL, GROUP, HELPER, OPEN_LOBBY, OPEN_SERVER, PUBLIC, SERVER,
  withBotsServer, withCorner, withOpenServer,
} from "../lib/fixtures.mjs";
import { mock, ok, withMock } from "../lib/server.mjs";
import { gw, login, loginByFrame, open } from "../lib/socket.mjs";

const asAlice = { auth: { session: ALICE.session } };

/** The UserUpdate frame of spec/events.md §5.2, `data` keys in the order given. */
function userUpdate(id, data, clear = []) {
  return `{"type":"UserUpdate","id":"${id}","data":${JSON.stringify(data)},"clear":${JSON.stringify(clear)},"event_id":null}`;
}

/** Runs `body` with a fresh server and sessions for `who` (tokens), all drained; stops everything after. */
async function withSessions(opts, who, body) {
  await withMock(opts, async (m) => {
    const conns = [];
    try {
      for (const token of who) conns.push(await login(m.wsUrl, token));
      await Promise.all(conns.map((c) => c.drain()));
      await body(m, ...conns);
    } finally {
      for (const c of conns) c.drop();
    }
  });
}

/** Asserts every one of `conns` gets nothing more. */
const quiet = (...conns) => Promise.all(conns.map((c) => c.quiet()));

describe("rename (PATCH name)", () => {
  test("UserUpdate to the bot's own session and to a session with the bot in its Ready users; no one else", async () => {
    await withSessions({ fixtures: withCorner() }, [HELPER.token, CAROL.session, ALICE.session, BOB.session], async (m, helper, carol, alice, bob) => {
      assert.ok(carol.ready.includes(`"_id":"${HELPER.id}"`), "carol's Ready lists the bot (her group has it)");
      const r = await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { name: "Renamed" } });
      const frame = userUpdate(HELPER.id, { username: "Renamed", discriminator: r.user.discriminator });
      await helper.expect(frame);
      await carol.expect(frame);
      // the owner is not told for being the owner (§5.3); bob does not know the bot
      await quiet(helper, carol, alice, bob);
    });
  });

  test("a change of case only: no discriminator in data; the same name: UserUpdate all the same", async () => {
    await withSessions({}, [HELPER.token], async (m, helper) => {
      await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { name: "helperbot" } });
      await helper.expect(userUpdate(HELPER.id, { username: "helperbot" }));
      await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { name: "helperbot" } });
      await helper.expect(userUpdate(HELPER.id, { username: "helperbot" }));
      await helper.quiet();
    });
  });

  test("a bot sharing a server gets it through <server>u, once; a human member only after Subscribe", async () => {
    await withSessions({ fixtures: withBotsServer() }, [HELPER.token, PUBLIC.token, CAROL.session, ALICE.session], async (m, helper, pub, carol, alice) => {
      const r1 = await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { name: "Renamed" } });
      const f1 = userUpdate(HELPER.id, { username: "Renamed", discriminator: r1.user.discriminator });
      await helper.expect(f1); // through HELPER and BOTS_SERVER + "u": once
      await pub.expect(f1);
      await quiet(helper, pub, carol, alice);

      carol.send({ type: "Subscribe", server_id: BOTS_SERVER }); // a member: subscribes to <server>u
      alice.send({ type: "Subscribe", server_id: BOTS_SERVER }); // not a member: ignored
      await quiet(carol, alice);
      const r2 = await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { name: "Again" } });
      const f2 = userUpdate(HELPER.id, { username: "Again", discriminator: r2.user.discriminator });
      await helper.expect(f2);
      await pub.expect(f2);
      await carol.expect(f2);
      await quiet(helper, pub, carol, alice);
    });
  });

  test("edits without name or Token, fetches, @me and create publish nothing", async () => {
    await withSessions({ fixtures: withCorner() }, [HELPER.token, CAROL.session, ALICE.session], async (m, helper, carol, alice) => {
      await ok(m.url, "GET", `/bots/${HELPER.id}`, asAlice);
      await ok(m.url, "GET", "/bots/@me", asAlice);
      await ok(m.url, "GET", `/bots/${HELPER.id}/invite`, asAlice);
      await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { public: true, analytics: true } });
      await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { interactions_url: "https://x.example/i" } });
      await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { remove: ["InteractionsURL"] } });
      await ok(m.url, "POST", "/bots/create", { ...asAlice, body: { name: "Another" } });
      await quiet(helper, carol, alice);
    });
  });
});

describe("token reset (PATCH remove Token)", () => {
  test("Logout to every session of the bot, each then dropped; the old token gets the Error frame; the new one works", async () => {
    await withSessions({ fixtures: withCorner() }, [HELPER.token, HELPER.token, CAROL.session], async (m, h1, h2, carol) => {
      const r = await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { remove: ["Token"] } });
      assert.notEqual(r.token, HELPER.token);
      for (const h of [h1, h2]) {
        await h.expect('{"type":"Logout"}');
        assert.equal((await h.ended()).code, 1006, "dropped without a Close frame");
        assert.deepEqual(h.frames, []);
      }
      // carol knows the bot: she is not sent Logout (private to the bot), only its going offline
      await carol.expect(userUpdate(HELPER.id, { online: false }));
      await carol.quiet();

      const old = await open(gw(m.wsUrl, { version: 1, format: "json", token: HELPER.token }));
      await old.expect(ERROR_FRAME);
      assert.equal((await old.ended()).code, 1006);

      const fresh = await login(m.wsUrl, r.token);
      assert.match(fresh.ready, new RegExp(`"_id":"${HELPER.id}","username":"HelperBot".*"relationship":"User","online":true\\}\\],`));
      fresh.drop();
    });
  });

  test("a session that authenticated with a frame is logged out too", async () => {
    await withMock({}, async (m) => {
      const h = await loginByFrame(m.wsUrl, HELPER.token);
      await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { remove: ["Token"] } });
      await h.expect('{"type":"Logout"}');
      assert.equal((await h.ended()).code, 1006);
    });
  });
});

describe("delete (DELETE /bots/{id})", () => {
  test("the Deleted User UserUpdate to the bot and to who knows it; the bot's socket stays open", async () => {
    await withSessions({ fixtures: withCorner() }, [HELPER.token, CAROL.session, BOB.session], async (m, helper, carol, bob) => {
      await ok(m.url, "DELETE", `/bots/${HELPER.id}`, asAlice, 204);
      const frame = userUpdate(
        HELPER.id,
        { username: `Deleted User ${HELPER.id}`, discriminator: "0000", relations: [], flags: 2 },
        ["Avatar", "StatusText", "StatusPresence", "ProfileContent", "ProfileBackground", "Internal"],
      );
      await helper.expect(frame);
      await carol.expect(frame);
      await quiet(helper, carol, bob); // no Logout, no leave events; the socket still answers
      assert.equal(helper.closeInfo, undefined);

      const again = await open(gw(m.wsUrl, { version: 1, format: "json", token: HELPER.token }));
      await again.expect(ERROR_FRAME);
      assert.equal((await again.ended()).code, 1006);
    });
  });
});

describe("invite to a server", () => {
  test("ServerMemberJoin to the members' sessions, ServerCreate to the bot; then renames reach it through the server", async () => {
    await withSessions({}, [HELPER.token, PUBLIC.token, ALICE.session, BOB.session, CAROL.session], async (m, helper, pub, alice, bob, carol) => {
      const joined = (bot) =>
        new RegExp(`^\\{"type":"ServerMemberJoin","id":"${SERVER}","user":"${bot}","member":\\{"_id":\\{"server":"${SERVER}","user":"${bot}"\\},"joined_at":"([^"]+)"\\}\\}$`);

      // PublicBot first: afterwards it is a member, subscribed to the server
      await ok(m.url, "POST", `/bots/${PUBLIC.id}/invite`, { ...asAlice, body: { server: SERVER } }, 204);
      for (const c of [alice, bob]) assert.match(await c.text(), joined(PUBLIC.id));
      await checkServerCreate(await pub.text());
      await quiet(helper, pub, alice, bob, carol);

      await ok(m.url, "POST", `/bots/${HELPER.id}/invite`, { ...asAlice, body: { server: SERVER } }, 204);
      for (const c of [alice, bob, pub]) {
        const [, at] = (await c.text()).match(joined(HELPER.id)) ?? assert.fail("ServerMemberJoin expected");
        assert.match(at, ISO);
      }
      await checkServerCreate(await helper.text()); // not ServerMemberJoin first: it was not subscribed yet
      await quiet(helper, pub, alice, bob, carol);

      const r = await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { name: "Renamed" } });
      const frame = userUpdate(HELPER.id, { username: "Renamed", discriminator: r.user.discriminator });
      await helper.expect(frame); // HELPER and SERVER+"u": once
      await pub.expect(frame); // a bot in the same server: SERVER+"u"
      await quiet(helper, pub, alice, bob, carol); // members that are users are not subscribed to SERVER+"u" (§5.3)
    });
  });

  test("ServerCreate lists the channels the bot may view", async () => {
    await withSessions({ fixtures: withOpenServer() }, [HELPER.token, CAROL.session], async (m, helper, carol) => {
      await ok(m.url, "POST", `/bots/${HELPER.id}/invite`, { ...asAlice, body: { server: OPEN_SERVER } }, 204);
      const v = JSON.parse(await helper.text());
      assert.equal(v.type, "ServerCreate");
      assert.equal(v.id, OPEN_SERVER);
      assert.deepEqual(v.server.channels, [OPEN_LOBBY]);
      assert.equal(v.channels.length, 1);
      assertKeys(v.channels[0], ["channel_type", "_id", "server", "name"], TEXT_KEYS, "channel");
      assert.deepEqual([v.channels[0].channel_type, v.channels[0]._id, v.channels[0].server, v.channels[0].name], ["TextChannel", OPEN_LOBBY, OPEN_SERVER, "lobby"]);
      assert.match(await carol.text(), new RegExp(`^\\{"type":"ServerMemberJoin","id":"${OPEN_SERVER}","user":"${HELPER.id}",`));
      await quiet(helper, carol);
    });
  });
});

/** ServerCreate for alice's server as the bundled fixtures have it (spec/events.md §5.2). */
async function checkServerCreate(text) {
  const v = JSON.parse(text);
  assert.equal(text, JSON.stringify(v), "compact JSON");
  assert.deepEqual(Object.keys(v), ["type", "id", "server", "channels", "emojis", "voice_states"]);
  assert.equal(v.type, "ServerCreate");
  assert.equal(v.id, SERVER);
  assertKeys(v.server, ["_id", "owner", "name", "channels", "default_permissions"], SERVER_KEYS, "server");
  assert.deepEqual(
    [v.server._id, v.server.owner, v.server.name, v.server.channels, v.server.default_permissions],
    [SERVER, ALICE.id, "Alice's Server", [GENERAL], 0],
  );
  assert.deepEqual(v.channels, [], "default_permissions 0: a bot that is not the owner views no channel");
  assert.deepEqual(v.emojis, []);
  assert.deepEqual(v.voice_states, []);
}

describe("invite to a group", () => {
  test("ChannelGroupJoin to the recipients, ChannelCreate to the bot; the recipients then follow the bot", async () => {
    await withSessions({}, [HELPER.token, PUBLIC.token, ALICE.session, BOB.session, CAROL.session], async (m, helper, pub, alice, bob, carol) => {
      await ok(m.url, "POST", `/bots/${HELPER.id}/invite`, { ...asAlice, body: { group: GROUP } }, 204);
      for (const c of [alice, bob]) await recipientSees(c, HELPER.id);
      await helper.expect(
        `{"type":"ChannelCreate","channel_type":"Group","_id":"${GROUP}","name":"Friends","owner":"${ALICE.id}","recipients":["${ALICE.id}","${BOB.id}","${HELPER.id}"]}`,
      );
      await quiet(helper, pub, alice, bob, carol); // the bot never gets ChannelGroupJoin for itself

      // the bot is now subscribed to the group: it sees the next one join
      await ok(m.url, "POST", `/bots/${PUBLIC.id}/invite`, { ...asAlice, body: { group: GROUP } }, 204);
      for (const c of [alice, bob, helper]) await recipientSees(c, PUBLIC.id);
      await pub.expect(
        `{"type":"ChannelCreate","channel_type":"Group","_id":"${GROUP}","name":"Friends","owner":"${ALICE.id}","recipients":["${ALICE.id}","${BOB.id}","${HELPER.id}","${PUBLIC.id}"]}`,
      );
      await quiet(helper, pub, alice, bob, carol);

      // alice and bob subscribed to the bot with ChannelGroupJoin; PublicBot's ChannelCreate added only the channel
      const r = await ok(m.url, "PATCH", `/bots/${HELPER.id}`, { ...asAlice, body: { name: "Renamed" } });
      const frame = userUpdate(HELPER.id, { username: "Renamed", discriminator: r.user.discriminator });
      for (const c of [helper, alice, bob]) await c.expect(frame);
      await quiet(helper, pub, alice, bob, carol);
    });
  });
});

/** ChannelGroupJoin for `bot`, then, if the mock sends it, the "user_added" system Message. */
async function recipientSees(c, bot) {
  await c.expect(`{"type":"ChannelGroupJoin","id":"${GROUP}","user":"${bot}"}`);
  const more = await c.drain(150);
  if (more.length === 0) return;
  assert.equal(more.length, 1, `one optional system message at most, got ${more.join(" ")}`);
  const msg = JSON.parse(more[0]);
  assert.equal(msg.type, "Message");
  assert.equal(msg.channel, GROUP);
  assert.equal(msg.author, "00000000000000000000000000");
  assert.deepEqual(msg.system, { type: "user_added", id: bot, by: ALICE.id });
}

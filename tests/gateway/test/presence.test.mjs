// presence.test.mjs: a user's first session puts it online, its last one takes it
// offline (spec/events.md §5.4): a UserUpdate to its servers and its own topic, and
// `online` in every HTTP rendering of it meanwhile. An Invisible user stays offline.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ALICE, BOB, CAROL, HELPER, withCorner, withPresence } from "../lib/fixtures.mjs";
import { ok, withMock } from "../lib/server.mjs";
import { login } from "../lib/socket.mjs";

const presence = (id, online) => `{"type":"UserUpdate","id":"${id}","data":{"online":${online}},"clear":[],"event_id":null}`;

describe("presence", () => {
  test("bob's first session: one online UserUpdate to alice (friend, same servers, same group: one delivery)", async () => {
    await withMock({}, async (m) => {
      const carol = await login(m.wsUrl, CAROL.session);
      const alice = await login(m.wsUrl, ALICE.session);
      await Promise.all([carol.drain(), alice.drain()]);
      const asAlice = { auth: { session: ALICE.session } };
      assert.equal((await ok(m.url, "GET", `/users/${BOB.id}`, asAlice)).online, false);

      const bob = await login(m.wsUrl, BOB.session);
      await alice.expect(presence(BOB.id, true));
      await Promise.all([alice.quiet(), carol.quiet(), bob.quiet()]); // bob is not told about himself
      assert.equal((await ok(m.url, "GET", `/users/${BOB.id}`, asAlice)).online, true);
      assert.equal((await ok(m.url, "GET", "/users/@me", { auth: { session: BOB.session } })).online, true);

      const bob2 = await login(m.wsUrl, BOB.session); // not the first: nothing
      await alice.quiet();
      await bob2.close(); // not the last: nothing
      await alice.quiet();
      assert.equal((await ok(m.url, "GET", `/users/${BOB.id}`, asAlice)).online, true);

      await bob.close();
      await alice.expect(presence(BOB.id, false));
      assert.equal((await ok(m.url, "GET", `/users/${BOB.id}`, asAlice)).online, false);
      await Promise.all([alice.quiet(), carol.quiet()]);
      await alice.close();
      await carol.close();
    });
  });

  test("a bot: online while connected (HTTP too), offline when its connection is simply cut", async () => {
    await withMock({ fixtures: withCorner() }, async (m) => {
      const carol = await login(m.wsUrl, CAROL.session); // her group has the bot: she follows it
      const asCarol = { auth: { session: CAROL.session } };
      assert.equal((await ok(m.url, "GET", `/users/${HELPER.id}`, asCarol)).online, false);
      const helper = await login(m.wsUrl, HELPER.token);
      await carol.expect(presence(HELPER.id, true));
      assert.equal((await ok(m.url, "GET", `/users/${HELPER.id}`, asCarol)).online, true);
      const owned = await ok(m.url, "GET", "/bots/@me", { auth: { session: ALICE.session } });
      assert.equal(owned.users.find((u) => u._id === HELPER.id).online, true, "GET /bots/@me renders it online too");
      assert.equal((await ok(m.url, "GET", "/users/@me", { auth: { bot: HELPER.token } })).online, true);

      helper.drop(); // no Close frame: the server notices the end of the TCP connection
      await carol.expect(presence(HELPER.id, false));
      assert.equal((await ok(m.url, "GET", `/users/${HELPER.id}`, asCarol)).online, false);
      await carol.quiet();
      await carol.close();
    });
  });

  test("an Invisible user: no online UserUpdate, offline over HTTP, offline in its own Ready", async () => {
    await withMock({ fixtures: withPresence(BOB.id, "Invisible") }, async (m) => {
      const alice = await login(m.wsUrl, ALICE.session);
      await alice.drain();
      const bob = await login(m.wsUrl, BOB.session);
      const users = JSON.parse(bob.ready).users;
      assert.equal(users.at(-1)._id, BOB.id);
      assert.equal(users.at(-1).online, false, "into_self(true) keeps an invisible user offline");
      await alice.quiet();
      const seen = await ok(m.url, "GET", `/users/${BOB.id}`, { auth: { session: ALICE.session } });
      assert.equal(seen.online, false);
      assert.equal(seen.status, undefined, "an Invisible presence is not shown");
      await bob.close();
      await alice.quiet();
      await alice.close();
    });
  });

  test("a Busy user is online like anyone", async () => {
    await withMock({ fixtures: withPresence(BOB.id, "Busy") }, async (m) => {
      const alice = await login(m.wsUrl, ALICE.session);
      await alice.drain();
      const bob = await login(m.wsUrl, BOB.session);
      await alice.expect(presence(BOB.id, true));
      const seen = await ok(m.url, "GET", `/users/${BOB.id}`, { auth: { session: ALICE.session } });
      assert.equal(seen.online, true);
      assert.deepEqual(seen.status, { presence: "Busy" });
      await bob.close();
      await alice.expect(presence(BOB.id, false));
      await alice.close();
    });
  });
});

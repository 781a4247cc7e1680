// users.test.mjs: GET /users/{id} permission and rendering rules, through stoat.js's
// UserCollection.fetch and the raw API client. REAL (main 99b3ea14):
// permissions/src/impl.rs calculate_user_permissions, database/src/util/permissions.rs,
// util/bridge/v0.rs User::into. The target "tess" has a status; who may see it depends
// on the ViewProfile permission, who may see her at all on Access.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { ALICE, HELPER, LOC, SERVER_ID, assertError, botClient, rejection, userClient } from "../lib/setup.mjs";
import { defaultFixtures, pastUlid, user } from "../lib/fixtures.mjs";
import { startServer } from "../lib/server.mjs";

const id = () => pastUlid(200 * 24 * 3600 * 1000);
const TESS = { id: id(), session: "tess-session" };
const STATUS = { text: "on holiday", presence: "Busy" };

// caller name -> [relations entry for tess, where they meet tess, expected]
const CASES = [
  ["stranger", null, null, { status: 403 }],
  ["friend", "Friend", null, { relationship: "Friend", status: true }],
  ["blocked", "Blocked", null, { relationship: "Blocked", status: false }],
  ["blockedother", "BlockedOther", null, { relationship: "BlockedOther", status: false }],
  ["incoming", "Incoming", null, { relationship: "Incoming", status: false }],
  ["outgoing", "Outgoing", null, { relationship: "Outgoing", status: false }],
  ["servermate", null, "server", { relationship: "None", status: true }],
  ["groupmate", null, "group", { relationship: "None", status: true }],
  ["incoming-servermate", "Incoming", "server", { relationship: "Incoming", status: true }],
  // Blocked returns Access at once, before the mutual-connection check
  ["blocked-servermate", "Blocked", "server", { relationship: "Blocked", status: false }],
  ["privileged", null, null, { relationship: "None", status: true, privileged: true }],
];

const callers = Object.fromEntries(CASES.map(([name]) => [name, { id: id(), session: `${name}-session` }]));

function fixtures() {
  const f = defaultFixtures();
  f.users.push(user(TESS.id, "tess", "0100", TESS.session, { status: STATUS }));
  let d = 101;
  for (const [name, rel, , want] of CASES) {
    const extra = {};
    if (rel) extra.relations = [{ _id: TESS.id, status: rel }];
    if (want.privileged) extra.privileged = true;
    f.users.push(user(callers[name].id, name.replace(/-/g, "_"), String(d++).padStart(4, "0"), callers[name].session, extra));
  }
  const meet = (where) => CASES.filter(([, , w]) => w === where).map(([name]) => callers[name].id);
  f.servers.push({ _id: id(), owner: TESS.id, name: "Tess's", members: [TESS.id, ...meet("server")] });
  f.channels.push({ _id: id(), channel_type: "Group", name: "tess+", owner: TESS.id, recipients: [TESS.id, ...meet("group")] });
  return f;
}

let srv, url;
before(async () => {
  srv = await startServer({ fixtures: fixtures() });
  url = srv.url;
});
after(async () => srv.stop());

describe("GET /users/{id}: Access and ViewProfile", () => {
  for (const [name, , , want] of CASES) {
    test(`${name}: ${want.status === 403 ? "403 MissingPermission Access" : `relationship ${want.relationship}, status ${want.status ? "shown" : "hidden"}`}`, async () => {
      const client = userClient(url, callers[name]);
      if (want.status === 403) {
        const err = await rejection(client.users.fetch(TESS.id));
        assertError(err, "MissingPermission", LOC.missingUserPermission, { permission: "Access" });
        return;
      }
      const tess = await client.users.fetch(TESS.id);
      assert.equal(tess.username, "tess");
      assert.equal(tess.relationship, want.relationship);
      const raw = await client.api.get(`/users/${TESS.id}`);
      const expected = { _id: TESS.id, username: "tess", discriminator: "0100" };
      if (want.status) expected.status = STATUS;
      assert.deepEqual(raw, { ...expected, relationship: want.relationship, online: false });
    });
  }
});

describe("GET /users/{id} of a bot user", () => {
  test("its owner, sharing nothing with it: 403 (owning a bot grants no Access)", async () => {
    const err = await rejection(userClient(url, ALICE).users.fetch(HELPER.id));
    assertError(err, "MissingPermission", LOC.missingUserPermission, { permission: "Access" });
  });

  test("its owner once it shares a server: 200, relationship None", async () => {
    const alice = userClient(url, ALICE);
    await alice.api.post(`/bots/${HELPER.id}/invite`, { server: SERVER_ID });
    const raw = await alice.api.get(`/users/${HELPER.id}`);
    assert.deepEqual(raw, {
      _id: HELPER.id,
      username: "HelperBot",
      discriminator: "4821",
      bot: { owner: ALICE.id },
      relationship: "None",
      online: false,
    });
  });

  test("a bot fetching a user it shares nothing with: 403; its own id: itself", async () => {
    const bot = botClient(url, "NMbXN5m6oSicF4b_haI17oKhuGIWdcYVXXB8gbFvXi0oIg1A9vIjHqEqmsNrnZH1");
    const err = await rejection(bot.users.fetch(TESS.id));
    assertError(err, "MissingPermission", LOC.missingUserPermission, { permission: "Access" });
    const self = await bot.api.get("/users/01J0H4PVB1CB0T000000000BBB");
    assert.equal(self.relationship, "User");
  });
});

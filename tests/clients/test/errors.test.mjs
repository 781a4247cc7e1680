// errors.test.mjs: every refusal of the bots routes as a bot developer meets it with
// stoat.js: stoat-api rejects with the body text, which here is parsed and compared
// whole (type, extra fields, location). Framework answers (422 for a body of the wrong
// shape) come as Rocket's HTML page, since stoat.js sends Accept: */*.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import {
  ALICE,
  BOB,
  BOB_SERVER_ID,
  CAROL,
  GROUP_ID,
  HELPER,
  LOC,
  PUBLIC,
  SERVER_ID,
  TEXT_CHANNEL_ID,
  anonymousClient,
  assertError,
  botClient,
  rejection,
  userClient,
} from "../lib/setup.mjs";
import { crowd, defaultFixtures, discriminatorSpace, pastUlid, user } from "../lib/fixtures.mjs";
import { startServer } from "../lib/server.mjs";

const NO_SUCH_BOT = "01J0H3HPB0T5T0KEN00000ZZZZ";
const NO_SUCH_SERVER = "01J1SERVER000000000000ZZZZ";

let srv, url;
beforeEach(async () => {
  srv = await startServer();
  url = srv.url;
});
afterEach(async () => srv.stop());

/** Replaces the per-test server with one on other fixtures. */
async function restartWith(fixtures) {
  await srv.stop();
  srv = await startServer({ fixtures });
  url = srv.url;
}

function assertCatcherPage(err, code, reason) {
  assert.equal(err.json, undefined);
  assert.match(err.raw, new RegExp(`<title>${code} ${reason}</title>`));
}

describe("POST /bots/create", () => {
  test("FailedValidation: too short, and not a username", async () => {
    const client = userClient(url, CAROL);
    let err = await rejection(client.bots.createBot("a"));
    assert.equal(err.json.type, "FailedValidation");
    assert.equal(err.json.location, LOC.createValidation);
    assert.match(err.json.error, /^name: Validation error: length \[/);
    err = await rejection(client.bots.createBot("bot bot"));
    assert.match(err.json.error, /^name: Validation error: regex \[/);
    err = await rejection(client.bots.createBot("x".repeat(33)));
    assert.match(err.json.error, /^name: Validation error: length \[/);
    assert.deepEqual(await client.api.get("/bots/@me"), { bots: [], users: [] }, "nothing created");
  });

  test("IsBot: a bot cannot create bots", async () => {
    const err = await rejection(botClient(url, HELPER.token).bots.createBot("Child"));
    assertError(err, "IsBot", LOC.createIsBot);
  });

  test("ReachedMaximumBots: 5 for an established owner", async () => {
    const client = userClient(url, ALICE); // owns 2
    for (const n of ["Three", "Four", "Five"]) await client.bots.createBot(n);
    const err = await rejection(client.bots.createBot("Six"));
    assertError(err, "ReachedMaximumBots", LOC.createMaxBots);
    assert.equal((await client.bots.fetchOwned()).length, 5);
  });

  test("ReachedMaximumBots: 2 for an owner whose ULID is under 72 h old, 5 just after", async () => {
    const f = defaultFixtures();
    const fresh = { id: pastUlid(3600 * 1000), session: "fresh-session" };
    const older = { id: pastUlid(73 * 3600 * 1000), session: "older-session" };
    f.users.push(user(fresh.id, "fresh", "0042", fresh.session), user(older.id, "older", "0043", older.session));
    await restartWith(f);
    const a = userClient(url, fresh);
    await a.bots.createBot("New1");
    await a.bots.createBot("New2");
    assertError(await rejection(a.bots.createBot("New3")), "ReachedMaximumBots", LOC.createMaxBots);
    const b = userClient(url, older);
    for (const n of ["O1", "O2", "O3", "O4", "O5"]) await b.bots.createBot(n);
    assertError(await rejection(b.bots.createBot("O6")), "ReachedMaximumBots", LOC.createMaxBots);
  });

  test("ReachedMaximumBots: an account made now with the control API (POST /_mock/users) is new: 2", async () => {
    const res = await fetch(`${url}/_mock/users`, { method: "POST", body: JSON.stringify({ username: "newcomer" }) });
    assert.equal(res.status, 200);
    const { user: u, token } = await res.json();
    const owner = userClient(url, { id: u._id, session: token, sessionId: u._id });
    await owner.bots.createBot("First");
    await owner.bots.createBot("Second");
    assertError(await rejection(owner.bots.createBot("Third")), "ReachedMaximumBots", LOC.createMaxBots);
  });

  test("InvalidUsername: a blocked name or pattern", async () => {
    const client = userClient(url, CAROL);
    for (const name of ["admin", "Stoat", "REVOLT", "mydiscord.ggbot", "stoat.chat", "rvlt.gg"]) {
      const err = await rejection(client.bots.createBot(name));
      assertError(err, "InvalidUsername", LOC.usernameBlocked);
    }
    assert.equal((await client.api.post("/bots/create", { name: "admin_" })).user.username, "admin_");
  });

  test("UsernameTaken: every discriminator of the name is in use", async () => {
    const f = defaultFixtures();
    f.users.push(...crowd("Crowded"));
    await restartWith(f);
    const err = await rejection(userClient(url, CAROL).bots.createBot("crowded"));
    assertError(err, "UsernameTaken", LOC.usernameTaken);
  });

  test("401 without a valid session; 422 page for a body without name", async () => {
    assertError(await rejection(anonymousClient(url).bots.createBot("X1")), "InvalidSession", LOC.invalidSession);
    assertCatcherPage(await rejection(userClient(url, CAROL).api.post("/bots/create", {})), 422, "Unprocessable Entity");
    assertCatcherPage(await rejection(userClient(url, CAROL).api.post("/bots/create", { name: 7 })), 422, "Unprocessable Entity");
  });
});

describe("GET /bots/{id}", () => {
  test("IsBot for a bot token, checked before the lookup", async () => {
    const bot = botClient(url, HELPER.token);
    assertError(await rejection(bot.bots.fetch(HELPER.id)), "IsBot", LOC.fetchIsBot);
    assertError(await rejection(bot.bots.fetch(NO_SUCH_BOT)), "IsBot", LOC.fetchIsBot);
  });

  test("NotFound: no such bot, and someone else's bot (different locations)", async () => {
    assertError(await rejection(userClient(url, ALICE).bots.fetch(NO_SUCH_BOT)), "NotFound", LOC.botNotFound);
    assertError(await rejection(userClient(url, BOB).bots.fetch(HELPER.id)), "NotFound", LOC.fetchNotOwner);
  });

  test("401 without a session", async () => {
    assertError(await rejection(anonymousClient(url).bots.fetch(HELPER.id)), "InvalidSession", LOC.invalidSession);
  });
});

describe("GET /bots/{id}/invite", () => {
  test("NotFound: no such bot", async () => {
    assertError(await rejection(anonymousClient(url).bots.fetchPublic(NO_SUCH_BOT)), "NotFound", LOC.botNotFound);
  });

  test("NotFound: a private bot for anyone but its owner (anonymous, another user, a bot)", async () => {
    for (const client of [anonymousClient(url), userClient(url, BOB), botClient(url, HELPER.token)]) {
      const err = await rejection(client.bots.fetchPublic(HELPER.id));
      assertError(err, "NotFound", LOC.publicNotFound);
    }
  });
});

describe("POST /bots/{id}/invite", () => {
  const invite = (client, id, body) => client.api.post(`/bots/${id}/invite`, body);

  test("IsBot: a bot cannot invite", async () => {
    assertError(await rejection(invite(botClient(url, PUBLIC.token), PUBLIC.id, { server: SERVER_ID })), "IsBot", LOC.inviteIsBot);
  });

  test("NotFound: no such bot", async () => {
    assertError(await rejection(invite(userClient(url, ALICE), NO_SUCH_BOT, { server: SERVER_ID })), "NotFound", LOC.botNotFound);
  });

  test("BotIsPrivate: someone else's private bot (403, not 404)", async () => {
    assertError(await rejection(invite(userClient(url, BOB), HELPER.id, { server: BOB_SERVER_ID })), "BotIsPrivate", LOC.invitePrivate);
  });

  test("NotFound: no such server, no such group", async () => {
    const alice = userClient(url, ALICE);
    assertError(await rejection(invite(alice, HELPER.id, { server: NO_SUCH_SERVER })), "NotFound", LOC.serverNotFound);
    assertError(await rejection(invite(alice, HELPER.id, { group: NO_SUCH_SERVER })), "NotFound", LOC.channelNotFound);
  });

  test("MissingPermission ManageServer: a non-member, and a member without the permission", async () => {
    for (const who of [CAROL, BOB]) {
      const err = await rejection(invite(userClient(url, who), PUBLIC.id, { server: SERVER_ID }));
      assertError(err, "MissingPermission", LOC.missingPermission, { permission: "ManageServer" });
    }
  });

  test("a member granted ManageServer by the fixture may invite (Alice in Bob's server)", async () => {
    assert.equal(await invite(userClient(url, ALICE), HELPER.id, { server: BOB_SERVER_ID }), null);
  });

  test("Banned: the bot is banned from the server", async () => {
    const f = defaultFixtures();
    f.servers[0].bans = [PUBLIC.id];
    await restartWith(f);
    assertError(await rejection(invite(userClient(url, ALICE), PUBLIC.id, { server: SERVER_ID })), "Banned", LOC.banned);
  });

  test("AlreadyInServer", async () => {
    const alice = userClient(url, ALICE);
    await invite(alice, PUBLIC.id, { server: SERVER_ID });
    assertError(await rejection(invite(alice, PUBLIC.id, { server: SERVER_ID })), "AlreadyInServer", LOC.alreadyInServer);
  });

  test("MissingPermission InviteOthers: not a recipient of the group", async () => {
    const err = await rejection(invite(userClient(url, CAROL), PUBLIC.id, { group: GROUP_ID }));
    assertError(err, "MissingPermission", LOC.missingPermission, { permission: "InviteOthers" });
  });

  test("MissingPermission InviteOthers: a recipient of a group whose permissions leave it out", async () => {
    const f = defaultFixtures();
    f.channels[0].permissions = 0;
    await restartWith(f);
    const err = await rejection(invite(userClient(url, BOB), PUBLIC.id, { group: GROUP_ID }));
    assertError(err, "MissingPermission", LOC.missingPermission, { permission: "InviteOthers" });
    // the owner keeps every permission
    assert.equal(await invite(userClient(url, ALICE), PUBLIC.id, { group: GROUP_ID }), null);
  });

  test("a recipient with the default group permissions may invite", async () => {
    assert.equal(await invite(userClient(url, BOB), PUBLIC.id, { group: GROUP_ID }), null);
  });

  test("InvalidOperation: a server text channel is not a group", async () => {
    assertError(await rejection(invite(userClient(url, ALICE), HELPER.id, { group: TEXT_CHANNEL_ID })), "InvalidOperation", LOC.invalidOperation);
  });

  test("MissingPermission InviteOthers on a text channel of a server one is not in", async () => {
    const err = await rejection(invite(userClient(url, CAROL), PUBLIC.id, { group: TEXT_CHANNEL_ID }));
    assertError(err, "MissingPermission", LOC.missingPermission, { permission: "InviteOthers" });
  });

  test("AlreadyInGroup", async () => {
    const alice = userClient(url, ALICE);
    await invite(alice, HELPER.id, { group: GROUP_ID });
    assertError(await rejection(invite(alice, HELPER.id, { group: GROUP_ID })), "AlreadyInGroup", LOC.alreadyInGroup);
  });

  test("GroupTooLarge: a group of 100", async () => {
    const f = defaultFixtures();
    const extra = discriminatorSpace()
      .slice(0, 98)
      .map((d) => ({ _id: pastUlid(100 * 24 * 3600 * 1000), username: "member", discriminator: d }));
    f.users.push(...extra);
    f.channels[0].recipients.push(...extra.map((u) => u._id));
    await restartWith(f);
    const err = await rejection(invite(userClient(url, ALICE), HELPER.id, { group: GROUP_ID }));
    assertError(err, "GroupTooLarge", LOC.groupTooLarge, { max: 100 });
  });

  test("422 page: a body that is neither {server} nor {group}; 401 without a session", async () => {
    const alice = userClient(url, ALICE);
    assertCatcherPage(await rejection(invite(alice, HELPER.id, {})), 422, "Unprocessable Entity");
    assertCatcherPage(await rejection(invite(alice, HELPER.id, { server: 1 })), 422, "Unprocessable Entity");
    assertError(await rejection(invite(anonymousClient(url), HELPER.id, { server: SERVER_ID })), "InvalidSession", LOC.invalidSession);
  });
});

describe("PATCH /bots/{id} (the client's view; the exhaustive rows are in tests/http)", () => {
  const edit = (client, id, body) => client.api.patch(`/bots/${id}`, body);

  test("FailedValidation before the lookup: bad name, empty interactions_url", async () => {
    let err = await rejection(edit(userClient(url, BOB), NO_SUCH_BOT, { name: "a" }));
    assert.equal(err.json.type, "FailedValidation");
    assert.equal(err.json.location, LOC.editValidation);
    err = await rejection(edit(userClient(url, ALICE), HELPER.id, { interactions_url: "" }));
    assert.match(err.json.error, /^interactions_url: Validation error: length \[/);
  });

  test("NotFound: no such bot, someone else's, and any bot caller", async () => {
    assertError(await rejection(edit(userClient(url, ALICE), NO_SUCH_BOT, { public: true })), "NotFound", LOC.botNotFound);
    assertError(await rejection(edit(userClient(url, BOB), HELPER.id, { public: true })), "NotFound", LOC.editNotOwner);
    assertError(await rejection(edit(botClient(url, HELPER.token), HELPER.id, { public: true })), "NotFound", LOC.editNotOwner);
  });

  test("InvalidUsername and UsernameTaken on rename", async () => {
    const f = defaultFixtures();
    f.users.push(...crowd("Crowded"));
    await restartWith(f);
    const alice = userClient(url, ALICE);
    assertError(await rejection(edit(alice, HELPER.id, { name: "admin" })), "InvalidUsername", LOC.usernameBlocked);
    assertError(await rejection(edit(alice, HELPER.id, { name: "Crowded" })), "UsernameTaken", LOC.usernameTaken);
    assert.equal((await alice.api.get(`/bots/${HELPER.id}`)).user.username, "HelperBot", "unchanged");
  });

  test("DiscriminatorChangeRatelimited: a second forced discriminator change within 24 h", async () => {
    // "Busy" has every discriminator but 0500 taken, including HelperBot's 4821: the
    // first rename must change it (to 0500); "Full" then has 0500 taken too.
    const f = defaultFixtures();
    const crowdOf = (name, keep) =>
      discriminatorSpace()
        .filter((d) => d !== keep)
        .map((d) => ({ _id: pastUlid(300 * 24 * 3600 * 1000), username: name, discriminator: d }));
    f.users.push(...crowdOf("Busy", "0500"), ...crowdOf("Full", "0600"));
    await restartWith(f);
    const alice = userClient(url, ALICE);
    const first = await edit(alice, HELPER.id, { name: "Busy" });
    assert.equal(first.user.discriminator, "0500");
    const err = await rejection(edit(alice, HELPER.id, { name: "Full" }));
    assertError(err, "DiscriminatorChangeRatelimited", LOC.discriminatorRatelimit);
  });

  test("DatabaseError: setting and removing interactions_url at once (the real server's 500)", async () => {
    const err = await rejection(edit(userClient(url, ALICE), HELPER.id, { interactions_url: "https://x", remove: ["InteractionsURL"] }));
    assertError(err, "DatabaseError", LOC.botUpdateConflict, { operation: "update_one_by_id", collection: "bots" });
  });

  test("422 page: an unknown remove value", async () => {
    assertCatcherPage(await rejection(edit(userClient(url, ALICE), HELPER.id, { remove: ["token"] })), 422, "Unprocessable Entity");
  });
});

describe("DELETE /bots/{id}", () => {
  test("NotFound: no such bot, someone else's, and a bot caller; nothing deleted", async () => {
    assertError(await rejection(userClient(url, ALICE).api.delete(`/bots/${NO_SUCH_BOT}`)), "NotFound", LOC.botNotFound);
    assertError(await rejection(userClient(url, BOB).api.delete(`/bots/${HELPER.id}`)), "NotFound", LOC.deleteNotOwner);
    assertError(await rejection(botClient(url, HELPER.token).api.delete(`/bots/${HELPER.id}`)), "NotFound", LOC.deleteNotOwner);
    assert.equal((await userClient(url, ALICE).bots.fetchOwned()).length, 2);
  });

  test("401 without a session", async () => {
    assertError(await rejection(anonymousClient(url).api.delete(`/bots/${HELPER.id}`)), "InvalidSession", LOC.invalidSession);
  });
});

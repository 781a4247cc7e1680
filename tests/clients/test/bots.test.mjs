// bots.test.mjs: a bot developer's session with stoat.js against stoat-mock: create a
// bot, list and fetch it, edit every field, reset its token, look at it as the public
// does, add it to a server and a group, delete it. Each test has a fresh server with
// the bundled fixtures (Alice owns HelperBot, private, and PublicBot, public).
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import {
  ALICE,
  BOB,
  CAROL,
  GROUP_ID,
  HELPER,
  LOC,
  PUBLIC,
  SERVER_ID,
  anonymousClient,
  assertError,
  botClient,
  rejection,
  settled,
  userClient,
} from "../lib/setup.mjs";
import { startServer } from "../lib/server.mjs";

const TOKEN_RE = /^[A-Za-z0-9_-]{64}$/;
const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let srv, url;
beforeEach(async () => {
  srv = await startServer();
  url = srv.url;
});
afterEach(async () => srv.stop());

describe("create (BotCollection.createBot)", () => {
  test("returns a Bot with a ULID id, a 64-char token, private, owned by the caller", async () => {
    const client = userClient(url, CAROL);
    const before = Date.now();
    const bot = await client.bots.createBot("CarolBot");
    assert.match(bot.id, ULID_RE);
    assert.ok(Math.abs(bot.createdAt.getTime() - before) < 60_000, "createdAt decodes the ULID's time");
    assert.match(bot.token, TOKEN_RE);
    assert.equal(bot.ownerId, CAROL.id);
    assert.equal(bot.public, false);
    assert.equal(bot.analytics, undefined); // omitted when false
    assert.equal(bot.interactionsUrl, undefined);
    assert.equal(bot.flags, undefined);
    assert.equal(client.bots.get(bot.id), bot, "cached in the collection");
  });

  test("the raw response: bot keys then the bot's user as self", async () => {
    const res = await userClient(url, CAROL).api.post("/bots/create", { name: "CarolBot" });
    assert.deepEqual(Object.keys(res), ["_id", "owner", "token", "public", "user"]);
    assert.equal(res.user._id, res._id);
    assert.equal(res.user.username, "CarolBot");
    assert.match(res.user.discriminator, /^\d{4}$/);
    assert.ok(!["0000", "0001", "9999", "1234", "1111"].includes(res.user.discriminator));
    assert.deepEqual(res.user.bot, { owner: CAROL.id });
    assert.equal(res.user.relationship, "User");
    assert.equal(res.user.online, false);
  });

  test("the new bot's token works at once (X-Bot-Token)", async () => {
    const bot = await userClient(url, CAROL).bots.createBot("CarolBot");
    const me = await botClient(url, bot.token).api.get("/users/@me");
    assert.equal(me._id, bot.id);
    assert.equal(me.username, "CarolBot");
  });

  test("a name is sanitised like the real server (decancer): full-width letters", async () => {
    const res = await userClient(url, CAROL).api.post("/bots/create", { name: "Ｈｅｌｐｅｒ" });
    assert.equal(res.user.username, "helper");
  });

  test("two bots of one name get different discriminators", async () => {
    const client = userClient(url, CAROL);
    const a = await client.api.post("/bots/create", { name: "Twin" });
    const b = await client.api.post("/bots/create", { name: "twin" });
    assert.notEqual(a.user.discriminator, b.user.discriminator);
  });
});

describe("list (BotCollection.fetchOwned)", () => {
  test("the owner's bots, with their users filed in the user collection", async () => {
    const client = userClient(url, ALICE);
    const bots = await client.bots.fetchOwned();
    assert.deepEqual(bots.map((b) => b.id), [HELPER.id, PUBLIC.id]);
    assert.equal(bots[0].user.username, "HelperBot");
    assert.equal(bots[1].user.username, "PublicBot");
    assert.equal(bots[1].public, true);
    assert.equal(bots[1].analytics, true);
    assert.equal(bots[1].interactionsUrl, "https://public.example/interactions");
    assert.equal(client.users.get(HELPER.id).discriminator, "4821");
  });

  test("both lists sorted by id, users as self", async () => {
    const client = userClient(url, ALICE);
    await client.bots.createBot("Third");
    await client.bots.createBot("Fourth");
    const res = await client.api.get("/bots/@me");
    const ids = res.bots.map((b) => b._id);
    assert.deepEqual(ids, [...ids].sort());
    assert.deepEqual(res.users.map((u) => u._id), ids);
    assert.ok(res.users.every((u) => u.relationship === "User"));
  });

  test("someone with no bots, and a bot caller: empty lists", async () => {
    assert.deepEqual(await userClient(url, CAROL).api.get("/bots/@me"), { bots: [], users: [] });
    assert.deepEqual(await botClient(url, HELPER.token).bots.fetchOwned(), []);
  });
});

describe("fetch (BotCollection.fetch)", () => {
  test("a fresh client fetches an owned bot and its user", async () => {
    const client = userClient(url, ALICE);
    const bot = await client.bots.fetch(HELPER.id);
    assert.equal(bot.id, HELPER.id);
    assert.equal(bot.token, HELPER.token);
    assert.equal(bot.public, false);
    assert.equal(bot.user.username, "HelperBot");
    // GET /bots/{id} renders the user with no perspective
    const raw = await client.api.get(`/bots/${HELPER.id}`);
    assert.deepEqual(Object.keys(raw), ["bot", "user"]);
    assert.equal(raw.user.relationship, "None");
    assert.equal(raw.bot.oauth2.secret, HELPER.secret);
  });
});

describe("edit (Bot.edit), each field", () => {
  async function fresh(id) {
    return (await userClient(url, ALICE).api.get(`/bots/${id}`)).bot;
  }

  test("name renames the bot user and keeps the discriminator on a case change", async () => {
    const bot = await userClient(url, ALICE).bots.fetch(HELPER.id);
    await bot.edit({ name: "helperbot" });
    const after = await userClient(url, ALICE).bots.fetch(HELPER.id);
    assert.equal(after.user.username, "helperbot");
    assert.equal(after.user.discriminator, "4821");
    await bot.edit({ name: "Renamed" });
    const renamed = await userClient(url, ALICE).api.get(`/bots/${HELPER.id}`);
    assert.equal(renamed.user.username, "Renamed");
  });

  test("public true then false", async () => {
    const bot = await userClient(url, ALICE).bots.fetch(HELPER.id);
    await bot.edit({ public: true });
    assert.equal((await fresh(HELPER.id)).public, true);
    await bot.edit({ public: false });
    assert.equal((await fresh(HELPER.id)).public, false);
  });

  test("analytics true, then false makes the key disappear", async () => {
    const bot = await userClient(url, ALICE).bots.fetch(HELPER.id);
    await bot.edit({ analytics: true });
    assert.equal((await fresh(HELPER.id)).analytics, true);
    await bot.edit({ analytics: false });
    assert.equal("analytics" in (await fresh(HELPER.id)), false);
  });

  test("interactions_url set, then removed with remove: InteractionsURL", async () => {
    const bot = await userClient(url, ALICE).bots.fetch(HELPER.id);
    await bot.edit({ interactions_url: "https://helper.example/hook" });
    assert.equal((await fresh(HELPER.id)).interactions_url, "https://helper.example/hook");
    await bot.edit({ remove: ["InteractionsURL"] });
    assert.equal("interactions_url" in (await fresh(HELPER.id)), false);
  });

  test("the PATCH answer is the edited bot plus its user as self", async () => {
    const res = await userClient(url, ALICE).api.patch(`/bots/${PUBLIC.id}`, { public: false, analytics: false });
    assert.equal(res.public, false);
    assert.equal("analytics" in res, false);
    assert.equal(res.user.relationship, "User");
    assert.equal(res.interactions_url, "https://public.example/interactions");
  });

  test("token reset: the new token is returned, works, and the old one is refused", async () => {
    const client = userClient(url, ALICE);
    const res = await client.api.patch(`/bots/${HELPER.id}`, { remove: ["Token"] });
    assert.match(res.token, TOKEN_RE);
    assert.notEqual(res.token, HELPER.token);
    assert.equal((await fresh(HELPER.id)).token, res.token);
    assert.equal((await botClient(url, res.token).api.get("/users/@me"))._id, HELPER.id);
    const err = await rejection(botClient(url, HELPER.token).api.get("/users/@me"));
    assertError(err, "InvalidSession", LOC.invalidSession);
  });

  test("an empty edit answers the bot unchanged", async () => {
    const res = await userClient(url, ALICE).api.patch(`/bots/${HELPER.id}`, {});
    assert.equal(res.token, HELPER.token);
    assert.equal(res.user.username, "HelperBot");
  });
});

describe("public view (BotCollection.fetchPublic)", () => {
  test("anyone, even without a session, sees a public bot: id, username, description", async () => {
    const pb = await anonymousClient(url).bots.fetchPublic(PUBLIC.id);
    assert.equal(pb.id, PUBLIC.id);
    assert.equal(pb.username, "PublicBot");
    assert.equal(pb.description, "A public bot anyone can invite.");
    assert.equal(pb.avatar, undefined);
    const raw = await anonymousClient(url).api.get(`/bots/${PUBLIC.id}/invite`);
    assert.deepEqual(raw, { _id: PUBLIC.id, username: "PublicBot", description: "A public bot anyone can invite." });
  });

  test("the owner sees their private bot; never a token or secret", async () => {
    const raw = await userClient(url, ALICE).api.get(`/bots/${HELPER.id}/invite`);
    assert.deepEqual(raw, { _id: HELPER.id, username: "HelperBot" });
  });

  test("an invalid token is just anonymous here (never 401)", async () => {
    const raw = await botClient(url, "not-a-token").api.get(`/bots/${PUBLIC.id}/invite`);
    assert.equal(raw._id, PUBLIC.id);
  });
});

describe("invite (PublicBot.addToServer / addToGroup)", () => {
  test("addToServer: the bot becomes a member (stored: a second invite is AlreadyInServer)", async () => {
    const client = userClient(url, ALICE);
    const pb = await client.bots.fetchPublic(HELPER.id);
    const ret = pb.addToServer(SERVER_ID); // stoat.js returns nothing: the request is fire-and-forget
    assert.equal(ret, undefined);
    await settled();
    const err = await rejection(client.api.post(`/bots/${HELPER.id}/invite`, { server: SERVER_ID }));
    assertError(err, "AlreadyInServer", LOC.alreadyInServer);
  });

  test("the raw answer is 204, which stoat-api returns as null", async () => {
    const res = await userClient(url, ALICE).api.post(`/bots/${PUBLIC.id}/invite`, { server: SERVER_ID });
    assert.equal(res, null);
  });

  test("addToGroup: the bot becomes a recipient (a second invite is AlreadyInGroup)", async () => {
    const client = userClient(url, ALICE);
    (await client.bots.fetchPublic(HELPER.id)).addToGroup(GROUP_ID);
    await settled();
    const err = await rejection(client.api.post(`/bots/${HELPER.id}/invite`, { group: GROUP_ID }));
    assertError(err, "AlreadyInGroup", LOC.alreadyInGroup);
  });

  test("after joining, the bot shares the server: a member can now fetch its user", async () => {
    const bob = userClient(url, BOB);
    await rejection(bob.users.fetch(HELPER.id)); // no mutual connection yet
    await userClient(url, ALICE).api.post(`/bots/${HELPER.id}/invite`, { server: SERVER_ID });
    const user = await userClient(url, BOB).users.fetch(HELPER.id);
    assert.equal(user.username, "HelperBot");
    assert.equal(user.relationship, "None");
  });

  test("anyone may invite a public bot to a server they manage", async () => {
    const res = await userClient(url, BOB).api.post(`/bots/${PUBLIC.id}/invite`, { server: "01J1SERVER0000000000000002" });
    assert.equal(res, null);
  });
  // Not tested: an error from addToServer/addToGroup. stoat.js 7.3.4 does not return
  // their promise, so a refusal surfaces only as an unhandled rejection (the test
  // runner fails on it); bot developers who need the answer call
  // client.api.post(`/bots/${id}/invite`, {...}), as the error tests do.
});

describe("delete (Bot.delete)", () => {
  test("removes the bot everywhere; its token stops working; its user stays as Deleted User", async () => {
    const client = userClient(url, ALICE);
    await client.api.post(`/bots/${HELPER.id}/invite`, { server: SERVER_ID });
    const [helper] = await client.bots.fetchOwned();
    await helper.delete();
    assert.equal(client.bots.get(HELPER.id), undefined, "dropped from the collection");
    assert.deepEqual((await userClient(url, ALICE).bots.fetchOwned()).map((b) => b.id), [PUBLIC.id]);
    const gone = await rejection(userClient(url, ALICE).bots.fetch(HELPER.id));
    assertError(gone, "NotFound", LOC.botNotFound);
    const err = await rejection(botClient(url, HELPER.token).api.get("/users/@me"));
    assertError(err, "InvalidSession", LOC.invalidSession);
    // the user record stays, renamed, and so does its server membership (bots-api.md §7):
    // Bob, who shares the server, still sees it
    const user = await userClient(url, BOB).api.get(`/users/${HELPER.id}`);
    assert.deepEqual(user, {
      _id: HELPER.id,
      username: `Deleted User ${HELPER.id}`,
      discriminator: "0000",
      flags: 2,
      bot: { owner: ALICE.id },
      relationship: "None",
      online: false,
    });
  });

  test("the raw answer is 204, returned as null; deleting frees a slot", async () => {
    const client = userClient(url, ALICE);
    for (const n of ["B3", "B4", "B5"]) await client.bots.createBot(n);
    await rejection(client.bots.createBot("B6"));
    assert.equal(await client.api.delete(`/bots/${HELPER.id}`), null);
    const again = await client.bots.createBot("B6");
    assert.match(again.id, ULID_RE);
  });
});

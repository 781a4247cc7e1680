// bootstrap.test.mjs: what every client does first: GET / (the node configuration)
// and "who am I" (GET /users/@me), then GET /users/{id}. Uses the suite's shared
// server from run.sh where there is one: nothing here changes state.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  ALICE,
  API,
  BOB,
  CAROL,
  File,
  HELPER,
  LOC,
  PUBLIC,
  anonymousClient,
  assertError,
  botClient,
  rejection,
  userClient,
} from "../lib/setup.mjs";
import { sharedServerUrl, startServer } from "../lib/server.mjs";

let url, own;
before(async () => {
  url = sharedServerUrl();
  if (!url) {
    own = await startServer();
    url = own.url;
  }
});
after(async () => own?.stop());

describe("GET / through stoat-api", () => {
  test("the configuration stoat.js reads before loginBot points back at the mock", async () => {
    const config = await new API({ baseURL: url }).get("/");
    assert.equal(config.revolt, "0.15.1");
    // loginBot opens new URL(config.ws): it must be absolute and on this server
    const ws = new URL(config.ws);
    const base = new URL(url);
    assert.equal(ws.protocol, "ws:");
    assert.equal(ws.host, base.host);
    assert.equal(config.app.replace(/\/$/, ""), url);
    // services stoat-mock does not serve: disabled, as on a real instance without them
    // (docs/fidelity.md#root-services)
    assert.deepEqual(config.features.autumn, { enabled: false, url: "" });
    assert.deepEqual(config.features.january, { enabled: false, url: "" });
    assert.equal(config.features.captcha.enabled, false);
    assert.deepEqual(config.features.livekit, { enabled: false, nodes: [] });
    assert.equal(config.features.limits.default.bots, 5);
    assert.equal(config.features.limits.new_user.bots, 2);
    for (const k of ["commit_sha", "commit_timestamp", "semver", "origin_url", "timestamp"])
      assert.equal(typeof config.build[k], "string", k);
  });

  test("stoat.js reads enabled: no proxy URL, no file URL on a server that has neither", async () => {
    const config = await new API({ baseURL: url }).get("/");
    const client = anonymousClient(url);
    client.configuration = config;
    // january disabled: the original URL, not one on a proxy that would answer 404
    assert.equal(client.proxyFile("https://example.com/a.png"), "https://example.com/a.png");
    // autumn disabled: no URL for a file (an avatar is then not shown, rather than broken)
    const file = new File(client, { _id: "f1", tag: "avatars", filename: "a.png", metadata: { type: "Image", width: 1, height: 1 }, content_type: "image/png", size: 1 });
    assert.equal(file.createFileURL(), undefined);
    // uploadFile ignores enabled and uses url: "" fails at once, before any request
    await assert.rejects(client.uploadFile("attachments", new Blob(["x"])), /Failed to parse URL from \/attachments/);
  });

  test("the same configuration under /0.8, the public deployment's prefix", async () => {
    const a = await new API({ baseURL: url }).get("/");
    const b = await new API({ baseURL: `${url}/0.8` }).get("/");
    assert.deepEqual(b, a);
  });
});

describe("GET /users/@me", () => {
  test("a user session: the user as self, relationship User", async () => {
    const client = userClient(url, ALICE);
    const me = await client.api.get("/users/@me");
    assert.deepEqual(me, {
      _id: ALICE.id,
      username: "alice",
      discriminator: "0001",
      display_name: "Alice",
      relations: [{ _id: BOB.id, status: "Friend" }],
      relationship: "User",
      online: false,
    });
    // stoat.js hydrates it like any user
    const user = client.users.getOrCreate(me._id, me);
    assert.equal(user.username, "alice");
    assert.equal(user.displayName, "Alice");
    assert.equal(user.relationship, "User");
    assert.equal(user.online, false);
  });

  test("a bot token: the bot's own user, with bot.owner", async () => {
    const bot = botClient(url, HELPER.token);
    const me = await bot.api.get("/users/@me");
    assert.deepEqual(me, {
      _id: HELPER.id,
      username: "HelperBot",
      discriminator: "4821",
      bot: { owner: ALICE.id },
      relationship: "User",
      online: false,
    });
  });

  test("an unknown session: 401 InvalidSession, which stoat-api rejects with as text", async () => {
    const client = userClient(url, { ...ALICE, session: "no-such-session" });
    const err = await rejection(client.api.get("/users/@me"));
    assertError(err, "InvalidSession", LOC.invalidSession);
  });

  test("an unknown bot token beside nothing else: 401", async () => {
    const err = await rejection(botClient(url, "x".repeat(64)).api.get("/users/@me"));
    assertError(err, "InvalidSession", LOC.invalidSession);
  });

  test("no token at all: 401", async () => {
    const err = await rejection(anonymousClient(url).api.get("/users/@me"));
    assertError(err, "InvalidSession", LOC.invalidSession);
  });
});

describe("GET /users/{id} through UserCollection.fetch", () => {
  test("a friend: relationship Friend, no relations list", async () => {
    const client = userClient(url, ALICE);
    const bob = await client.users.fetch(BOB.id);
    assert.equal(bob.username, "bob");
    assert.equal(bob.discriminator, "0002");
    assert.equal(bob.relationship, "Friend");
    const raw = await client.api.get(`/users/${BOB.id}`);
    assert.deepEqual(raw, { _id: BOB.id, username: "bob", discriminator: "0002", relationship: "Friend", online: false });
  });

  test("oneself by id: rendered as self", async () => {
    const raw = await userClient(url, ALICE).api.get(`/users/${ALICE.id}`);
    assert.equal(raw.relationship, "User");
    assert.deepEqual(raw.relations, [{ _id: BOB.id, status: "Friend" }]);
  });

  test("a stranger with no shared server or group: 403 MissingPermission Access", async () => {
    const client = userClient(url, CAROL);
    const err = await rejection(client.users.fetch(ALICE.id));
    assertError(err, "MissingPermission", LOC.missingUserPermission, { permission: "Access" });
  });

  test("a bot user, fetched by a stranger: 403 (being a bot grants nothing)", async () => {
    const err = await rejection(userClient(url, CAROL).users.fetch(PUBLIC.id));
    assertError(err, "MissingPermission", LOC.missingUserPermission, { permission: "Access" });
  });

  test("an unknown id: 404 NotFound", async () => {
    const err = await rejection(userClient(url, ALICE).users.fetch("01HZZZZZZZZZZZZZZZZZZZZZZZ"));
    assertError(err, "NotFound", LOC.userNotFound);
  });

  test("no session: 401", async () => {
    const err = await rejection(anonymousClient(url).api.get(`/users/${ALICE.id}`));
    assertError(err, "InvalidSession", LOC.invalidSession);
  });
});

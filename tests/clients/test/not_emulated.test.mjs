// not_emulated.test.mjs: a route of the real API that stoat-mock does not emulate, as a
// bot developer meets it through stoat.js: the call fails with 501
// {"type":"NotEmulated","route":...,"location":"stoat-mock"} naming the route, whatever
// the token and in both --auth-errors modes, instead of Rocket's 404 page that stoat.js
// would report like a bug of its own (issue 18). conformance.mjs checks each such answer
// against the document: the operation must exist there and not be an emulated one.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  ALICE,
  GROUP_ID,
  HELPER,
  SERVER_ID,
  TEXT_CHANNEL_ID,
  anonymousClient,
  botClient,
  rejection,
  userClient,
} from "../lib/setup.mjs";
import { sharedServerUrl, startServer } from "../lib/server.mjs";

let url, own, rocket;
before(async () => {
  url = sharedServerUrl();
  if (!url) {
    own = await startServer();
    url = own.url;
  }
  rocket = await startServer({ args: ["--auth-errors", "rocket"] });
});
after(async () => {
  await own?.stop();
  await rocket?.stop();
});

const notEmulated = (route) => ({ type: "NotEmulated", route, location: "stoat-mock" });

describe("routes stoat-mock does not emulate", () => {
  test("a bot sends a message: 501 naming POST /channels/{target}/messages", async () => {
    const bot = botClient(url, HELPER.token);
    const err = await rejection(bot.api.post(`/channels/${TEXT_CHANNEL_ID}/messages`, { content: "hello" }));
    assert.deepEqual(err.json, notEmulated("POST /channels/{target}/messages"));
  });

  test("stoat.js's own collections: channels.fetch and servers.fetch", async () => {
    const client = userClient(url, ALICE);
    assert.deepEqual((await rejection(client.channels.fetch(GROUP_ID))).json, notEmulated("GET /channels/{target}"));
    assert.deepEqual((await rejection(client.servers.fetch(SERVER_ID))).json, notEmulated("GET /servers/{target}"));
  });

  test("the same answer without a token, and with --auth-errors rocket", async () => {
    for (const base of [url, rocket.url]) {
      const err = await rejection(anonymousClient(base).api.get(`/servers/${SERVER_ID}/members`));
      assert.deepEqual(err.json, notEmulated("GET /servers/{target}/members"));
    }
  });

  test("the route as Rocket ranks it: GET /users/dms is not GET /users/{target}", async () => {
    const err = await rejection(userClient(url, ALICE).api.get("/users/dms"));
    assert.deepEqual(err.json, notEmulated("GET /users/dms"));
  });

  test("a path the real server does not have is still Rocket's 404 page", async () => {
    const res = await fetch(`${url}/channels`, { headers: { accept: "application/json" } });
    assert.equal(res.status, 404);
    assert.equal(JSON.parse(await res.text()).error.code, 404);
  });
});

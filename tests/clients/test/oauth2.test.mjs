// oauth2.test.mjs: bot OAuth2 settings (branch feat/oauth2), as a developer sends them
// through stoat.js. stoat.js 7.3.4 knows nothing of oauth2: Bot.edit() passes unknown
// keys on in the body, and its hydration drops `oauth2` ("Skipping key oauth2"), so the
// settings are read back with the raw API client. Every answer's `oauth2` object is
// checked against the branch's BotOauth2 shape by the conformance wrapper
// (lib/schemas.mjs OAUTH2_SCHEMA: all four keys, secret a 64-char nanoid or null for a
// public client, scopes from the five OAuth2Scope names, {allow, deny} reasons).
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import { ALICE, HELPER, LOC, PUBLIC, rejection, userClient } from "../lib/setup.mjs";
import { startServer } from "../lib/server.mjs";

let srv, url;
beforeEach(async () => {
  srv = await startServer();
  url = srv.url;
});
afterEach(async () => srv.stop());

const read = async (id) => (await userClient(url, ALICE).api.get(`/bots/${id}`)).bot.oauth2;

describe("PATCH /bots/{id} with oauth2", () => {
  test("{oauth2:{}} on a bot without settings makes a confidential client with a secret", async () => {
    const bot = await userClient(url, ALICE).bots.fetch(PUBLIC.id);
    assert.equal(await read(PUBLIC.id), undefined);
    await bot.edit({ oauth2: {} });
    const o = await read(PUBLIC.id);
    assert.equal(o.public, false);
    assert.match(o.secret, /^[A-Za-z0-9_-]{64}$/);
    assert.deepEqual(o.redirects, []);
    assert.deepEqual(o.allowed_scopes, {});
  });

  test("public drops the secret; back to confidential makes a new one", async () => {
    const alice = userClient(url, ALICE);
    let res = await alice.api.patch(`/bots/${HELPER.id}`, { oauth2: { public: true } });
    assert.equal(res.oauth2.secret, null);
    res = await alice.api.patch(`/bots/${HELPER.id}`, { oauth2: { public: false } });
    assert.match(res.oauth2.secret, /^[A-Za-z0-9_-]{64}$/);
    assert.notEqual(res.oauth2.secret, HELPER.secret);
  });

  test("redirects and allowed_scopes are replaced wholesale", async () => {
    const scopes = { full: { allow: "Everything", deny: "Nothing" }, events: { allow: "e", deny: "" } };
    const res = await userClient(url, ALICE).api.patch(`/bots/${HELPER.id}`, {
      oauth2: { redirects: ["https://a/cb", "https://b/cb"], allowed_scopes: scopes },
    });
    assert.deepEqual(res.oauth2.redirects, ["https://a/cb", "https://b/cb"]);
    assert.deepEqual(res.oauth2.allowed_scopes, scopes);
    assert.equal(res.oauth2.secret, HELPER.secret, "confidential stays confidential with its secret");
  });

  test("remove Oauth2 drops the settings", async () => {
    const res = await userClient(url, ALICE).api.patch(`/bots/${HELPER.id}`, { remove: ["Oauth2"] });
    assert.equal("oauth2" in res, false);
    assert.equal(await read(HELPER.id), undefined);
  });

  test("remove Oauth2Secret: a new secret in the answer, the stored one unchanged (as the branch does)", async () => {
    const res = await userClient(url, ALICE).api.patch(`/bots/${HELPER.id}`, { remove: ["Oauth2Secret"] });
    assert.match(res.oauth2.secret, /^[A-Za-z0-9_-]{64}$/);
    assert.notEqual(res.oauth2.secret, HELPER.secret);
    assert.equal((await read(HELPER.id)).secret, HELPER.secret);
  });

  test("the public view never shows oauth2", async () => {
    const raw = await userClient(url, ALICE).api.get(`/bots/${HELPER.id}/invite`);
    assert.deepEqual(Object.keys(raw), ["_id", "username"]);
  });

  test("errors: empty redirects (400 FailedValidation), an unknown scope (422 page)", async () => {
    const alice = userClient(url, ALICE);
    const err = await rejection(alice.api.patch(`/bots/${HELPER.id}`, { oauth2: { redirects: [] } }));
    assert.equal(err.json.type, "FailedValidation");
    assert.equal(err.json.location, LOC.editValidation);
    assert.match(err.json.error, /^oauth2\.redirects: Validation error: length \[/);
    const page = await rejection(alice.api.patch(`/bots/${HELPER.id}`, { oauth2: { allowed_scopes: { "write:all": { allow: "", deny: "" } } } }));
    assert.match(page.raw, /<title>422 Unprocessable Entity<\/title>/);
    assert.deepEqual((await read(HELPER.id)).redirects, ["https://helper.example/callback"], "unchanged");
  });
});

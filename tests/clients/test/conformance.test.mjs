// conformance.test.mjs: the checker itself. A check that passes everything proves
// nothing, so here checkResponse() is fed answers that are wrong in the ways a mock
// goes wrong, and each must be refused; and real-server-shaped answers must pass.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ConformanceError, checkResponse, operationFor } from "../lib/conformance.mjs";

const B = "http://127.0.0.1:1";
const ID = "01J0H3HPB0T5T0KEN000000AAA";
const OWNER = "01HZ5W2X8A1B3C4D5E6F7G8H9J";
const TOKEN = "DhM47aI5p29RP6s9Q5dq5M4q3fzPgdBlbmJa65oZQCVUIAtlt8AZFTy7dPjFhYP3";
const USER = { _id: ID, username: "HelperBot", discriminator: "4821", bot: { owner: OWNER }, relationship: "None", online: false };
const BOT = { _id: ID, owner: OWNER, token: TOKEN, public: false };
const OAUTH2 = { public: false, secret: TOKEN, redirects: ["https://x/cb"], allowed_scopes: { "read:identify": { allow: "a", deny: "d" } } };

const ok = (method, path, status, body, type = "application/json") =>
  checkResponse(method, B + path, status, type, typeof body === "string" ? body : JSON.stringify(body));
const bad = (method, path, status, body, re, type) =>
  assert.throws(() => ok(method, path, status, body, type), (e) => e instanceof ConformanceError && (!re || re.test(e.message)));

describe("route resolution", () => {
  test("static segments win, /0.8 is stripped, unknown paths have no operation", () => {
    assert.equal(operationFor("GET", "/bots/@me").template, "/bots/@me");
    assert.equal(operationFor("GET", "/bots/X").template, "/bots/{bot}");
    assert.equal(operationFor("PATCH", "/0.8/bots/X").template, "/bots/{target}");
    assert.equal(operationFor("GET", "/users/@me").template, "/users/@me");
    assert.equal(operationFor("POST", "/bots/X"), null);
  });
});

describe("accepted: shapes the real server sends", () => {
  test("Bot, with and without oauth2 (public client: secret null)", () => {
    ok("GET", `/bots/${ID}`, 200, { bot: BOT, user: USER });
    ok("GET", `/bots/${ID}`, 200, { bot: { ...BOT, oauth2: OAUTH2 }, user: USER });
    ok("PATCH", `/bots/${ID}`, 200, { ...BOT, oauth2: { ...OAUTH2, public: true, secret: null }, user: { ...USER, relationship: "User" } });
  });
  test("errors with location; a user with pronouns (main only)", () => {
    ok("GET", `/bots/${ID}`, 404, { type: "NotFound", location: "x.rs:1:1" });
    ok("GET", `/users/${ID}`, 200, { ...USER, pronouns: "they/them" });
  });
  test("204 without a body; catcher pages", () => {
    ok("DELETE", `/bots/${ID}`, 204, "", null);
    ok("GET", "/bots", 404, JSON.stringify({ error: { code: 404, reason: "Not Found", description: "The requested resource could not be found." } }, null, 2));
  });
});

describe("refused: what a mock gets wrong", () => {
  test("a Bot without public, or with public:null", () => {
    const { public: _, ...noPublic } = BOT;
    bad("GET", `/bots/${ID}`, 200, { bot: noPublic, user: USER }, /public/);
    bad("GET", `/bots/${ID}`, 200, { bot: { ...BOT, public: null }, user: USER });
  });
  test("a User without relationship or online, or with an unknown relationship", () => {
    const { relationship: _, ...u } = USER;
    bad("GET", "/users/@me", 200, u, /relationship/);
    bad("GET", "/users/@me", 200, { ...USER, relationship: "Stranger" });
    const { online: __, ...v } = USER;
    bad("GET", "/users/@me", 200, v, /online/);
  });
  test("a PublicBot that leaks the token (only the closed reading sees it)", () => {
    bad("GET", `/bots/${ID}/invite`, 200, { _id: ID, username: "HelperBot", token: TOKEN }, /strict-keys.*additional/s);
  });
  test("oauth2 of the wrong shape: missing secret, a confidential client without one, unknown scope, extra key", () => {
    const { secret: _, ...noSecret } = OAUTH2;
    bad("GET", `/bots/${ID}`, 200, { bot: { ...BOT, oauth2: noSecret }, user: USER });
    bad("GET", `/bots/${ID}`, 200, { bot: { ...BOT, oauth2: { ...OAUTH2, secret: null } }, user: USER });
    bad("GET", `/bots/${ID}`, 200, { bot: { ...BOT, oauth2: { ...OAUTH2, allowed_scopes: { "write:all": { allow: "", deny: "" } } } }, user: USER });
    bad("GET", `/bots/${ID}`, 200, { bot: { ...BOT, oauth2: { ...OAUTH2, client_id: ID } }, user: USER });
    bad("GET", `/bots/${ID}`, 200, { bot: { ...BOT, oauth2: { ...OAUTH2, secret: "short" } }, user: USER });
  });
  test("an error type the document does not know, or without its fields", () => {
    bad("GET", `/bots/${ID}`, 404, { type: "BotNotFound", location: "x" });
    bad("POST", "/bots/create", 400, { type: "FailedValidation", location: "x" }, /error/);
    bad("POST", `/bots/${ID}/invite`, 403, { type: "MissingPermission", location: "x" }, /permission/);
  });
  test("a 201 for create, a body on a 204, an empty 200", () => {
    bad("POST", "/bots/create", 201, { ...BOT, user: USER }, /not documented/);
    bad("DELETE", `/bots/${ID}`, 204, "{}", /204 with a body/);
    bad("GET", "/bots/@me", 200, "", /empty body/);
  });
  test("JSON with a wrong Content-Type; a catcher page with the wrong text or code", () => {
    bad("GET", "/bots/@me", 200, { bots: [], users: [] }, /Content-Type/, "text/plain");
    bad("GET", "/bots", 404, JSON.stringify({ error: { code: 404, reason: "Not Found", description: "nope" } }));
    bad("GET", "/bots", 404, JSON.stringify({ error: { code: 400, reason: "Not Found", description: "The requested resource could not be found." } }));
    bad("GET", "/bots", 404, "<html>404</html>", /catcher page/, "text/html; charset=utf-8");
  });
  test("GET / without the features the document requires", () => {
    bad("GET", "/", 200, { revolt: "0.15.1", ws: "ws://x", app: "http://x", vapid: "", build: {} });
  });
});

describe("a violation cannot be swallowed", () => {
  test("a test that catches a nonconforming answer still fails (afterEach in lib/setup.mjs)", async () => {
    const { spawnSync } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const file = fileURLToPath(new URL("./fixtures/swallowed-violation.mjs", import.meta.url));
    const env = { ...process.env };
    delete env.STOAT_CONFORMANCE_DIR; // not part of this run's tally
    delete env.NODE_TEST_CONTEXT; // a test runner of its own, not a child of this one
    const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", file], { encoding: "utf8", env });
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stdout + r.stderr, /did not conform to the OpenAPI document/);
    assert.match(r.stdout + r.stderr, /must have required property 'public'/);
  });
});

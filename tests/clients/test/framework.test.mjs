// framework.test.mjs: the answers that do not come from a handler - Rocket's default
// catcher pages (400, 401 with --auth-errors rocket, 404, 413, 422) in both forms, and
// the rate limiter's 429. They are not in the OpenAPI document (errors.md §7); the
// conformance check (lib/conformance.mjs) matches them against Rocket 0.5.1's page
// template and catcher JSON instead. Requests go out with plain fetch() here, because
// stoat-api cannot send a malformed body or choose the Accept header.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { ALICE, HELPER, LOC, botClient, rejection, assertError } from "../lib/setup.mjs";
import { startServer } from "../lib/server.mjs";

const JSON_ACCEPT = { accept: "application/json" };
const AS_ALICE = { "x-session-token": ALICE.session };

let srv, url;
before(async () => {
  srv = await startServer();
  url = srv.url;
});
after(async () => srv.stop());

async function call(method, path, { headers = {}, body } = {}) {
  const res = await fetch(url + path, { method, headers, body });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

function catcherJson(code, reason, description) {
  return JSON.stringify({ error: { code, reason, description } }, null, 2);
}

describe("Rocket catcher pages", () => {
  test("400 for a body that is not JSON: HTML for Accept */*, JSON for application/json", async () => {
    const html = await call("POST", "/bots/create", { headers: AS_ALICE, body: "{name:" });
    assert.equal(html.status, 400);
    assert.equal(html.type, "text/html; charset=utf-8");
    assert.match(html.text, /<h1>400: Bad Request<\/h1>/);
    const json = await call("POST", "/bots/create", { headers: { ...AS_ALICE, ...JSON_ACCEPT }, body: "{name:" });
    assert.equal(json.status, 400);
    assert.equal(json.type, "application/json");
    assert.equal(json.text, catcherJson(400, "Bad Request", "The request could not be understood by the server due to malformed syntax."));
  });

  test("422 for JSON of the wrong shape", async () => {
    const r = await call("PATCH", `/bots/${HELPER.id}`, { headers: { ...AS_ALICE, ...JSON_ACCEPT }, body: '{"public":"yes"}' });
    assert.equal(r.status, 422);
    assert.equal(JSON.parse(r.text).error.reason, "Unprocessable Entity");
  });

  test("404 for an unknown route or method (Rocket has no 405)", async () => {
    for (const [m, p] of [["GET", "/bots"], ["PUT", `/bots/${HELPER.id}`], ["POST", `/bots/${HELPER.id}`], ["GET", "/nothing/here"]]) {
      const r = await call(m, p, { headers: JSON_ACCEPT });
      assert.equal(r.status, 404, `${m} ${p}`);
      assert.equal(JSON.parse(r.text).error.code, 404);
    }
    const html = await call("GET", "/bots");
    assert.match(html.text, /<title>404 Not Found<\/title>/);
  });

  test("413 for a JSON body over 1 MiB", async () => {
    const body = JSON.stringify({ name: "x".repeat(1024 * 1024) });
    const r = await call("POST", "/bots/create", { headers: { ...AS_ALICE, ...JSON_ACCEPT }, body });
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.text).error.reason, "Payload Too Large");
  });

  test("a body with any Content-Type is parsed as JSON (stoat-api sends text/plain)", async () => {
    const r = await call("PATCH", `/bots/${HELPER.id}`, {
      headers: { ...AS_ALICE, "content-type": "text/plain;charset=UTF-8" },
      body: "{}",
    });
    assert.equal(r.status, 200);
  });

  test("HEAD on a GET route: the status without a body", async () => {
    const r = await call("HEAD", "/bots/@me", { headers: AS_ALICE });
    assert.equal(r.status, 200);
    assert.equal(r.text, "");
  });

  test("DELETE /bots/@me treats @me as an id: family-A NotFound", async () => {
    const err = await rejection(botClient(url, HELPER.token).api.delete("/bots/@me"));
    assertError(err, "NotFound", LOC.botNotFound);
  });
});

describe("--auth-errors rocket: the deployed server's 401 page", () => {
  let rocket;
  before(async () => {
    rocket = await startServer({ args: ["--auth-errors", "rocket"] });
  });
  after(async () => rocket.stop());

  test("HTML for stoat.js (Accept */*), which rejects with the page text", async () => {
    const err = await rejection(botClient(rocket.url, "nope").api.get("/bots/@me"));
    assert.match(err.raw, /<title>401 Unauthorized<\/title>/);
  });

  test("Rocket's JSON for Accept: application/json", async () => {
    const res = await fetch(`${rocket.url}/bots/@me`, { headers: JSON_ACCEPT });
    assert.equal(res.status, 401);
    assert.equal(await res.text(), catcherJson(401, "Unauthorized", "The request requires user authentication."));
  });
});

describe("--rate-limits: the rate limiter's 429", () => {
  let limited;
  before(async () => {
    limited = await startServer({ args: ["--rate-limits"] });
  });
  after(async () => limited.stop());

  test("the 11th bots request within 10 s is a 429 {retry_after}", async (t) => {
    const first = await fetch(`${limited.url}/bots/@me`, { headers: AS_ALICE });
    if (!first.headers.get("x-ratelimit-limit")) {
      t.skip("this build has no rate limiter yet");
      return;
    }
    assert.equal(first.headers.get("x-ratelimit-limit"), "10");
    let last;
    for (let i = 0; i < 10; i++) last = await fetch(`${limited.url}/bots/@me`, { headers: AS_ALICE });
    assert.equal(last.status, 429);
    const body = await last.json();
    assert.deepEqual(Object.keys(body), ["retry_after"]);
    assert.ok(body.retry_after > 0 && body.retry_after <= 10000);
  });
});

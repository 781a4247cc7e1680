// answers.test.mjs: every route of the control API driven through fetch(), each answer
// checked against docs/control-openapi.json as it arrives (lib/checked.mjs): successes
// and the errors a test suite meets (a bad body, an unknown key, an unknown id, an
// unknown query parameter), a journal with every kind of entry, and the routes of the
// events WebSocket when the server has them.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import "../lib/checked.mjs";
import { ControlViolation, makeChecker } from "../lib/control.mjs";
import { startServer } from "../../clients/lib/server.mjs";

const ALICE = "alice-session";
const HELPER = "01J0H3HPB0T5T0KEN000000AAA";

let srv, url;
before(async () => {
  srv = await startServer({ args: ["--seed", "3"] });
  url = srv.url;
});
after(async () => srv?.stop());
beforeEach(async () => {
  assert.equal((await fetch(`${url}/_mock/reset`, { method: "POST" })).status, 204);
});

async function call(method, path, body, headers = {}) {
  const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  const json = text && res.headers.get("content-type") === "application/json" ? JSON.parse(text) : undefined;
  return { status: res.status, text, json };
}

describe("the control API's answers", () => {
  test("health, reset, the document", async () => {
    assert.equal((await call("GET", "/_mock/health")).json.status, "ok");
    assert.equal((await call("POST", "/0.8/_mock/reset")).status, 204);
    assert.equal((await call("GET", "/_mock/openapi.json")).json.openapi, "3.1.0");
  });

  test("state: export, import of the export, import refusals", async () => {
    const state = await call("GET", "/_mock/state");
    assert.equal(state.status, 200);
    assert.ok(state.json.users.length > 0 && state.json.servers.length > 0);
    assert.equal((await call("PUT", "/_mock/state", state.text)).status, 204);
    for (const bad of ["[]", "{", '{"bots":[{"_id":"x","publc":true}]}', '{"people":[]}'])
      assert.equal((await call("PUT", "/_mock/state", bad)).status, 400, bad);
    const typo = await call("PUT", "/_mock/state", { users: [{ _id: "01HZ5W2X8A1B3C4D5E6F7G8H9J", username: "a", discriminator: "0001", display_nmae: "A" }] });
    assert.equal(typo.json.error, "$.users[0].display_nmae: unknown key");
  });

  test("users: a new account, refusals", async () => {
    const made = await call("POST", "/_mock/users", { username: "dave" });
    assert.equal(made.status, 200);
    assert.equal(made.json.user.username, "dave");
    for (const bad of [{ username: "a" }, { name: "dave" }, "nope", { username: "bad name!" }])
      assert.equal((await call("POST", "/_mock/users", bad)).status, 400, JSON.stringify(bad));
  });

  test("faults: add each kind, list them, remove them, refusals", async () => {
    const ids = [];
    for (const f of [
      { method: "PATCH", path: "/bots/*", error: { type: "DatabaseError", operation: "update_one", collection: "bots" } },
      { path: "/users/*", error: { type: "MissingPermission", permission: "Access" }, times: null },
      { path: "/bots/@me", delay_ms: 5, token: ALICE, times: 3 },
      { method: "DELETE", path: "/bots/*", drop: true, times: 0 },
    ]) {
      const r = await call("POST", "/_mock/faults", f);
      assert.equal(r.status, 200, r.text);
      ids.push(r.json.id);
    }
    const list = await call("GET", "/_mock/faults");
    assert.equal(list.json.faults.length, 4);
    for (const bad of [{ paht: "/x", drop: true }, { path: "/x" }, { error: { type: "Nope" } }, { drop: true, delay_ms: 5 }])
      assert.equal((await call("POST", "/_mock/faults", bad)).status, 400, JSON.stringify(bad));
    assert.equal((await call("DELETE", `/_mock/faults/${ids[0]}`)).status, 204);
    assert.equal((await call("DELETE", `/_mock/faults/${ids[0]}`)).status, 404);
    assert.equal((await call("DELETE", "/_mock/faults")).status, 204);
    assert.deepEqual((await call("GET", "/_mock/faults")).json, { faults: [] });
  });

  test("the journal: every kind of entry, its filters, a refusal", async () => {
    await call("POST", "/_mock/faults", { path: "/bots/@me", delay_ms: 2 });
    await call("POST", "/_mock/faults", { method: "PATCH", path: "/bots/*", error: { type: "NotFound" } });
    await call("GET", "/bots/@me", undefined, { "x-session-token": ALICE }); // fault, delay
    await call("PATCH", `/bots/${HELPER}?x=1`, { name: "x" }, { "x-session-token": ALICE }); // fault, error
    await call("POST", "/bots/create", "x".repeat(5000), { "x-bot-token": "nope" }); // body truncated
    await call("POST", "/channels/x/messages", { content: "hi" }, { "x-oauth2-token": "t" }); // not emulated
    await call("GET", "/nope"); // no route
    const all = await call("GET", "/_mock/requests");
    assert.equal(all.json.requests.length, 5);
    assert.equal((await call("GET", "/_mock/requests?method=patch&path=/bots/*")).json.requests.length, 1);
    for (const [route, n] of [["bots.edit", 1], ["not_emulated", 1], ["unmatched", 1], ["gateway", 0]]) {
      assert.equal((await call("GET", `/_mock/requests?route=${route}`)).json.requests.length, n, route);
      assert.deepEqual((await call("GET", `/_mock/requests/count?route=${route}`)).json, { count: n }, route);
    }
    assert.deepEqual((await call("GET", "/_mock/requests/count")).json, { count: 5 });
    assert.equal((await call("GET", "/_mock/requests?route=x")).status, 400);
    assert.equal((await call("GET", "/_mock/requests/count?status=200")).status, 400);
    assert.equal((await call("DELETE", "/_mock/requests")).status, 204);
  });

  test("the dashboard: its page, its files, its snapshot", async () => {
    const page = await fetch(`${url}/_mock`, { redirect: "manual" });
    assert.equal(page.status, 307);
    assert.equal(page.headers.get("location"), "_mock/");
    assert.match((await call("GET", "/_mock/")).text, /<!DOCTYPE html>/i);
    assert.equal((await call("GET", "/_mock/ui/app.js")).status, 200);
    assert.equal((await call("GET", "/_mock/ui/nope.js")).status, 404);
    await call("GET", "/bots/@me", undefined, { "x-session-token": ALICE });
    const snap = await call("GET", "/_mock/ui/snapshot?after=0");
    assert.equal(snap.json.requests[0].headers["x-session-token"], "[redacted]");
    assert.equal((await call("GET", "/_mock/ui/snapshot?after=x")).status, 400);
    // the change stream: its first event, then the reader goes away
    const stop = new AbortController();
    const stream = await fetch(`${url}/_mock/ui/changes`, { signal: stop.signal });
    assert.equal(stream.status, 200);
    const reader = stream.body.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /event: change\ndata: \d+/);
    stop.abort();
    await reader.closed.catch(() => {});
  });

  test("a change from another web site: 403 CrossOriginRefused on every route that changes something", async () => {
    const evil = { origin: "https://evil.example" };
    for (const [m, p, body] of [["POST", "/_mock/reset"], ["PUT", "/_mock/state", "{}"], ["POST", "/_mock/users", '{"username":"eve"}'],
      ["POST", "/_mock/faults", '{"drop":true}'], ["DELETE", "/_mock/faults"], ["DELETE", "/_mock/faults/fault-1"], ["DELETE", "/_mock/requests"],
      ["DELETE", "/_mock/sessions"], ["POST", "/_mock/sessions/ws-1/close", '{"drop":true}'], ["POST", "/_mock/events", '{"event":{},"all":true}']]) {
      const r = await call(m, p, body, evil);
      assert.equal(r.status, 403, `${m} ${p}`);
      assert.equal(r.json.type, "CrossOriginRefused");
    }
  });

  test("an unknown /_mock path: Rocket's 404 page, not the control API", async () => {
    assert.equal((await call("GET", "/_mock/nope")).status, 404);
  });

  test("the events WebSocket's sessions: list, push, close, end all; gateway faults", async () => {
    const list = await call("GET", "/_mock/sessions");
    assert.deepEqual(list.json, { sessions: [] });
    assert.equal((await call("POST", "/_mock/sessions/ws-999/close", { code: 1000, reason: "bye" })).status, 404);
    assert.equal((await call("POST", "/_mock/sessions/ws-999/close", { code: 1005 })).status, 400);
    assert.equal((await call("POST", "/_mock/events", { event: { type: "Pong", data: 0 }, all: true })).json.sessions, 0);
    assert.equal((await call("POST", "/_mock/events", { event: {}, user: "01HZ5W2X8A1B3C4D5E6F7G8H9J" })).json.sessions, 0);
    assert.equal((await call("POST", "/_mock/events", { event: {} })).status, 400);
    assert.equal((await call("DELETE", "/_mock/sessions")).status, 204);
    for (const f of [{ gateway: "delay_ready", ms: 10 }, { gateway: "withhold_pong", user: "x", times: 0 }, { gateway: "drop_after", frames: 2 }])
      assert.equal((await call("POST", "/_mock/faults", f)).status, 200, JSON.stringify(f));
    assert.equal((await call("GET", "/_mock/faults")).json.faults.length, 3);
    assert.equal((await call("POST", "/_mock/faults", { gateway: "nope" })).status, 400);
  });
});

describe("the checker itself", () => {
  const { check } = makeChecker(Ajv2020, addFormats);
  const ok = (...a) => check(...a);
  const bad = (...a) => assert.throws(() => check(...a), ControlViolation);

  test("refuses what the document does not say", () => {
    ok("GET", "/_mock/health", 200, "application/json", '{"status":"ok","version":"0.1.0","uptime_ms":1}');
    bad("GET", "/_mock/health", 200, "application/json", '{"status":"ok","version":"0.1.0"}'); // uptime_ms missing
    bad("GET", "/_mock/health", 200, "application/json", '{"status":"ok","version":"0.1.0","uptime_ms":1,"x":1}');
    bad("GET", "/_mock/health", 500, "application/json", '{"type":"InternalError","location":"x"}'); // not documented
    bad("POST", "/_mock/reset", 204, null, "x"); // a body on a 204
    bad("DELETE", "/_mock/faults/fault-1", 404, "application/json", '{"type":"NotFound"}'); // no location
    bad("PATCH", "/_mock/state", 204, null, ""); // no such operation
    ok("GET", "/0.8/_mock/faults", 200, "application/json; charset=utf-8", '{"faults":[]}');
    ok("GET", "/_mock/nope", 404, "text/html; charset=utf-8", "<!DOCTYPE html>");
  });
});

// dashboard.test.mjs: the /_mock/ dashboard in Debian's chromium (headless), against a
// stoat-mock of its own. Every page is watched (lib.mjs): no console error, no uncaught
// error, no dialog, no request to another origin. Screenshots go to the build folder.
//
//   1. the page loads (/_mock redirects to /_mock/) and shows the fixtures
//   2. a change made over HTTP shows within a second, without a reload, and is in the
//      journal; the entry opens (keyboard) with its body, headers and answer, never a token
//   3. Reset (keyboard) brings the fixtures back
//   4. a new user's token is shown once and works
//   5. a fault is added and removed from the page, and applies meanwhile
//   6. export downloads the state; import uploads one
//   7. hostile fixture strings are shown as text, never run
//   8. light and dark, 1280x800 and a narrow window: screenshots, no page-wide scroll
//   9. the Sessions panel follows a real events WebSocket session (opened from another
//      tab), pushes an event to it and closes it; the journal shows the session
//  10. a page on another origin can neither read nor change the control API

import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";

import { launch, screenshot, startServer, watch } from "./lib.mjs";

const HELPER = "01J0H3HPB0T5T0KEN000000AAA";
const PUBLIC = "01J0H4PVB1CB0T000000000BBB";

let server, browser, page, problems;

async function api(method, path, { body, token, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h["x-session-token"] = token;
  const r = await fetch(server.url + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* a page, or empty */ }
  return { status: r.status, text, json };
}

const rowText = (table) => page.locator(`#${table} tbody tr`).allInnerTexts();
const generation = () => page.evaluate(() => Number(document.body.dataset.generation || 0));

/** Waits until the page has read a snapshot taken after everything sent so far. */
async function settled() {
  const want = (await api("GET", "/_mock/ui/snapshot?after=999999999")).json.generation;
  await page.waitForFunction((g) => Number(document.body.dataset.generation || 0) >= g, want, { timeout: 2000 });
}

before(async () => {
  server = await startServer({ args: ["--seed", "1"] });
  browser = await launch();
  page = await browser.context.newPage();
  problems = watch(page, server.url);
  await page.goto(`${server.url}/_mock`);
  await page.evaluate(() => { window.notReloaded = true; });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  /* the streams of a page that went away, and the server's stop, left nothing behind
   * (with a sanitizer build as STOAT_MOCK_BIN) */
  assert.doesNotMatch(server?.log() ?? "", /Sanitizer|runtime error/);
});

test("the page loads at /_mock/ and shows the fixtures", async () => {
  assert.equal(new URL(page.url()).pathname, "/_mock/");
  await page.locator("#live[data-state=live]").waitFor({ timeout: 3000 });
  await page.locator("#users tbody tr").first().waitFor();
  const users = await rowText("users");
  assert.deepEqual(users.map((t) => t.split(/\s+/)[0]), ["alice#0001", "bob#0002", "carol#0003"]);
  assert.match(users[0], /Alice/);
  assert.match(users[0], /\s1$/); /* one session each */
  const bots = await rowText("bots");
  assert.equal(bots.length, 2);
  assert.match(bots[0], /^HelperBot#4821\s+01J0H3HPB0T5T0KEN000000AAA\s+alice#0001\s+no\s+set\s+never$/);
  assert.match(bots[1], /^PublicBot#7310\s+01J0H4PVB1CB0T000000000BBB\s+alice#0001\s+yes\s+not set\s+never$/);
  const servers = await page.locator("#servers > li").allInnerTexts();
  assert.equal(servers.length, 2);
  assert.match(servers[0], /Alice's Server[\s\S]*owner alice#0001[\s\S]*#general[\s\S]*alice#0001[\s\S]*bob#0002/);
  assert.match(servers[1], /Bob's Server[\s\S]*alice#0001\s*permissions 2/);
  const groups = await page.locator("#groups > li").allInnerTexts();
  assert.equal(groups.length, 1);
  assert.match(groups[0], /Friends[\s\S]*alice#0001[\s\S]*bob#0002/);
  assert.match(await page.locator("#faults").innerText(), /None/);
  assert.match(await page.locator("#sessions-panel").innerText(), /Sessions\s+0[\s\S]*No WebSocket session open/);
  await screenshot(page, "dashboard-fixtures");
  assert.deepEqual(problems, []);
});

test("a change over HTTP shows within a second, without a reload, and is in the journal", async () => {
  const t0 = performance.now();
  const r = await api("PATCH", `/bots/${HELPER}`, { token: "alice-session", body: { name: "LiveRename" } });
  assert.equal(r.status, 200);
  const answered = performance.now();
  await page.locator("#bots tbody tr", { hasText: "LiveRename#4821" }).waitFor({ timeout: 1000 });
  const shown = performance.now();
  console.log(`# dashboard: the rename showed ${Math.round(shown - answered)} ms after its answer (${Math.round(shown - t0)} ms after sending)`);
  assert.ok(shown - answered < 1000);
  assert.equal(await page.evaluate(() => window.notReloaded), true);
  assert.doesNotMatch((await rowText("bots"))[0], /never/); /* last rename: now */

  const top = page.locator("#journal tbody tr").first();
  assert.match(await top.innerText(), new RegExp(`PATCH\\s+/bots/${HELPER}\\s+bots\\.edit\\s+200`));
  /* open it with the keyboard, close it with Escape */
  await top.locator("button").focus();
  await page.keyboard.press("Enter");
  const dialog = page.locator("#request");
  await dialog.waitFor();
  assert.match(await page.locator("#request-h").innerText(), new RegExp(`PATCH /bots/${HELPER}`));
  assert.match(await page.locator("#request-body").innerText(), /"name": "LiveRename"/);
  const answer = await page.locator("#request-answer").innerText();
  assert.match(answer, /"username": "LiveRename"/);
  assert.match(answer, /"token": "\[redacted\]"/);
  const headers = await page.locator("#request-headers").innerText();
  assert.match(headers, /x-session-token\s+\[redacted\]/);
  assert.match(headers, /content-type/);
  assert.doesNotMatch(await dialog.innerText(), /alice-session/);
  await screenshot(page, "dashboard-request");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.key?.startsWith("req:")), true);
  assert.deepEqual(problems, []);
});

test("Reset, from the keyboard, brings the fixtures back", async () => {
  await api("POST", "/_mock/faults", { body: { path: "/nowhere", drop: true, times: 0 } });
  await page.locator("#faults li", { hasText: "fault-1" }).waitFor({ timeout: 1000 });
  await page.locator("#reset").focus();
  await page.keyboard.press("Enter");
  await page.locator("#bots tbody tr", { hasText: "HelperBot#4821" }).waitFor({ timeout: 1000 });
  await page.locator("#journal-empty:visible").waitFor({ timeout: 1000 });
  assert.equal(await page.locator("#journal tbody tr").count(), 0);
  assert.match(await page.locator("#faults").innerText(), /None/);
  assert.match(await page.locator("#notice-text").innerText(), /Reset/);
  const state = (await api("GET", "/_mock/state")).json;
  assert.equal(state.bots[0].username, "HelperBot");
  assert.deepEqual(problems, []);
});

test("a new user's token is shown once, and works", async () => {
  await page.locator("#new-username").fill("dashboard_user");
  await page.keyboard.press("Enter");
  await page.locator("#token-once").waitFor();
  const token = await page.locator("#token-value").innerText();
  assert.match(token, /^[A-Za-z0-9_-]{64}$/);
  const me = await api("GET", "/users/@me", { token });
  assert.equal(me.status, 200);
  assert.equal(me.json.username, "dashboard_user");
  await page.locator("#users tbody tr", { hasText: "dashboard_user#" }).waitFor({ timeout: 1000 });
  await page.locator("#token-dismiss").click();
  assert.equal(await page.locator("#token-once").isHidden(), true);
  assert.equal(await page.locator("#token-value").innerText(), "");
  assert.doesNotMatch(await page.content(), new RegExp(token));
  assert.deepEqual(problems, []);
});

test("a fault is added and removed from the page, and applies meanwhile", async () => {
  await page.locator("#fault-add summary").click();
  await page.locator("#fault-method").selectOption("GET");
  await page.locator("#fault-path").fill("/bots/@me");
  await page.locator("#fault-type").fill("InternalError");
  await page.locator("#fault-times").fill("0");
  await page.locator("#fault-form button[type=submit]").click();
  const item = page.locator("#faults li", { hasText: "InternalError" });
  await item.waitFor({ timeout: 1000 });
  assert.match(await item.innerText(), /GET \/bots\/@me: answer InternalError; until removed, 0 hits/);
  const failed = await api("GET", "/bots/@me", { token: "alice-session" });
  assert.equal(failed.status, 500);
  assert.equal(failed.json.type, "InternalError");
  await page.locator("#faults li", { hasText: "1 hit" }).waitFor({ timeout: 1000 });
  await item.locator("button").click();
  await page.locator("#faults li", { hasText: "None" }).waitFor({ timeout: 1000 });
  assert.equal((await api("GET", "/bots/@me", { token: "alice-session" })).status, 200);
  assert.deepEqual(problems, []);
});

test("export downloads the state, import uploads one", async () => {
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export").click()]);
  assert.match(download.suggestedFilename(), /^stoat-mock-state-.*\.json$/);
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.deepEqual(exported, (await api("GET", "/_mock/state")).json);
  exported.bots[1].username = "Imported";
  await page.locator("#import-file").setInputFiles({ name: "state.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(exported)) });
  await page.locator("#bots tbody tr", { hasText: "Imported#7310" }).waitFor({ timeout: 1000 });
  assert.equal((await api("GET", `/bots/${PUBLIC}/invite`)).json.username, "Imported");
  /* a bad document: the loader's own words, nothing changed */
  await page.locator("#import-file").setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from('{"bots":[{"_id":"x"}]}') });
  await page.locator("#notice.bad").waitFor({ timeout: 1000 });
  assert.match(await page.locator("#notice-text").innerText(), /400 FailedValidation: \$\.bots\[0\]/);
  await page.locator("#notice-close").click();
  assert.equal(await page.locator("#notice").isHidden(), true);
  assert.equal((await api("GET", `/bots/${PUBLIC}/invite`)).json.username, "Imported");
  problems.splice(0, problems.length, ...problems.filter((p) => !/status of 400/.test(p))); /* the refused PUT, logged by the browser */
  assert.deepEqual(problems, []);
});

test("hostile fixture strings are shown as text, never run", async () => {
  const hostile = "<img src=x onerror=alert(1)>";
  const state = (await api("GET", "/_mock/state")).json;
  state.bots[1].username = hostile;
  state.users[0].display_name = "<b>bold</b><script>alert(2)</script>";
  state.servers[0].name = '"><svg onload=alert(3)>';
  state.channels[0].name = "</li><iframe src=javascript:alert(4)>";
  assert.equal((await api("PUT", "/_mock/state", { body: state })).status, 204);
  await page.locator("#bots tbody tr", { hasText: `${hostile}#7310` }).waitFor({ timeout: 1000 });
  assert.match(await page.locator("#users tbody tr").first().innerText(), /<b>bold<\/b><script>alert\(2\)<\/script>/);
  assert.match(await page.locator("#servers > li").first().innerText(), /"><svg onload=alert\(3\)>/);
  assert.match(await page.locator("#groups > li").first().innerText(), /<\/li><iframe src=javascript:alert\(4\)>/);
  const injected = await page.evaluate(() => document.querySelectorAll("main img, main script, main svg, main iframe, main b").length);
  assert.equal(injected, 0);
  await page.waitForTimeout(200); /* an onerror would have fired by now */
  await screenshot(page, "dashboard-hostile");
  assert.deepEqual(problems, []); /* no dialog, no request for "x" */
  await api("POST", "/_mock/reset");
  await settled();
});

test("light and dark, 1280x800 and narrow", async () => {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    await api("PATCH", `/bots/${HELPER}`, { token: "alice-session", body: { name: "Helper2" } });
    await api("GET", "/bots/@me", { token: "alice-session" });
    await settled();
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, scheme === "light" ? "rgb(246, 247, 249)" : "rgb(19, 21, 24)");
    await screenshot(page, `dashboard-${scheme}`);
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the narrow page scrolls sideways by ${overflow} px`);
    await screenshot(page, `dashboard-${scheme}-narrow`);
    await api("POST", "/_mock/reset");
  }
  /* the Theme button overrides the system's choice, and says so */
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator("#theme").click();
  await page.locator("#theme").click();
  assert.equal(await page.locator("#theme").innerText(), "Theme: dark");
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), "rgb(19, 21, 24)");
  await page.locator("#theme").click();
  assert.equal(await page.locator("#theme").innerText(), "Theme: auto");
  assert.deepEqual(problems, []);
});

test("the Sessions panel follows the events WebSocket, pushes to it and closes it", async () => {
  /* a client in another tab (not watched: its WebSocket is the point) */
  const client = await openSession("alice-session");
  try {
    const row = page.locator("#sessions tbody tr").first();
    await row.waitFor({ timeout: 1000 });
    assert.match(await row.innerText(), /^ws-\d+\s+session · json · since [\d:.]+\s+alice#0001\s+none/);
    assert.match(await page.locator("#users tbody tr").first().innerText(), /alice#0001\s*online/);
    /* Push: an event to the session's user */
    await row.getByRole("button", { name: "Push…" }).click();
    await page.locator("#push-user", { hasText: "alice#0001" }).waitFor();
    await page.locator("#push-form button[type=submit]").click();
    await client.waitForFunction(() => window.got.some((f) => f.includes("pushed from the dashboard")), null, { timeout: 2000 });
    /* Close: a Close frame 1000, and the panel empties */
    await row.getByRole("button", { name: "Close" }).click();
    await client.waitForFunction(() => window.ended !== null, null, { timeout: 3000 });
    assert.deepEqual(await client.evaluate(() => window.ended), { code: 1000, reason: "closed from the dashboard" });
    await page.locator("#sessions-empty:visible").waitFor({ timeout: 2000 });
    /* the journal holds the session's connect, authenticate and close */
    const rows = await page.locator("#journal tbody tr", { hasText: "WS" }).allInnerTexts();
    for (const what of ["connect", "authenticate", "close"])
      assert.ok(rows.some((t) => t.includes(what)), `no ${what} in ${JSON.stringify(rows)}`);
  } finally {
    await client.close();
  }
  assert.deepEqual(problems, []);
});

test("a page on another origin can neither read nor change the control API", async () => {
  await api("POST", "/_mock/faults", { body: { path: "/nowhere", drop: true, times: 0 } });
  const before = (await api("GET", "/_mock/faults")).text;
  const mock = server.url;
  const evil = createServer((req, res) => {
    res.setHeader("content-type", "text/html");
    res.end(`<!doctype html><form id=f method=post enctype=text/plain action="${mock}/_mock/reset"><input name=a value=b></form>
<script>
(async () => {
  const out = {};
  try { await fetch("${mock}/_mock/reset", { method: "POST", mode: "no-cors", body: "x" }); out.post = "sent"; } catch (e) { out.post = "blocked"; }
  try { await fetch("${mock}/_mock/state"); out.read = "read"; } catch (e) { out.read = "blocked"; }
  try { await fetch("${mock}/_mock/faults", { method: "DELETE" }); out.cors = "sent"; } catch (e) { out.cors = "blocked"; }
  document.title = JSON.stringify(out);
})();
</script>`);
  });
  await new Promise((r) => evil.listen(0, "127.0.0.1", r));
  const other = await browser.context.newPage();
  try {
    await other.goto(`http://127.0.0.1:${evil.address().port}/`);
    await other.waitForFunction(() => document.title.startsWith("{"), null, { timeout: 3000 });
    const out = JSON.parse(await other.title());
    /* the no-cors POST goes out (and is refused); reading, or a DELETE, needs a CORS grant */
    assert.deepEqual(out, { post: "sent", read: "blocked", cors: "blocked" });
    /* the form post goes out too (a navigation): refused, nothing changed */
    const [resp] = await Promise.all([other.waitForEvent("response", (r) => r.url().endsWith("/_mock/reset")), other.evaluate(() => document.getElementById("f").submit())]);
    assert.equal(resp.status(), 403);
    assert.equal((await api("GET", "/_mock/faults")).text, before);
  } finally {
    await other.close();
    evil.close();
  }
  await api("POST", "/_mock/reset");
});

/** A WebSocket session of `token` opened from a tab of its own, Ready received. */
async function openSession(token) {
  const client = await browser.context.newPage();
  await client.evaluate((url) => new Promise((resolve, reject) => {
    window.got = [];
    window.ended = null;
    const ws = new WebSocket(url);
    ws.onmessage = (m) => window.got.push(String(m.data));
    ws.onclose = (e) => { window.ended = { code: e.code, reason: e.reason }; };
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("the WebSocket did not open"));
  }), `${server.url.replace(/^http/, "ws")}/?version=1&format=json&token=${token}`);
  await client.waitForFunction(() => window.got.some((f) => f.includes('"Ready"')), null, { timeout: 2000 });
  return client;
}

test("the README's picture", async () => {
  await api("POST", "/_mock/reset");
  const client = await openSession("alice-session");
  await page.evaluate(() => { document.querySelector("#fault-add").open = false; document.querySelector("#notice").hidden = true; });
  await api("POST", `/bots/${PUBLIC}/invite`, { token: "bob-session", body: { server: "01J1SERVER0000000000000002" } });
  await api("PATCH", `/bots/${HELPER}`, { token: "alice-session", body: { name: "Helper", public: true } });
  await api("GET", "/bots/@me", { token: "alice-session" });
  await api("GET", "/users/@me");
  await api("POST", "/_mock/faults", { body: { method: "PATCH", path: "/bots/*", error: { type: "DatabaseError", operation: "update_one", collection: "bots" } } });
  await api("PATCH", `/bots/${HELPER}`, { token: "alice-session", body: { name: "Helper3" } });
  await api("POST", "/_mock/faults", { body: { path: "/bots/@me", delay_ms: 1500, times: 0 } });
  await api("GET", `/bots/${PUBLIC}/invite`);
  await settled();
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator("#sessions tbody tr").first().waitFor({ timeout: 1000 });
  await screenshot(page, "dashboard-readme");
  await client.close();
  assert.deepEqual(problems, []);
});

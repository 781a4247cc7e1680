// The stoat-mock Node helper under node:test. STOAT_MOCK_BIN names the stoat-mock under
// test (integrations/node/test.sh sets it).
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { start, findBinary, StoatMockError, StoatMockStartError } from "../index.js";

const BIN = path.resolve(process.env.STOAT_MOCK_BIN);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const BOT = "01J0H3HPB0T5T0KEN000000AAA"; // HelperBot in the bundled fixtures, owned by alice

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stoat-mock-node-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const script = (name, body) => {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, `#!/bin/sh\n${body}`, { mode: 0o755 });
  return p;
};
// runs fn with process.env changed as given (undefined deletes), then restores it
const withEnv = async (vars, fn) => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (o) => {
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  try {
    return await fn();
  } finally {
    set(saved);
  }
};

describe("a started server", () => {
  let mock;
  before(async () => {
    mock = await start({ bin: BIN, args: ["--seed", "5"] });
  });
  after(() => mock.stop());
  beforeEach(() => mock.reset());

  test("url and wsUrl", async () => {
    assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const root = await mock.request("GET", "/");
    assert.equal(root.status, 200);
    assert.equal(mock.wsUrl, root.json.ws);
    assert.match(mock.wsUrl, /^ws:\/\//);
  });

  test("createUser", async () => {
    const account = await mock.createUser("dave");
    assert.deepEqual(Object.keys(account).sort(), ["token", "user"]);
    assert.equal(account.user.username, "dave");
    assert.equal(account.token.length, 64);
    const me = await mock.request("GET", "/users/@me", { token: account.token });
    assert.equal(me.status, 200);
    assert.equal(me.json._id, account.user._id);
  });

  test("addFault and requests", async () => {
    const id = await mock.addFault({
      method: "PATCH",
      path: "/bots/*",
      error: { type: "DatabaseError", operation: "update_one" },
    });
    assert.equal(id, "fault-1");
    const r = await mock.request("PATCH", `/bots/${BOT}`, { json: { name: "Renamed" }, token: "alice-session" });
    assert.deepEqual([r.status, r.json.type, r.json.operation], [500, "DatabaseError", "update_one"]);
    await mock.request("GET", "/bots/@me", { token: "alice-session" });
    assert.deepEqual((await mock.requests()).map((q) => q.method), ["PATCH", "GET"]);
    const [patch] = await mock.requests({ method: "patch" });
    assert.deepEqual([patch.status, patch.fault, JSON.parse(patch.body)], [500, id, { name: "Renamed" }]);
    assert.deepEqual((await mock.requests({ path: "/bots/@me" })).map((q) => q.path), ["/bots/@me"]);
    assert.deepEqual(await mock.requests({ method: "DELETE", path: "/bots/*" }), []);
    assert.deepEqual((await mock.requests({ route: "bots.fetch_owned" })).map((q) => q.path), ["/bots/@me"]);
    assert.equal(await mock.requestCount(), 2);
    assert.equal(await mock.requestCount({ route: "bots.edit" }), 1);
    const sent = await mock.request("GET", "/channels/01J0H3HPB0T5T0KEN000000AAA", { token: "alice-session" });
    assert.equal(sent.status, 501);
    const [absent] = await mock.requests({ route: "not_emulated" });
    assert.deepEqual([absent.status, absent.path], [501, "/channels/01J0H3HPB0T5T0KEN000000AAA"]);
    assert.equal(await mock.requestCount({ route: "unmatched" }), 0);
    await assert.rejects(mock.requests({ route: "no.such.row" }), (e) => e.status === 400);
  });

  test("state and setState", async () => {
    const doc = await mock.state();
    assert.ok(doc.users.some((u) => u.username === "alice"));
    doc.users = doc.users.filter((u) => u.username !== "carol");
    await mock.setState(doc);
    assert.deepEqual(await mock.state(), doc);
    assert.equal((await mock.request("GET", "/users/@me", { token: "carol-session" })).status, 401);
  });

  test("reset, with the seed restarted", async () => {
    const first = await mock.createUser("erin");
    await mock.reset();
    assert.ok(!(await mock.state()).users.some((u) => u.username === "erin"));
    assert.deepEqual(await mock.requests(), []);
    assert.deepEqual(await mock.createUser("erin"), first);
  });

  test("control errors reject with StoatMockError", async () => {
    const e = await mock.addFault({ paht: "/bots/*" }).catch((x) => x);
    assert.ok(e instanceof StoatMockError, String(e));
    assert.equal(e.status, 400);
    assert.equal(e.body.type, "FailedValidation");
    assert.match(e.message, /^POST \/_mock\/faults answered 400 FailedValidation: .*paht/);
    await assert.rejects(mock.createUser("x"), StoatMockError);
    await assert.rejects(mock.setState({ users: "nope" }), StoatMockError);
  });
});

test("stop: SIGTERM, exit status 0, idempotent, port closed", async () => {
  const mock = await start({ bin: BIN });
  const first = mock.stop();
  assert.equal(mock.stop(), first);
  assert.deepEqual(await first, { code: 0, signal: null });
  await assert.rejects(mock.request("GET", "/_mock/health"), /ECONNREFUSED/);
  assert.match(mock.stderr(), /SIGTERM received, stopping/);
});

test("the binary: bin, then STOAT_MOCK_BIN, then PATH", async () => {
  const byOption = script("by-option", `exec "${BIN}" "$@"\n`);
  const byEnv = script("by-env", `exec "${BIN}" "$@"\n`);
  const onPath = script("bin/stoat-mock", `exec "${BIN}" "$@"\n`);
  const PATH = `${path.dirname(onPath)}${path.delimiter}${process.env.PATH}`;
  await withEnv({ PATH, STOAT_MOCK_BIN: byEnv }, async () => {
    assert.equal(findBinary(byOption), byOption);
    assert.equal(findBinary(), byEnv);
    const mock = await start(); // through the environment variable, for real
    assert.equal((await mock.request("GET", "/_mock/health")).status, 200);
    await mock.stop();
  });
  await withEnv({ PATH, STOAT_MOCK_BIN: undefined }, async () => {
    assert.equal(findBinary(), onPath);
  });
});

test("not found: the error names all three", async () => {
  await withEnv({ PATH: tmp, STOAT_MOCK_BIN: undefined }, async () => {
    const e = await start().catch((x) => x);
    assert.ok(e instanceof StoatMockStartError, String(e));
    assert.equal(
      e.message,
      [
        "stoat-mock was not found. stoat-mock is looked up, in this order, through:",
        "  1. the bin option of start(): not set",
        "  2. the STOAT_MOCK_BIN environment variable: not set",
        "  3. PATH: no stoat-mock on it",
        'Install stoat-mock (its README, "Install") or point one of the first two at the binary.',
      ].join("\n"),
    );
  });
  await withEnv({ STOAT_MOCK_BIN: path.join(tmp, "nothing-here") }, async () => {
    await assert.rejects(start(), (e) => {
      assert.match(e.message, /^STOAT_MOCK_BIN \(".*nothing-here"\) is not an executable file\./);
      assert.match(e.message, /1\. the bin option of start\(\): not set/);
      assert.match(e.message, /3\. PATH: /);
      return true;
    });
  });
});

test("a server that cannot start rejects with its own stderr", async () => {
  const e = await start({ bin: BIN, args: ["--fixtures", "/nonexistent/fixtures.json"] }).catch((x) => x);
  assert.ok(e instanceof StoatMockStartError, String(e));
  assert.match(e.message, /--fixtures \/nonexistent\/fixtures\.json exited with status 1\.\nIts stderr:\n/);
  assert.match(e.message, /stoat-mock: cannot read fixtures '\/nonexistent\/fixtures\.json': No such file or directory/);
});

test("a silent server times out, with its stderr", async () => {
  const mute = script("mute", 'echo "warming up" >&2\nexec sleep 30\n');
  const t0 = Date.now();
  await assert.rejects(start({ bin: mute, timeout: 500 }), /printed no 'listening on' line within 500 ms\.\nIts stderr:\nwarming up/);
  assert.ok(Date.now() - t0 < 5000);
});

const run = (cmd, args, opts) =>
  new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60000, ...opts }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
  });

test("a forgotten stop() neither hangs the process nor leaves the server running", async () => {
  const code = `import { start } from ${JSON.stringify(path.join(HERE, "..", "index.js"))};
    const mock = await start({ bin: ${JSON.stringify(BIN)} });
    console.log(mock.pid);`;
  const t0 = Date.now();
  const r = await run(process.execPath, ["--input-type=module", "-e", code], { timeout: 15000 });
  assert.equal(r.error, null, r.stderr);
  assert.ok(Date.now() - t0 < 10000);
  const pid = Number(r.stdout.trim());
  assert.ok(pid > 0);
  // gone, or a zombie waiting for a PID 1 that does not reap (as in some containers)
  const state = () => {
    try {
      return fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0];
    } catch {
      return "gone";
    }
  };
  for (let i = 0; i < 50 && !["gone", "Z"].includes(state()); i++) await new Promise((res) => setTimeout(res, 20));
  assert.ok(["gone", "Z"].includes(state()), `server ${pid} still running (state ${state()})`);
});

// README's "With Node" section: every block opening with `// NAME.test.mjs` is written
// to a folder where `stoat-mock` resolves to this package, then run with node --test.
test("the README example runs as written", async () => {
  const readme = fs.readFileSync(path.join(HERE, "..", "..", "..", "README.md"), "utf8");
  const heading = "\n### With Node\n";
  let section = readme.slice(readme.indexOf(heading) + heading.length);
  section = section.slice(0, section.search(/\n#{2,4} /));
  const dir = path.join(tmp, "readme");
  fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  fs.symlinkSync(path.join(HERE, ".."), path.join(dir, "node_modules", "stoat-mock"));
  const files = [];
  for (const [, block] of section.matchAll(/```js\n(.*?)```/gs)) {
    const m = /^\/\/ ([\w.-]+\.test\.mjs)\b/.exec(block);
    if (m) {
      fs.writeFileSync(path.join(dir, m[1]), block);
      files.push(m[1]);
    }
  }
  assert.ok(files.length > 0, "no `// NAME.test.mjs` block in README's With Node section");
  const env = { ...process.env, STOAT_MOCK_BIN: BIN };
  delete env.NODE_TEST_CONTEXT; // a top-level run, reporting in TAP, not to this runner
  const r = await run(process.execPath, ["--test", "--test-reporter=tap", ...files], { cwd: dir, env });
  assert.equal(r.error, null, r.stdout + r.stderr);
  assert.match(r.stdout, /# fail 0/);
  assert.doesNotMatch(r.stdout, /# pass 0\n/);
});

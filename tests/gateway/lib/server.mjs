// server.mjs: one stoat-mock per test file (or per test), on a free port of 127.0.0.1,
// and the HTTP calls the gateway tests make to it.
//
// The gateway's state (who is connected, presence, subscriptions) is per process, so
// a test that asserts on it starts its own server: nothing another test left open can
// change what it sees. mock() runs $STOAT_MOCK_BIN (run.sh sets it; default
// ../../build/stoat-mock) with --port 0 and reads "... listening on http://HOST:PORT"
// from the first stdout line; it also returns the child, for the tests of how the
// process stops. Pointed at a sanitizer build (build-asan), stop() fails the test whose
// server reported an error. call() is one HTTP request with a session or bot token.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.STOAT_MOCK_BIN ?? resolve(here, "..", "..", "..", "build", "stoat-mock");
const START_MS = 5000;

// a test process that ends early (a failed hook, a timeout) takes its servers with it
const live = new Set();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * Starts a server. `fixtures`: a fixture document (object) instead of the bundled one;
 * `args`: more command-line options (e.g. ["--max-sessions", "2"]).
 * @returns {Promise<{url, wsUrl, child, exited, stop, stderr}>}
 */
export async function mock({ fixtures, args = [] } = {}) {
  const argv = ["--port", "0", "--host", "127.0.0.1", "--quiet", ...args];
  let dir = null;
  if (fixtures) {
    dir = mkdtempSync(join(tmpdir(), "stoat-gw-"));
    writeFileSync(join(dir, "fixtures.json"), JSON.stringify(fixtures));
    argv.push("--fixtures", join(dir, "fixtures.json"));
  }
  const child = spawn(BIN, argv, { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (err += d));
  const exited = new Promise((res) =>
    child.once("exit", (code, signal) => {
      live.delete(child);
      res({ code, signal });
    }),
  );
  const cleanup = () => dir && rmSync(dir, { recursive: true, force: true });
  let out = "";
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`stoat-mock did not listen within ${START_MS} ms: ${err}`)), START_MS);
    child.stdout.setEncoding("utf8").on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.once("error", rej);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`stoat-mock ${argv.join(" ")} exited (${code ?? signal}) before listening: ${err.trim()}`));
    });
  }).catch((e) => {
    cleanup();
    throw e;
  });
  return {
    url,
    wsUrl: url.replace(/^http/, "ws"),
    child,
    exited,
    stderr: () => err,
    /** SIGTERM, then the exit; fails when a sanitizer build reported an error. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
      cleanup();
      const report = /(ERROR: (Address|Leak)Sanitizer|runtime error:)[^\n]*/.exec(err);
      if (report) throw new Error(`stoat-mock: ${report[0]}\n${err}`);
    },
  };
}

/** A server for a whole describe(): started before its first test, stopped after its last. */
export function sharedMock(opts) {
  const m = {};
  before(async () => Object.assign(m, await mock(opts)));
  after(() => m.stop?.());
  return m;
}

/** Runs body(m) with a server started as mock(opts) does, and stops it after, whatever happens. */
export async function withMock(opts, body) {
  const m = await mock(opts);
  try {
    return await body(m);
  } finally {
    await m.stop();
  }
}

/**
 * One HTTP request. `auth`: {session} or {bot} (a token), or nothing.
 * @returns {Promise<{status, text, json, headers}>}
 */
export async function call(url, method, path, { auth, body } = {}) {
  const headers = {};
  if (auth?.session) headers["x-session-token"] = auth.session;
  if (auth?.bot) headers["x-bot-token"] = auth.bot;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** call() that must answer `status`; returns the parsed body. */
export async function ok(url, method, path, opts, status = 200) {
  const r = await call(url, method, path, opts);
  if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${r.status} ${r.text}`);
  return r.json;
}

// lib.cjs: run one stoat-mock process from a Node test suite and talk to its control API.
//
// The implementation, in CommonJS so that Jest's default (CommonJS) runtime can require
// it; index.js is the ESM entry over it (node:test, Vitest, Jest with ESM). No
// dependencies: node:child_process, node:http, node:fs. Node 18 or later.
//
// start(): `BIN --port 0 --quiet ...args`; the first stdout line
// `stoat-mock X listening on http://HOST:PORT (...)` gives the address. A process that
// exits first, fails to spawn, or stays silent for `timeout` ms rejects with its own
// stderr. Control calls use node:http directly (no global fetch, so a fetch mock in the
// suite never sees them). Once started, the child does not keep the event loop alive,
// and it is killed when the Node process exits, so a forgotten stop() never hangs a
// runner or leaves a server behind.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const LISTENING = /listening on http:\/\/(.+):(\d+) \(/;
const STDERR_KEPT = 64 * 1024; // bytes of the server's stderr kept for error messages

class StoatMockError extends Error {
  /** A control call answered an error: `status` and the parsed `body`. */
  constructor(method, urlPath, status, body) {
    let text = `${method} ${urlPath} answered ${status}`;
    if (body && typeof body === "object") {
      if (body.type) text += ` ${body.type}`;
      if (body.error) text += `: ${body.error}`;
    } else if (body) {
      text += `: ${body}`;
    }
    super(text);
    this.name = "StoatMockError";
    this.status = status;
    this.body = body;
  }
}

class StoatMockStartError extends Error {
  /** The binary cannot be found, or the server did not start (message has its stderr). */
  constructor(message) {
    super(message);
    this.name = "StoatMockStartError";
  }
}

function isExecutableFile(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function onPath(name, env) {
  for (const dir of (env.PATH || "").split(path.delimiter)) {
    if (dir && isExecutableFile(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/**
 * The stoat-mock executable: `bin` (the `bin` option), else $STOAT_MOCK_BIN, else
 * `stoat-mock` on PATH. The first one that is set decides; when it is not an executable
 * file, or none is set and PATH has none, the error says what each of the three was.
 */
function findBinary(bin, env = process.env) {
  const sources = [
    ["the bin option", bin],
    ["STOAT_MOCK_BIN", env.STOAT_MOCK_BIN || undefined],
  ];
  const fromPath = onPath("stoat-mock", env);
  let problem = "stoat-mock was not found";
  const set = sources.find(([, value]) => value);
  if (set) {
    const [name, value] = set;
    const found = value.includes(path.sep) ? (isExecutableFile(value) ? path.resolve(value) : null) : onPath(value, env);
    if (found) return found;
    problem = `${name} (${JSON.stringify(value)}) is not an executable file`;
  } else if (fromPath) {
    return fromPath;
  }
  const shown = (v) => (v ? JSON.stringify(v) : "not set");
  throw new StoatMockStartError(
    [
      `${problem}. stoat-mock is looked up, in this order, through:`,
      `  1. the bin option of start(): ${shown(bin)}`,
      `  2. the STOAT_MOCK_BIN environment variable: ${shown(env.STOAT_MOCK_BIN)}`,
      `  3. PATH: ${fromPath || "no stoat-mock on it"}`,
      'Install stoat-mock (its README, "Install") or point one of the first two at the binary.',
    ].join("\n"),
  );
}

// One HTTP request with node:http, body as text; resolves whatever the status.
function send(base, method, urlPath, { json, token, botToken, headers = {}, timeout = 30000 } = {}) {
  const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
  const h = { ...headers };
  if (body) {
    h["content-type"] = "application/json";
    h["content-length"] = String(body.length);
  }
  if (token) h["x-session-token"] = token;
  if (botToken) h["x-bot-token"] = botToken;
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, base), { method, headers: h, agent: false, timeout }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed = null;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = null;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json: parsed });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${timeout} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Start a stoat-mock server. Options: bin, args (extra flags), env (variables added to
 * process.env for the server), timeout (ms to wait for the address, default 10000).
 */
// "?method=...&path=...&route=..." for the members of a journal filter that are given.
function journalQuery(filter) {
  const q = new URLSearchParams();
  for (const key of ["method", "path", "route"]) if (filter[key] != null) q.set(key, filter[key]);
  const s = q.toString();
  return s ? `?${s}` : "";
}

function start(options = {}) {
  const { bin, args = [], env = {}, timeout = 10000 } = options;
  let binary;
  try {
    binary = findBinary(bin);
  } catch (e) {
    return Promise.reject(e);
  }
  const argv = ["--port", "0", "--quiet", ...args];
  const child = spawn(binary, argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  child.stderr.on("data", (c) => {
    stderr = (stderr + c.toString("utf8")).slice(-STDERR_KEPT);
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const killAtExit = () => child.kill("SIGKILL");

  const ready = new Promise((resolve, reject) => {
    let out = "";
    let timer = null;
    const failed = (why) => {
      clearTimeout(timer);
      reject(
        new StoatMockStartError(
          `stoat-mock did not start: ${binary} ${argv.join(" ")} ${why}.\nIts stderr:\n${stderr.trim() || "(nothing on stderr)"}`,
        ),
      );
    };
    const onData = (c) => {
      out += c.toString("utf8");
      const m = LISTENING.exec(out.split("\n", 1)[0]);
      if (m) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.stdout.resume(); // later output is dropped, never left to fill the pipe
        resolve(m);
      } else if (out.includes("\n")) {
        child.kill("SIGKILL");
        failed(`printed ${JSON.stringify(out.split("\n", 1)[0])} first, not its address`);
      }
    };
    child.stdout.on("data", onData);
    child.once("error", (e) => failed(`could not be run (${e.message})`));
    child.once("exit", (code, signal) => {
      // (a no-op once started) stderr may still be in the pipe: let it drain first
      setImmediate(() => failed(signal ? `was killed by ${signal}` : `exited with status ${code}`));
    });
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      failed(`printed no 'listening on' line within ${timeout} ms`);
    }, timeout);
  });

  return ready.then(async (m) => {
    let host = { "0.0.0.0": "127.0.0.1", "::": "::1" }[m[1]] || m[1];
    if (host.includes(":")) host = `[${host}]`;
    const url = `http://${host}:${m[2]}`;
    process.once("exit", killAtExit);
    child.unref();
    child.stdout.unref?.();
    child.stderr.unref?.();

    const control = async (method, urlPath, json, expect = 200) => {
      const r = await send(url, method, urlPath, { json });
      if (r.status !== expect) throw new StoatMockError(method, urlPath, r.status, r.json ?? r.text);
      return r.json;
    };
    let root;
    try {
      root = await send(url, "GET", "/");
    } catch (e) {
      child.kill("SIGKILL");
      throw e;
    }
    let stopping = null;

    return {
      url,
      wsUrl: root.json && root.json.ws,
      pid: child.pid,
      /** Any request to the server; resolves { status, headers, text, json } whatever the status. */
      request: (method, urlPath, opts) => send(url, method, urlPath, opts),
      /** Store back to the start-up fixtures; faults and journal emptied; seed restarted. */
      reset: () => control("POST", "/_mock/reset", undefined, 204).then(() => undefined),
      /** A new human account with a session: { user, token }. */
      createUser: (name) => control("POST", "/_mock/users", { username: name }),
      /** Register a fault; resolves its id ("fault-1"). */
      addFault: (spec) => control("POST", "/_mock/faults", spec).then((r) => r.id),
      /** The journal, oldest first; filter { method, path, route }. */
      requests: (filter = {}) => control("GET", `/_mock/requests${journalQuery(filter)}`).then((r) => r.requests),
      /** How many journal entries the same filter keeps. */
      requestCount: (filter = {}) =>
        control("GET", `/_mock/requests/count${journalQuery(filter)}`).then((r) => r.count),
      /** The whole state as a fixture document. */
      state: () => control("GET", "/_mock/state"),
      /** Replace the whole state with a fixture document. */
      setState: (doc) => control("PUT", "/_mock/state", doc, 204).then(() => undefined),
      /** What the server wrote on stderr (the last 64 KiB). */
      stderr: () => stderr,
      /** SIGTERM, SIGKILL after 5 s; resolves the exit { code, signal }. Idempotent. */
      stop: () => {
        if (!stopping) {
          process.off("exit", killAtExit);
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          const t = setTimeout(() => child.kill("SIGKILL"), 5000);
          stopping = exited.finally(() => clearTimeout(t));
        }
        return stopping;
      },
    };
  });
}

module.exports = { start, findBinary, StoatMockError, StoatMockStartError };

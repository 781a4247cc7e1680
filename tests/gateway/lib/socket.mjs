// socket.mjs: a WebSocket client for the raw protocol tests, on the `ws` package.
//
// Conn keeps every frame the server sends, in order, as it came: text frames as their
// exact text (the tests compare bytes, not parsed JSON), binary frames as Buffers.
// Every wait has a timeout. Absence is proven by order, not by sleeping alone:
// quiet() waits a little, then sends a Ping with a fresh number and requires that
// Ping's Pong to be the very next frame: the server handles a session's frames in
// order, so anything it was going to send before then would have come first.

import assert from "node:assert/strict";
import http from "node:http";
import { randomBytes } from "node:crypto";

import WebSocket from "ws";

const WAIT_MS = 3000;
let marker = 7_000_000;

export class Conn {
  /** @param {WebSocket} ws */
  constructor(ws) {
    this.ws = ws;
    this.frames = []; // not yet taken
    this.waiter = null;
    this.errors = [];
    this.pongs = []; // WebSocket-level pongs (payloads)
    this.closed = new Promise((res) =>
      ws.once("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        res(this.closeInfo);
        this.#wake();
      }),
    );
    ws.on("message", (data, isBinary) => {
      this.frames.push(isBinary ? { binary: Buffer.from(data) } : { text: data.toString("utf8") });
      this.#wake();
    });
    ws.on("pong", (data) => {
      this.pongs.push(Buffer.from(data));
      this.#wake();
    });
    ws.on("error", (e) => this.errors.push(e));
  }

  #wake() {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Resolves when `ready()` is true, or rejects after `ms` with `what`. */
  async until(ready, what, ms = WAIT_MS) {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = ready();
      if (v !== undefined && v !== false) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((res) => {
        const t = setTimeout(res, left);
        this.waiter = () => {
          clearTimeout(t);
          res();
        };
      });
    }
  }

  /** The next frame: {text} or {binary}. Fails on timeout or when the connection ended first. */
  async frame(ms = WAIT_MS, what = "a frame") {
    await this.until(() => this.frames.length > 0 || this.closeInfo, what, ms);
    if (this.frames.length) return this.frames.shift();
    throw new Error(`connection ended (code ${this.closeInfo.code}) while waiting for ${what}`);
  }

  /** The next frame, which must be a text frame; its exact text. */
  async text(ms = WAIT_MS, what = "a text frame") {
    const f = await this.frame(ms, what);
    assert.ok(f.text !== undefined, `expected a text frame, got a binary one (${f.binary?.length} bytes)`);
    return f.text;
  }

  /** The next text frame parsed; frames whose type is in `skip` are passed over. */
  async json(ms = WAIT_MS, skip = []) {
    for (;;) {
      const t = await this.text(ms);
      const v = JSON.parse(t);
      if (!skip.includes(v.type)) return { text: t, value: v };
    }
  }

  /** Asserts the next frame is exactly `expected` (a string, or an object sent through JSON.stringify). */
  async expect(expected, what) {
    const want = typeof expected === "string" ? expected : JSON.stringify(expected);
    assert.equal(await this.text(WAIT_MS, what ?? want), want);
  }

  send(x) {
    this.ws.send(typeof x === "string" || Buffer.isBuffer(x) ? x : JSON.stringify(x));
  }

  /** Nothing arrives for `ms`, and a Ping sent after that is the next thing answered. */
  async quiet(ms = 250) {
    await new Promise((r) => setTimeout(r, ms));
    const n = ++marker;
    this.send({ type: "Ping", data: n });
    const t = await this.text(WAIT_MS, `the Pong for the marker Ping ${n}`);
    assert.equal(t, `{"type":"Pong","data":${n}}`, "a frame arrived where none was expected");
  }

  /**
   * Takes what arrived during `ms` and up to the Pong of a marker Ping sent after it
   * (e.g. the presence updates of sessions that connected after this one).
   */
  async drain(ms = 200) {
    await new Promise((r) => setTimeout(r, ms));
    const n = ++marker;
    this.send({ type: "Ping", data: n });
    const got = [];
    for (;;) {
      const t = await this.text(WAIT_MS, `the Pong for the marker Ping ${n}`);
      if (t === `{"type":"Pong","data":${n}}`) return got;
      got.push(t);
    }
  }

  /** Ends the connection with a Close frame and waits for the server's side of it. */
  async close(code = 1000) {
    if (!this.closeInfo) this.ws.close(code);
    return await this.ended();
  }

  /** Resolves with {code, reason} once the connection has ended (1006: no Close frame came). */
  async ended(ms = WAIT_MS) {
    await this.until(() => this.closeInfo, "the connection to end", ms);
    return this.closeInfo;
  }

  drop() {
    this.ws.terminate();
  }

  /**
   * Writes `n` copies of the text message `text` (under 126 bytes) in one write, as
   * masked frames with the all-zero key (RFC 6455 §5.3 allows it): ws.send() costs
   * far more per frame than the server does, this keeps a flood fast on the client.
   */
  flood(text, n) {
    const payload = Buffer.from(text);
    assert.ok(payload.length < 126);
    const frame = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
    this.ws._socket.write(Buffer.alloc(frame.length * n).fill(frame));
  }
}

/** Opens a WebSocket. Rejects with the HTTP answer when the server refuses the upgrade. */
export function open(url, options = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: WAIT_MS, ...options });
    const conn = new Conn(ws);
    ws.once("open", () => resolve(conn));
    ws.once("unexpected-response", (req, res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        const e = new Error(`upgrade refused: ${res.statusCode} ${body}`);
        e.refusal = { status: res.statusCode, headers: res.headers, body };
        reject(e);
        req.destroy();
      });
    });
    ws.once("error", reject);
  });
}

/** The HTTP answer to an upgrade the server must refuse: {status, headers, body}. */
export async function refusal(url, options) {
  try {
    const c = await open(url, options);
    c.drop();
  } catch (e) {
    if (e.refusal) return e.refusal;
    throw e;
  }
  throw new Error(`the server accepted the upgrade of ${url}`);
}

/** A URL of the gateway with these query parameters (values appended in order). */
export function gw(base, query = {}, path = "/ws") {
  const u = new URL(path, base);
  for (const [k, v] of Object.entries(query)) for (const one of [].concat(v)) u.searchParams.append(k, String(one));
  return u.toString();
}

/**
 * A session as stoat.js opens one: version=1, format=json, token in the query; waits for
 * Authenticated and Ready. Returns the Conn with `.ready` (Ready's exact text).
 */
export async function login(wsBase, token, { path = "/ws", query = {} } = {}) {
  const c = await open(gw(wsBase, { version: 1, format: "json", token, ...query }, path));
  await c.expect('{"type":"Authenticated"}');
  c.ready = await c.text(WAIT_MS, "Ready");
  assert.match(c.ready, /^\{"type":"Ready",/);
  return c;
}

/** A session as stoat.py opens one: no token in the URL, a first Authenticate frame. */
export async function loginByFrame(wsBase, token, { path = "/ws" } = {}) {
  const c = await open(gw(wsBase, { version: 1, format: "json" }, path));
  c.send({ type: "Authenticate", token });
  await c.expect('{"type":"Authenticated"}');
  c.ready = await c.text(WAIT_MS, "Ready");
  assert.match(c.ready, /^\{"type":"Ready",/);
  return c;
}

/**
 * A handshake written by hand, for requests `ws` will not make (a wrong version, no
 * key): resolves with {status, headers, body} of whatever the server answers.
 */
export function rawUpgrade(httpBase, path, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, httpBase), {
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
        ...headers,
      },
      timeout: WAIT_MS,
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode, headers: res.headers, body: "" });
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("timeout", () => req.destroy(new Error("no answer to the upgrade request")));
    req.on("error", reject);
    req.end();
  });
}

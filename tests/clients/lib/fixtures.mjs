// fixtures.mjs: fixture documents for servers that need more than the bundled ones.
// Each returns a fresh copy of fixtures/default.json with additions; startServer()
// writes it to a file and passes --fixtures.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { ulidNow } from "./setup.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_TEXT = readFileSync(join(here, "..", "..", "..", "fixtures", "default.json"), "utf8");

export function defaultFixtures() {
  return JSON.parse(DEFAULT_TEXT);
}

/** A valid ULID for a moment `ms` in the past (distinct per call). */
let seq = 0;
export function pastUlid(ms) {
  const A = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let n = ++seq,
    tail = "";
  for (let i = 0; i < 4; i++, n = Math.floor(n / 32)) tail = A[n % 32] + tail;
  return ulidNow(Date.now() - ms).slice(0, 22) + tail;
}

/** A user entry with one session. */
export function user(id, username, discriminator, session, extra = {}) {
  return { _id: id, username, discriminator, ...extra, sessions: [{ token: session, name: session }] };
}

// REAL: users/model.rs DISCRIMINATOR_SEARCH_SPACE: 0002..9998 minus the blocked ones
const BLOCKED_DISCRIMINATORS = new Set(["0123", "1234", "1111", "2222", "3333", "4444", "5555", "6666", "7777", "8888", "1488"]);
export function discriminatorSpace() {
  const out = [];
  for (let d = 2; d < 9999; d++) {
    const s = String(d).padStart(4, "0");
    if (!BLOCKED_DISCRIMINATORS.has(s)) out.push(s);
  }
  return out; // 9 986 values
}

/** Users holding every discriminator of `name` (spelled in `spelling` case), so a new one cannot get any. */
export function crowd(name) {
  return discriminatorSpace().map((d, i) => ({
    _id: pastUlid(400 * 24 * 3600 * 1000 + i),
    username: i % 2 ? name.toUpperCase() : name.toLowerCase(), // in use is case-insensitive
    discriminator: d,
  }));
}

// setup.mjs: what every client test file imports first.
//
// - installs the conformance check (conformance.mjs) before stoat.js is loaded, and an
//   afterEach hook that fails the running test when one of its responses did not
//   conform, even if the test itself caught the rejection;
// - the bundled fixtures' ids and tokens (fixtures/default.json);
// - clients as a bot developer makes them with stoat.js: a user session through
//   useExistingSession({token, ...}) (X-Session-Token), a bot through
//   useExistingSession(token) (X-Bot-Token). loginBot() is never used: it opens a
//   WebSocket, which stoat-mock does not have (clients.md);
// - rejection(): what stoat-api throws for a non-2xx answer is the raw body text
//   (clients.md); this returns it, parsed when it is JSON.

import assert from "node:assert/strict";
import { afterEach } from "node:test";

import { assertNoNewViolations, settled } from "./conformance.mjs";

const { Client, File } = await import("stoat.js");
const { API } = await import("stoat-api");
export { API, Client, File };

afterEach(async () => {
  await settled();
  assertNoNewViolations();
});

export const ALICE = { id: "01HZ5W2X8A1B3C4D5E6F7G8H9J", session: "alice-session", sessionId: "01HZ5W2X8A1B3C4D5E6F7G8S01" };
export const BOB = { id: "01HZ6A7B8C9D0E1F2G3H4J5K6M", session: "bob-session", sessionId: "01HZ6A7B8C9D0E1F2G3H4J5S01" };
export const CAROL = { id: "01HZ7CARQ1N2P3Q4R5S6T7V8W9", session: "carol-session", sessionId: "01HZ7CARQ1N2P3Q4R5S6T7VS01" };
export const HELPER = {
  id: "01J0H3HPB0T5T0KEN000000AAA",
  token: "DhM47aI5p29RP6s9Q5dq5M4q3fzPgdBlbmJa65oZQCVUIAtlt8AZFTy7dPjFhYP3",
  secret: "7CFGZU69wW65BTyLG0VHjcZ5pyetMMZ8jTNxfRxPHKrh8khrr-Ylvy_gPJCe4UMM",
};
export const PUBLIC = { id: "01J0H4PVB1CB0T000000000BBB", token: "NMbXN5m6oSicF4b_haI17oKhuGIWdcYVXXB8gbFvXi0oIg1A9vIjHqEqmsNrnZH1" };
export const SERVER_ID = "01J1SERVER0000000000000001"; // Alice's, Bob a member
export const BOB_SERVER_ID = "01J1SERVER0000000000000002"; // Bob's, Alice a member with ManageServer
export const GROUP_ID = "01J1GR0VP00000000000000001"; // Alice's group, Bob a recipient
export const TEXT_CHANNEL_ID = "01J1TXTCHANNE0000000000001"; // in Alice's server

/** A stoat.js client logged in with a user's existing session. */
export function userClient(url, who) {
  const client = new Client({ baseURL: url, autoReconnect: false });
  client.useExistingSession({ _id: who.sessionId, token: who.session, user_id: who.id, name: "test" });
  return client;
}

/** A stoat.js client for a bot token (HTTP only; no loginBot, see above). */
export function botClient(url, token) {
  const client = new Client({ baseURL: url, autoReconnect: false });
  client.useExistingSession(token);
  return client;
}

/** A stoat.js client with no session at all. */
export function anonymousClient(url) {
  return new Client({ baseURL: url, autoReconnect: false });
}

/** Awaits a promise that must reject; returns {raw, json} of what stoat-api threw. */
export async function rejection(promise) {
  let thrown;
  await assert.rejects(promise, (e) => {
    thrown = e;
    return true;
  });
  assert.equal(typeof thrown, "string", `stoat-api throws the body text, got ${thrown}`);
  let json;
  try {
    json = JSON.parse(thrown);
  } catch {
    json = undefined;
  }
  return { raw: thrown, json };
}

/** Asserts a family-A error body: exact type, location, and extra fields. */
export function assertError(err, type, location, extra = {}) {
  assert.deepEqual(err.json, { type, ...extra, location });
  // key order on the wire: type, the variant's fields, location (errors.md §2.1)
  assert.deepEqual(Object.keys(JSON.parse(err.raw)), ["type", ...Object.keys(extra), "location"]);
}

/** A ULID for "now" (48-bit ms time + 80 random bits, Crockford base32). */
export function ulidNow(ms = Date.now()) {
  const A = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let t = "";
  for (let i = 0, n = ms; i < 10; i++, n = Math.floor(n / 32)) t = A[n % 32] + t;
  let r = "";
  for (let i = 0; i < 16; i++) r += A[Math.floor(Math.random() * 32)];
  return t + r;
}

// The real server's `location` values at main 99b3ea14 (bots-api.md §9).
export const LOC = {
  createValidation: "crates/delta/src/routes/bots/create.rs:20:9",
  createIsBot: "crates/core/database/src/models/bots/model.rs:84:24",
  createMaxBots: "crates/core/database/src/models/bots/model.rs:88:24",
  usernameBlocked: "crates/core/database/src/models/users/model.rs:310:24",
  usernameTaken: "crates/core/database/src/models/users/model.rs:401:24",
  discriminatorRatelimit: "crates/core/database/src/models/users/model.rs:417:32",
  editValidation: "crates/delta/src/routes/bots/edit.rs:22:9",
  botNotFound: "crates/core/database/src/models/bots/ops/mongodb.rs:19:62",
  editNotOwner: "crates/delta/src/routes/bots/edit.rs:29:20",
  fetchIsBot: "crates/delta/src/routes/bots/fetch.rs:17:20",
  fetchNotOwner: "crates/delta/src/routes/bots/fetch.rs:22:20",
  deleteNotOwner: "crates/delta/src/routes/bots/delete.rs:23:20",
  publicNotFound: "crates/delta/src/routes/bots/fetch_public.rs:20:20",
  inviteIsBot: "crates/delta/src/routes/bots/invite.rs:27:20",
  invitePrivate: "crates/delta/src/routes/bots/invite.rs:32:20",
  serverNotFound: "crates/core/database/src/models/servers/ops/mongodb.rs:21:62",
  channelNotFound: "crates/core/database/src/models/channels/ops/mongodb.rs:23:70",
  missingPermission: "crates/core/permissions/src/models/mod.rs:80:17",
  missingUserPermission: "crates/core/permissions/src/models/mod.rs:69:17",
  banned: "crates/core/database/src/models/server_members/model.rs:115:24",
  alreadyInServer: "crates/core/database/src/models/server_members/model.rs:119:24",
  alreadyInGroup: "crates/core/database/src/models/channels/model.rs:350:28",
  groupTooLarge: "crates/core/database/src/models/channels/model.rs:355:28",
  invalidOperation: "crates/core/database/src/models/channels/model.rs:400:22",
  userNotFound: "crates/core/database/src/models/users/ops/mongodb.rs:23:62",
  botUpdateConflict: "crates/core/database/src/models/bots/ops/mongodb.rs:67:9",
  invalidSession: "crates/core/database/src/models/users/rocket.rs:41:51",
};

export { settled };

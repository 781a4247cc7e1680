// expect.mjs: what the server must send, as the spec writes it (spec/events.md), and
// the key-order check for objects whose optional keys depend on the store.

import assert from "node:assert/strict";

// spec/events.md §2: a bot with no servers and no groups.
export const HELPER_READY =
  '{"type":"Ready","users":[{"_id":"01J0H3HPB0T5T0KEN000000AAA","username":"HelperBot","discriminator":"4821","bot":{"owner":"01HZ5W2X8A1B3C4D5E6F7G8H9J"},"relationship":"User","online":true}],"servers":[],"channels":[],"members":[],"emojis":[],"voice_states":[]}';
// a user (not a bot): policy_changes is present
export const CAROL_READY =
  '{"type":"Ready","users":[{"_id":"01HZ7CARQ1N2P3Q4R5S6T7V8W9","username":"carol","discriminator":"0003","relationship":"User","online":true}],"servers":[],"channels":[],"members":[],"emojis":[],"voice_states":[],"policy_changes":[]}';
// spec/events.md §1.5
export const ERROR_FRAME =
  '{"type":"Error","data":{"type":"InvalidSession","location":"crates/core/database/src/models/users/model.rs:346:38"}}';
export const READY_KEYS = ["type", "users", "servers", "channels", "members", "emojis", "voice_states"];
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Asserts the keys of `obj`: all of `required`, nothing outside `order`, in the order of `order`. */
export function assertKeys(obj, required, order, what) {
  const keys = Object.keys(obj);
  for (const k of required) assert.ok(keys.includes(k), `${what}: missing "${k}" in ${JSON.stringify(obj)}`);
  for (const k of keys) assert.ok(order.includes(k), `${what}: unexpected key "${k}" in ${JSON.stringify(obj)}`);
  const pos = keys.map((k) => order.indexOf(k));
  assert.deepEqual(pos, [...pos].sort((a, b) => a - b), `${what}: keys out of order: ${keys.join(", ")}`);
}
// REAL: crates/core/models/src/v0/servers.rs Server (field order); approximate_member_count on newer main
export const SERVER_KEYS = ["_id", "owner", "name", "description", "channels", "categories", "system_messages", "roles",
  "default_permissions", "icon", "banner", "flags", "nsfw", "analytics", "discoverable", "approximate_member_count"];
// REAL: v0/channels.rs, #[serde(tag = "channel_type")]
export const TEXT_KEYS = ["channel_type", "_id", "server", "name", "description", "icon", "last_message_id",
  "default_permissions", "role_permissions", "parent", "nsfw", "voice", "slowmode", "position"];
export const GROUP_KEYS = ["channel_type", "_id", "name", "owner", "description", "recipients", "icon", "last_message_id",
  "permissions", "nsfw"];


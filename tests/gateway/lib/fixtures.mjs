// fixtures.mjs: who is who in the bundled fixtures (fixtures/default.json, read from
// the file so the tests follow it), and the fixture documents some tests add to.
//
// Bundled: alice owns HelperBot (private) and PublicBot (public); alice and bob are
// friends, both in alice's group "Friends" and in both servers; carol knows nobody.
// Server 1 (alice's) has default_permissions 0, so only its owner may view its text
// channel "general"; in server 2 (bob's) alice has ManageServer.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const TEXT = readFileSync(join(here, "..", "..", "..", "fixtures", "default.json"), "utf8");
const doc = JSON.parse(TEXT);

const human = (u) => ({ id: u._id, username: u.username, discriminator: u.discriminator, session: u.sessions[0].token });
const bot = (b) => ({ id: b._id, username: b.username, discriminator: b.discriminator, token: b.token, owner: b.owner });

export const ALICE = human(doc.users[0]);
export const BOB = human(doc.users[1]);
export const CAROL = human(doc.users[2]);
export const HELPER = bot(doc.bots[0]);
export const PUBLIC = bot(doc.bots[1]);
export const SERVER = doc.servers[0]._id; // alice's
export const BOB_SERVER = doc.servers[1]._id;
export const GROUP = doc.channels[0]._id; // "Friends": alice (owner), bob
export const GENERAL = doc.channels[1]._id; // text channel of SERVER

/** A fresh copy of the bundled document. */
export function bundled() {
  return JSON.parse(TEXT);
}

// Ids for what the tests add (valid ULIDs, after the bundled ones).
export const CORNER = "01J1GR0VP00000000000000C0R"; // a group of carol's with HelperBot in it
export const BOTS_SERVER = "01J1SERVER00000000000000B5"; // carol's server, HelperBot and PublicBot members
export const BOTS_GENERAL = "01J1TXTCHANNE000000000000B"; // its text channel, viewable by every member
export const VIEW_CHANNEL = 1 << 20; // REAL: revolt-permissions ChannelPermission::ViewChannel

/** Bundled + carol's group "Corner" with HelperBot as a recipient: carol's Ready lists the bot. */
export function withCorner(doc = bundled()) {
  doc.channels.push({ _id: CORNER, channel_type: "Group", name: "Corner", owner: CAROL.id, recipients: [CAROL.id, HELPER.id] });
  return doc;
}

/** Bundled + carol's server with both bots as members and a channel every member may view. */
export function withBotsServer(doc = bundled()) {
  doc.servers.push({
    _id: BOTS_SERVER,
    owner: CAROL.id,
    name: "Bots",
    default_permissions: VIEW_CHANNEL,
    members: [{ user: CAROL.id }, { user: HELPER.id }, { user: PUBLIC.id }],
  });
  doc.channels.push({ _id: BOTS_GENERAL, channel_type: "TextChannel", server: BOTS_SERVER, name: "lobby" });
  return doc;
}

/** Bundled + a server of alice's whose members may all view its channel "lobby"; carol is a member. */
export const OPEN_SERVER = "01J1SERVER00000000000000P3";
export const OPEN_LOBBY = "01J1TXTCHANNE000000000000P";
export function withOpenServer(doc = bundled()) {
  doc.servers.push({
    _id: OPEN_SERVER,
    owner: ALICE.id,
    name: "Open",
    default_permissions: VIEW_CHANNEL,
    members: [{ user: ALICE.id }, { user: CAROL.id }],
  });
  doc.channels.push({ _id: OPEN_LOBBY, channel_type: "TextChannel", server: OPEN_SERVER, name: "lobby" });
  return doc;
}

/** Bundled with one user's stored presence set (e.g. "Invisible"). */
export function withPresence(userId, presence, doc = bundled()) {
  const u = doc.users.find((x) => x._id === userId);
  u.status = { ...(u.status ?? {}), presence };
  return doc;
}

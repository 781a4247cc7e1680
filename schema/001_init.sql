-- 001_init.sql: the stoat-mock store, schema version 1.
-- Applied at start-up inside one transaction when PRAGMA user_version < 1.
-- Wire objects that clients send back unchanged (File objects, relations, OAuth2
-- settings) are kept as JSON text; everything the server queries is a column.

CREATE TABLE users (
  id              TEXT PRIMARY KEY,       -- ULID
  username        TEXT NOT NULL,
  discriminator   TEXT NOT NULL,
  display_name    TEXT,
  pronouns        TEXT,
  avatar          TEXT,                   -- File object, JSON
  relations       TEXT,                   -- [{_id, status}], JSON
  badges          INTEGER NOT NULL DEFAULT 0,
  status_text     TEXT,
  status_presence TEXT,
  profile_content TEXT,
  profile_background TEXT,               -- File object, JSON
  flags           INTEGER NOT NULL DEFAULT 0,
  privileged      INTEGER NOT NULL DEFAULT 0,
  bot_owner       TEXT,                   -- set for bot users
  seq             INTEGER NOT NULL        -- fixture / creation order, for exports
);
CREATE INDEX users_username ON users (username COLLATE NOCASE);

CREATE TABLE sessions (
  token     TEXT PRIMARY KEY,
  id        TEXT NOT NULL,
  user_id   TEXT NOT NULL,
  name      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE bots (
  id                   TEXT PRIMARY KEY,  -- equals the bot user's id
  owner                TEXT NOT NULL,
  token                TEXT NOT NULL UNIQUE,
  public               INTEGER NOT NULL DEFAULT 0,
  analytics            INTEGER NOT NULL DEFAULT 0,
  discoverable         INTEGER NOT NULL DEFAULT 0,
  interactions_url     TEXT,
  terms_of_service_url TEXT,
  privacy_policy_url   TEXT,
  oauth2               TEXT,              -- {public, secret, redirects, allowed_scopes}, JSON
  flags                INTEGER NOT NULL DEFAULT 0,
  seq                  INTEGER NOT NULL
);
CREATE INDEX bots_owner ON bots (owner);

-- REAL: users/model.rs update_username records a DiscriminatorChange per change
CREATE TABLE discriminator_changes (
  user_id TEXT NOT NULL,
  at_ms   INTEGER NOT NULL
);

CREATE TABLE servers (
  id                  TEXT PRIMARY KEY,
  owner               TEXT NOT NULL,
  name                TEXT NOT NULL,
  default_permissions INTEGER NOT NULL DEFAULT 0,
  doc                 TEXT NOT NULL,      -- the fixture object, JSON (round trip)
  seq                 INTEGER NOT NULL
);

CREATE TABLE server_members (
  server_id   TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  permissions INTEGER NOT NULL DEFAULT 0, -- granted by the fixture, beside defaults
  seq         INTEGER NOT NULL,
  PRIMARY KEY (server_id, user_id)
);

CREATE TABLE server_bans (
  server_id TEXT NOT NULL,
  user_id   TEXT NOT NULL,
  PRIMARY KEY (server_id, user_id)
);

CREATE TABLE channels (
  id           TEXT PRIMARY KEY,
  channel_type TEXT NOT NULL,             -- Group, TextChannel, ...
  server_id    TEXT,
  owner        TEXT,
  name         TEXT,
  permissions  INTEGER,                   -- group permissions (null = default)
  doc          TEXT NOT NULL,
  seq          INTEGER NOT NULL
);

CREATE TABLE channel_recipients (
  channel_id TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);

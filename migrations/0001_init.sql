-- Every row belongs to an account: one "default" account now, several later (PRODUCT.md §7).
CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  settings    TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL
);

-- Bearer tokens are stored as SHA-256 digests: the clear token is printed once and never kept.
CREATE TABLE tokens (
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('scim', 'admin')),
  digest      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (account_id, kind)
);

-- Users: indexed columns for what filters, uniqueness and the admin view need, beside the stored
-- resource JSON (without id, meta, groups and password, which are derived or secret).
CREATE TABLE users (
  seq               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE,
  account_id        TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_name         TEXT NOT NULL,
  user_name_key     TEXT NOT NULL,
  external_id       TEXT,
  display_name      TEXT,
  active            INTEGER NOT NULL DEFAULT 1,
  source            TEXT NOT NULL CHECK (source IN ('scim', 'local')),
  sso_linked        INTEGER NOT NULL DEFAULT 0,
  password_digest   TEXT,
  -- Set when a SCIM DELETE removed the user from the SCIM view while keeping the record.
  scim_deleted_at   TEXT,
  deprovisioned_at  TEXT,
  deprovisioned_by  TEXT,
  created_at        TEXT NOT NULL,
  last_modified     TEXT NOT NULL,
  version           INTEGER NOT NULL DEFAULT 1,
  resource          TEXT NOT NULL
);
-- userName is unique per account without case, among users SCIM can still see (a DELETE under
-- "deactivate" frees the name for a new user while the old record stays).
CREATE UNIQUE INDEX users_user_name ON users (account_id, user_name_key) WHERE scim_deleted_at IS NULL;
CREATE INDEX users_external_id ON users (account_id, external_id);
CREATE INDEX users_account_seq ON users (account_id, seq);

CREATE TABLE user_emails (
  user_seq   INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
  account_id TEXT NOT NULL,
  value_key  TEXT NOT NULL
);
CREATE INDEX user_emails_value ON user_emails (account_id, value_key);
CREATE INDEX user_emails_user ON user_emails (user_seq);

CREATE TABLE groups (
  seq               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE,
  account_id        TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  display_name      TEXT NOT NULL,
  display_name_key  TEXT NOT NULL,
  external_id       TEXT,
  created_at        TEXT NOT NULL,
  last_modified     TEXT NOT NULL,
  version           INTEGER NOT NULL DEFAULT 1,
  resource          TEXT NOT NULL
);
CREATE UNIQUE INDEX groups_display_name ON groups (account_id, display_name_key);
CREATE INDEX groups_external_id ON groups (account_id, external_id);
CREATE INDEX groups_account_seq ON groups (account_id, seq);

-- Membership is its own table so that one member of a 10,000-member group changes one row.
CREATE TABLE group_members (
  group_seq    INTEGER NOT NULL REFERENCES groups(seq) ON DELETE CASCADE,
  member_id    TEXT NOT NULL,
  member_type  TEXT NOT NULL DEFAULT 'User',
  PRIMARY KEY (group_seq, member_id)
) WITHOUT ROWID;
CREATE INDEX group_members_member ON group_members (member_id);

-- The journal: every request and every state change, linked to the request that caused it.
CREATE TABLE events (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id        TEXT NOT NULL,
  at                TEXT NOT NULL,
  type              TEXT NOT NULL,
  level             TEXT NOT NULL DEFAULT 'info',
  idp               TEXT NOT NULL DEFAULT 'unknown',
  request_event_id  INTEGER,
  request_id        TEXT,
  method            TEXT,
  path              TEXT,
  status            INTEGER,
  duration_ms       REAL,
  user_id           TEXT,
  group_id          TEXT,
  trigger           TEXT,
  message           TEXT,
  request           TEXT,
  response          TEXT,
  rewrites          TEXT,
  data              TEXT
);
CREATE INDEX events_account ON events (account_id, id);
CREATE INDEX events_user ON events (user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX events_group ON events (group_id, id) WHERE group_id IS NOT NULL;
CREATE INDEX events_type ON events (account_id, type, id);

-- The PostgreSQL schema (PRODUCT.md §8.5), the same data as the SQLite one (migrations/*.sql) in
-- PostgreSQL's types. Citus-ready: every primary key and unique constraint leads with account_id,
-- the distribution column, and no foreign key or query crosses accounts. Ids are the SCIM ids (the
-- SQLite schema's `seq` row ids exist only to order pages: here an identity column per table).

CREATE TABLE accounts (
  account_id        text PRIMARY KEY,
  name              text NOT NULL,
  settings          jsonb NOT NULL DEFAULT '{}',
  -- Bumped by every settings change: other processes drop their cached settings when it moves.
  settings_version  bigint NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL
);

CREATE TABLE tokens (
  account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('scim', 'admin')),
  digest      text NOT NULL,
  created_at  timestamptz NOT NULL,
  pinned_by   text,
  PRIMARY KEY (account_id, kind)
);

CREATE TABLE users (
  account_id        text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  id                text NOT NULL,
  seq               bigint GENERATED ALWAYS AS IDENTITY,
  user_name         text NOT NULL,
  user_name_key     text NOT NULL,
  external_id       text,
  display_name      text,
  display_name_key  text,
  active            boolean NOT NULL DEFAULT true,
  source            text NOT NULL CHECK (source IN ('scim', 'local')),
  sso_linked        boolean NOT NULL DEFAULT false,
  password_digest   text,
  scim_deleted_at   timestamptz,
  deprovisioned_at  timestamptz,
  deprovisioned_by  jsonb,
  created_at        timestamptz NOT NULL,
  last_modified     timestamptz NOT NULL,
  version           integer NOT NULL DEFAULT 1,
  resource          jsonb NOT NULL,
  PRIMARY KEY (account_id, id)
);
-- userName is unique per account without case among users SCIM can still see (PRODUCT.md §3).
CREATE UNIQUE INDEX users_user_name ON users (account_id, user_name_key) WHERE scim_deleted_at IS NULL;
CREATE INDEX users_account_seq ON users (account_id, seq);
CREATE INDEX users_external_id ON users (account_id, external_id);
CREATE INDEX users_display_name ON users (account_id, display_name_key);
-- The lockout guard's question before and after every SCIM write (zoominfo/lockout-guard.ts).
CREATE INDEX users_admins ON users (account_id)
  WHERE resource -> 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User' ->> 'role' = 'Admin';

CREATE TABLE user_emails (
  account_id  text NOT NULL,
  user_id     text NOT NULL,
  value_key   text NOT NULL,
  PRIMARY KEY (account_id, user_id, value_key),
  FOREIGN KEY (account_id, user_id) REFERENCES users (account_id, id) ON DELETE CASCADE
);
CREATE INDEX user_emails_value ON user_emails (account_id, value_key);

CREATE TABLE groups (
  account_id        text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  id                text NOT NULL,
  seq               bigint GENERATED ALWAYS AS IDENTITY,
  display_name      text NOT NULL,
  display_name_key  text NOT NULL,
  external_id       text,
  created_at        timestamptz NOT NULL,
  last_modified     timestamptz NOT NULL,
  version           integer NOT NULL DEFAULT 1,
  resource          jsonb NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX groups_display_name ON groups (account_id, display_name_key);
CREATE INDEX groups_account_seq ON groups (account_id, seq);
CREATE INDEX groups_external_id ON groups (account_id, external_id);

-- One row a membership: one member of a 10,000-member group changes one row.
CREATE TABLE group_members (
  account_id   text NOT NULL,
  group_id     text NOT NULL,
  member_id    text NOT NULL,
  member_type  text NOT NULL DEFAULT 'User' CHECK (member_type IN ('User', 'Group')),
  PRIMARY KEY (account_id, group_id, member_id),
  FOREIGN KEY (account_id, group_id) REFERENCES groups (account_id, id) ON DELETE CASCADE
);
CREATE INDEX group_members_member ON group_members (account_id, member_id);

-- The journal (PRODUCT.md §5, §8.2).
CREATE TABLE events (
  account_id        text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  at                timestamptz NOT NULL,
  type              text NOT NULL,
  actor             text NOT NULL DEFAULT 'system' CHECK (actor IN ('idp', 'admin', 'cli', 'system')),
  level             text NOT NULL DEFAULT 'info',
  idp               text NOT NULL DEFAULT 'unknown',
  idp_inferred      boolean NOT NULL DEFAULT false,
  request_event_id  bigint,
  request_id        text,
  method            text,
  path              text,
  status            integer,
  duration_ms       double precision,
  user_id           text,
  group_id          text,
  trigger           text,
  message           text,
  request           jsonb,
  response          jsonb,
  rewrites          jsonb,
  data              jsonb,
  changes           jsonb,
  headers           jsonb,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX events_user ON events (account_id, user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX events_group ON events (account_id, group_id, id) WHERE group_id IS NOT NULL;
CREATE INDEX events_type ON events (account_id, type, id);
CREATE INDEX events_caused ON events (account_id, request_event_id) WHERE request_event_id IS NOT NULL;
CREATE INDEX events_refused ON events (account_id, id) WHERE status = 401;

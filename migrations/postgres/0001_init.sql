-- The PostgreSQL schema (PRODUCT.md §8.5): the data of the SQLite schema (migrations/*.sql), read
-- and written by src/store/postgres/, so the two backends answer byte for byte alike.
--
-- Citus-ready: every primary key and unique constraint leads with account_id (the distribution
-- column), foreign keys carry it, and no statement joins across accounts.
--
-- Kept as in SQLite, on purpose:
--  - timestamps are ISO 8601 UTC text ("2026-12-04T15:08:22.123Z"): SCIM's meta.created and
--    meta.lastModified are exactly these strings, and they order as the instants do;
--  - resources and journal bodies are `json`, not `jsonb`: json keeps the text as written (key
--    order included), which is what a GET answers;
--  - `seq` (an identity) orders pages and links rows, as SQLite's rowids do.

CREATE TABLE accounts (
  account_id  text PRIMARY KEY,
  name        text NOT NULL,
  settings    json NOT NULL DEFAULT '{}',
  created_at  text NOT NULL
);

-- Bearer tokens as SHA-256 digests only. pinned_by: the environment variable that pins the token.
CREATE TABLE tokens (
  account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('scim', 'admin')),
  digest      text NOT NULL,
  created_at  text NOT NULL,
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
  scim_deleted_at   text,
  deprovisioned_at  text,
  deprovisioned_by  json,
  created_at        text NOT NULL,
  last_modified     text NOT NULL,
  version           integer NOT NULL DEFAULT 1,
  resource          json NOT NULL,
  PRIMARY KEY (account_id, id),
  UNIQUE (account_id, seq)
);
-- userName is unique per account without case among users SCIM can still see (PRODUCT.md §3): two
-- processes creating the same userName at once meet here, whatever each checked before.
CREATE UNIQUE INDEX users_user_name ON users (account_id, user_name_key) WHERE scim_deleted_at IS NULL;
-- sortBy=userName reads its page in this order (SQLite's: the keys' bytes, whatever the database's
-- collation), so a page is read from the index instead of every visible user sorted.
CREATE INDEX users_user_name_bytes ON users (account_id, user_name_key COLLATE "C") WHERE scim_deleted_at IS NULL;
-- Counting the visible users and finding the n-th one for a startIndex read this index only
-- (source and sso_linked are in it), as SQLite's users_live does.
CREATE INDEX users_live ON users (account_id, seq) INCLUDE (source, sso_linked) WHERE scim_deleted_at IS NULL;
CREATE INDEX users_external_id ON users (account_id, external_id);
CREATE INDEX users_display_name ON users (account_id, display_name_key);
-- The lockout guard's question before and after every SCIM write (zoominfo/lockout-guard.ts).
CREATE INDEX users_admins ON users (account_id, seq)
  WHERE (resource -> 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User' ->> 'role') = 'Admin';

CREATE TABLE user_emails (
  account_id  text NOT NULL,
  user_seq    bigint NOT NULL,
  value_key   text NOT NULL,
  PRIMARY KEY (account_id, user_seq, value_key),
  FOREIGN KEY (account_id, user_seq) REFERENCES users (account_id, seq) ON DELETE CASCADE
);
CREATE INDEX user_emails_value ON user_emails (account_id, value_key);
CREATE INDEX user_emails_user ON user_emails (user_seq);

CREATE TABLE groups (
  account_id        text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
  id                text NOT NULL,
  seq               bigint GENERATED ALWAYS AS IDENTITY,
  display_name      text NOT NULL,
  display_name_key  text NOT NULL,
  external_id       text,
  created_at        text NOT NULL,
  last_modified     text NOT NULL,
  version           integer NOT NULL DEFAULT 1,
  resource          json NOT NULL,
  PRIMARY KEY (account_id, id),
  UNIQUE (account_id, seq)
);
CREATE UNIQUE INDEX groups_display_name ON groups (account_id, display_name_key);
-- A member is added to a group known by its seq alone (the repositories' contract).
CREATE INDEX groups_seq ON groups (seq);
CREATE INDEX groups_external_id ON groups (account_id, external_id);

-- One row a membership: one member of a 10,000-member group changes one row.
CREATE TABLE group_members (
  account_id   text NOT NULL,
  group_seq    bigint NOT NULL,
  member_id    text NOT NULL,
  member_type  text NOT NULL DEFAULT 'User' CHECK (member_type IN ('User', 'Group')),
  PRIMARY KEY (account_id, group_seq, member_id),
  FOREIGN KEY (account_id, group_seq) REFERENCES groups (account_id, seq) ON DELETE CASCADE
);
CREATE INDEX group_members_group ON group_members (group_seq, member_id);
CREATE INDEX group_members_member ON group_members (member_id);

-- The journal (PRODUCT.md §5, §8.2).
CREATE TABLE events (
  account_id        text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  at                text NOT NULL,
  type              text NOT NULL,
  actor             text NOT NULL DEFAULT 'system',
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
  request           json,
  response          json,
  rewrites          json,
  data              json,
  changes           json,
  headers           json,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX events_user ON events (account_id, user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX events_group ON events (account_id, group_id, id) WHERE group_id IS NOT NULL;
CREATE INDEX events_type ON events (account_id, type, id);
CREATE INDEX events_caused ON events (account_id, request_event_id) WHERE request_event_id IS NOT NULL;
CREATE INDEX events_refused ON events (account_id, id) WHERE status = 401;
-- A request's outcome, duration and names are written by the event's id alone, inside every write:
-- without this, each was a scan of the whole journal.
CREATE INDEX events_id ON events (id);

-- What one process keeps in memory on SQLite and N processes must share here (docs/storage.md):
-- admin view sessions (by the digest of their id: the cookie itself is never stored) ...
CREATE TABLE admin_sessions (
  account_id  text NOT NULL,
  id_digest   text NOT NULL,
  csrf_token  text NOT NULL,
  expires_at  bigint NOT NULL,
  credential  text,
  PRIMARY KEY (account_id, id_digest)
);
-- ... and counting windows: the admin sign-in throttle per address, the injected rate limit per
-- account (account_id '' holds what belongs to no account: an address).
CREATE TABLE windows (
  account_id  text NOT NULL,
  key         text NOT NULL,
  rule        text NOT NULL,
  started_at  bigint NOT NULL,
  count       integer NOT NULL,
  PRIMARY KEY (account_id, key)
);

-- Caches of other processes (settings, token digests, page boundaries and counts) are dropped when
-- these tables change: one notification per statement, delivered after its commit, in milliseconds.
CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('zi_scim_changes', TG_TABLE_NAME);
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
CREATE TRIGGER tokens_changed AFTER INSERT OR UPDATE OR DELETE ON tokens FOR EACH STATEMENT EXECUTE FUNCTION notify_change();
CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION notify_change();

-- Deep pages and the common filters without reading rows (issue "Performance").

-- Users SCIM can see: not SCIM-deleted, and under scimVisibility "scim-only" also SCIM-made or
-- SSO-linked (users-repository.ts VISIBLE_SQL, which repeats the WHERE word for word so the planner
-- may use the index). With source and sso_linked in the index, counting the visible users and
-- finding the n-th one for a startIndex walk this index only, never the rows and their JSON; one
-- index for both visibilities keeps a user's insert to one more index page.
CREATE INDEX users_live ON users (account_id, seq, source, sso_linked) WHERE scim_deleted_at IS NULL;

-- `displayName eq "..."` on Users, compared without case like userName. The key is written by the
-- repository with String#toLowerCase (store/case-key.ts). SQLite's lower() folds ASCII only, so here
-- only ASCII names get their key; any other name gets char(1), which every displayName lookup also
-- reads (a superset the filter evaluator then narrows), until the user is next saved.
ALTER TABLE users ADD COLUMN display_name_key TEXT;
UPDATE users SET display_name_key = CASE WHEN display_name GLOB '*[^ -~]*' THEN char(1) ELSE lower(display_name) END
  WHERE display_name IS NOT NULL;
CREATE INDEX users_display_name ON users (account_id, display_name_key);

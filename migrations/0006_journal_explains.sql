-- A journal that explains (PRODUCT.md §8.2): who acted, whether the IdP was inferred, what a write
-- changed, and the safe headers of a request.
ALTER TABLE events ADD COLUMN actor TEXT NOT NULL DEFAULT 'system';
ALTER TABLE events ADD COLUMN idp_inferred INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN changes TEXT;
ALTER TABLE events ADD COLUMN headers TEXT;
-- Events written before this migration: a request or what it caused came from the IdP.
UPDATE events SET actor = 'idp' WHERE type = 'request' OR request_event_id IS NOT NULL;
UPDATE events SET actor = 'admin' WHERE actor = 'system' AND type IN ('settings.changed', 'guard.refused', 'guard.forced', 'token.rotated', 'user.provisioned');
-- What a request caused, for its detail (`caused`): only events that have a cause are indexed.
CREATE INDEX events_caused ON events (request_event_id) WHERE request_event_id IS NOT NULL;

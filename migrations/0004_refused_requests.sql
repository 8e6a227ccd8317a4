-- Refused requests (401: no valid token) are pruned on their own bound, before the journal's main
-- bound, so a flood of them never evicts a state event (events-repository.ts, issue 13).
CREATE INDEX events_refused ON events (account_id, id) WHERE status = 401;

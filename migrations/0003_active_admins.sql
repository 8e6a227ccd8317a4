-- The lockout guard asks before and after every SCIM write which active Admins the account has
-- (zoominfo/lockout-guard.ts; users-repository.ts activeAdmins repeats this WHERE word for word so
-- the planner may use the index). Only Admins are in it: writing an ordinary user adds no page.
CREATE INDEX users_admins ON users (account_id)
  WHERE json_extract(resource, '$."urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User".role') = 'Admin';

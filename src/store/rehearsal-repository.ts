import type { Db } from './open-database.js';

/** A refused request from the IdP that asked to deprovision someone (readiness reads its body). */
export interface RefusedDeprovisioning {
  method: string;
  path: string;
  request: unknown;
}

/** How often the IdP's traffic exercised each deprovisioning route (readiness's rehearsal coverage). */
export interface Exercised {
  userDeletes: number;
  memberRemovals: number;
  groupDeletes: number;
}

/** Bounds what readiness reads of a long journal: the newest rows are the ones that tell. */
const NEWEST = 500;

/**
 * What the journal says about the rehearsal, read for the readiness checklist (zoominfo/readiness.ts):
 * only the columns and rows each item needs, newest first and bounded, never whole events.
 */
export function createRehearsalRepository(db: Db, settle: () => void, maxBody: number) {
  // Refused PUT, PATCH and DELETE of a user, with the body only where it may ask for `active` false,
  // and never a body longer than the journal keeps now (an event from before JOURNAL_MAX_BODY could
  // hold megabytes; it is read without its body).
  const refused = db.prepare<{ accountId: string; maxBody: number; limit: number }, { method: string; path: string; request: string | null }>(
    `SELECT method, path, CASE WHEN method <> 'DELETE' AND length(request) <= @maxBody THEN request END AS request
    FROM events WHERE account_id = @accountId AND type = 'request' AND status >= 400 AND method IN ('PATCH', 'PUT', 'DELETE')
      AND path LIKE '%/Users/%' AND (method = 'DELETE' OR request LIKE '%active%') ORDER BY id DESC LIMIT @limit`,
  );
  // An authenticated GET: anything but the answers of the token check and the account switches.
  const connection = db.prepare<[string], number>(`SELECT count(*) FROM (SELECT 1 FROM events WHERE account_id = ? AND type = 'request'
    AND method = 'GET' AND status IS NOT NULL AND status < 500 AND status NOT IN (401, 403) LIMIT 1)`).pluck();
  const idps = db.prepare<[string], string>(`SELECT DISTINCT idp FROM events WHERE account_id = ? AND type = 'request'
    AND idp <> 'unknown' ORDER BY idp`).pluck();
  const counted = (sql: string) => db.prepare<[string], number>(`SELECT count(*) FROM events WHERE account_id = ? AND ${sql}`).pluck();
  const userDeletes = counted(`type = 'user.deleted' AND request_event_id IS NOT NULL`);
  const memberRemovals = counted(`type = 'member.removed' AND request_event_id IS NOT NULL AND (data IS NULL OR data NOT LIKE '%group-delete%')`);
  const groupDeletes = counted(`type = 'group.deleted' AND request_event_id IS NOT NULL`);
  const dropped = db.prepare<[string, number], string>(`SELECT rewrites FROM events WHERE account_id = ? AND type = 'request'
    AND rewrites LIKE '%"unknown-attribute-dropped"%' ORDER BY id DESC LIMIT ?`).pluck();

  return {
    refusedDeprovisionings(accountId: string): RefusedDeprovisioning[] {
      settle();
      return refused.all({ accountId, maxBody, limit: NEWEST }).map((r) => ({ method: r.method, path: r.path, request: r.request ? (JSON.parse(r.request) as unknown) : null }));
    },
    connectionTested(accountId: string): boolean {
      settle();
      return connection.get(accountId)! > 0;
    },
    idpsSeen(accountId: string): string[] {
      settle();
      return idps.all(accountId);
    },
    exercised(accountId: string): Exercised {
      settle();
      return { userDeletes: userDeletes.get(accountId)!, memberRemovals: memberRemovals.get(accountId)!, groupDeletes: groupDeletes.get(accountId)! };
    },
    /** The `rewrites` of the newest requests in which the normaliser dropped attributes. */
    droppedAttributeRewrites(accountId: string): unknown[] {
      settle();
      return dropped.all(accountId, NEWEST).map((text) => JSON.parse(text) as unknown);
    },
  };
}

export type RehearsalRepository = ReturnType<typeof createRehearsalRepository>;

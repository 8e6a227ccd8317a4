import type { PgDb } from './pg-db.js';
import type { Exercised, RefusedDeprovisioning, RehearsalRepository } from '../rehearsal-repository.js';

/** Bounds what readiness reads of a long journal: the newest rows are the ones that tell. */
const NEWEST = 500;

/**
 * SQLite's LIKE ignores the case of ASCII letters, and only theirs: ILIKE under the "C" collation
 * does the same (a locale's ILIKE would also fold other letters). json columns compare as their text.
 */
const like = (column: string, pattern: string) => `${column}::text COLLATE "C" ILIKE '${pattern}'`;

/**
 * What the journal says about the rehearsal, read for the readiness checklist (zoominfo/readiness.ts):
 * only the columns and rows each item needs, newest first and bounded, never whole events.
 */
export function createPostgresRehearsalRepository(db: PgDb, settle: () => void, maxBody: number): RehearsalRepository {
  const counted = (sql: string) => (accountId: string) => db.value<number>(`SELECT count(*) FROM events WHERE account_id = $1 AND ${sql}`, [accountId])!;
  const userDeletes = counted(`type = 'user.deleted' AND request_event_id IS NOT NULL`);
  const memberRemovals = counted(`type = 'member.removed' AND request_event_id IS NOT NULL AND (data IS NULL OR NOT ${like('data', '%group-delete%')})`);
  const groupDeletes = counted(`type = 'group.deleted' AND request_event_id IS NOT NULL`);

  return {
    // Refused PUT, PATCH and DELETE of a user, with the body only where it may ask for `active` false,
    // and never a body longer than the journal keeps now (an event from before JOURNAL_MAX_BODY could
    // hold megabytes; it is read without its body).
    refusedDeprovisionings(accountId: string): RefusedDeprovisioning[] {
      settle();
      const rows = db.all<{ method: string; path: string; request: string | null }>(
        `SELECT method, path, CASE WHEN method <> 'DELETE' AND length(request::text) <= $2 THEN request::text END AS request
        FROM events WHERE account_id = $1 AND type = 'request' AND status >= 400 AND method IN ('PATCH', 'PUT', 'DELETE')
          AND ${like('path', '%/Users/%')} AND (method = 'DELETE' OR ${like('request', '%active%')}) ORDER BY id DESC LIMIT $3`,
        [accountId, maxBody, NEWEST],
      );
      return rows.map((r) => ({ method: r.method, path: r.path, request: r.request ? (JSON.parse(r.request) as unknown) : null }));
    },
    // An authenticated GET: anything but the answers of the token check and the account switches.
    connectionTested(accountId: string): boolean {
      settle();
      return db.value<boolean>(
        `SELECT EXISTS (SELECT 1 FROM events WHERE account_id = $1 AND type = 'request'
          AND method = 'GET' AND status IS NOT NULL AND status < 500 AND status NOT IN (401, 403))`,
        [accountId],
      )!;
    },
    idpsSeen(accountId: string): string[] {
      settle();
      return db
        .all<{ idp: string }>(`SELECT idp FROM events WHERE account_id = $1 AND type = 'request' AND idp <> 'unknown' GROUP BY idp ORDER BY idp COLLATE "C"`, [accountId])
        .map((r) => r.idp);
    },
    exercised(accountId: string): Exercised {
      settle();
      return { userDeletes: userDeletes(accountId), memberRemovals: memberRemovals(accountId), groupDeletes: groupDeletes(accountId) };
    },
    /** The `rewrites` of the newest requests in which the normaliser dropped attributes. */
    droppedAttributeRewrites(accountId: string): unknown[] {
      settle();
      return db
        .all<{ rewrites: string }>(
          `SELECT rewrites::text AS rewrites FROM events WHERE account_id = $1 AND type = 'request'
          AND ${like('rewrites', '%"unknown-attribute-dropped"%')} ORDER BY id DESC LIMIT $2`,
          [accountId, NEWEST],
        )
        .map((r) => JSON.parse(r.rewrites) as unknown);
    },
  };
}

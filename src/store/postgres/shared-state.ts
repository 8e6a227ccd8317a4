import { createHash } from 'node:crypto';
import type { CountingWindow, SharedState, StoredSession } from '../../model/shared-state.js';
import type { PgDb } from './pg-db.js';

/** A session's id is its cookie, a credential: only its digest is stored. */
const digestOf = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');

const SWEEP_EVERY = 1000;
const STALE_MS = 24 * 60 * 60 * 1000;

interface WindowRow {
  started_at: number;
  count: number;
  rule: string;
}
const toWindow = (r: WindowRow): CountingWindow => ({ startedAt: r.started_at, count: r.count, rule: r.rule });

/** SharedState in tables (migrations/postgres/0001): every replica sees the same sessions and counts. */
export function createPostgresSharedState(db: PgDb): SharedState {
  // Windows of addresses that came once and never again would stay: every so many counts, the ones
  // that ended long ago go (no window the sandbox sets lasts a day).
  let hits = 0;
  return {
    sessions: {
      put(accountId, session, max, now) {
        db.run('DELETE FROM admin_sessions WHERE account_id = $1 AND expires_at <= $2', [accountId, now]);
        // Beyond `max`, the sessions that expire first (the oldest: all live 12 h) make room.
        db.run(
          `DELETE FROM admin_sessions WHERE account_id = $1 AND id_digest IN (SELECT id_digest FROM admin_sessions
            WHERE account_id = $1 ORDER BY expires_at LIMIT greatest(0, (SELECT count(*) FROM admin_sessions WHERE account_id = $1) - $2 + 1))`,
          [accountId, max],
        );
        db.run('INSERT INTO admin_sessions (account_id, id_digest, csrf_token, expires_at, credential) VALUES ($1, $2, $3, $4, $5)', [
          accountId,
          digestOf(session.id),
          session.csrfToken,
          session.expiresAt,
          session.credential,
        ]);
      },
      get(accountId, id) {
        const row = db.one<{ csrf_token: string; expires_at: number; credential: string | null }>(
          'SELECT csrf_token, expires_at, credential FROM admin_sessions WHERE account_id = $1 AND id_digest = $2',
          [accountId, digestOf(id)],
        );
        return row ? ({ id, csrfToken: row.csrf_token, expiresAt: row.expires_at, credential: row.credential } satisfies StoredSession) : null;
      },
      remove(accountId, id) {
        db.run('DELETE FROM admin_sessions WHERE account_id = $1 AND id_digest = $2', [accountId, digestOf(id)]);
      },
    },
    windows: {
      hit(accountId, key, rule, windowMs, now) {
        if (++hits % SWEEP_EVERY === 0) db.run('DELETE FROM windows WHERE started_at < $1', [now - STALE_MS]);
        // One statement, so two replicas counting at once both count (the row lock orders them).
        const row = db.one<WindowRow>(
          `INSERT INTO windows AS w (account_id, key, rule, started_at, count) VALUES ($1, $2, $3, $4, 1)
          ON CONFLICT (account_id, key) DO UPDATE SET
            count = CASE WHEN w.rule <> excluded.rule OR $4 - w.started_at >= $5 THEN 1 ELSE w.count + 1 END,
            started_at = CASE WHEN w.rule <> excluded.rule OR $4 - w.started_at >= $5 THEN $4 ELSE w.started_at END,
            rule = excluded.rule
          RETURNING started_at, count, rule`,
          [accountId, key, rule, now, windowMs],
        );
        return toWindow(row!);
      },
      get(accountId, key) {
        const row = db.one<WindowRow>('SELECT started_at, count, rule FROM windows WHERE account_id = $1 AND key = $2', [accountId, key]);
        return row ? toWindow(row) : null;
      },
      remove(accountId, key) {
        db.run('DELETE FROM windows WHERE account_id = $1 AND key = $2', [accountId, key]);
      },
    },
  };
}

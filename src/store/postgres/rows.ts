import type { Actor, EventRow, EventType } from '../../model/journal.js';

/**
 * LIMIT and OFFSET as SQLite reads them, for PostgreSQL: a negative LIMIT means no limit (LIMIT
 * NULL here) and a negative OFFSET means none (PostgreSQL refuses one).
 */
export const limitOf = (limit: number): number | null => (limit < 0 ? null : limit);
export const offsetOf = (offset: number): number => Math.max(0, offset);

const parse = (text: unknown) => (typeof text === 'string' ? (JSON.parse(text) as unknown) : null);

/** An events row (`SELECT *`: json columns as their text, bigint as number) as the journal hands it out. */
export const eventFromRow = (r: Record<string, unknown>): EventRow => ({
  id: r.id as number,
  at: r.at as string,
  type: r.type as EventType,
  actor: r.actor as Actor,
  idpInferred: r.idp_inferred === true,
  changes: parse(r.changes),
  headers: parse(r.headers),
  level: r.level as string,
  idp: r.idp as string,
  requestEventId: (r.request_event_id as number | null) ?? null,
  requestId: (r.request_id as string | null) ?? null,
  method: (r.method as string | null) ?? null,
  path: (r.path as string | null) ?? null,
  status: (r.status as number | null) ?? null,
  durationMs: (r.duration_ms as number | null) ?? null,
  userId: (r.user_id as string | null) ?? null,
  groupId: (r.group_id as string | null) ?? null,
  trigger: (r.trigger as string | null) ?? null,
  message: (r.message as string | null) ?? null,
  request: parse(r.request),
  response: parse(r.response),
  rewrites: parse(r.rewrites),
  data: parse(r.data),
});

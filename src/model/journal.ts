/** The journal's events, as the store keeps them and the admin API shows them (PRODUCT.md §5, §8.2). */
export type EventType =
  | 'request'
  | 'user.provisioned'
  | 'user.updated'
  | 'user.claimed'
  | 'user.deprovisioned'
  | 'user.reactivated'
  | 'user.deleted'
  | 'group.created'
  | 'group.updated'
  | 'group.deleted'
  | 'member.added'
  | 'member.removed'
  | 'settings.changed'
  | 'guard.refused'
  | 'guard.forced'
  | 'guard.breached'
  | 'token.rotated'
  | 'fault.injected';

/** Who acted (PRODUCT.md §8.2): the IdP through SCIM, an admin, the zi-scim command, or the sandbox itself. */
export type Actor = 'idp' | 'admin' | 'cli' | 'system';

export interface NewEvent {
  accountId: string;
  type: EventType;
  /** The store's own actor when not given (the server: admin; the CLI: cli). */
  actor?: Actor;
  /** The IdP was not told by the request itself but taken from the account (PRODUCT.md §8.2). */
  idpInferred?: boolean;
  /** What a write changed, for `user.updated` and `group.updated`. */
  changes?: unknown;
  /** The request's User-Agent, Content-Type and Accept, for `request` events. */
  headers?: unknown;
  level?: 'info' | 'warning' | 'error';
  idp?: string;
  requestEventId?: number | null;
  requestId?: string | null;
  method?: string | null;
  path?: string | null;
  status?: number | null;
  durationMs?: number | null;
  userId?: string | null;
  groupId?: string | null;
  trigger?: string | null;
  message?: string | null;
  request?: unknown;
  response?: unknown;
  rewrites?: unknown;
  data?: unknown;
}

export interface EventRow {
  id: number;
  at: string;
  type: EventType;
  actor: Actor;
  idpInferred: boolean;
  changes: unknown;
  headers: unknown;
  level: string;
  idp: string;
  requestEventId: number | null;
  requestId: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  durationMs: number | null;
  userId: string | null;
  groupId: string | null;
  trigger: string | null;
  message: string | null;
  request: unknown;
  response: unknown;
  rewrites: unknown;
  data: unknown;
}

export interface EventQuery {
  accountId: string;
  userId?: string;
  groupId?: string;
  idp?: string;
  type?: string;
  since?: string;
  /** Only events with an id above this one (for live tails). */
  afterId?: number;
  /** Only events with an id below this one (the export reads page after page this way). */
  beforeId?: number;
  /** Only events whose HTTP status is in [from, to): one status (429: 429-430) or a class (4xx: 400-500). */
  status?: { from: number; to: number };
  /** Leave out `request` events (a user's timeline: its state changes only). */
  changesOnly?: boolean;
  order: 'newest' | 'oldest';
  offset: number;
  limit: number;
}

/** A JSON document already serialised (a response as it was sent): stored as is, not parsed and re-stringified. */
export class RawJson {
  constructor(readonly text: string) {}
}

import type { EventsRepository, NewEvent } from './store/events-repository.js';

/** What the journal needs to know about the request being served. */
export interface RequestContext {
  accountId: string;
  idp: string;
  method: string;
  /** Path and query as received. */
  path: string;
  requestId: string;
  /** The body as received, with secrets redacted. */
  body?: unknown;
  /** What the IdP normaliser changed. */
  rewrites?: unknown;
  /** Set once the request's own journal event exists. */
  requestEventId?: number;
  /** SCIM base URL used in meta.location and Location headers. */
  baseUrl: string;
}

const SECRET_KEYS = /^(password|token|scimtoken|admintoken|secret)$/i;

/** A deep copy with every password (and token) replaced, so no secret reaches the journal. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const isPasswordOp = key === 'value' && /password/i.test(String((value as Record<string, unknown>).path ?? ''));
      out[key] = SECRET_KEYS.test(key) || isPasswordOp ? '[redacted]' : redact(inner);
    }
    return out;
  }
  return value;
}

const nonEmpty = (list: unknown) => (Array.isArray(list) && list.length === 0 ? undefined : list);

export type ChangeEvent = Omit<NewEvent, 'accountId' | 'idp' | 'requestEventId' | 'requestId'>;

/**
 * Records a request and the state changes it caused, linked by the request's event id. The request
 * event is written with the first change, inside the same transaction, so a change is never
 * journaled without its cause; its final status and duration are filled in when the response goes.
 */
export function createJournal(events: EventsRepository) {
  function requestEvent(ctx: RequestContext, status: number | null): number {
    if (ctx.requestEventId === undefined) {
      ctx.requestEventId = events.insert({
        accountId: ctx.accountId,
        type: 'request',
        idp: ctx.idp,
        requestId: ctx.requestId,
        method: ctx.method,
        path: ctx.path,
        status,
        request: ctx.body,
        rewrites: nonEmpty(ctx.rewrites),
      });
    }
    return ctx.requestEventId;
  }

  return {
    /** The id of this request's `request` event, creating it if needed. */
    requestEvent,
    change(ctx: RequestContext, change: ChangeEvent): number {
      const requestEventId = requestEvent(ctx, null);
      return events.insert({ ...change, accountId: ctx.accountId, idp: ctx.idp, requestEventId, requestId: ctx.requestId });
    },
    /** Events not caused by a SCIM request (admin actions). */
    standalone(event: NewEvent): number {
      return events.insert(event);
    },
    finish(ctx: RequestContext, status: number, durationMs: number, response: unknown): void {
      if (ctx.requestEventId === undefined) {
        ctx.requestEventId = events.insert({
          accountId: ctx.accountId,
          type: 'request',
          idp: ctx.idp,
          requestId: ctx.requestId,
          method: ctx.method,
          path: ctx.path,
          status,
          durationMs,
          request: ctx.body,
          rewrites: nonEmpty(ctx.rewrites),
          response,
        });
      } else {
        events.setOutcome(ctx.requestEventId, status, durationMs, response);
      }
    },
  };
}

export type Journal = ReturnType<typeof createJournal>;

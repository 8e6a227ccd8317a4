import type { EventsRepository, NewEvent } from './store/events-repository.js';
import { DEFAULT_ACCOUNT } from './model/accounts.js';

/** A refused request's path is journaled up to this many characters (anyone can send one). */
export const MAX_REFUSED_PATH = 256;
/** Requests to accounts that do not exist are journaled at most once per this many milliseconds. */
export const UNKNOWN_ACCOUNT_INTERVAL_MS = 60_000;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** What the journal needs to know about the request being served. */
export interface RequestContext {
  accountId: string;
  idp: string;
  /** The IdP was taken from the account, the request sending no signal of its own (PRODUCT.md §8.2). */
  idpInferred?: boolean;
  /** User-Agent, Content-Type and Accept as sent: never Authorization or Cookie. */
  headers?: Record<string, string>;
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
  /**
   * Digests of the passwords the body carries, computed before the write off the event loop
   * (zoominfo/passwords.ts): the write's transaction takes one instead of running scrypt itself.
   */
  passwordDigests?: Map<string, string[]>;
  /** SCIM base URL used in meta.location and Location headers. */
  baseUrl: string;
  /**
   * Set by a route that answers a write: called inside the write's transaction with what the
   * service returned, it gives the status and the response to journal, so the request event is
   * committed complete with the write (no second transaction after the answer).
   */
  complete?: (result: unknown) => { status: number; durationMs: number; response: unknown };
  /** True once the request event holds its status and response (only the duration may follow). */
  outcomeRecorded?: boolean;
  /** Whether the request event already names a user / a group (so later changes skip the UPDATE). */
  requestNames?: { user: boolean; group: boolean };
}

/** Requests that change nothing: their `request` event may be written a moment after the answer. */
const isReadOnly = (ctx: RequestContext): boolean =>
  ctx.method === 'GET' || ctx.method === 'HEAD' || (ctx.method === 'POST' && /\/\.search\/?(?:\?|$)/i.test(ctx.path));

// Also URN-qualified or dotted ("urn:ietf:params:scim:schemas:core:2.0:User:password",
// OneLogin's "urn:scim:schemas:core:2.0:password"): a bare-name match let those through.
const SECRET_KEYS = /(^|[:.])(password|token|scimtoken|admintoken|secret)$/i;
const PASSWORD_KEY = /(^|[:.])password$/i;

/**
 * A deep copy with every password (and token) replaced, so no secret reaches the journal. Keys are
 * tested as the write resolves them: a PATCH path or attribute name is trimmed first
 * (patch-path.ts), so "password " and "urn:...:User:password\t" are the password. The password
 * values met are pushed to `passwords` when given (hashed ahead of the write, passwords.ts).
 */
export function redact(value: unknown, passwords?: string[]): unknown {
  if (Array.isArray(value)) return value.map((inner) => redact(inner, passwords));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    // A PATCH operation on the password, its member names in any case ("Path", "Value"): the
    // journal keeps refused requests too, so a body the SCIM layer rejects is redacted all the same.
    const path = entries.find(([key]) => key.toLowerCase() === 'path')?.[1];
    const isPasswordOp = typeof path === 'string' && /password/i.test(path);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of entries) {
      const isPassword = PASSWORD_KEY.test(key.trim()) || (isPasswordOp && key.toLowerCase() === 'value');
      if (isPassword && typeof inner === 'string') passwords?.push(inner);
      out[key] = isPassword || SECRET_KEYS.test(key.trim()) ? '[redacted]' : redact(inner, passwords);
    }
    return out;
  }
  return value;
}

// Query parameters that carry a credential (RFC 6750 §2.3 `access_token`, and the usual others).
const CREDENTIAL_PARAM = /([?&])(access_token|id_token|refresh_token|token|api_?key|client_secret|password|secret|auth|authorization)=[^&#]*/gi;

/**
 * A request path with the value of every credential query parameter replaced: some clients send
 * the token in the URL, and the path is journaled and logged (issue 13).
 */
export function redactPath(path: string): string {
  return path.includes('=') ? path.replace(CREDENTIAL_PARAM, '$1$2=[redacted]') : path;
}

const nonEmpty = (list: unknown) => (Array.isArray(list) && list.length === 0 ? undefined : list);

export type ChangeEvent = Omit<NewEvent, 'accountId' | 'idp' | 'idpInferred' | 'actor' | 'requestEventId' | 'requestId' | 'method' | 'path'>;

/**
 * Records a request and the state changes it caused, linked by the request's event id. The request
 * event is written with the first change, inside the same transaction, so a change is never
 * journaled without its cause; its final status and duration are filled in when the response goes.
 */
/** The `request` event of a request, as far as it is known so far. */
const requestEventOf = (ctx: RequestContext, outcome: Pick<NewEvent, 'status' | 'durationMs' | 'response'>): NewEvent => ({
  accountId: ctx.accountId,
  type: 'request',
  actor: 'idp',
  idp: ctx.idp,
  idpInferred: ctx.idpInferred,
  headers: ctx.headers,
  requestId: ctx.requestId,
  method: ctx.method,
  path: ctx.path,
  request: ctx.body,
  rewrites: nonEmpty(ctx.rewrites),
  ...outcome,
});

export function createJournal(events: EventsRepository) {
  let unknownAccountAt = -Infinity;
  let unknownAccountSkipped = 0;

  function requestEvent(ctx: RequestContext, status: number | null): number {
    if (ctx.requestEventId === undefined) {
      ctx.requestEventId = events.insert(requestEventOf(ctx, { status }));
      // A fresh event names no one (after a rolled-back write its id may even be reused).
      ctx.requestNames = { user: false, group: false };
    }
    return ctx.requestEventId;
  }

  return {
    /**
     * A request to an account that does not exist: an id the client made up, so journaling under
     * it made rows no one could see or delete. It goes to the default account instead, path cut,
     * at most once per UNKNOWN_ACCOUNT_INTERVAL_MS, saying how many were left out before it.
     */
    unknownAccount(ctx: RequestContext, status: number, durationMs: number): void {
      const now = Date.now();
      if (now - unknownAccountAt < UNKNOWN_ACCOUNT_INTERVAL_MS) {
        unknownAccountSkipped++;
        return;
      }
      const skipped = unknownAccountSkipped;
      unknownAccountAt = now;
      unknownAccountSkipped = 0;
      const event = requestEventOf({ ...ctx, accountId: DEFAULT_ACCOUNT, path: cut(ctx.path, MAX_REFUSED_PATH), body: undefined }, { status, durationMs });
      event.level = 'warning';
      event.message = `a request to account "${cut(ctx.accountId, 64)}", which does not exist` + (skipped ? ` (${skipped} more since the last one journaled)` : '');
      events.insertDeferred(event);
    },
    /** The id of this request's `request` event, creating it if needed. */
    requestEvent,
    /**
     * A state change, linked to its request. The request event takes the user and group of the
     * first change that names them, so filtering the journal by user or group finds the request
     * too; at most one UPDATE each (a group PATCH adding 1,000 members runs it once).
     */
    change(ctx: RequestContext, change: ChangeEvent): number {
      const requestEventId = requestEvent(ctx, null);
      const named = (ctx.requestNames ??= { user: false, group: false });
      const userId = !named.user && change.userId ? change.userId : null;
      const groupId = !named.group && change.groupId ? change.groupId : null;
      if (userId || groupId) {
        events.nameRequest(requestEventId, userId, groupId);
        if (userId) named.user = true;
        if (groupId) named.group = true;
      }
      // Derived events say which request caused them in full, not only by its id (PRODUCT.md §8.2).
      return events.insert({
        ...change,
        accountId: ctx.accountId,
        actor: 'idp',
        idp: ctx.idp,
        idpInferred: ctx.idpInferred,
        requestEventId,
        requestId: ctx.requestId,
        method: ctx.method,
        path: ctx.path,
      });
    },
    /** Events not caused by a SCIM request (admin actions). */
    standalone(event: NewEvent): number {
      return events.insert(event);
    },
    /** Inside the write's transaction: the request event gets its status and response now. */
    recordOutcome(ctx: RequestContext, status: number, durationMs: number, response: unknown): void {
      events.setOutcome(requestEvent(ctx, null), status, durationMs, response);
      ctx.outcomeRecorded = true;
    },
    /**
     * After the answer. A read-only request that changed nothing gets its event now, deferred: it
     * is written with others in one transaction within milliseconds (src/store/events-repository.ts),
     * since there is nothing to make durable before the answer. Any other request is journaled
     * synchronously, as before; a write whose outcome is already committed only has its final
     * duration (the answer's sending included) filled in, deferred.
     */
    finish(ctx: RequestContext, status: number, durationMs: number, response: unknown): void {
      // A refused request costs one short event (its own bound, JOURNAL_MAX_REFUSED): no body.
      if (status === 401 && ctx.requestEventId === undefined) {
        events.insertDeferred(requestEventOf({ ...ctx, path: cut(ctx.path, MAX_REFUSED_PATH), body: undefined }, { status, durationMs, response }));
        return;
      }
      if (ctx.requestEventId === undefined) {
        const event = requestEventOf(ctx, { status, durationMs, response });
        if (isReadOnly(ctx)) events.insertDeferred(event);
        else ctx.requestEventId = events.insert(event);
      } else if (ctx.outcomeRecorded) {
        events.setDurationDeferred(ctx.requestEventId, durationMs);
      } else {
        events.setOutcome(ctx.requestEventId, status, durationMs, response);
      }
    },
  };
}

export type Journal = ReturnType<typeof createJournal>;

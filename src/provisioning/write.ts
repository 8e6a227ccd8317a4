import type { Store } from '../store/store.js';
import type { Journal, RequestContext } from '../journal.js';

/**
 * Runs a SCIM write in one transaction that begins with the request's journal event, so every
 * state change can name it. If the write fails, nothing of it (event id included) survives.
 */
export function writeTransaction<T>(store: Store, journal: Journal, ctx: RequestContext, fn: () => T): T {
  const before = ctx.requestEventId;
  try {
    return store.transaction(() => {
      journal.requestEvent(ctx, null);
      return fn();
    });
  } catch (error) {
    ctx.requestEventId = before;
    throw error;
  }
}

import type { Store } from '../store/store.js';
import type { Journal, RequestContext } from '../journal.js';
import { GuardRecheck, guardScimWrite, journalScimRefusal, ScimLockoutRefusal } from '../zoominfo/lockout-guard.js';

/**
 * Runs a SCIM write in one transaction that begins with the request's journal event, so every
 * state change can name it, behind the lockout guard (zoominfo/lockout-guard.ts). If the write fails, nothing of it (event id included) survives. When
 * the route set `ctx.complete`, the request event's status and response are written in the same
 * transaction, so an acknowledged write and its whole journal entry are committed together.
 */
export function writeTransaction<T>(store: Store, journal: Journal, ctx: RequestContext, fn: () => T): T {
  try {
    return attempt(store, journal, ctx, fn, false);
  } catch (error) {
    // The quick lockout check failed: undone (above), run again with the full check, which the
    // rare write that locks an Admin out (or one on an account already locked out) pays.
    if (!(error instanceof GuardRecheck)) throw error;
    return attempt(store, journal, ctx, fn, true);
  }
}

function attempt<T>(store: Store, journal: Journal, ctx: RequestContext, fn: () => T, thorough: boolean): T {
  const before = ctx.requestEventId;
  const names = ctx.requestNames && { ...ctx.requestNames };
  const complete = ctx.complete;
  try {
    // Committed with the other writes of this moment (store.batched: group commit); the answer
    // waits for that commit.
    return store.batched(() => {
      journal.requestEvent(ctx, null);
      const result = guardScimWrite(store, journal, ctx, fn, thorough);
      // The route's answer (status and body) is journaled in this same transaction: one commit.
      if (complete) {
        ctx.complete = undefined;
        const outcome = complete(result);
        journal.recordOutcome(ctx, outcome.status, outcome.durationMs, outcome.response);
      }
      return result;
    }, ctx.accountId);
  } catch (error) {
    ctx.requestEventId = before;
    ctx.requestNames = names;
    ctx.outcomeRecorded = false;
    ctx.complete = complete;
    // Rolled back above; the refusal itself is kept, in the batch this write would have joined.
    if (error instanceof ScimLockoutRefusal) journalScimRefusal(journal, ctx, error);
    throw error;
  }
}

import type { CountingWindow, SharedState, StoredSession } from '../model/shared-state.js';

/** Windows kept at most (one per address or account): the oldest go first beyond it. */
const MAX_WINDOWS = 10_000;

/** SharedState in this process's memory: SQLite's, whose file one server process serves. */
export function createMemorySharedState(): SharedState {
  const sessions = new Map<string, StoredSession>();
  const windows = new Map<string, CountingWindow>();
  const keyOf = (accountId: string, key: string) => `${accountId}\u0000${key}`;
  return {
    sessions: {
      put(accountId, session, max, now) {
        for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
        // The oldest session goes first (a Map keeps insertion order).
        if (sessions.size >= max) sessions.delete(sessions.keys().next().value!);
        sessions.set(keyOf(accountId, session.id), { ...session });
      },
      get: (accountId, id) => {
        const session = sessions.get(keyOf(accountId, id));
        return session ? { ...session } : null;
      },
      remove: (accountId, id) => void sessions.delete(keyOf(accountId, id)),
    },
    windows: {
      hit(accountId, key, rule, windowMs, now) {
        const k = keyOf(accountId, key);
        let window = windows.get(k);
        if (!window || window.rule !== rule || now - window.startedAt >= windowMs) {
          if (!window && windows.size >= MAX_WINDOWS) {
            for (const [old, w] of windows) if (now - w.startedAt >= windowMs) windows.delete(old);
            if (windows.size >= MAX_WINDOWS) windows.delete(windows.keys().next().value!);
          }
          window = { startedAt: now, count: 0, rule };
          windows.set(k, window);
        }
        window.count++;
        return { ...window };
      },
      get: (accountId, key) => {
        const window = windows.get(keyOf(accountId, key));
        return window ? { ...window } : null;
      },
      remove: (accountId, key) => void windows.delete(keyOf(accountId, key)),
    },
  };
}

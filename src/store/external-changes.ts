import type { Db } from './open-database.js';

/** How long a reading of PRAGMA data_version is trusted. */
const FRESH_MS = 5;

const watches = new WeakMap<Db, () => number>();

/**
 * SQLite's data_version for this connection: it changes when another connection (a `zi-scim`
 * command on the same file) has committed. The repositories' caches (settings, token digests,
 * page boundaries, counts) are dropped when it moves. Reading it is a statement of its own, with a
 * read lock on the WAL index: every request asked three times (about 8% of a GET). One reading now
 * serves for FRESH_MS, so another process's change is seen within 5 ms instead of at once; this
 * connection's own writes invalidate the caches directly and are seen at once.
 */
export function dataVersionOf(db: Db): () => number {
  let watch = watches.get(db);
  if (!watch) {
    const read = db.prepare<[], number>('PRAGMA data_version').pluck();
    let value = -1;
    let readAt = -Infinity;
    watch = () => {
      const now = performance.now();
      if (now - readAt >= FRESH_MS) {
        value = read.get()!;
        readAt = now;
      }
      return value;
    };
    watches.set(db, watch);
  }
  return watch;
}

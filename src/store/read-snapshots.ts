import Database from 'better-sqlite3';
import type { Db } from './open-database.js';
import { fromRawGroup, MEMBER_JSON_ROWS_SQL, type GroupRow, type RawGroupRow } from './groups-repository.js';

/**
 * One consistent read of the database on a connection of its own, held open across turns of the
 * event loop: a big group's answer is streamed from it while the write connection goes on writing
 * (WAL: readers see the snapshot they began with, writers do not wait for them).
 */
export interface ReadSnapshot {
  /**
   * The group as of the snapshot; null when it does not exist there, or when there is no snapshot
   * (the writes it waited for were rolled back, it could not be read, or it was closed already).
   */
  group(groupSeq: number): GroupRow | null;
  /**
   * The group's members, as its representation's `members` array holds them (the same text as
   * groups-repository's membersJson), up to `size` members a piece: each piece is the members'
   * JSON joined by commas, without brackets.
   */
  memberPieces(groupSeq: number, baseUrl: string, size: number): Generator<string, void, undefined>;
  /** Ends the read and gives the connection back; safe to call more than once. */
  close(): void;
}

export interface ReadSnapshots {
  /** A snapshot of what is committed now; null when every read connection is taken. */
  now(): ReadSnapshot | null;
  /**
   * A snapshot taken the moment the writes pending now are committed (before any later write can
   * commit), so that it holds exactly their outcome; null when every read connection is taken.
   * If that commit fails, there is no snapshot: `group` answers null.
   */
  afterCommit(): ReadSnapshot | null;
}

/** What the store tells the snapshots about its own transactions (store.ts). */
export interface SnapshotPool extends ReadSnapshots {
  /** The pending writes were committed: the snapshots waiting for them begin now. */
  committed(): void;
  /** The pending writes were rolled back: the snapshots waiting for them are closed. */
  failed(): void;
  closeAll(): void;
}

/**
 * Read connections open at once: one per answer being streamed, so as many as the clients that
 * ask for big groups together (the benchmark's 10). Past the limit an answer is built in memory
 * instead. WAL read marks do not bound it: snapshots begun together share one, and a reader that
 * finds none free shares the nearest older one (SQLite's walTryBeginRead).
 */
export const MAX_READ_CONNECTIONS = 16;

/**
 * Each read connection's page cache. SQLite's default, 2 MB a connection, left the process 140 MB
 * bigger (RSS) after 10 clients had streamed the 10,000-member group for 5 s, at the same MB/s:
 * a stream reads each page once, so a cache can only hold what the operating system's does.
 */
const READ_CACHE_KB = 256;

interface ReadConnection {
  db: Database.Database;
  group: Database.Statement<[number], RawGroupRow>;
  members: Database.Statement<{ seq: number; base: string }, string>;
}

/**
 * Snapshots of the SQLite file `db` is open on; undefined for an in-memory database, which no
 * other connection can see. `pendingWrites` says whether the store holds writes not yet committed:
 * in its group-commit batch (then `committed` or `failed` follows), or in some other transaction.
 */
export function createSnapshotPool(db: Db, pendingWrites: () => 'batch' | 'transaction' | 'none'): SnapshotPool | undefined {
  if (db.memory) return undefined;
  const idle: ReadConnection[] = [];
  /** Snapshots that begin when the pending writes commit (or fail when they do not). */
  const waiting = new Set<{ begin(): boolean; fail(): void }>();
  let open = 0;
  let closed = false;

  const connect = (): ReadConnection => {
    const reader = new Database(db.name, { readonly: true, fileMustExist: true });
    try {
      reader.pragma('busy_timeout = 5000');
      reader.pragma(`cache_size = -${READ_CACHE_KB}`);
      return {
        db: reader,
        group: reader.prepare<[number], RawGroupRow>('SELECT * FROM groups WHERE seq = ?'),
        members: reader.prepare<{ seq: number; base: string }, string>(MEMBER_JSON_ROWS_SQL).pluck(),
      };
    } catch (error) {
      reader.close();
      throw error;
    }
  };

  const discard = (connection: ReadConnection) => {
    try {
      connection.db.close();
    } catch {
      // closed is what was wanted
    }
    open -= 1;
  };

  const take = (pinNow: boolean): ReadSnapshot | null => {
    if (closed) return null;
    let connection = idle.pop();
    if (!connection) {
      if (open >= MAX_READ_CONNECTIONS) return null;
      try {
        connection = connect();
      } catch {
        // Out of file descriptors, say: the answer is built in memory, the write goes on.
        return null;
      }
      open += 1;
    }
    const reader = connection;
    let state: 'waiting' | 'reading' | 'closed' | 'failed' = 'waiting';
    // A statement still iterating keeps the connection busy: it is finished before the read ends.
    let iterating: IterableIterator<string> | undefined;
    /** True when the snapshot began; a read that fails (I/O) leaves it failed, never throws. */
    const begin = (): boolean => {
      waiting.delete(pending);
      if (state !== 'waiting') return false;
      try {
        // BEGIN alone takes no snapshot: the first read does, so read at once.
        reader.db.exec('BEGIN');
        reader.group.get(0);
        state = 'reading';
        return true;
      } catch {
        // An I/O error: this answer goes without its snapshot (group() says null); the commit it
        // waited for, and the other answers of that commit, are not held up. The connection is
        // not reused.
        state = 'failed';
        discard(reader);
        return false;
      }
    };
    const fail = () => {
      if (state === 'waiting') release('failed');
    };
    const pending = { begin, fail };
    const release = (end: 'closed' | 'failed') => {
      const wasReading = state === 'reading';
      state = end;
      waiting.delete(pending);
      try {
        iterating?.return?.();
        iterating = undefined;
        if (wasReading && reader.db.inTransaction) reader.db.exec('COMMIT');
        if (closed) discard(reader);
        else idle.push(reader);
      } catch {
        // A connection that cannot end its read is not reused.
        discard(reader);
      }
    };
    const reading = () => {
      if (state !== 'reading') throw new Error(`the snapshot is ${state}`);
    };
    if (pinNow) {
      // Built in memory instead.
      if (!begin()) return null;
    } else {
      waiting.add(pending);
    }
    return {
      group(groupSeq) {
        if (state === 'failed' || state === 'closed') return null;
        reading();
        const raw = reader.group.get(groupSeq);
        return raw ? fromRawGroup(raw) : null;
      },
      *memberPieces(groupSeq, baseUrl, size) {
        reading();
        const rows = reader.members.iterate({ seq: groupSeq, base: baseUrl });
        iterating = rows;
        try {
          let piece: string[] = [];
          for (const member of rows) {
            piece.push(member);
            if (piece.length === size) {
              yield piece.join(',');
              piece = [];
            }
          }
          if (piece.length) yield piece.join(',');
        } finally {
          if (iterating === rows) iterating = undefined;
          rows.return?.();
        }
      },
      close() {
        if (state === 'waiting' || state === 'reading') release('closed');
      },
    };
  };

  return {
    now: () => take(true),
    afterCommit() {
      const pending = pendingWrites();
      // Inside a transaction of someone's own, whose commit this pool is not told of: no snapshot.
      if (pending === 'transaction') return null;
      return take(pending === 'none');
    },
    committed() {
      for (const snapshot of [...waiting]) snapshot.begin();
    },
    failed() {
      for (const snapshot of [...waiting]) snapshot.fail();
    },
    closeAll() {
      closed = true;
      for (const snapshot of [...waiting]) snapshot.fail();
      for (const connection of idle.splice(0)) discard(connection);
    },
  };
}

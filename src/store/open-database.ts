import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { reasonOf, StartupError } from '../startup-error.js';

/** An interface, not a type alias: declaration output (zi-scim/testing's types) can name it. */
export interface Db extends Database.Database {}

/**
 * Opens (creating its folder if needed) and migrates the SQLite database. Whatever stops that is a
 * StartupError naming the file, so the user reads one line, not a stack trace (PRODUCT.md §8.4).
 */
export function openDatabase(path: string): Db {
  const where = path === ':memory:' ? path : resolve(path);
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(where), { recursive: true, mode: 0o700 });
    } catch (error) {
      const code = (error as { code?: string }).code;
      const why = code === 'EEXIST' || code === 'ENOTDIR' ? `a part of that path is a file, not a folder (${code})` : reasonOf(error);
      throw new StartupError(`cannot create the folder ${dirname(where)} for the database (DATABASE_PATH): ${why}`);
    }
    if (statSync(where, { throwIfNoEntry: false })?.isDirectory()) {
      throw new StartupError(`cannot open the database ${where} (DATABASE_PATH): it is a folder, not a file`);
    }
  }
  let db: Db | undefined;
  try {
    if (path !== ':memory:') {
      // Created owner-only (it holds the journal: requests, user data, token digests). SQLite gives
      // the -wal and -shm files the database file's own mode. An existing file keeps its mode.
      closeSync(openSync(where, 'a', 0o600));
    }
    db = new Database(path);
    configure(db);
  } catch (error) {
    db?.close();
    throw new StartupError(`cannot open the database ${where} (DATABASE_PATH): ${reasonOf(error)}`);
  }
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw new StartupError(`cannot migrate the database ${where}: ${reasonOf(error)}`);
  }
  return db;
}

function configure(db: Db): void {
  // WAL lets readers run beside the writer. Every write is committed (journal events included)
  // before the response that acknowledges it is sent. synchronous=NORMAL: in WAL mode a commit
  // appends the transaction to the -wal file with write(2), and fsync runs at checkpoints only.
  //  - kill -9, an OOM kill, a crash of Node or of the container's process: the committed frames
  //    are in the operating system's page cache, which outlives the process; SQLite recovers them
  //    from the WAL on the next open. Nothing acknowledged is lost (the crash test checks this).
  //  - an OS crash or power loss: the last transactions since the last checkpoint's fsync can be
  //    lost (never corrupted: WAL frames are checksummed, a torn tail is discarded).
  // FULL would also cover the second case at one fsync per commit: about 4.7 ms on the benchmark
  // machine's disk, i.e. at most ~210 writes/s for the whole (single-threaded) server, every other
  // request waiting behind each fsync. A local sandbox that rehearses IdP traffic is killed far
  // more often than its host loses power, so NORMAL it is (README, "Performance").
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // A checkpoint (WAL back into the database file, with an fsync) runs in whichever commit crosses
  // the threshold, and blocks the server meanwhile. A write touches ~20 pages (row, indexes, two
  // journal events), mostly the same hot ones request after request: checkpointing every 10,000
  // pages (~40 MB of WAL) instead of 1,000 writes each hot page back once per 10x more requests.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

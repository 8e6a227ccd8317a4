import type { Config } from '../config.js';
import { openDatabase } from '../store/open-database.js';
import { createStore, type Store } from '../store/store.js';
import { DEFAULT_ACCOUNT, type TokenKind } from '../store/accounts-repository.js';
import { bootstrap } from '../bootstrap.js';
import { resetAccount } from '../zoominfo/reset.js';
import { rotateToken, TokenRefused } from '../zoominfo/tokens.js';

/** Opens the configured database (safe beside a running server: SQLite WAL) for one command. */
export function withStore<T>(config: Config, fn: (store: Store) => T): T {
  const db = openDatabase(config.databasePath);
  try {
    const store = createStore(db, { journalMaxEvents: config.journalMaxEvents, journalMaxRefused: config.journalMaxRefused, journalMaxBody: config.journalMaxBody });
    // A command run before the first start still leaves usable tokens behind: print them once.
    const generated = bootstrap(store, {});
    if (generated.scimToken) process.stdout.write(`SCIM token (generated now): ${generated.scimToken}\n`);
    if (generated.adminToken) process.stdout.write(`Admin token (generated now): ${generated.adminToken}\n`);
    return fn(store);
  } finally {
    db.close();
  }
}

export function resetCommand(config: Config): number {
  withStore(config, (store) => resetAccount(store, DEFAULT_ACCOUNT));
  process.stdout.write(`reset: users, groups and journal emptied in ${config.databasePath}; settings and tokens kept\n`);
  return 0;
}

export function rotateTokenCommand(config: Config, kind: TokenKind): number {
  try {
    const token = withStore(config, (store) => rotateToken(store, DEFAULT_ACCOUNT, kind, 'cli'));
    process.stdout.write(`${kind === 'scim' ? 'SCIM' : 'Admin'} token: ${token}\n`);
    return 0;
  } catch (error) {
    if (error instanceof TokenRefused) {
      process.stderr.write(`zi-scim: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

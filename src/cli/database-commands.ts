import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { describeLocation, openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { DEFAULT_ACCOUNT, type TokenKind } from '../store/accounts-repository.js';
import { bootstrap } from '../bootstrap.js';
import { resetAccount } from '../zoominfo/reset.js';
import { GuardRefusal } from '../zoominfo/lockout-guard.js';
import { pinnedMessage, rotateToken, TokenRefused } from '../zoominfo/tokens.js';
import { StartupError } from '../startup-error.js';

/** Which database and account a command acts on (PRODUCT.md §8.4). */
export interface Target {
  account: string;
  /** Make the database file when it does not exist; without it a missing file is an error. */
  create: boolean;
}

/**
 * Opens the configured database (safe beside a running server: SQLite WAL) for one command, after
 * saying which file it is. A missing file is refused unless --create: a mistyped or relative path
 * would otherwise make a new database and act on it, while the sandbox the user meant is untouched.
 */
export function withStore<T>(config: Config, target: Target, fn: (store: Store) => T): T {
  if (!config.databaseUrl) {
    const path = config.databasePath === ':memory:' ? ':memory:' : resolve(config.databasePath);
    if (path !== ':memory:' && !existsSync(path) && !target.create) {
      throw new StartupError(`no database at ${path} (--database-path, DATABASE_PATH); name the sandbox's file, or add --create to make a new one`);
    }
  }
  const where = describeLocation(config);
  process.stderr.write(`database: ${where} (account ${target.account})\n`);
  const store = openStore(config, { journalMaxEvents: config.journalMaxEvents, journalMaxRefused: config.journalMaxRefused, journalMaxBody: config.journalMaxBody, actor: 'cli' });
  try {
    // A command run before the first start still leaves usable tokens behind: print them once. Pins
    // stay as the server set them: this shell's environment is not the server's.
    const generated = bootstrap(store, {}, { applyPins: false });
    if (generated.scimToken) process.stdout.write(`SCIM token (generated now): ${generated.scimToken}\n`);
    if (generated.adminToken) process.stdout.write(`Admin token (generated now): ${generated.adminToken}\n`);
    if (!store.accounts.find(target.account)) throw new StartupError(`no account "${target.account}" in ${where} (--account)`);
    return fn(store);
  } finally {
    store.close();
  }
}

export function resetCommand(config: Config, target: Target, force = false): number {
  try {
    withStore(config, target, (store) => resetAccount(store, target.account, force));
  } catch (error) {
    if (!(error instanceof GuardRefusal)) throw error;
    // PRODUCT.md §8.1: the re-created owner is local, and could not sign in while Require SSO is on.
    process.stderr.write(`zi-scim: ${error.message}. Add --force to reset anyway.\n`);
    return 1;
  }
  process.stdout.write(`reset: users, groups and journal of account ${target.account} emptied; settings and tokens kept\n`);
  return 0;
}

export function rotateTokenCommand(config: Config, target: Target, kind: TokenKind): number {
  const label = kind === 'scim' ? 'SCIM' : 'Admin';
  // This shell's own SCIM_TOKEN / ADMIN_TOKEN: a server started from it would bring the old token back.
  const variable = kind === 'scim' ? 'SCIM_TOKEN' : 'ADMIN_TOKEN';
  if (target.account === DEFAULT_ACCOUNT && (kind === 'scim' ? config.scimToken : config.adminToken) !== undefined) {
    process.stderr.write(`zi-scim: ${pinnedMessage(kind, variable).replace("the server's environment", 'this environment')}\n`);
    return 1;
  }
  try {
    const token = withStore(config, target, (store) => rotateToken(store, target.account, kind, 'cli'));
    process.stdout.write(`${label} token: ${token}\n`);
    return 0;
  } catch (error) {
    if (error instanceof TokenRefused) {
      process.stderr.write(`zi-scim: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

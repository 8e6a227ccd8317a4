import { resolve } from 'node:path';
import { openDatabase } from './open-database.js';
import { createStore, type Store, type StoreOptions } from './store.js';
import { createPostgresStore } from './postgres/store.js';
import { StartupError, reasonOf } from '../startup-error.js';

/** Where the data lives: a PostgreSQL database when `databaseUrl` is set, else the SQLite file. */
export interface StoreLocation {
  databasePath: string;
  databaseUrl?: string | undefined;
}

/** The location as a log line may show it: a URL without its password, a file as an absolute path. */
export function describeLocation(location: StoreLocation): string {
  if (location.databaseUrl) return redactUrl(location.databaseUrl);
  return location.databasePath === ':memory:' ? ':memory: (nothing is kept after a stop)' : resolve(location.databasePath);
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '[redacted]';
    parsed.searchParams.forEach((_, key) => {
      if (/pass|secret|key/i.test(key)) parsed.searchParams.set(key, '[redacted]');
    });
    // The URL class percent-encodes the brackets; a reader should see the word.
    return parsed.toString().replaceAll('%5Bredacted%5D', '[redacted]');
  } catch {
    return 'postgres://[unparsable URL]';
  }
}

/** Opens (and migrates) the store at `location`; what stops that is a StartupError of one line. */
export function openStore(location: StoreLocation, options: StoreOptions): Store {
  if (!location.databaseUrl) return createStore(openDatabase(location.databasePath), options);
  try {
    return createPostgresStore(location.databaseUrl, options);
  } catch (error) {
    throw new StartupError(`cannot open the PostgreSQL database ${redactUrl(location.databaseUrl)} (DATABASE_URL): ${reasonOf(error)}`);
  }
}

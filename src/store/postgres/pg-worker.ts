/**
 * The thread that owns the PostgreSQL connections of a sandbox process (sync-connection.ts): it runs
 * the statements the main thread sends, one at a time and in order, on one connection, and counts
 * the change notifications other processes send on a second one.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import { migratePostgres } from './migrate.js';

export interface WorkerInput {
  url: string;
  port: MessagePort;
  /** [0]: replies ready (the main thread waits on it); [1], [2]: notifications of changes to accounts or tokens, and to users. */
  signal: SharedArrayBuffer;
  channel: string;
  migrate: boolean;
}

export type Request =
  | { kind: 'query'; sql: string; params: unknown[] }
  | { kind: 'send'; sql: string; params: unknown[] }
  | { kind: 'close' };

export interface WireError {
  message: string;
  code?: string;
  constraint?: string;
  detail?: string;
}

export type Reply = { ok: true; rows: Record<string, unknown>[]; rowCount: number } | { ok: false; error: WireError };

// Counts and identities are bigint: they stay far below 2^53, and the rest of the code reads numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
// JSON columns come back as their text, byte for byte: the store hands out the text it was given.
pg.types.setTypeParser(pg.types.builtins.JSON, (value: string) => value);
pg.types.setTypeParser(pg.types.builtins.JSONB, (value: string) => value);

const { url, port, signal, channel, migrate } = workerData as WorkerInput;
const flags = new Int32Array(signal);

const wireError = (error: unknown): WireError => {
  const e = error as { message?: string; code?: string; constraint?: string; detail?: string };
  return { message: e.message ?? String(error), code: e.code, constraint: e.constraint, detail: e.detail };
};

function reply(message: Reply): void {
  port.postMessage(message);
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
}

async function main(): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'zi-scim' });
  const listener = new pg.Client({ connectionString: url, application_name: 'zi-scim-listen' });
  // A connection that breaks fails the statements waiting on it; the next one reports it.
  client.on('error', () => undefined);
  listener.on('error', () => undefined);
  try {
    await client.connect();
    if (migrate) await migratePostgres(client);
    await listener.connect();
    listener.on('notification', (note) => Atomics.add(flags, note.payload === 'users' ? 2 : 1, 1));
    await listener.query(`LISTEN ${channel}`);
  } catch (error) {
    reply({ ok: false, error: wireError(error) });
    await Promise.allSettled([client.end(), listener.end()]);
    return;
  }
  reply({ ok: true, rows: [], rowCount: 0 });

  /**
   * A statement seen twice is prepared under a name of its own (pg keeps it per connection): the
   * server parses and plans it once instead of per call, about a third of a short statement's time
   * here. Statements built on the fly (lists with their filters) are many: named up to a bound.
   */
  const seen = new Map<string, string | null>();
  const MAX_PREPARED = 2000;
  let prepared = 0;
  const statement = (text: string, values: unknown[]) => {
    // Several statements in one text (a transaction's BEGIN and its lock: one round trip) go by the
    // simple protocol, which takes no parameters and prepares nothing.
    if (!values.length && text.includes(';')) return { text };
    const name = seen.get(text);
    if (name) return { name, text, values };
    if (name === undefined && seen.size < MAX_PREPARED * 2) seen.set(text, null);
    else if (name === null && prepared < MAX_PREPARED) {
      const named = `s${++prepared}`;
      seen.set(text, named);
      return { name: named, text, values };
    }
    return { text, values };
  };

  // Every statement waits for the one before it (pg 9 will not queue them itself): a statement
  // sent without waiting (send) and the next one waited for keep their order on the connection.
  let queue: Promise<unknown> = Promise.resolve();
  const run = (request: { sql: string; params: unknown[] }) => {
    const result = queue.then(() => client.query(statement(request.sql, request.params)));
    queue = result.catch(() => undefined);
    return result;
  };
  port.on('message', (request: Request) => {
    if (request.kind === 'send') {
      void run(request).catch(() => undefined);
      return;
    }
    if (request.kind === 'close') {
      void queue.finally(async () => {
        await Promise.allSettled([client.end(), listener.end()]);
        reply({ ok: true, rows: [], rowCount: 0 });
        port.close();
      });
      return;
    }
    run(request).then(
      (outcome) => {
        const result = Array.isArray(outcome) ? (outcome.at(-1) as pg.QueryResult) : outcome;
        reply({ ok: true, rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 });
      },
      (error: unknown) => reply({ ok: false, error: wireError(error) }),
    );
  });
}

void main();

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Reply, Request, WorkerInput } from './pg-worker.js';

/** How long one statement may take before the caller gets an error instead of an answer. */
const STATEMENT_TIMEOUT_MS = 30_000;
/** Another process's change to settings or tokens is announced on this channel (NOTIFY). */
export const CHANGES_CHANNEL = 'zi_scim_changes';

/** An error PostgreSQL reported, with its SQLSTATE (`code`) and the constraint it names, if any. */
export class PostgresError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly constraint: string | undefined,
  ) {
    super(message);
    this.name = 'PostgresError';
  }
}

/** What a change notification names: account settings and tokens, or users (migrations/postgres/0001). */
export type ChangedData = 'accounts' | 'users';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/**
 * One PostgreSQL connection used synchronously, the way the SQLite store uses better-sqlite3: the
 * statement runs in a worker thread (pg-worker.ts) while this thread waits on a shared flag. The
 * store, its repositories and the use cases above them stay synchronous on both backends, so a
 * write and its lockout guard run inside one transaction with no await between them (no other
 * request can interleave), and SQLite keeps its speed (docs/storage.md says why this, not async).
 */
export interface SyncConnection {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): QueryResult<R>;
  /** A statement whose answer nobody waits for (deferred journal writes); still run in order. */
  send(sql: string, params?: unknown[]): void;
  /** How many notifications of committed changes have arrived so far (LISTEN), per kind of data. */
  changes(of: ChangedData): number;
  readonly open: boolean;
  close(): void;
}

export interface SyncConnectionOptions {
  /** Apply migrations/postgres/ first (under an advisory lock: replicas may start together). */
  migrate?: boolean;
}

/**
 * The worker's compiled file. Node 20 applies no loader (tsx, vitest) to a worker thread, so code
 * run from the TypeScript sources (the tests) starts the build's worker (`npm test` builds first).
 */
const workerUrl = (): URL => {
  const url = import.meta.url.endsWith('.ts')
    ? new URL('../../../dist/store/postgres/pg-worker.js', import.meta.url)
    : new URL('./pg-worker.js', import.meta.url);
  if (!existsSync(url)) throw new PostgresError(`${fileURLToPath(url)} is missing: run \`npm run build\` first`, undefined, undefined);
  return url;
};

export function openSyncConnection(url: string, options: SyncConnectionOptions = {}): SyncConnection {
  const signal = new SharedArrayBuffer(12);
  const flags = new Int32Array(signal);
  const { port1, port2 } = new MessageChannel();
  const input: WorkerInput = { url, port: port2, signal, channel: CHANGES_CHANNEL, migrate: options.migrate ?? true };
  const worker = new Worker(workerUrl(), { workerData: input, transferList: [port2] });
  worker.unref();
  let open = true;

  const await_ = (timeoutMs: number): Reply => {
    for (;;) {
      const outcome = Atomics.wait(flags, 0, 0, timeoutMs);
      const message = receiveMessageOnPort(port1);
      if (message) {
        Atomics.store(flags, 0, 0);
        return message.message as Reply;
      }
      if (outcome === 'timed-out') throw new PostgresError(`PostgreSQL did not answer within ${timeoutMs / 1000} s`, '57014', undefined);
    }
  };
  const unwrap = <R>(reply: Reply): QueryResult<R> => {
    if (!reply.ok) throw new PostgresError(reply.error.message, reply.error.code, reply.error.constraint);
    return { rows: reply.rows as R[], rowCount: reply.rowCount };
  };

  const ready = await_(STATEMENT_TIMEOUT_MS);
  if (!ready.ok) {
    void worker.terminate();
    throw new PostgresError(ready.error.message, ready.error.code, ready.error.constraint);
  }

  const post = (request: Request) => {
    if (!open) throw new PostgresError('the PostgreSQL connection is closed', '08003', undefined);
    port1.postMessage(request);
  };

  return {
    query<R>(sql: string, params: unknown[] = []): QueryResult<R> {
      post({ kind: 'query', sql, params });
      return unwrap<R>(await_(STATEMENT_TIMEOUT_MS));
    },
    send(sql: string, params: unknown[] = []): void {
      post({ kind: 'send', sql, params });
    },
    changes: (of: ChangedData) => Atomics.load(flags, of === 'users' ? 2 : 1),
    get open() {
      return open;
    },
    close(): void {
      if (!open) return;
      post({ kind: 'close' });
      open = false;
      try {
        await_(STATEMENT_TIMEOUT_MS);
      } finally {
        port1.close();
        void worker.terminate();
      }
    },
  };
}

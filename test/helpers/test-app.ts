import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { bootstrap } from '../../src/bootstrap.js';
import { openStore, type StoreLocation } from '../../src/store/open-store.js';
import { createTestDatabase } from './test-database.js';
import { formatMismatches, watchResponses, type ResponseMismatch } from './openapi-validator.js';

export const SCIM_TOKEN = 'test-scim-token-0123456789';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ZOOMINFO = 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User';

export interface TestApp {
  app: FastifyInstance;
  dir: string;
  /** The SQLite file, or under `npm run test:postgres` the PostgreSQL URL. */
  databasePath: string;
  /** The database as configuration (DATABASE_PATH or DATABASE_URL), and as the CLI's flags. */
  databaseEnv: Record<string, string>;
  databaseArgs: string[];
  /** supertest bound to the real listening server */
  http: ReturnType<typeof request>;
  scim: {
    get(path: string): request.Test;
    post(path: string, body?: unknown): request.Test;
    put(path: string, body?: unknown): request.Test;
    patch(path: string, body?: unknown): request.Test;
    delete(path: string): request.Test;
  };
  /**
   * Every response this app sent that openapi/openapi.yaml does not describe (status, content type,
   * headers or body). `close()` throws when it is not empty, failing the test file.
   */
  responseMismatches: ResponseMismatch[];
  close(): Promise<void>;
}

/**
 * Stores the tokens in a database file as a first start would have generated them: not pinned by
 * the environment (PRODUCT.md §8.4), so tests may rotate them.
 */
export function storeTokens(
  database: string | StoreLocation,
  tokens: { scimToken?: string; adminToken?: string } = { scimToken: SCIM_TOKEN, adminToken: ADMIN_TOKEN },
): void {
  const store = openStore(typeof database === 'string' ? { databasePath: database } : database, { journalMaxEvents: 100_000 });
  try {
    bootstrap(store, tokens, { applyPins: false });
  } finally {
    store.close();
  }
}

/**
 * A real app on a fresh database (a SQLite file in its own temporary folder; under `npm run
 * test:postgres` a PostgreSQL database of its own), listening on a free port. Its
 * tokens are SCIM_TOKEN and ADMIN_TOKEN, stored, unless `env` sets them (then the environment
 * pins them, as in production).
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  storeTokens({ databasePath: database.env.DATABASE_PATH ?? '', databaseUrl: database.env.DATABASE_URL });
  const config = loadConfig({
    ...database.env,
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
  });
  const app = await buildApp(config);
  const responseMismatches: ResponseMismatch[] = [];
  watchResponses(app, responseMismatches);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const http = request(app.server);
  const auth = (t: request.Test) => t.set('Authorization', `Bearer ${SCIM_TOKEN}`);
  const withBody = (t: request.Test, body: unknown) =>
    body === undefined ? t : t.set('Content-Type', 'application/scim+json').send(body as object);
  return {
    app,
    dir: database.dir,
    databasePath: database.where,
    databaseEnv: database.env,
    databaseArgs: database.args,
    http,
    scim: {
      get: (path) => auth(http.get(`/scim/v2${path}`)),
      post: (path, body) => withBody(auth(http.post(`/scim/v2${path}`)), body),
      put: (path, body) => withBody(auth(http.put(`/scim/v2${path}`)), body),
      patch: (path, body) => withBody(auth(http.patch(`/scim/v2${path}`)), body),
      delete: (path) => auth(http.delete(`/scim/v2${path}`)),
    },
    responseMismatches,
    async close() {
      await app.close();
      await database.drop();
      if (responseMismatches.length) throw new Error(formatMismatches(responseMismatches));
    },
  };
}

let counter = 0;
/** A minimal valid user body with a unique userName. */
export function userBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const userName = `user${counter}.${Date.now()}@example.com`;
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Test', familyName: `User${counter}` },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...overrides,
  };
}

export const patchBody = (...operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

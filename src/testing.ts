/**
 * `zi-scim/testing`: a sandbox in one line of a test (PRODUCT.md §8.6).
 *
 *   const sandbox = await startSandbox();
 *   // ... point the code under test at sandbox.scimUrl with sandbox.scimToken ...
 *   await sandbox.stop();
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import { loadConfig } from './config.js';
import { DEFAULT_ACCOUNT } from './store/accounts-repository.js';
import { ACCOUNT_ID, createAccount } from './zoominfo/accounts.js';
import { changeSettings } from './zoominfo/settings-service.js';
import { settingsPatchSchema, type Settings, type SettingsPatch } from './model/settings.js';

export type { Settings, SettingsPatch };

export interface SandboxOptions {
  /** Fixed tokens (at least 16 printable characters); generated when left out. Stored like a first start's, so a test may rotate them. */
  tokens?: { scim?: string; admin?: string };
  /** Settings of the default account, as PATCH /admin/api/settings takes them (partial). */
  settings?: SettingsPatch;
  /** More accounts, each with its own SCIM URL and token (PRODUCT.md §7). */
  accounts?: (string | { id: string; name?: string; settings?: SettingsPatch })[];
  /** pino's level for the server's log (default "silent"). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The interface to listen on (default 127.0.0.1). The port is always a free one. */
  host?: string;
}

export interface SandboxAccount {
  id: string;
  scimUrl: string;
  scimToken: string;
}

export interface Sandbox {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The default account's SCIM base URL, …/scim/v2 */
  scimUrl: string;
  scimToken: string;
  /** The admin API, …/admin/api (Authorization: Bearer adminToken) */
  adminUrl: string;
  adminToken: string;
  /** The accounts of `options.accounts`, by id. */
  accounts: Record<string, SandboxAccount>;
  /** Closes the server; the in-memory database goes with it. */
  stop(): Promise<void>;
}

/**
 * Starts a sandbox in this process on an in-memory database and a free port. Each call is an
 * independent sandbox, so tests may run several at once.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  // The tokens go through the server's own validation, but are stored unpinned (not as if the
  // environment set them), so a test can rotate them as a user would.
  const config = loadConfig({
    DATABASE_PATH: ':memory:',
    PORT: '0',
    HOST: options.host ?? '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'silent',
    ...(options.tokens?.scim !== undefined && { SCIM_TOKEN: options.tokens.scim }),
    ...(options.tokens?.admin !== undefined && { ADMIN_TOKEN: options.tokens.admin }),
  });
  const app = await buildApp({ ...config, scimToken: undefined, adminToken: undefined });
  try {
    bootstrap(app.store, { scimToken: config.scimToken, adminToken: config.adminToken }, { applyPins: false });
    const settings = (patch: SettingsPatch | undefined, accountId: string) => {
      if (patch) changeSettings(app.store, accountId, settingsPatchSchema.parse(patch));
    };
    settings(options.settings, DEFAULT_ACCOUNT);
    const created = (options.accounts ?? []).map((a) => (typeof a === 'string' ? { id: a } : a));
    const bad = created.find((a) => !ACCOUNT_ID.test(a.id));
    if (bad) throw new TypeError(`account id "${bad.id}": 1-40 of a-z, 0-9 and "-"`);
    const tokens = new Map(created.map((a) => [a.id, createAccount(app.store, a.id, a.name ?? a.id).token]));
    for (const account of created) settings(account.settings, account.id);

    await app.listen({ port: 0, host: config.host });
    const { port } = app.server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    return {
      url,
      scimUrl: `${url}/scim/v2`,
      scimToken: config.scimToken ?? app.generatedTokens.scimToken!,
      adminUrl: `${url}/admin/api`,
      adminToken: config.adminToken ?? app.generatedTokens.adminToken!,
      accounts: Object.fromEntries(created.map((a) => [a.id, { id: a.id, scimUrl: `${url}/accounts/${a.id}/scim/v2`, scimToken: tokens.get(a.id)! }])),
      stop: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

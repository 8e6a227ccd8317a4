import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/open-database.js';
import { createStore } from '../../src/store/store.js';
import { CLI, runNode } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'zi-cli-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], env: Record<string, string> = {}) => runNode(CLI, args, { env, cwd: dir });
const usersOf = (db: string, account: string) => {
  const handle = new Database(db, { readonly: true });
  try {
    return handle.prepare('SELECT count(*) FROM users WHERE account_id = ?').pluck().get(account) as number;
  } finally {
    handle.close();
  }
};

describe('CLI commands that open a database (PRODUCT.md §8.4)', () => {
  const commands = [
    ['reset', ['reset']],
    ['seed', ['seed', '--users', '1']],
    ['token rotate', ['token', 'rotate']],
  ] as const;

  it.each(commands)('%s refuses a database file that does not exist (exit 2) and creates nothing', async (_name, args) => {
    const missing = join(dir, 'missing', 'sandbox.db');
    const result = await cli([...args, '--database-path', missing]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([`zi-scim: no database at ${missing} (--database-path, DATABASE_PATH); name the sandbox's file, or add --create to make a new one`]);
    expect(result.stdout).toBe('');
    expect(existsSync(missing)).toBe(false);
  });

  it('without --database-path, names the default file it did not find, relative to the current folder', async () => {
    const result = await cli(['token', 'rotate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no database at ${join(dir, 'data', 'sandbox.db')}`);
  });

  it.each(commands)('%s with --create makes the file, and prints the path it used', async (name, args) => {
    const db = join(dir, `created-${name.replace(' ', '-')}.db`);
    const result = await cli([...args, '--database-path', db, '--create']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`database: ${db} (account default)\n`);
    expect(existsSync(db)).toBe(true);
  });

  it('reset, seed and token rotate act on the account --account names, and refuse an unknown one', async () => {
    const db = join(dir, 'accounts.db');
    expect((await cli(['reset', '--database-path', db, '--create'])).code).toBe(0);
    const store = createStore(openDatabase(db), { journalMaxEvents: 1000 });
    store.accounts.create('staging', 'Staging');
    store.close();

    const seeded = await cli(['seed', '--users', '7', '--database-path', db, '--account', 'staging']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stderr).toContain(`database: ${db} (account staging)`);
    expect(usersOf(db, 'staging')).toBe(7);
    expect(usersOf(db, 'default')).toBe(1); // admin@example.com only

    const rotated = await cli(['token', 'rotate', '--database-path', db, '--account', 'staging']);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^SCIM token: [\w-]{40,}\n$/);

    const reset = await cli(['reset', '--database-path', db, '--account', 'staging']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('account staging emptied');
    expect(usersOf(db, 'staging')).toBe(1); // admin@example.com again, as after any reset

    const unknown = await cli(['reset', '--database-path', db, '--account', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`zi-scim: no account "nope" in ${db} (--account)`);
    const badId = await cli(['seed', '--users', '1', '--database-path', db, '--account', 'Not Valid']);
    expect(badId.code).toBe(2);
    const adminOfAccount = await cli(['token', 'rotate', '--admin', '--account', 'staging', '--database-path', db]);
    expect(adminOfAccount.code).toBe(2);
    expect(adminOfAccount.stderr).toMatch(/admin token belongs to the whole sandbox/);
  });
});

describe('zi-scim reset behind the lockout guard (PRODUCT.md §8.1)', () => {
  it('refuses while Require SSO is on (the re-created owner could not sign in), and goes ahead with --force', async () => {
    const db = join(dir, 'require-sso.db');
    const store = createStore(openDatabase(db), { journalMaxEvents: 1000 });
    await cli(['token', 'rotate', '--database-path', db, '--create']);
    store.accounts.saveSettings('default', { ...store.accounts.find('default')!.settings, requireSso: true });
    store.close();
    const before = usersOf(db, 'default');

    const refused = await cli(['reset', '--database-path', db]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/reset refused: .*no active Admin can sign in[\s\S]*--force/);
    expect(usersOf(db, 'default')).toBe(before);

    const forced = await cli(['reset', '--database-path', db, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(usersOf(db, 'default')).toBe(1);
  });
});

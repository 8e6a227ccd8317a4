import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { CLI, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'zi-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = (db: string, sql: string) => {
  const handle = new Database(db, { readonly: true });
  try {
    return handle.prepare(sql).pluck().get() as number;
  } finally {
    handle.close();
  }
};

describe('zi-scim commands, through the real binary', () => {
  it('prints help for the program and for each command, exit 0', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['serve', 'reset', 'token', 'seed', 'replay', 'record', 'check']) expect(main.stdout).toContain(command);
    for (const command of ['serve', 'reset', 'seed', 'replay', 'record', 'check']) {
      const one = await runCli([command, '--help']);
      expect(one.code, command).toBe(0);
      expect(one.stdout, command).toMatch(new RegExp(`zi-scim ${command}`));
    }
  });

  it('refuses unknown commands and bad values with one line and exit 2', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const badPort = await runCli(['serve', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/^zi-scim: invalid PORT/);
    const badSeed = await runCli(['seed', '--users', '-3', '--database-path', join(dir, 'x.db')]);
    expect(badSeed.code).toBe(2);
  });

  it('seeds users and groups through the store, then resets them', async () => {
    const db = join(dir, 'seed.db');
    const seeded = await runCli(['seed', '--users', '500', '--groups', '5', '--members-per-group', '20', '--database-path', db, '--create']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(/seeded 500 users and 5 groups/);
    expect(seeded.stderr).toMatch(/seeding \[#{20}\] 100%/);
    expect(count(db, "SELECT count(*) FROM users WHERE source = 'scim'")).toBe(500);
    expect(count(db, 'SELECT count(*) FROM group_members')).toBe(100);

    const reset = await runCli(['reset', '--database-path', db]);
    expect(reset.code).toBe(0);
    expect(count(db, 'SELECT count(*) FROM users')).toBe(1); // admin@example.com again
    expect(count(db, 'SELECT count(*) FROM groups')).toBe(0);
  });

  it('rotates the SCIM token: printed once, stored only as a digest', async () => {
    const db = join(dir, 'token.db');
    const first = await runCli(['token', 'rotate', '--database-path', db, '--create']);
    expect(first.code).toBe(0);
    const token = /SCIM token: (\S+)/.exec(first.stdout.split('\n').at(-2) ?? '')?.[1];
    expect(token).toMatch(/^[\w-]{40,}$/);
    const handle = new Database(db, { readonly: true });
    const stored = handle.prepare("SELECT digest FROM tokens WHERE kind = 'scim'").pluck().get() as string;
    handle.close();
    expect(stored).not.toContain(token!);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves, prints the URLs and generated tokens, and stops cleanly on SIGTERM', async () => {
    const db = join(dir, 'serve.db');
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--database-path', db, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    for (let i = 0; i < 100 && !/Admin token/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/SCIM base URL: +http:\/\/127\.0\.0\.1:\d+\/scim\/v2/);
    expect(out).toMatch(/Admin view: +http:\/\/127\.0\.0\.1:\d+\/admin/);
    const port = /127\.0\.0\.1:(\d+)/.exec(out)![1];
    const token = /SCIM token: +(\S+)/.exec(out)![1];
    const answer = await fetch(`http://127.0.0.1:${port}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});

import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { CLI, SERVER, runNode, type CliResult } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'zi-start-'));
let busy: Server;
let busyPort: number;
beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((ready) => busy.listen(0, '127.0.0.1', ready));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => {
  busy.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Both ways to start: `node dist/server.js` (npm start) and `zi-scim serve`. */
const starts = [
  ['node dist/server.js', SERVER, []],
  ['zi-scim serve', CLI, ['serve']],
] as const;

function expectOneLine(result: CliResult): string {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\s+at /); // no stack trace
  expect(result.stdout).toBe('');
  return lines[0]!;
}

describe('start-up failures: one line naming the cause and the path, exit 2', () => {
  const db = () => join(dir, 'ok.db');
  const cases: [string, () => Record<string, string>, () => RegExp][] = [
    ['port in use', () => ({ PORT: String(busyPort), DATABASE_PATH: db() }), () => new RegExp(`^zi-scim: port ${busyPort} on 127\\.0\\.0\\.1 is already in use \\(PORT\\)`)],
    ['a HOST that is not a host', () => ({ HOST: 'not a host', PORT: '0', DATABASE_PATH: db() }), () => /^zi-scim: HOST "not a host" is not an address/],
    ['DATABASE_PATH is a folder', () => ({ PORT: '0', DATABASE_PATH: dir }), () => new RegExp(`^zi-scim: cannot open the database ${dir} \\(DATABASE_PATH\\): it is a folder`)],
    ['DATABASE_PATH under a file', () => ({ PORT: '0', DATABASE_PATH: join(dir, 'plain-file', 'x.db') }), () => new RegExp(`^zi-scim: cannot create the folder ${join(dir, 'plain-file')} .*a file, not a folder`)],
    ['DATABASE_PATH is not a database', () => ({ PORT: '0', DATABASE_PATH: join(dir, 'garbage.db') }), () => new RegExp(`^zi-scim: cannot open the database ${join(dir, 'garbage.db')} .*not a database`)],
    ['a migration that fails', () => ({ PORT: '0', DATABASE_PATH: join(dir, 'foreign.db') }), () => new RegExp(`^zi-scim: cannot migrate the database ${join(dir, 'foreign.db')}: migration 0001_init\\.sql failed: table accounts already exists`)],
    ['PORT=abc', () => ({ PORT: 'abc' }), () => /^zi-scim: invalid PORT: expected a whole number from 0 to 65535, got "abc"$/],
    // The password never reaches the terminal (nor a log).
    ['a PostgreSQL that does not answer', () => ({ PORT: '0', DATABASE_URL: 'postgres://zi:s3cret-pw@127.0.0.1:1/sandbox' }),
      () => /^zi-scim: cannot open the PostgreSQL database postgres:\/\/zi:\[redacted\]@127\.0\.0\.1:1\/sandbox \(DATABASE_URL\): connect ECONNREFUSED/],
    ['DATABASE_URL of another database', () => ({ DATABASE_URL: 'mysql://x@host/db' }), () => /^zi-scim: invalid DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL$/],
  ];
  beforeAll(() => {
    writeFileSync(join(dir, 'plain-file'), 'not a folder');
    writeFileSync(join(dir, 'garbage.db'), 'not a database at all, just text that is long enough to be read');
    const foreign = new Database(join(dir, 'foreign.db'));
    foreign.exec('CREATE TABLE accounts (something TEXT)');
    foreign.close();
  });

  for (const [how, script, args] of starts) {
    it.each(cases)(`${how}: %s`, async (_name, env, pattern) => {
      const line = expectOneLine(await runNode(script, [...args], { env: env() }));
      expect(line).toMatch(pattern());
    });
  }

  it('takes LOG_LEVEL in any case', async () => {
    const result = await runNode(SERVER, [], { env: { LOG_LEVEL: 'WARN', PORT: '0', DATABASE_PATH: join(dir, 'level.db') }, until: /Admin token/ });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('the banner of a later start', () => {
  it('names the database and where each token comes from', async () => {
    const db = join(dir, 'banner.db');
    const first = await runNode(SERVER, [], { env: { PORT: '0', DATABASE_PATH: db, LOG_LEVEL: 'warn' }, until: /Admin token/ });
    expect(first.stdout).toContain(`Database:       ${db}\n`);
    expect(first.stdout).toMatch(/SCIM token: +\S+ +\(generated now/);
    const again = await runNode(SERVER, [], { env: { PORT: '0', DATABASE_PATH: db, LOG_LEVEL: 'warn', SCIM_TOKEN: 'a-token-from-the-environment' }, until: /Admin token/ });
    expect(again.stdout).toMatch(/^SCIM token: +from SCIM_TOKEN \(the environment pins it\)$/m);
    expect(again.stdout).toMatch(/^Admin token: +stored in the database \(shown on the first start; "zi-scim token rotate --admin" issues a new one\)$/m);
    expect(again.code).toBe(0);
  });
});

describe('starts from any folder: a path with spaces, a symlink', () => {
  const checkout = join(dir, 'sp ace', 'zi scim');
  const link = join(dir, 'link-to-checkout');
  const elsewhere = join(dir, 'another folder');
  beforeAll(() => {
    mkdirSync(checkout, { recursive: true });
    mkdirSync(elsewhere);
    for (const part of ['dist', 'migrations', 'openapi', 'web', 'package.json']) cpSync(join(ROOT, part), join(checkout, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    symlinkSync(checkout, link);
  });

  const migrations = readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql')).length;
  const roots = [['a path with spaces', checkout], ['a symlink', link]] as const;
  for (const [where, root] of roots) {
    for (const [how, script, args] of starts) {
      it(`${how} under ${where}, run from another folder: starts and migrates`, async () => {
        const name = `${how.replace(/\W+/g, '-')}-${where.replace(/\W+/g, '-')}.db`;
        const result = await runNode(join(root, script.slice(ROOT.length)), [...args, '--port', '0', '--database-path', `data/${name}`], {
          cwd: elsewhere,
          env: { LOG_LEVEL: 'warn' },
          until: /Admin token/,
        });
        expect(result.stderr).toBe('');
        expect(result.stdout).toMatch(/SCIM base URL: +http:\/\/127\.0\.0\.1:\d+\/scim\/v2/);
        expect(result.code, `${result.signal} ${result.stdout}`).toBe(0);
        const handle = new Database(join(elsewhere, 'data', name), { readonly: true });
        expect(handle.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(migrations);
        handle.close();
      });
    }
  }
});

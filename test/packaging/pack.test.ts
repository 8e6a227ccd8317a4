import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The code block the README marks `<!-- ci-example: name -->`. */
const example = (name: string): string => {
  const match = new RegExp(`<!-- ci-example: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(README);
  if (!match) throw new Error(`the README has no ${name} example`);
  return match[1]!;
};

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

let dir: string;
beforeAll(async () => {
  // npm test builds dist first (pretest); packing skips prepack's second build.
  dir = mkdtempSync(join(tmpdir(), 'zi-scim-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT });
  const tarball = join(dir, stdout.trim().split('\n').at(-1)!);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // From the npm cache; install scripts off: better-sqlite3 would compile its addon for a minute,
  // so this checkout's build of it (same version, same Node) is copied in instead.
  await run('npm', ['install', tarball, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir });
  const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  mkdirSync(join(dir, addon, '..'), { recursive: true });
  copyFileSync(join(ROOT, addon), join(dir, addon));
  // The README's test examples need a test runner; vitest's own package from this checkout.
  symlinkSync(join(ROOT, 'node_modules/vitest'), join(dir, 'node_modules/vitest'), 'dir');
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed package, installed into another project', () => {
  it('imports zi-scim/testing with its types, and runs the README\'s vitest and jest examples', async () => {
    writeFileSync(
      join(dir, 'smoke.mjs'),
      `import { startSandbox } from 'zi-scim/testing';
import { buildApp } from 'zi-scim';
const sandbox = await startSandbox();
const answer = await fetch(sandbox.scimUrl + '/ServiceProviderConfig', { headers: { authorization: 'Bearer ' + sandbox.scimToken } });
await sandbox.stop();
console.log(JSON.stringify({ status: answer.status, buildApp: typeof buildApp }));`,
    );
    const smoke = await run(process.execPath, ['smoke.mjs'], { cwd: dir });
    expect(JSON.parse(smoke.stdout)).toEqual({ status: 200, buildApp: 'function' });

    // The types: a correct use compiles, a wrong option is a compile error naming it.
    writeFileSync(join(dir, 'typed.ts'), `import { startSandbox, type Sandbox } from 'zi-scim/testing';\nconst s: Sandbox = await startSandbox({ logLevel: 'warn', accounts: ['a'] });\nexport const url: string = s.scimUrl;\n`);
    writeFileSync(join(dir, 'mistyped.ts'), `import { startSandbox } from 'zi-scim/testing';\nawait startSandbox({ logLevel: 'loud' });\n`);
    const tsc = [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck'];
    await run(process.execPath, [...tsc, 'typed.ts'], { cwd: dir });
    const wrong = await run(process.execPath, [...tsc, 'mistyped.ts'], { cwd: dir }).then(() => null, (error: { stdout: string }) => error.stdout);
    expect(wrong).toMatch(/mistyped\.ts.*"loud"/);

    writeFileSync(join(dir, 'sandbox.test.ts'), example('vitest'));
    writeFileSync(join(dir, 'sandbox-jest.test.mjs'), example('jest'));
    // The jest example uses only the jest API vitest also has (globals: describe, test, expect, ...).
    const tests = await run(process.execPath, [join(dir, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--globals'], { cwd: dir, env: { ...process.env, CI: '' } });
    expect(tests.stdout).toMatch(/Tests\s+.*2 passed/);
  }, 120_000);

  it('runs the README\'s CI steps with the installed binary: serve, replay the shipped corpus, check, all with JUnit', async () => {
    const port = await freePort();
    const env = { ...process.env, SCIM_TOKEN: 'ci-scim-token-0123456789', ADMIN_TOKEN: 'ci-admin-token-0123456789', LOG_LEVEL: 'warn' };
    const bin = join(dir, 'node_modules/.bin/zi-scim');
    const server = spawn(bin, ['serve', '--port', String(port), '--database-path', join(dir, 'sandbox.db')], { cwd: dir, env, stdio: 'ignore' });
    try {
      let healthy = false;
      for (let i = 0; i < 100 && !healthy; i++) {
        healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
        if (!healthy) await new Promise((r) => setTimeout(r, 100));
      }
      expect(healthy).toBe(true);
      const base = `http://127.0.0.1:${port}/scim/v2`;
      const corpus = join(dir, 'node_modules/zi-scim/test/fixtures/idp');
      const replay = await run(bin, ['replay', corpus, '--base-url', base, '--token', env.SCIM_TOKEN, '--reset-admin-token', env.ADMIN_TOKEN, '--junit', 'rehearsals.xml'], { cwd: dir, env });
      expect(replay.stdout).toMatch(/^\d+ passed, 0 failed$/m);
      expect(readFileSync(join(dir, 'rehearsals.xml'), 'utf8')).toMatch(/<testsuites name="zi-scim replay" tests="\d+" failures="0"/);
      const check = await run(bin, ['check', '--base-url', base, '--token', env.SCIM_TOKEN, '--junit', 'scim-check.xml'], { cwd: dir, env });
      const [, held, total] = /^(\d+) of (\d+) scenarios held/m.exec(check.stdout)!;
      expect(held).toBe(total);
      expect(readFileSync(join(dir, 'scim-check.xml'), 'utf8')).toMatch(/failures="0"/);
    } finally {
      server.kill('SIGTERM');
    }
  }, 120_000);
});

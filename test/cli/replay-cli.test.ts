import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, SCIM_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = new URL('../fixtures/idp/', import.meta.url).pathname;

let t: TestApp;
let baseUrl: string;
beforeAll(async () => {
  t = await createTestApp();
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}/scim/v2`;
});
afterAll(() => t.close());

describe('zi-scim replay, through the real binary', () => {
  it('passes every fixture against the sandbox and prints a table', async () => {
    const result = await runCli(['replay', FIXTURES, '--base-url', baseUrl, '--token', SCIM_TOKEN, '--reset-admin-token', ADMIN_TOKEN]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^scenario\s+step\s+request\s+expected\s+got\s+result/m);
    expect(result.stdout).toMatch(/entra-08-disable-user-default-string-false\s+1\s+PATCH/);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });

  it('exits 1 and names the failing step when an expectation does not hold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zi-replay-'));
    const fixture = JSON.parse(readFileSync(join(FIXTURES, 'entra-08-disable-user-default-string-false.json'), 'utf8'));
    fixture.scenario = 'broken-expectation';
    fixture.steps[0].expect.resource = { active: true }; // the sandbox (rightly) stores false
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(fixture));
    const result = await runCli(['replay', join(dir, 'broken.json'), '--base-url', baseUrl, '--token', SCIM_TOKEN, '--reset-admin-token', ADMIN_TOKEN]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/broken-expectation\s+1\s+PATCH.*FAIL \$\.active: expected true, got false/);
    expect(result.stdout).toMatch(/^0 passed, 1 failed$/m);
  });

  it('fails a step whose status differs, against a wrong token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zi-replay-'));
    cpSync(join(FIXTURES, 'okta-01-test-connection.json'), join(dir, 'okta.json'));
    const result = await runCli(['replay', dir, '--base-url', baseUrl, '--token', 'not-the-token-at-all-000']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL/);
  });

  it('is a usage error (exit 2) without --base-url', async () => {
    const result = await runCli(['replay', FIXTURES, '--token', SCIM_TOKEN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^zi-scim: usage: zi-scim replay/);
  });
});

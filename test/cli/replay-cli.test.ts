import { fileURLToPath } from 'node:url';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, SCIM_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/idp/', import.meta.url));

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

  it('writes JUnit XML (a testcase per step, the failure with status and SCIM detail) and a JSON report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zi-replay-'));
    const fixture = JSON.parse(readFileSync(join(FIXTURES, 'okta-04-create-user-duplicate-409.json'), 'utf8'));
    fixture.scenario = 'duplicate-expected-201';
    fixture.steps[0].expect.status = 201; // the sandbox (rightly) answers 409
    fixture.steps.push({ method: 'GET', path: '/Users', headers: {}, body: null, expect: { status: 200 } });
    writeFileSync(join(dir, 'dup.json'), JSON.stringify(fixture));
    cpSync(join(FIXTURES, 'okta-01-test-connection.json'), join(dir, 'okta-01.json'));
    const junit = join(dir, 'report.xml');
    const args = ['replay', dir, '--base-url', baseUrl, '--token', SCIM_TOKEN, '--reset-admin-token', ADMIN_TOKEN];
    const result = await runCli([...args, '--junit', junit]);
    expect(result.code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="zi-scim replay" tests="3" failures="1" skipped="1">/);
    expect(xml).toContain('<testsuite name="okta/duplicate-expected-201" tests="2" failures="1" skipped="1">');
    expect(xml).toMatch(/<testcase classname="okta.duplicate-expected-201" name="step 1: POST \/Users">\n\s+<failure message="expected 201, got 409: 409 uniqueness: [^"]+">/);
    expect(xml).toContain('<testcase classname="okta.duplicate-expected-201" name="step 2">\n      <skipped message="not run: an earlier step failed"/>');
    expect(xml).toMatch(/<testcase classname="okta.okta-01-test-connection" name="step 1: GET \/Users\?startIndex=1&amp;count=2"\/>/);

    const json = await runCli([...args, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: false, failed: 1, notRun: 1 });
    expect(report.scenarios.map((s: { scenario: string; result: string }) => `${s.scenario} ${s.result}`)).toEqual(['duplicate-expected-201 failed', 'okta-01-test-connection held']);
  });

  it('fails a step whose status differs, against a wrong token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zi-replay-'));
    cpSync(join(FIXTURES, 'okta-01-test-connection.json'), join(dir, 'okta.json'));
    const result = await runCli(['replay', dir, '--base-url', baseUrl, '--token', 'not-the-token-at-all-000']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL/);
  });

  it('shows a SCIM error in full, and hints at --reset-admin-token on a used sandbox', async () => {
    await t.scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'already.here@example.com' }).expect(201);
    const dir = mkdtempSync(join(tmpdir(), 'zi-replay-'));
    const fixture = {
      idp: 'okta',
      scenario: 'create-a-user-the-sandbox-already-holds',
      setup: {},
      steps: [{ method: 'POST', path: '/Users', headers: { 'Content-Type': 'application/scim+json' }, body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'already.here@example.com' }, expect: { status: 201 } }],
    };
    writeFileSync(join(dir, 'used.json'), JSON.stringify(fixture));
    const result = await runCli(['replay', dir, '--base-url', baseUrl, '--token', SCIM_TOKEN]);
    expect(result.code).toBe(1);
    const row = result.stdout.split('\n').find((line) => line.startsWith('create-a-user-the-sandbox-already-holds'))!;
    expect(row).toMatch(/POST \/Users\s+201\s+409\s+FAIL 409 uniqueness: .{40,}$/);
    expect(row).not.toContain('…');
    expect(result.stdout).toMatch(/^hint: 1 of the failures answered 409: .*add --reset-admin-token <ADMIN_TOKEN>/m);
  });

  it('resets another account through /admin/api/reset?account=<id> when the base URL is /accounts/<id>/scim/v2', async () => {
    const created = await t.http.post('/admin/api/accounts').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ id: 'replay-target' }).expect(201);
    const accountBase = `${baseUrl.replace(/\/scim\/v2$/, '')}/accounts/replay-target/scim/v2`;
    const dir = mkdtempSync(join(tmpdir(), 'zi-replay-'));
    cpSync(join(FIXTURES, 'entra-02-create-user.json'), join(dir, 'entra-02.json'));
    // Twice: the second run passes only if the reset emptied the account the first run filled.
    for (let run = 0; run < 2; run++) {
      const result = await runCli(['replay', dir, '--base-url', accountBase, '--token', created.body.scimToken, '--reset-admin-token', ADMIN_TOKEN]);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(0);
    }
  });

  it('is a usage error (exit 2) without --base-url', async () => {
    const result = await runCli(['replay', FIXTURES, '--token', SCIM_TOKEN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^zi-scim: usage: zi-scim replay/);
  });
});

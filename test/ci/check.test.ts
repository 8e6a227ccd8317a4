import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCIM_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.js';
import { runCli } from '../helpers/cli.js';

let t: TestApp;
let baseUrl: string;
beforeAll(async () => {
  t = await createTestApp();
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/scim/v2`;
});
afterAll(() => t.close());

/**
 * A SCIM server broken in two specific ways: a PATCH stores `active: "False"` as the string it
 * was sent (RFC 7643 §2.3.2 wants a boolean), and any filter answers 500.
 */
function brokenServer() {
  const users = new Map<string, Record<string, unknown>>();
  let next = 0;
  const send = (res: ServerResponse, status: number, body?: unknown) =>
    res.writeHead(status, { 'content-type': 'application/scim+json' }).end(body === undefined ? undefined : JSON.stringify(body));
  return createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://stub');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const id = /^\/scim\/v2\/(?:Users|Groups)\/([^/]+)$/.exec(url.pathname)?.[1];
      if (url.searchParams.has('filter')) return send(res, 500, { detail: 'filters are broken here' });
      if (req.method === 'POST' && /\/(Users|Groups)$/.test(url.pathname)) {
        const stored = { ...body, id: `stub-${++next}` };
        users.set(stored.id, stored);
        return send(res, 201, stored);
      }
      const user = id ? users.get(id) : undefined;
      if (!user) return send(res, id ? 404 : 200, id ? { status: '404' } : { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] });
      if (req.method === 'PATCH') {
        for (const op of (body.Operations ?? []) as { path?: string; value?: unknown }[]) {
          if (op.path) user[op.path] = op.value; // the bug: "False" stays a string
          else Object.assign(user, op.value);
        }
      }
      if (req.method === 'DELETE') {
        users.delete(id!);
        return send(res, 204);
      }
      return send(res, 200, user);
    });
  });
}

describe('zi-scim check, through the real binary', () => {
  it('holds every scenario of the built-in corpus against the sandbox, and writes JUnit XML', async () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'zi-check-')), 'check.xml');
    const result = await runCli(['check', '--base-url', baseUrl, '--token', SCIM_TOKEN, '--junit', junit]);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^idp\s+scenario\s+steps\s+result/m);
    expect(result.stdout).toMatch(/^okta\s+okta-07-deactivate-user-patch\s+\d+\/\d+\s+held/m);
    const [, held, total] = /^(\d+) of (\d+) scenarios held \(okta \d+\/\d+, entra \d+\/\d+, onelogin \d+\/\d+\)$/m.exec(result.stdout)!;
    expect(held).toBe(total);
    expect(Number(total)).toBeGreaterThan(40);
    // A check that needs an empty account is skipped and counted, not failed.
    expect(result.stdout).toMatch(/okta-02-import-users-paginated .*held; skipped step 1: list totals \(they need an empty account\)/);
    expect(result.stdout).toMatch(/, \d+ with a check skipped$/m);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="zi-scim check" tests="\d+" failures="0" skipped="\d+">/);
    expect(xml).toContain('<testsuite name="entra/entra-08-disable-user-default-string-false"');
  });

  it('runs again on the same server (names are made unique each run)', async () => {
    const result = await runCli(['check', '--base-url', baseUrl, '--token', SCIM_TOKEN, '--idp', 'onelogin', '--json']);
    expect(result.code, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    expect(new Set(report.scenarios.map((s: { idp: string }) => s.idp))).toEqual(new Set(['onelogin']));
  });

  it('names the broken behaviour of a server that stores "False" as a string and fails filters', async () => {
    const stub = brokenServer();
    await new Promise<void>((done) => stub.listen(0, '127.0.0.1', done));
    try {
      const { port } = stub.address() as AddressInfo;
      const junit = join(mkdtempSync(join(tmpdir(), 'zi-check-')), 'check.xml');
      const result = await runCli(['check', '--base-url', `http://127.0.0.1:${port}/scim/v2`, '--token', 'any-token-0123456789', '--idp', 'entra', '--junit', junit]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^entra\s+entra-08-disable-user-default-string-false\s+0\/1\s+FAILED at step 1: PATCH \/Users\/stub-\d+: expected 200\|204, got 200 \(\$\.active: expected false, got "False"\)$/m);
      expect(result.stdout).toMatch(/^entra\s+entra-01-test-connection\s+0\/1\s+FAILED at step 1: GET \/Users\?filter=.*expected 200, got 500/m);
      expect(result.stdout).toMatch(/^entra\s+entra-29-group-delete\s+\d+\/\d+\s+held/m);
      expect(result.stdout).toMatch(/^\d+ of \d+ scenarios held \(entra \d+\/\d+\)$/m);
      const xml = readFileSync(junit, 'utf8');
      expect(xml).toMatch(/<failure message="expected 200\|204, got 200: \$\.active: expected false, got &quot;False&quot;">/);
    } finally {
      await new Promise<void>((done) => stub.close(() => done()));
    }
  });

  it('is a usage error (exit 2) for an unknown --idp', async () => {
    const result = await runCli(['check', '--base-url', baseUrl, '--token', SCIM_TOKEN, '--idp', 'ping']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--idp must be one of okta, entra, onelogin/);
  });
});

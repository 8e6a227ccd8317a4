import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../../src/replay/run-fixture.js';
import { withUniqueNames } from '../../src/replay/unique-names.js';
import { RECORDED_PASSWORD } from '../../src/replay/record.js';
import type { Fixture } from '../../src/replay/fixture.js';
import { resetAccount } from '../../src/zoominfo/reset.js';
import { DEFAULT_ACCOUNT } from '../../src/store/accounts-repository.js';
import { ADMIN_TOKEN, SCIM_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = new URL('../fixtures/idp/', import.meta.url);
const corpus = (idp: string) =>
  readdirSync(FIXTURES)
    .filter((f) => f.startsWith(`${idp}-`) && f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) as Fixture);

let t: TestApp;
let baseUrl: string;
let dir: string;
beforeAll(async () => {
  t = await createTestApp();
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/scim/v2`;
  dir = mkdtempSync(join(tmpdir(), 'zi-record-'));
});
afterAll(() => t.close());

/** Replays an IdP's whole corpus into the sandbox (names made unique so the files share one window). */
async function rehearse(idp: string): Promise<string> {
  resetAccount(t.app.store, DEFAULT_ACCOUNT);
  const since = new Date().toISOString();
  for (const [i, fixture] of corpus(idp).entries()) {
    // The list totals of an unfiltered listing count the earlier files' users too: not checked.
    const outcomes = await runFixture(withUniqueNames(fixture, `-r${i}`), { baseUrl, token: SCIM_TOKEN, sharedAccountTag: `-r${i}` });
    expect(outcomes.filter((o) => !o.pass)).toEqual([]);
  }
  t.app.store.events.flush(); // the journal's deferred events, so the command's own connection sees them
  return since;
}

describe('zi-scim record, through the real binary', () => {
  it.each(['okta', 'entra', 'onelogin'])('records a %s rehearsal that replays into a fresh account', async (idp) => {
    const since = await rehearse(idp);
    const out = join(dir, `${idp}-rehearsal.json`);
    // OneLogin's requests carry no User-Agent the sandbox knows, so its IdP is named.
    const recorded = await runCli(['record', '--since', since, ...t.databaseArgs, '--out', out, ...(idp === 'onelogin' ? ['--idp', idp] : [])]);
    expect(recorded.stderr).toMatch(/^database: .* \(account default\)$/m);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toMatch(new RegExp(`^recorded \\d+ requests \\(${idp}\\) to `, 'm'));
    const fixture = JSON.parse(readFileSync(out, 'utf8')) as Fixture;
    expect(fixture).toMatchObject({ idp, scenario: `${idp}-rehearsal`, confidence: 'recorded', setup: {} });
    // Created ids are captures, and later steps refer to them by placeholder, never by the old id.
    expect(fixture.steps.some((s) => s.expect.capture?.user1 === '$.id')).toBe(true);
    const text = JSON.stringify(fixture);
    const held = (await t.http.get('/admin/api/users?status=all&pageSize=500').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200)).body.items as { id: string }[];
    expect(held.length).toBeGreaterThan(1);
    expect(held.filter((u) => text.includes(u.id)).map((u) => u.id)).toEqual([]);

    // "Fresh with the same settings": the reset empties the account and keeps its settings.
    const replayed = await runCli(['replay', out, '--base-url', baseUrl, '--token', SCIM_TOKEN, '--reset-admin-token', ADMIN_TOKEN]);
    expect(replayed.code, replayed.stdout).toBe(0);
    expect(replayed.stdout).toMatch(new RegExp(`^${fixture.steps.length} passed, 0 failed$`, 'm'));
  });

  it('keeps no password (a stand-in replaces the redacted one) and turns deprovisioning into admin view checks', async () => {
    const okta = JSON.parse(readFileSync(join(dir, 'okta-rehearsal.json'), 'utf8')) as Fixture;
    const text = JSON.stringify(okta);
    expect(text).not.toContain('[redacted]');
    expect(text).toContain(RECORDED_PASSWORD);
    const deactivate = okta.steps.find((s) => s.method === 'PATCH' && JSON.stringify(s.body).includes('"active":false'))!;
    expect(deactivate.expect.admin?.users).toEqual([expect.objectContaining({ id: expect.stringMatching(/^\{\{\w+\}\}$/), status: 'deprovisioned' })]);
    expect(deactivate.headers).toMatchObject({ Authorization: 'Bearer {{token}}', 'Content-Type': expect.any(String) });

    // Without the admin token, those checks are skipped and counted, not passed silently.
    resetAccount(t.app.store, DEFAULT_ACCOUNT);
    const result = await runCli(['replay', join(dir, 'okta-rehearsal.json'), '--base-url', baseUrl, '--token', SCIM_TOKEN, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.skipped).toBeGreaterThan(0);
    expect(report.scenarios[0].steps.find((s: { skipped?: string }) => s.skipped).skipped).toMatch(/admin API/);
  });

  it('fails the replay when the admin view outcome differs from the recorded one', async () => {
    const entra = JSON.parse(readFileSync(join(dir, 'entra-rehearsal.json'), 'utf8')) as Fixture;
    const step = entra.steps.find((s) => s.expect.admin?.users.some((u) => u.status === 'deprovisioned'))!;
    step.expect.admin!.users[0]!.status = 'active';
    const file = join(dir, 'entra-changed.json');
    writeFileSync(file, JSON.stringify(entra));
    const result = await runCli(['replay', file, '--base-url', baseUrl, '--token', SCIM_TOKEN, '--reset-admin-token', ADMIN_TOKEN]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL admin view: user \S+ expected active, got deprovisioned/);
  });

  it('records a window bounded by event ids, and refuses an empty window, a missing file and a bad --since', async () => {
    resetAccount(t.app.store, DEFAULT_ACCOUNT);
    await t.scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'window.one@example.com' }).expect(201);
    t.app.store.events.flush();
    const [newest] = t.app.store.events.list({ accountId: DEFAULT_ACCOUNT, type: 'request', order: 'newest', offset: 0, limit: 1 });
    const out = join(dir, 'window.json');
    const one = await runCli(['record', '--since', String(newest!.id), '--until', String(newest!.id), ...t.databaseArgs, '--out', out]);
    expect(one.code, one.stderr).toBe(0);
    const fixture = JSON.parse(readFileSync(out, 'utf8')) as Fixture;
    expect(fixture.steps).toHaveLength(1);
    expect(fixture.steps[0]).toMatchObject({ method: 'POST', path: '/Users', expect: { status: 201, capture: { user1: '$.id' } } });

    const empty = await runCli(['record', '--since', String(newest!.id + 1000), ...t.databaseArgs, '--out', join(dir, 'none.json')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/no SCIM request of an IdP in that window/);
    const missing = await runCli(['record', '--since', '1', '--database-path', join(dir, 'nope.db'), '--out', join(dir, 'x.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no database at .*nope\.db/);
    const bad = await runCli(['record', '--since', 'yesterday', ...t.databaseArgs, '--out', join(dir, 'x.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since must be an ISO 8601 time/);
  });
});

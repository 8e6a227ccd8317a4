import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runFixture } from '../../src/replay/run-fixture.js';
import type { Fixture } from '../../src/replay/fixture.js';
import { resetAccount } from '../../src/zoominfo/reset.js';
import { DEFAULT_ACCOUNT } from '../../src/store/accounts-repository.js';
import { createTestApp, SCIM_TOKEN, type TestApp } from '../helpers/test-app.js';

const dir = new URL('../fixtures/idp/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(() => resetAccount(t.app.store, DEFAULT_ACCOUNT));

// Every recorded IdP sequence, replayed over real HTTP against the real app: status, list
// integers and the stored state after each step (README of the fixtures folder).
describe('IdP fixtures replay', () => {
  it('has fixtures from all three IdPs', () => {
    expect(new Set(fixtures.map((f) => f.idp))).toEqual(new Set(['okta', 'entra', 'onelogin']));
  });

  it.each(fixtures.map((f) => [f.scenario, f] as const))('%s', async (_name, fixture) => {
    const port = (t.app.server.address() as { port: number }).port;
    const outcomes = await runFixture(fixture, { baseUrl: `http://127.0.0.1:${port}/scim/v2`, token: SCIM_TOKEN });
    const failures = outcomes.filter((o) => !o.pass);
    expect(failures).toEqual([]);
    expect(outcomes.filter((o) => o.step !== 'setup')).toHaveLength(fixture.steps.length);
  });
});

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, SCIM_TOKEN, createTestApp, userBody, type TestApp } from '../helpers/test-app.js';
import { runFixture } from '../../src/replay/run-fixture.js';
import type { Fixture } from '../../src/replay/fixture.js';
import { createFaultInjector } from '../../src/zoominfo/faults.js';
import { createMemorySharedState } from '../../src/store/memory-shared-state.js';
import { noFaults } from '../../src/model/settings.js';

let t: TestApp;
const admin = (test: import('supertest').Test) => test.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
const setFaults = (faults: Record<string, unknown>) => admin(t.http.patch('/admin/api/settings')).send({ faults }).expect(200);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await setFaults(noFaults());
  await admin(t.http.post('/admin/api/reset')).expect(200);
});

describe('fault injection (PRODUCT.md §7)', () => {
  it('is off by default and validated', async () => {
    const settings = await admin(t.http.get('/admin/api/settings')).expect(200);
    expect(settings.body.faults).toEqual({ rateLimit: null, latencyMs: 0, errorRate: 0, methods: [], paths: [] });
    const bad = await admin(t.http.patch('/admin/api/settings')).send({ faults: { errorRate: 2 } }).expect(400);
    expect(bad.body.message).toMatch(/faults\.errorRate/);
  });

  it('rate limit: 429 as a SCIM error without Retry-After past N requests a window', async () => {
    await setFaults({ rateLimit: { requests: 3, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++) await t.scim.get('/Users').expect(200);
    const refused = await t.scim.get('/Users').expect(429);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429' });
    expect(refused.body.detail).toMatch(/injected/);
  });

  it('injected errors are 503 SCIM errors that say so, limited to the chosen methods and paths', async () => {
    await setFaults({ errorRate: 1, methods: ['POST'], paths: ['/Users'] });
    const refused = await t.scim.post('/Users', userBody()).expect(503);
    expect(refused.body).toMatchObject({ status: '503' });
    expect(refused.body.detail).toMatch(/injected/);
    await t.scim.get('/Users').expect(200); // GET is not a chosen method
    await t.scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'g' }).expect(201); // nor /Groups a chosen path
    expect((await t.scim.get('/Users').expect(200)).body.totalResults).toBe(0); // nothing was created
  });

  it('adds latency (measured by the injector, not by a timed test)', () => {
    const injector = createFaultInjector(createMemorySharedState().windows, () => 0.5, () => 0);
    expect(injector.plan('a', { ...noFaults(), latencyMs: 250 }, 'GET', '/Users').latencyMs).toBe(250);
    expect(injector.plan('a', { ...noFaults(), latencyMs: 250, methods: ['PATCH'] }, 'GET', '/Users').latencyMs).toBe(0);
  });

  it('a rate-limit window resets after windowSeconds', () => {
    let clock = 0;
    const injector = createFaultInjector(createMemorySharedState().windows, () => 1, () => clock);
    const faults = { ...noFaults(), rateLimit: { requests: 1, windowSeconds: 10 } };
    expect(injector.plan('a', faults, 'GET', '/Users').fault).toBeNull();
    expect(injector.plan('a', faults, 'GET', '/Users').fault?.status).toBe(429);
    expect(injector.plan('b', faults, 'GET', '/Users').fault).toBeNull(); // per account
    clock = 10_000;
    expect(injector.plan('a', faults, 'GET', '/Users').fault).toBeNull();
  });

  it('a rate limit turned off and on again with the same rule starts a fresh window', () => {
    const injector = createFaultInjector(createMemorySharedState().windows, () => 1, () => 0);
    const faults = { ...noFaults(), rateLimit: { requests: 1, windowSeconds: 600 } };
    expect(injector.plan('a', faults, 'GET', '/Users').fault).toBeNull();
    expect(injector.plan('a', faults, 'GET', '/Users').fault?.status).toBe(429);
    expect(injector.plan('a', noFaults(), 'GET', '/Users').fault).toBeNull();
    expect(injector.plan('a', faults, 'GET', '/Users').fault).toBeNull();
  });

  it('a replayed Okta sequence under a 429 fault shows in the journal which requests were refused', async () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/idp/okta-07-deactivate-user-patch.json', import.meta.url), 'utf8')) as Fixture;
    // Setup (1 POST) passes; the deactivating PATCH is the one refused.
    await setFaults({ rateLimit: { requests: 1, windowSeconds: 60 } });
    const port = (t.app.server.address() as { port: number }).port;
    const outcomes = await runFixture(fixture, { baseUrl: `http://127.0.0.1:${port}/scim/v2`, token: SCIM_TOKEN });
    expect(outcomes.at(-1)).toMatchObject({ step: '1', got: '429', pass: false });

    const faults = await admin(t.http.get('/admin/api/events?type=fault.injected')).expect(200);
    expect(faults.body.items).toHaveLength(1);
    expect(faults.body.items[0]).toMatchObject({ idp: 'okta', trigger: 'rate-limit', level: 'warning' });
    const requests = await admin(t.http.get('/admin/api/events?type=request')).expect(200);
    const refused = requests.body.items.filter((e: { status: number }) => e.status === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ method: 'PATCH', idp: 'okta', id: faults.body.items[0].requestEventId });
  });
});

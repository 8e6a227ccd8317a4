import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, USER_SCHEMA, type TestApp } from '../helpers/test-app.js';
import { SEARCH_REQUEST } from '../helpers/scim-http.js';
import type { RequestContext } from '../../src/journal.js';

// More users than filter.maxResults (1000). Seeded through the users service in one transaction:
// a thousand POSTs would only slow the suite down without testing anything more.
const SEEDED = 1003;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const ctx: RequestContext = { accountId: 'default', idp: 'unknown', method: 'POST', path: '/seed', requestId: 'seed', baseUrl: 'http://test/scim/v2' };
  t.app.store.transaction(() => {
    for (let i = 0; i < SEEDED; i++) t.app.users.create(ctx, { schemas: [USER_SCHEMA], userName: `bulk${i}@example.com`, title: i % 2 ? 'odd' : 'even' });
  });
});
afterAll(() => t.close());

describe('maxResults', () => {
  it('a list without count returns at most 1000 resources', async () => {
    const body = (await t.scim.get('/Users?attributes=userName').expect(200)).body;
    expect(body.totalResults).toBe(SEEDED);
    expect(body.itemsPerPage).toBe(1000);
    expect(body.Resources).toHaveLength(1000);
  });

  it('a count above maxResults is capped at 1000, with or without a filter', async () => {
    const body = (await t.scim.get('/Users?count=5000&attributes=userName').expect(200)).body;
    expect(body.totalResults).toBe(SEEDED);
    expect(body.Resources).toHaveLength(1000);
    const filtered = (await t.scim.get(`/Users?count=5000&attributes=userName&filter=${encodeURIComponent('userName sw "bulk"')}`).expect(200)).body;
    expect(filtered.totalResults).toBe(SEEDED);
    expect(filtered.Resources).toHaveLength(1000);
    const searched = (await t.scim.post('/Users/.search', { schemas: [SEARCH_REQUEST], count: 5000, attributes: ['userName'] }).expect(200)).body;
    expect(searched.Resources).toHaveLength(1000);
  });

  it('the rest is reached with startIndex', async () => {
    const body = (await t.scim.get('/Users?startIndex=1001&count=1000&attributes=userName').expect(200)).body;
    expect(body.Resources).toHaveLength(SEEDED - 1000);
  });
});

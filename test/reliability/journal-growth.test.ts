import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { sqliteDb } from '../helpers/database.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(); // default JOURNAL_MAX_EVENTS: 100,000
});
afterAll(() => t.close());

const fileSize = () => {
  sqliteDb(t.app.store).pragma('wal_checkpoint(TRUNCATE)');
  return statSync(t.databasePath).size;
};

/** Journals `n` request-sized events through the real repository, as a busy IdP would. */
function journal(n: number, from: number): void {
  const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'x'.repeat(200) }] };
  for (let start = 0; start < n; start += 10_000) {
    t.app.store.transaction(() => {
      for (let i = start; i < Math.min(n, start + 10_000); i++) {
        t.app.store.events.insert({ accountId: 'default', type: 'request', idp: 'okta', method: 'PATCH', path: `/scim/v2/Users/${from + i}`, status: 200, request: body });
      }
    });
  }
}

describe('the journal is bounded', () => {
  it('keeps the newest JOURNAL_MAX_EVENTS and the file stops growing', async () => {
    journal(150_000, 0);
    const count = () => t.app.store.events.count({ accountId: 'default' });
    expect(count()).toBeLessThanOrEqual(100_000 + 500);
    const sizeAfterRetention = fileSize();
    journal(150_000, 150_000);
    expect(count()).toBeLessThanOrEqual(100_000 + 500);
    // Pruned pages are reused: another 150,000 events leave the file about the same size.
    expect(fileSize()).toBeLessThan(sizeAfterRetention * 1.1);
    const newest = t.app.store.events.list({ accountId: 'default', order: 'newest', offset: 0, limit: 1 });
    expect(newest[0]!.path).toBe('/scim/v2/Users/299999');
  }, 120_000);
});

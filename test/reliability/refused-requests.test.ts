import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, userBody, type TestApp } from '../helpers/test-app.js';
import { sqlValue } from '../helpers/database.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ JOURNAL_MAX_EVENTS: '100', JOURNAL_MAX_REFUSED: '20' });
});
afterAll(() => t.close());

const countOf = (sql: string, ...params: unknown[]) => {
  t.app.store.events.flush();
  return Number(sqlValue(t.app.store, sql, params));
};

/** `n` requests at once, in rounds of 50 (the server takes them as they come). */
async function send(n: number, make: (i: number) => PromiseLike<unknown>): Promise<void> {
  for (let start = 0; start < n; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - start) }, (_, i) => make(start + i)));
  }
}

describe('requests to accounts that do not exist (issue 13, item 2)', () => {
  it('are journaled once per interval, in the default account, with the path cut', async () => {
    const before = countOf("SELECT count(*) FROM events WHERE account_id = 'default'");
    const made = 'x'.repeat(2000);
    await send(40, (i) =>
      t.http.get(`/accounts/${made}${i}/scim/v2/Users?filter=${'q'.repeat(4000)}`).set('Authorization', 'Bearer wrong-token-0123456789').expect(401),
    );
    await t.http.get('/accounts/nobody/scim/v2/Users').expect(401);
    const accountKey = t.app.store.backend === 'sqlite' ? 'id' : 'account_id';
    expect(countOf(`SELECT count(*) FROM events WHERE account_id NOT IN (SELECT ${accountKey} FROM accounts)`)).toBe(0);
    expect(countOf("SELECT count(*) FROM events WHERE account_id = 'default'")).toBe(before + 1);
    const event = t.app.store.events.list({ accountId: 'default', order: 'newest', offset: 0, limit: 1 })[0]!;
    expect(event).toMatchObject({ type: 'request', status: 401, level: 'warning' });
    expect(event.path!.length).toBeLessThanOrEqual(300);
    expect(event.message).toContain('does not exist');
  });
});

describe('refused requests and the journal bound (issue 13, item 4)', () => {
  it('never evict a state event: 1,000 requests without a token leave user.provisioned in place', async () => {
    await t.scim.post('/Users', userBody()).expect(201);
    await send(1000, () => t.http.get('/scim/v2/Users').expect(401));
    expect(countOf("SELECT count(*) FROM events WHERE account_id = 'default' AND type = 'user.provisioned'")).toBe(1);
    // Refused requests are kept within their own bound (plus one prune interval).
    expect(countOf("SELECT count(*) FROM events WHERE account_id = 'default' AND status = 401")).toBeLessThanOrEqual(20 + 500);
  });

  it('keeps every account within its bound, however the inserts interleave', () => {
    const { events } = t.app.store;
    t.app.store.transaction(() => {
      for (let i = 0; i < 4000; i++) events.insert({ accountId: i % 2 ? 'quiet' : 'busy', type: 'request', method: 'GET', path: `/${i}`, status: 200 });
    });
    for (const accountId of ['quiet', 'busy']) expect(events.count({ accountId })).toBeLessThanOrEqual(100 + 500);
  });
});

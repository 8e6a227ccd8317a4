import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, userBody, type TestApp } from '../helpers/test-app.js';
import { sqlRows, sqlValue } from '../helpers/database.js';
import { verifyPassword } from '../../src/zoominfo/passwords.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

describe('passwords are hashed off the event loop (issue 13, item 7)', () => {
  it('a Bulk of 60 users with passwords never holds the event loop for long, and each digest checks', async () => {
    const bodies = Array.from({ length: 60 }, (_, i) => ({ ...userBody(), password: `Passw0rd-${i}-secret` }) as Record<string, unknown>);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const res = await t.scim.post('/Bulk', { schemas: [BULK], Operations: bodies.map((data, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data })) }).expect(200);
    delay.disable();
    expect(res.body.Operations.every((op: { status: string }) => op.status === '201')).toBe(true);
    // scrypt inside the transactions held it about 50 ms per password: 3 s for 60.
    expect(delay.max / 1e6).toBeLessThan(600);
    const digests = sqlRows<{ user_name: string; password_digest: string }>(t.app.store, 'SELECT user_name, password_digest FROM users WHERE password_digest IS NOT NULL');
    expect(digests).toHaveLength(60);
    for (const [i, body] of bodies.entries()) {
      const row = digests.find((d) => d.user_name === body.userName)!;
      expect(verifyPassword(`Passw0rd-${i}-secret`, row.password_digest)).toBe(true);
    }
  }, 30_000);

  it('two users with the same password get different salts', async () => {
    const a = (await t.scim.post('/Users', { ...userBody(), password: 'Same-Secret-1' }).expect(201)).body;
    const b = (await t.scim.post('/Users', { ...userBody(), password: 'Same-Secret-1' }).expect(201)).body;
    const digestOf = (id: string) => sqlValue<string>(t.app.store, 'SELECT password_digest FROM users WHERE id = ?', [id]);
    expect(digestOf(a.id)).not.toBe(digestOf(b.id));
    expect(verifyPassword('Same-Secret-1', digestOf(a.id))).toBe(true);
  });
});

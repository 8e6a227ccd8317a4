import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, userBody, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('files and headers (issue 13, item 14)', () => {
  it('the database and its WAL are created readable by their owner only', async () => {
    await t.scim.post('/Users', userBody()).expect(201);
    for (const file of [t.databasePath, `${t.databasePath}-wal`]) expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
  });

  it('every response says X-Content-Type-Options: nosniff', async () => {
    const answers = await Promise.all([
      t.scim.get('/Users'),
      t.http.get('/scim/v2/Users'),
      t.scim.get('/Users/nobody'),
      t.http.get('/healthz'),
      t.http.get('/no-such-route'),
      t.http.get('/accounts/ghost/scim/v2/Users'),
      t.http.get('/admin/api/settings').set('Authorization', `Bearer ${ADMIN_TOKEN}`),
    ]);
    for (const res of answers) expect(res.headers['x-content-type-options'], `${res.status} ${res.text.slice(0, 80)}`).toBe('nosniff');
  });
});

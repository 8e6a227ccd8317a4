import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, PATCH_OP, USER_SCHEMA, userBody, type TestApp } from '../helpers/test-app.js';
import { sqlRows } from '../helpers/database.js';
import { ndjson } from '../zoominfo/support.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
// Keys the path resolver trims and so applies as the password (issue 13, item 6).
const KEYS = ['password ', ' password', 'password\t', 'Password\n', `${USER_SCHEMA}:password `, ` ${USER_SCHEMA}:PASSWORD`];

const journalText = () => {
  t.app.store.events.flush();
  return sqlRows<Record<string, string | null>>(t.app.store, 'SELECT CAST(request AS TEXT) AS a, CAST(response AS TEXT) AS b, CAST(data AS TEXT) AS c, CAST(rewrites AS TEXT) AS d FROM events')
    .map((r) => Object.values(r).map((v) => v ?? '').join(''))
    .join(' ');
};

describe('a password under a key the write trims is redacted all the same (issue 13, item 6)', () => {
  it.each(KEYS.map((key, i) => [JSON.stringify(key), key, `Cleartext-${i}-Secret!`]))('%s in POST, PATCH, Bulk and refused requests', async (_name, key, secret) => {
    const created = await t.scim.post('/Users', { ...userBody(), [key]: secret });
    expect([201, 400]).toContain(created.status);
    const user = (await t.scim.post('/Users', userBody()).expect(201)).body;
    await t.scim.patch(`/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { [key]: secret } }] });
    await t.scim.patch(`/Users/${user.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { [key]: secret, nickName: 5 } }] }).expect(400);
    await t.scim.post('/Bulk', { schemas: [BULK], Operations: [{ method: 'POST', path: '/Users', bulkId: 'a', data: { ...userBody(), [key]: secret } }] });
    await t.scim.post('/Users', { ...userBody(), [key]: secret, nickName: 5 }).expect(400);
    expect(journalText()).not.toContain(secret);
    const exported = await ndjson(t.http.get('/admin/api/events').set('Authorization', `Bearer ${ADMIN_TOKEN}`)).expect(200);
    expect(exported.body as string).not.toContain(secret);
  });
});

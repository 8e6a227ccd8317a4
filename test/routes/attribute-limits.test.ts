import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, patchBody, userBody, type TestApp } from '../helpers/test-app.js';
import { expectScimError } from '../helpers/scim-http.js';

let t: TestApp;
beforeAll(async () => {
  // Room for 8,000 emails, to time a PATCH over them (issue 13, item 3).
  t = await createTestApp({ MAX_VALUES_PER_ATTRIBUTE: '8000', MAX_STRING_LENGTH: '1000' });
});
afterAll(() => t.close());

const emails = (n: number, primary: (i: number) => boolean) =>
  Array.from({ length: n }, (_, i) => ({ value: `e${i}@example.com`, type: 'work', ...(primary(i) && { primary: true }) }));

describe('primary appears at most once (RFC 7643 §2.4; issue 13, item 3)', () => {
  it('a POST or PUT with two primary values is 400 invalidValue and changes nothing', async () => {
    expectScimError(await t.scim.post('/Users', userBody({ userName: 'two.primaries@example.com', emails: emails(2, () => true) })), 400, 'invalidValue');
    expect((await t.scim.get('/Users?filter=userName eq "two.primaries@example.com"').expect(200)).body.totalResults).toBe(0);
    const user = (await t.scim.post('/Users', userBody()).expect(201)).body;
    const put = await t.scim.put(`/Users/${user.id}`, userBody({ userName: user.userName, phoneNumbers: [{ value: '1', primary: true }, { value: '2', primary: true }] }));
    expectScimError(put, 400, 'invalidValue');
    expect(put.body.detail).toMatch(/phoneNumbers.*primary/);
  });

  it('a PATCH setting primary on 8,000 matched emails is linear: well under the 7.7 s it took', async () => {
    const user = (await t.scim.post('/Users', userBody({ emails: emails(8000, () => false) })).expect(201)).body;
    const started = performance.now();
    const patch = patchBody({ op: 'replace', path: 'emails[type eq "work"]', value: { primary: true } });
    await t.scim.patch(`/Users/${user.id}`, patch).expect(200);
    await t.scim.patch(`/Users/${user.id}`, patch).expect(200);
    expect(performance.now() - started).toBeLessThan(2000);
  }, 30_000);
});

describe('multi-valued attributes and strings are bounded (issue 13, items 3 and 5)', () => {
  it('more values than MAX_VALUES_PER_ATTRIBUTE is 400 invalidValue, by POST and by PATCH', async () => {
    const res = await t.scim.post('/Users', userBody({ emails: emails(8001, (i) => i === 0) }));
    expectScimError(res, 400, 'invalidValue');
    expect(res.body.detail).toContain('MAX_VALUES_PER_ATTRIBUTE');
    const user = (await t.scim.post('/Users', userBody({ emails: emails(8000, () => false) })).expect(201)).body;
    const add = await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'add', path: 'emails', value: [{ value: 'one.more@example.com' }] }));
    expectScimError(add, 400, 'invalidValue');
  }, 30_000);

  it('a string longer than MAX_STRING_LENGTH is 400 invalidValue, in any attribute', async () => {
    const long = 'x'.repeat(1001);
    const res = await t.scim.post('/Users', userBody({ userName: `${long}@example.com` }));
    expectScimError(res, 400, 'invalidValue');
    expect(res.body.detail).toContain('MAX_STRING_LENGTH');
    expect(res.body.detail.length).toBeLessThan(200);
    const user = (await t.scim.post('/Users', userBody()).expect(201)).body;
    expectScimError(await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'replace', path: 'name.givenName', value: long })), 400, 'invalidValue');
    expectScimError(await t.scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: long }), 400, 'invalidValue');
    await t.scim.post('/Users', userBody({ title: 'x'.repeat(1000) })).expect(201);
  });
});

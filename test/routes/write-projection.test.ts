import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, patchBody, userBody, GROUP_SCHEMA, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// RFC 7644 §3.9: attributes/excludedAttributes also shape the answers of POST, PUT and PATCH.
describe('projected write answers', () => {
  it('POST, PATCH and PUT honour attributes and excludedAttributes', async () => {
    const created = await t.scim.post('/Users?attributes=userName', userBody()).expect(201);
    expect(created.body.userName).toBeDefined();
    expect(created.body.emails).toBeUndefined();
    expect(created.headers.location).toMatch(new RegExp(`/Users/${created.body.id}$`));
    const patched = await t.scim.patch(`/Users/${created.body.id}?attributes=active`, patchBody({ op: 'replace', path: 'active', value: false })).expect(200);
    expect(patched.body).toMatchObject({ id: created.body.id, active: false });
    expect(patched.body.userName).toBeUndefined();
    const replaced = await t.scim.put(`/Users/${created.body.id}?excludedAttributes=emails`, userBody({ userName: created.body.userName })).expect(200);
    expect(replaced.body.emails).toBeUndefined();
    expect(replaced.body.name).toBeDefined();
  });

  it('a group PATCH with excludedAttributes=members answers without its members', async () => {
    const user = await t.scim.post('/Users', userBody()).expect(201);
    const group = await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'projected' }).expect(201);
    const patched = await t.scim.patch(`/Groups/${group.body.id}?excludedAttributes=members`, patchBody({ op: 'add', path: 'members', value: [{ value: user.body.id }] })).expect(200);
    expect(patched.body.members).toBeUndefined();
    expect((await t.scim.get(`/Groups/${group.body.id}`).expect(200)).body.members).toHaveLength(1);
  });
});

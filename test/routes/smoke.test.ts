import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, patchBody, userBody, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('a user through its whole life over HTTP', () => {
  it('creates, filters, patches and deletes', async () => {
    const created = await t.scim.post('/Users', userBody({ userName: 'Life.Cycle@Example.com' })).expect(201);
    expect(created.headers.location).toBe(`${created.body.meta.location}`);
    expect(created.headers.etag).toBe(created.body.meta.version);
    expect(created.headers['content-type']).toMatch(/^application\/scim\+json/);
    const id = created.body.id as string;

    const found = await t.scim.get('/Users?filter=userName%20eq%20%22life.cycle@example.com%22').expect(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);

    const patched = await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'active', value: false })).expect(200);
    expect(patched.body.active).toBe(false);

    await t.scim.delete(`/Users/${id}`).expect(204);
    await t.scim.get(`/Users/${id}`).expect(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, userBody, ENTERPRISE, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.scim.post('/Users', userBody({ userName: 'b@legacy.test', [ENTERPRISE]: { department: 'Sales' } })).expect(201);
  await t.scim.post('/Users', userBody({ userName: 'a@legacy.test', [ENTERPRISE]: { department: 'Ops' } })).expect(201);
});
afterAll(() => t.close());

// PRODUCT.md §4: OneLogin's legacy URNs read as the RFC ones wherever an attribute is named.
describe('legacy URNs in list parameters', () => {
  it('sortBy', async () => {
    const res = await t.scim.get('/Users?sortBy=urn:scim:schemas:core:2.0:userName&filter=userName%20ew%20%22legacy.test%22').expect(200);
    expect(res.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['a@legacy.test', 'b@legacy.test']);
  });

  it('attributes and excludedAttributes', async () => {
    const only = await t.scim.get('/Users?filter=userName%20eq%20%22a@legacy.test%22&attributes=urn:scim:schemas:extension:enterprise:2.0:department').expect(200);
    expect(only.body.Resources[0][ENTERPRISE]).toEqual({ department: 'Ops' });
    expect(only.body.Resources[0].emails).toBeUndefined();
    const without = await t.scim.get('/Users?filter=userName%20eq%20%22a@legacy.test%22&excludedAttributes=urn:scim:schemas:extension:enterprise:2.0:department').expect(200);
    expect(without.body.Resources[0][ENTERPRISE]?.department).toBeUndefined();
  });
});

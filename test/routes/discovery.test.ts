import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA, ZOOMINFO, type TestApp } from '../helpers/test-app.js';
import { expectScimError, LIST_RESPONSE } from '../helpers/scim-http.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Attr = { name: string; type: string; multiValued: boolean; required: boolean; caseExact: boolean; mutability: string; returned: string; uniqueness: string; subAttributes?: Attr[]; canonicalValues?: string[]; description: string };
const attrOf = (schema: { attributes: Attr[] }, name: string): Attr => {
  const found = schema.attributes.find((a) => a.name === name);
  expect(found, `attribute ${name}`).toBeDefined();
  return found!;
};
/** RFC 7643 §7: every attribute definition carries all of its characteristics. */
const expectComplete = (attrs: Attr[]) => {
  for (const a of attrs) {
    for (const key of ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness']) {
      expect(a, `${a.name}.${key}`).toHaveProperty(key);
    }
    if (a.type === 'complex') {
      expect(a.subAttributes?.length, `${a.name} sub-attributes`).toBeGreaterThan(0);
      expectComplete(a.subAttributes!);
    }
  }
};

describe('GET /ServiceProviderConfig', () => {
  it('describes what is implemented', async () => {
    const res = await t.scim.get('/ServiceProviderConfig').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
    expect(res.body.patch).toEqual({ supported: true });
    expect(res.body.filter).toEqual({ supported: true, maxResults: 1000 });
    expect(res.body.sort).toEqual({ supported: true });
    expect(res.body.etag).toEqual({ supported: true });
    expect(res.body.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 1024 * 1024 });
    expect(res.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
  });
});

describe('GET /ResourceTypes', () => {
  it('lists User and Group in a ListResponse', async () => {
    const res = await t.scim.get('/ResourceTypes').expect(200);
    expect(res.body.schemas).toEqual([LIST_RESPONSE]);
    expect(res.body.totalResults).toBe(2);
    expect(res.body.Resources.map((r: { id: string }) => r.id).sort()).toEqual(['Group', 'User']);
  });

  it('GET /ResourceTypes/User names its schema and both extensions', async () => {
    const res = await t.scim.get('/ResourceTypes/User').expect(200);
    expect(res.body).toMatchObject({ id: 'User', name: 'User', endpoint: '/Users', schema: USER_SCHEMA });
    expect(res.body.schemaExtensions).toEqual([
      { schema: ENTERPRISE, required: false },
      { schema: ZOOMINFO, required: false },
    ]);
    expect(res.body.meta.location).toMatch(/\/scim\/v2\/ResourceTypes\/User$/);
  });

  it('GET /ResourceTypes/Group', async () => {
    const res = await t.scim.get('/ResourceTypes/Group').expect(200);
    expect(res.body).toMatchObject({ id: 'Group', endpoint: '/Groups', schema: GROUP_SCHEMA, schemaExtensions: [] });
  });

  it('an unknown resource type is a 404 SCIM error', async () => {
    expectScimError(await t.scim.get('/ResourceTypes/Device'), 404);
  });
});

describe('GET /Schemas', () => {
  it('lists the four schemas', async () => {
    const res = await t.scim.get('/Schemas').expect(200);
    expect(res.body.schemas).toEqual([LIST_RESPONSE]);
    expect(res.body.totalResults).toBe(4);
    expect(res.body.Resources.map((s: { id: string }) => s.id).sort()).toEqual([GROUP_SCHEMA, USER_SCHEMA, ENTERPRISE, ZOOMINFO].sort());
    for (const s of res.body.Resources) expectComplete(s.attributes);
  });

  it('the User schema has complete attribute definitions', async () => {
    const res = await t.scim.get(`/Schemas/${USER_SCHEMA}`).expect(200);
    expect(res.body.id).toBe(USER_SCHEMA);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
    expectComplete(res.body.attributes);
    expect(attrOf(res.body, 'userName')).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite' });
    expect(attrOf(res.body, 'password')).toMatchObject({ returned: 'never', mutability: 'writeOnly' });
    expect(attrOf(res.body, 'groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(attrOf(res.body, 'active')).toMatchObject({ type: 'boolean' });
    const emails = attrOf(res.body, 'emails');
    expect(emails.multiValued).toBe(true);
    expect(emails.subAttributes!.map((s) => s.name)).toEqual(['value', 'display', 'type', 'primary']);
    expect(res.body.meta.location).toMatch(new RegExp(`/Schemas/${USER_SCHEMA}$`));
  });

  it('the Group schema', async () => {
    const res = await t.scim.get(`/Schemas/${GROUP_SCHEMA}`).expect(200);
    expectComplete(res.body.attributes);
    expect(attrOf(res.body, 'displayName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
    expect(attrOf(res.body, 'members').subAttributes!.map((s) => s.name).sort()).toEqual(['$ref', 'display', 'type', 'value']);
  });

  it('the enterprise extension', async () => {
    const res = await t.scim.get(`/Schemas/${ENTERPRISE}`).expect(200);
    expectComplete(res.body.attributes);
    expect(res.body.attributes.map((a: Attr) => a.name)).toEqual(['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager']);
    expect(attrOf(res.body, 'manager').subAttributes!.map((s) => s.name)).toEqual(['value', '$ref', 'displayName']);
  });

  it('the ZoomInfo extension', async () => {
    const res = await t.scim.get(`/Schemas/${ZOOMINFO}`).expect(200);
    expectComplete(res.body.attributes);
    expect(attrOf(res.body, 'role')).toMatchObject({ type: 'string', canonicalValues: ['User', 'Admin'] });
    expect(attrOf(res.body, 'licenses')).toMatchObject({ type: 'string', multiValued: true });
    const credits = attrOf(res.body, 'credits');
    expect(credits.subAttributes!.find((s) => s.name === 'allocation')!.type).toBe('integer');
    expect(credits.subAttributes!.find((s) => s.name === 'resetPeriod')!.canonicalValues).toEqual(['monthly', 'quarterly', 'annually', 'never']);
  });

  it('an unknown schema is a 404 SCIM error', async () => {
    expectScimError(await t.scim.get('/Schemas/urn:example:nothing'), 404);
  });
});

describe('discovery is read-only', () => {
  const urls = ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/User', '/ResourceTypes/Group', '/Schemas', ...[USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE, ZOOMINFO].map((urn) => `/Schemas/${urn}`)];
  for (const url of urls) {
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      it(`${method.toUpperCase()} ${url} is 405`, async () => {
        const res = method === 'delete' ? await t.scim.delete(url) : await t.scim[method](url, { schemas: [USER_SCHEMA] });
        expectScimError(res, 405);
      });
    }
  }
});

describe('unknown routes', () => {
  it('GET /Devices is a 404 SCIM error', async () => {
    expectScimError(await t.scim.get('/Devices'), 404);
  });
});

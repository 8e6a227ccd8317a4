import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SCIM_TOKEN, USER_SCHEMA, userBody, type TestApp } from '../helpers/test-app.js';
import { expectScimError, rawRequest } from '../helpers/scim-http.js';
import { toScimError } from '../../src/routes/scim/errors.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const auth = { Authorization: `Bearer ${SCIM_TOKEN}` };

describe('unknown routes', () => {
  it.each(['/Devices', '/Users/x/y', '/', '/v1/Users'])('GET %s is a 404 SCIM error', async (path) => {
    expectScimError(await t.scim.get(path), 404);
  });

  it('an unsupported method on Users is a SCIM error', async () => {
    const res = await t.scim.patch('/Users', { schemas: [USER_SCHEMA] });
    expect([404, 405]).toContain(res.status);
    expectScimError(res, res.status);
  });
});

describe('request bodies', () => {
  it('bad JSON is 400 invalidSyntax', async () => {
    const res = await t.scim.post('/Users').set('Content-Type', 'application/scim+json').send('{"userName": ');
    expectScimError(res, 400, 'invalidSyntax');
    const json = await t.scim.post('/Users').set('Content-Type', 'application/json').send('{not json}');
    expectScimError(json, 400, 'invalidSyntax');
  });

  it('a JSON body that is no object is 400', async () => {
    expectScimError(await t.scim.post('/Users').set('Content-Type', 'application/scim+json').send('[1,2]'), 400);
    expectScimError(await t.scim.post('/Users').set('Content-Type', 'application/scim+json').send('"text"'), 400);
  });

  it('Content-Type text/plain is 415', async () => {
    const res = await t.scim.post('/Users').set('Content-Type', 'text/plain').send(JSON.stringify(userBody()));
    expectScimError(res, 415);
    expectScimError(await t.scim.post('/Users').set('Content-Type', 'application/xml').send('<user/>'), 415);
  });

  it('application/scim+json and application/json (with charset) are both accepted', async () => {
    await t.scim.post('/Users').set('Content-Type', 'application/scim+json').send(JSON.stringify(userBody())).expect(201);
    await t.scim.post('/Users').set('Content-Type', 'application/json').send(JSON.stringify(userBody())).expect(201);
    await t.scim.post('/Users').set('Content-Type', 'application/scim+json; charset=utf-8').send(JSON.stringify(userBody())).expect(201);
    await t.scim.post('/Users').set('Content-Type', 'Application/JSON; charset=UTF-8').send(JSON.stringify(userBody())).expect(201);
  });

  it('a POST and a PUT with a JSON body but no Content-Type are accepted', async () => {
    const body = userBody();
    const res = await rawRequest(t, 'POST', '/scim/v2/Users', JSON.stringify(body), auth);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.status, res.text).toBe(201);
    const created = res.body as { id: string; userName: string };
    expect(created.userName).toBe(body.userName);
    const put = await rawRequest(t, 'PUT', `/scim/v2/Users/${created.id}`, JSON.stringify({ ...body, title: 'no content type' }), auth);
    expect(put.status, put.text).toBe(200);
    expect((put.body as { title: string }).title).toBe('no content type');
  });

  it('a POST with no body at all is 400', async () => {
    const res = await rawRequest(t, 'POST', '/scim/v2/Users', '', auth);
    expectScimError(res, 400);
  });
});

describe('response content types', () => {
  it('responses are application/scim+json', async () => {
    expect((await t.scim.get('/Users').expect(200)).headers['content-type']).toMatch(/^application\/scim\+json/);
    expect((await t.scim.get('/Users').set('Accept', 'application/scim+json').expect(200)).headers['content-type']).toMatch(/^application\/scim\+json/);
    expect((await t.scim.get('/Users').set('Accept', '*/*').expect(200)).headers['content-type']).toMatch(/^application\/scim\+json/);
    expect((await t.scim.get('/Users').set('Accept', 'application/scim+json, application/json').expect(200)).headers['content-type']).toMatch(/^application\/scim\+json/);
  });

  it('application/json when Accept asks for only application/json, errors included', async () => {
    const res = await t.scim.get('/Users').set('Accept', 'application/json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.schemas).toBeDefined();
    const created = await t.scim.post('/Users', userBody()).set('Accept', 'application/json').expect(201);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    const missing = await t.scim.get('/Users/nope').set('Accept', 'application/json');
    expectScimError(missing, 404);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('authentication', () => {
  it('a missing token is 401 with WWW-Authenticate: Bearer and a SCIM error', async () => {
    const res = await t.http.get('/scim/v2/Users');
    expectScimError(res, 401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('a wrong token is 401', async () => {
    const res = await t.http.get('/scim/v2/Users').set('Authorization', 'Bearer not-the-token-at-all');
    expectScimError(res, 401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('another scheme is 401', async () => {
    expectScimError(await t.http.get('/scim/v2/Users').set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`), 401);
  });

  it('the admin token is no SCIM token', async () => {
    expectScimError(await t.http.get('/scim/v2/Users').set('Authorization', 'Bearer test-admin-token-0123456789'), 401);
  });

  it('every route needs the token, discovery and unknown routes included', async () => {
    for (const path of ['/ServiceProviderConfig', '/Schemas', '/ResourceTypes', '/Groups', '/Users/x', '/Nothing']) {
      expectScimError(await t.http.get(`/scim/v2${path}`), 401);
    }
    expectScimError(await t.http.post('/scim/v2/Users').send(userBody()), 401);
    expectScimError(await t.http.delete('/scim/v2/Users/x'), 401);
  });

  it('the scheme name is matched without case', async () => {
    await t.http.get('/scim/v2/Users').set('Authorization', `bearer ${SCIM_TOKEN}`).expect(200);
  });
});

describe('/healthz', () => {
  it('answers 200 {"status":"ok"} without auth', async () => {
    const res = await t.http.get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('BODY_LIMIT', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await createTestApp({ BODY_LIMIT: '2kb' });
  });
  afterAll(() => small.close());

  it('a body over the limit is 413 as a SCIM error', async () => {
    const res = await small.scim.post('/Users', userBody({ title: 'x'.repeat(4096) }));
    expectScimError(res, 413);
    const patch = await small.scim.patch('/Users/whatever', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'y'.repeat(4096) }] });
    expectScimError(patch, 413);
  });

  it('a body under the limit is fine', async () => {
    await small.scim.post('/Users', userBody()).expect(201);
  });
});

describe('toScimError (what the SCIM error handler answers for framework errors)', () => {
  it.each([
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, undefined],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, undefined],
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'invalidSyntax'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'invalidSyntax'],
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'invalidSyntax'],
    ['SQLITE_CONSTRAINT_UNIQUE', 409, 'uniqueness'],
  ])('%s is %i %s', (code, status, scimType) => {
    const error = toScimError(Object.assign(new Error('x'), { code, statusCode: 400 }));
    expect(error.status).toBe(status);
    expect(error.scimType).toBe(scimType);
  });

  it('anything unexpected is a 500 that reveals nothing', () => {
    const error = toScimError(new TypeError('secret internals'));
    expect(error.status).toBe(500);
    expect(error.detail).not.toContain('secret');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, userBody, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let acmeToken: string;
beforeAll(async () => {
  t = await createTestApp();
  acmeToken = (await t.http.post('/admin/api/accounts').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ id: 'acme' }).expect(201)).body.scimToken;
  await t.http.post('/accounts/acme/scim/v2/Users').set('Authorization', `Bearer ${acmeToken}`).set('Content-Type', 'application/scim+json').send(userBody()).expect(201);
  await t.scim.post('/Users', userBody()).expect(201);
});
afterAll(() => t.close());

const admin = (method: 'get' | 'post', path: string) => t.http[method](`/admin/api${path}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
const usersIn = async (account: string) => (await admin('get', `/users?account=${account}`).expect(200)).body.total as number;

describe('?account= names one account, once (issue 13, item 12)', () => {
  it.each(['account=acme&account=acme', 'account[]=acme', 'account[0]=acme', 'Account=acme'])('?%s is 400 and resets nothing', async (query) => {
    const before = { acme: await usersIn('acme'), default: await usersIn('default') };
    const res = await admin('post', `/reset?${query}`).expect(400);
    expect(res.body).toMatchObject({ error: 'invalid_input', field: 'account' });
    await admin('get', `/users?${query}`).expect(400);
    expect({ acme: await usersIn('acme'), default: await usersIn('default') }).toEqual(before);
  });
});

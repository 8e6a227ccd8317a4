import { describe, expect, it } from 'vitest';
import { patchBody, userBody, type TestApp } from '../helpers/test-app.js';
import { type AdminApi, useResetAccountPerTest } from './support.js';

// PRODUCT.md §3/§5: POST /admin/api/sign-in-check answers who could sign in, and how.

let t: TestApp;
let admin: AdminApi;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});

async function check(userName: string, method: 'sso' | 'password'): Promise<{ allowed: boolean; reason: string }> {
  const res = await admin.post('/sign-in-check', { userName, method }).expect(200);
  expect(Object.keys(res.body).sort()).toEqual(['allowed', 'reason']);
  expect(typeof res.body.reason).toBe('string');
  expect(res.body.reason.length).toBeGreaterThan(0);
  return res.body;
}

async function scimUser(userName: string): Promise<string> {
  return (await t.scim.post('/Users', userBody({ userName, emails: [{ value: userName, type: 'work' }] })).expect(201)).body.id as string;
}

async function localUser(userName: string): Promise<string> {
  return (await admin.post('/users', { userName, password: 'local-secret-1' }).expect(201)).body.id as string;
}

describe('sign-in check', () => {
  it('unknown user: refused', async () => {
    expect(await check('nobody@example.com', 'sso')).toMatchObject({ allowed: false });
    expect(await check('nobody@example.com', 'password')).toMatchObject({ allowed: false });
  });

  it('deprovisioned user: refused by either method', async () => {
    const id = await scimUser('gone@example.com');
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'active', value: false })).expect(200);
    const sso = await check('gone@example.com', 'sso');
    expect(sso.allowed).toBe(false);
    expect(sso.reason).toMatch(/deprovisioned/);
    expect((await check('gone@example.com', 'password')).allowed).toBe(false);
  });

  it('a user deleted by SCIM (kept as deprovisioned) is answered as deprovisioned, not unknown', async () => {
    const id = await scimUser('deleted@example.com');
    await t.scim.delete(`/Users/${id}`).expect(204);
    const sso = await check('Deleted@Example.com', 'sso');
    expect(sso.allowed).toBe(false);
    expect(sso.reason).toMatch(/deprovisioned/);
    // Provisioned again: the new, live user is the one that signs in.
    await scimUser('deleted@example.com');
    expect((await check('deleted@example.com', 'sso')).allowed).toBe(true);
  });

  it('deprovisioned local user: refused', async () => {
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
    const id = await localUser('local.gone@example.com');
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', value: { active: false } })).expect(200);
    const password = await check('local.gone@example.com', 'password');
    expect(password.allowed).toBe(false);
    expect(password.reason).toMatch(/deprovisioned/);
  });

  it('SSO for an active SSO-linked user: allowed', async () => {
    await scimUser('sso.user@example.com');
    expect((await check('sso.user@example.com', 'sso')).allowed).toBe(true);
  });

  it('SSO while ssoConfigured is false: refused', async () => {
    await scimUser('sso.user@example.com');
    await admin.patch('/settings', { ssoConfigured: false }).expect(200);
    const sso = await check('sso.user@example.com', 'sso');
    expect(sso.allowed).toBe(false);
    expect(sso.reason).toMatch(/SSO is not configured/i);
  });

  it('SSO for a local unlinked user: refused', async () => {
    await localUser('local@example.com');
    const sso = await check('local@example.com', 'sso');
    expect(sso.allowed).toBe(false);
    expect(sso.reason).toMatch(/not linked/);
    expect((await check('admin@example.com', 'sso')).allowed).toBe(false);
  });

  it('password for a local user: allowed', async () => {
    await localUser('local@example.com');
    expect((await check('local@example.com', 'password')).allowed).toBe(true);
    expect((await check('admin@example.com', 'password')).allowed).toBe(true);
  });

  it('password while requireSso is on: refused', async () => {
    await localUser('local@example.com');
    await admin.patch('/settings', { requireSso: true, force: true }).expect(200);
    const password = await check('local@example.com', 'password');
    expect(password.allowed).toBe(false);
    expect(password.reason).toMatch(/Require SSO/i);
  });

  it('password for a SCIM-provisioned user: refused', async () => {
    await scimUser('sso.user@example.com');
    const password = await check('sso.user@example.com', 'password');
    expect(password.allowed).toBe(false);
    expect(password.reason).toMatch(/SCIM/);
  });

  it('a claimed local user signs in with SSO and still with its password', async () => {
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
    const id = await localUser('claimed@example.com');
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'Staff' })).expect(200);
    expect((await check('claimed@example.com', 'sso')).allowed).toBe(true);
    expect((await check('claimed@example.com', 'password')).allowed).toBe(true);
  });

  it('matches userName without case', async () => {
    await scimUser('Mixed.Case@Example.com');
    expect((await check('mixed.case@example.COM', 'sso')).allowed).toBe(true);
    expect((await check('ADMIN@EXAMPLE.COM', 'password')).allowed).toBe(true);
  });

  it('bad input is 400 naming the field', async () => {
    const res = await admin.post('/sign-in-check', { userName: 'a@example.com', method: 'magic' }).expect(400);
    expect(res.body.error).toBe('invalid_input');
    expect(res.body.message).toContain('method');
    const missing = await admin.post('/sign-in-check', { method: 'sso' }).expect(400);
    expect(missing.body.message).toContain('userName');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, SCIM_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { runCli } from '../helpers/cli.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const admin = (app: TestApp, token = ADMIN_TOKEN) => ({
  post: (path: string) => app.http.post(`/admin/api${path}`).set('Authorization', `Bearer ${token}`),
  get: (path: string) => app.http.get(`/admin/api${path}`).set('Authorization', `Bearer ${token}`),
});

async function signIn(app: TestApp): Promise<string> {
  const res = await app.http.post('/admin/session').send({ token: ADMIN_TOKEN }).expect(200);
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] as unknown as string[]);
  return cookies.find((c) => c.startsWith('zi_admin_session='))!.split(';')[0]!;
}

describe('a token set in the environment is authoritative (PRODUCT.md §8.4)', () => {
  it('rotating it through the admin API is 409 naming the variable, and the token keeps working', async () => {
    t = await createTestApp({ SCIM_TOKEN, ADMIN_TOKEN });
    const scim = await admin(t).post('/scim-token').expect(409);
    expect(scim.body).toEqual({ error: 'pinned_by_environment', message: expect.stringContaining('SCIM_TOKEN') });
    expect(scim.body.message).toMatch(/pins it/);
    const adminToken = await admin(t).post('/admin-token').expect(409);
    expect(adminToken.body).toEqual({ error: 'pinned_by_environment', message: expect.stringContaining('ADMIN_TOKEN') });
    await t.scim.get('/Users').expect(200);
    await admin(t).get('/settings').expect(200);
    expect((await admin(t).get('/events?type=token.rotated').expect(200)).body.total).toBe(0);
  });

  it('rotating it with the CLI, from a shell without the variable, is a clear error (exit 1)', async () => {
    t = await createTestApp({ SCIM_TOKEN, ADMIN_TOKEN });
    for (const args of [['token', 'rotate'], ['token', 'rotate', '--admin']]) {
      const result = await runCli([...args, ...t.databaseArgs]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^database: .*\nzi-scim: the (SCIM|admin) token is set by (SCIM|ADMIN)_TOKEN in the server's environment, which pins it: .*change \2_TOKEN and restart instead\n$/);
    }
    await t.scim.get('/Users').expect(200);
  });

  it('the CLI also refuses while its own environment sets the variable', async () => {
    t = await createTestApp();
    const result = await runCli(['token', 'rotate', ...t.databaseArgs], { SCIM_TOKEN: 'another-token-set-in-this-shell' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/set by SCIM_TOKEN in this environment, which pins it/);
    await t.scim.get('/Users').expect(200);
  });

  it('a start without the variable lifts the pin: the stored token may be rotated then', async () => {
    t = await createTestApp({ SCIM_TOKEN });
    await admin(t).post('/scim-token').expect(409);
    await t.app.close();
    const again = await buildApp(loadConfig({ ...t.databaseEnv, LOG_LEVEL: 'silent' }));
    try {
      expect(again.generatedTokens).toEqual({}); // the token is kept, not replaced
      expect(again.store.accounts.checkToken('default', 'scim', SCIM_TOKEN)).toBe(true);
      expect(again.store.accounts.pinnedBy('default', 'scim')).toBeNull();
    } finally {
      await again.close();
    }
  });
});

describe('rotating the admin token ends every admin view session', () => {
  it('through the admin API: 201 {token}; the old token and every session cookie stop working', async () => {
    t = await createTestApp();
    const cookies = [await signIn(t), await signIn(t)];
    for (const cookie of cookies) await t.http.get('/admin/api/settings').set('Cookie', cookie).expect(200);

    const res = await admin(t).post('/admin-token').expect(201);
    expect(Object.keys(res.body)).toEqual(['token']);
    const token = res.body.token as string;
    expect(token).toMatch(/^[\w-]{40,}$/);

    for (const cookie of cookies) {
      await t.http.get('/admin/api/settings').set('Cookie', cookie).expect(401);
      await t.http.get('/admin/session').set('Cookie', cookie).expect(401);
    }
    await admin(t).get('/settings').expect(401);
    await admin(t, token).get('/settings').expect(200);
    await t.http.post('/admin/session').send({ token }).expect(200);
    await t.scim.get('/Users').expect(200); // the SCIM token is untouched
  });

  it('through the CLI, in another process on the same file', async () => {
    t = await createTestApp();
    const cookie = await signIn(t);
    await t.http.get('/admin/api/settings').set('Cookie', cookie).expect(200);
    const result = await runCli(['token', 'rotate', '--admin', ...t.databaseArgs]);
    expect(result.code, result.stderr).toBe(0);
    const token = /^Admin token: (\S+)$/m.exec(result.stdout)![1]!;
    // Another connection's commit is seen within milliseconds (store/external-changes.ts).
    await new Promise((r) => setTimeout(r, 20));
    await t.http.get('/admin/api/settings').set('Cookie', cookie).expect(401);
    await admin(t, token).get('/settings').expect(200);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySharedState } from '../../src/store/memory-shared-state.js';
import { createAdminSessions, FAILURE_WINDOW_MS, SESSION_TTL_MS } from '../../src/routes/admin/session.js';
import { WEB_DIR } from '../../src/routes/admin/view.js';
import { ADMIN_TOKEN, createTestApp, SCIM_TOKEN, userBody, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const cookieOf = (res: { headers: Record<string, unknown> }): string => {
  const raw = res.headers['set-cookie'] as string[] | string | undefined;
  const line = (Array.isArray(raw) ? raw : [raw ?? '']).find((c) => c.startsWith('zi_admin_session='))!;
  return line.split(';')[0]!;
};

async function signIn() {
  const res = await t.http.post('/admin/session').send({ token: ADMIN_TOKEN }).expect(200);
  return { cookie: cookieOf(res), csrf: res.body.csrfToken as string, res };
}

describe('admin view page and headers', () => {
  it('serves the page and its modules from web/admin with a strict CSP', async () => {
    const page = await t.http.get('/admin').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<script type="module" src="/admin/assets/app.js">');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['strict-transport-security']).toBeUndefined();

    const js = await t.http.get('/admin/assets/views/users.js').expect(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    await t.http.get('/admin/assets/views/users.js').set('If-None-Match', js.headers.etag as string).expect(304);
    await t.http.get('/admin/assets/style.css').expect('content-type', /text\/css/).expect(200);
  });

  it('serves only files of web/admin, never a path outside it', async () => {
    await t.http.get('/admin/assets/nope.js').expect(404);
    await t.http.get('/admin/assets/../../package.json').expect(404);
    await t.http.get('/admin/assets/%2e%2e/%2e%2e/package.json').expect(404);
    await t.http.get('/admin/assets/..%2f..%2fpackage.json').expect(404);
  });

  it('gives the admin API the same headers and leaves SCIM responses as they were', async () => {
    const admin = await t.http.get('/admin/api/settings').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(admin.headers['content-security-policy']).toContain("default-src 'self'");
    const scim = await t.scim.get('/Users').expect(200);
    expect(scim.headers['content-security-policy']).toBeUndefined();
    expect(scim.headers['x-frame-options']).toBeUndefined();
    expect(scim.headers['content-type']).toMatch(/^application\/scim\+json/);
    const health = await t.http.get('/healthz').expect(200);
    expect(health.headers['content-security-policy']).toBeUndefined();
  });

  it('has no inline script or style and no address outside this server in web/admin', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir, { withFileTypes: true })) {
        if (name.isDirectory()) walk(join(dir, name.name));
        else files.push(join(dir, name.name));
      }
    };
    walk(WEB_DIR);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      expect(text, file).not.toMatch(/\sstyle=|\.innerHTML|<style|\bon[a-z]+="/);
      expect(text, file).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    }
  });
});

describe('sign-in, session cookie and CSRF', () => {
  it('refuses a wrong token and sets no cookie', async () => {
    const res = await t.http.post('/admin/session').send({ token: 'wrong' }).expect(401);
    expect(res.body.error).toBe('unauthorized');
    expect(res.headers['set-cookie']).toBeUndefined();
    await t.http.post('/admin/session').send({}).expect(400);
    // Only JSON signs in: neither an HTML form nor a text/plain body can, so no other site can.
    await t.http.post('/admin/session').type('form').send(`token=${ADMIN_TOKEN}`).expect(400);
    await t.http.post('/admin/session').set('Content-Type', 'text/plain').send(JSON.stringify({ token: ADMIN_TOKEN })).expect(400);
  });

  it('sets an HttpOnly, SameSite=Strict cookie scoped to /admin and returns a CSRF token', async () => {
    const { res, csrf } = await signIn();
    const line = ([] as string[]).concat(res.headers['set-cookie'] as unknown as string[]).join('\n');
    expect(line).toMatch(/^zi_admin_session=[\w-]{40,}; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(csrf).toMatch(/^[\w-]{40,}$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.stringify(res.body)).not.toContain(ADMIN_TOKEN);
  });

  it('lets the cookie read the admin API and hands the CSRF token out again after a reload', async () => {
    const { cookie, csrf } = await signIn();
    await t.http.get('/admin/api/users?status=active').set('Cookie', cookie).expect(200);
    const again = await t.http.get('/admin/session').set('Cookie', cookie).expect(200);
    expect(again.body.csrfToken).toBe(csrf);
    await t.http.get('/admin/session').expect(401);
    await t.http.get('/admin/api/users').set('Cookie', 'zi_admin_session=forged').expect(401);
  });

  it('refuses a state-changing request made with the cookie unless it carries the CSRF token', async () => {
    const { cookie, csrf } = await signIn();
    const missing = await t.http.patch('/admin/api/settings').set('Cookie', cookie).send({ scimVisibility: 'scim-only' }).expect(403);
    expect(missing.body.error).toBe('csrf');
    const wrong = await t.http.patch('/admin/api/settings').set('Cookie', cookie).set('X-CSRF-Token', csrf.slice(1) + 'x').send({ scimVisibility: 'scim-only' }).expect(403);
    expect(wrong.body.error).toBe('csrf');
    await t.http.post('/admin/api/users').set('Cookie', cookie).send({ userName: 'csrf.victim@example.com' }).expect(403);
    await t.http.patch('/admin/api/settings').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ scimVisibility: 'scim-only' }).expect(200);
  });

  it('keeps the bearer admin token working without CSRF, and a SCIM token still gets 403', async () => {
    await t.http.patch('/admin/api/settings').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ scimVisibility: 'scim-only' }).expect(200);
    await t.http.get('/admin/api/settings').set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(403);
    // A wrong bearer token is not rescued by a valid cookie.
    const { cookie } = await signIn();
    await t.http.get('/admin/api/settings').set('Authorization', 'Bearer wrong').set('Cookie', cookie).expect(401);
  });

  it('refuses a cross-origin sign-in', async () => {
    const res = await t.http.post('/admin/session').set('Origin', 'http://evil.example').send({ token: ADMIN_TOKEN }).expect(403);
    expect(res.body.error).toBe('csrf');
  });

  it('signs out: the cookie is cleared and stops working', async () => {
    const { cookie, csrf } = await signIn();
    await t.http.delete('/admin/session').set('Cookie', cookie).expect(403);
    const out = await t.http.delete('/admin/session').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^zi_admin_session=; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=0/);
    await t.http.get('/admin/api/users').set('Cookie', cookie).expect(401);
    await t.http.get('/admin/session').set('Cookie', cookie).expect(401);
  });
});

describe('session store', () => {
  it('expires sessions after 12 hours', () => {
    let now = 1_000_000;
    const sessions = createAdminSessions(createMemorySharedState(), () => now);
    const s = sessions.create();
    now += SESSION_TTL_MS - 1;
    expect(sessions.find(s.id)).not.toBeNull();
    now += 1;
    expect(sessions.find(s.id)).toBeNull();
    expect(sessions.find(undefined)).toBeNull();
  });

  it('blocks an address after 5 failures until the minute is over', () => {
    let now = 0;
    const sessions = createAdminSessions(createMemorySharedState(), () => now);
    for (let i = 0; i < 4; i++) sessions.recordFailure('10.0.0.1');
    expect(sessions.blockedFor('10.0.0.1')).toBe(0);
    sessions.recordFailure('10.0.0.1');
    now = 10_000;
    expect(sessions.blockedFor('10.0.0.1')).toBe(FAILURE_WINDOW_MS - 10_000);
    expect(sessions.blockedFor('10.0.0.2')).toBe(0);
    now = FAILURE_WINDOW_MS;
    expect(sessions.blockedFor('10.0.0.1')).toBe(0);
  });
});

describe('slowing down repeated failed sign-ins', () => {
  it('answers 429 to a wrong token after 5 failures in a minute, lets the right token through, and never touches SCIM', async () => {
    const fresh = await createTestApp();
    try {
      for (let i = 0; i < 5; i++) await fresh.http.post('/admin/session').send({ token: `wrong-${i}` }).expect(401);
      const blocked = await fresh.http.post('/admin/session').send({ token: 'wrong-again' }).expect(429);
      expect(blocked.body.error).toBe('too_many_attempts');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // Issue 13, item 11: guesses from an address never lock the real admin out of it.
      await fresh.http.post('/admin/session').send({ token: ADMIN_TOKEN }).expect(200);
      await fresh.scim.post('/Users', userBody()).expect(201);
      await fresh.http.get('/scim/v2/Users').set('Authorization', 'Bearer wrong').expect(401);
      await fresh.http.get('/admin/api/settings').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    } finally {
      await fresh.close();
    }
  });

  it('counts wrong bearer tokens on /admin/api with failed sign-ins (issue 13, item 11)', async () => {
    const fresh = await createTestApp();
    try {
      for (let i = 0; i < 3; i++) await fresh.http.post('/admin/session').send({ token: `wrong-${i}` }).expect(401);
      for (let i = 0; i < 2; i++) await fresh.http.get('/admin/api/users').set('Authorization', `Bearer wrong-${i}`).expect(401);
      const blocked = await fresh.http.get('/admin/api/users').set('Authorization', 'Bearer wrong-again').expect(429);
      expect(blocked.body.error).toBe('too_many_attempts');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      await fresh.http.get('/admin/api/users').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
      // The SCIM token is a real credential, refused for what it is, not a guess.
      await fresh.http.get('/admin/api/users').set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(403);
      await fresh.http.post('/admin/session').send({ token: 'still-wrong' }).expect(429);
    } finally {
      await fresh.close();
    }
  });
});

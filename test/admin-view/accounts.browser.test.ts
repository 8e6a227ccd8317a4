// Accounts and fault injection in the admin view, in a real browser (Debian's chromium through
// playwright-core): create an account and see its token once, switch to it, set a rate limit for it,
// find the injected faults in the journal, delete it. One browser for the whole file.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS, CHROMIUM, LAUNCH_ARGS, chromiumAvailable, seriousAxeViolations } from '../helpers/browser.js';
import { ADMIN_TOKEN, createTestApp, userBody, type TestApp } from '../helpers/test-app.js';

const available = chromiumAvailable;


let t: TestApp;
let base: string;
let profile: string;
let context: BrowserContext;
let page: Page;
let stagingToken = '';
const external: string[] = [];
const problems: string[] = [];
/** Every admin API call the page made (path and query). */
const apiCalls: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** axe-core in the page: no serious or critical violation. */
async function accessible(label: string) {
  expect(await seriousAxeViolations(page), `axe on ${label}`).toEqual([]);
}

/** Waits until the view for the current URL's hash is on screen. */
const rendered = async () => {
  const hash = (await page.evaluate('location.hash')) as string;
  await page.locator(`#view[data-rendered=${JSON.stringify(hash)}]`).waitFor({ state: 'attached' });
};
/** Opens a view, for an account (`?account=`) when given. */
const go = async (hash: string, account?: string) => {
  const url = `${base}/admin${account ? `?account=${account}` : ''}${hash}`;
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await rendered();
};
const heading = () => page.locator('#view h1').first();
const admin = (path: string) => t.http.get(`/admin/api${path}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
const stagingScim = (path: string) => t.http.get(`/accounts/staging/scim/v2${path}`).set('Authorization', `Bearer ${stagingToken}`);

describe.skipIf(!available)('accounts and faults in the admin view', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestApp();
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    // A user in the default account, to show that another account does not see it.
    await t.scim.post('/Users', userBody({ userName: 'only.in.default@example.com' })).expect(201);

    profile = mkdtempSync(join(tmpdir(), 'zi-scim-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, viewport: { width: 1280, height: 800 } });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== '127.0.0.1') {
        external.push(url.href);
        return route.abort();
      }
      if (url.pathname.startsWith('/admin/api/')) apiCalls.push(`${url.pathname}${url.search}`);
      return route.continue();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(8000);
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of (401|409) /.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

    await page.goto(`${base}/admin`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.locator('#view[data-rendered="#/users"]').waitFor({ state: 'attached' });
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  it('lists the accounts with their SCIM base URL; the default one has no delete button', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await rendered();
    expect(await heading().textContent()).toBe('Accounts');
    const row = page.locator('#accounts-list tr', { hasText: 'default' });
    expect(await row.textContent()).toContain(`${base}/scim/v2`);
    expect(await row.getByRole('button').count()).toBe(0);
    // The switcher in the header lists it, selected.
    expect(await page.getByLabel('Account', { exact: true }).inputValue()).toBe('default');
    await accessible('accounts');
  });

  it('creates an account from the keyboard and shows its SCIM token once, with a copy-it-now note', async () => {
    await go('#/accounts');
    // A bad id is refused in the page, naming the rule, with focus on the field.
    await page.getByLabel('Account id').fill('Not Valid');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.locator('#account-form-error').textContent()).toMatch(/1-40 characters of a-z, 0-9 and "-"/);
    expect(await page.evaluate('document.activeElement.id')).toBe('account-id');
    expect(await page.getByLabel('Account id').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Account id').fill('staging');
    await page.getByLabel('Name (optional)').fill('Staging IdP');
    await page.keyboard.press('Enter');
    const token = page.getByLabel('SCIM token for staging');
    await token.waitFor();
    stagingToken = await token.inputValue();
    expect(stagingToken.length).toBeGreaterThan(20);
    expect(await page.evaluate('document.activeElement.id')).toBe('created-token');
    expect(await page.locator('#created-token-help').textContent()).toMatch(/^Copy it now: this token is shown only this once/);
    expect(await page.locator('#account-created').textContent()).toContain(`${base}/accounts/staging/scim/v2`);
    expect(await page.locator('#accounts-status').textContent()).toBe('Account "staging" created.');
    // Listed, and in the switcher, at once.
    await expect.poll(() => page.locator('#account-select option').allTextContents()).toEqual(['Default account (default)', 'Staging IdP (staging)']);
    expect(await page.locator('#accounts-list tr', { hasText: 'staging' }).textContent()).toMatch(/Staging IdP.*staging.*\/accounts\/staging\/scim\/v2/);
    await accessible('accounts (created)');
    await shot('accounts-created');
    // The token works on the new account's SCIM API.
    await stagingScim('/Users').expect(200);

    // A duplicate id is refused (409).
    await page.getByLabel('Account id').fill('staging');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.locator('#account-form-error').textContent()).toBe('There is already an account "staging".');

    // Shown once: back on the page, it is gone.
    await go('#/accounts');
    expect(await page.getByLabel('SCIM token for staging').count()).toBe(0);
  });

  it('switches to the account in the header; every API call names it, and its users are its own', async () => {
    await go('#/users');
    apiCalls.length = 0;
    await page.getByLabel('Account', { exact: true }).selectOption('staging');
    await page.getByRole('button', { name: 'Switch' }).click();
    await page.waitForURL(/\?account=staging#\/users$/);
    await rendered();
    expect(await page.locator('#account-banner').textContent()).toMatch(/Account Staging IdP \(staging\) · SCIM at http:\/\/127\.0\.0\.1:\d+\/accounts\/staging\/scim\/v2/);
    expect(await page.title()).toMatch(/^Users · staging · /);
    // A new account's only user: its own admin@example.com.
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody').textContent()).toContain('admin@example.com');
    expect(await page.locator('tbody').textContent()).not.toContain('only.in.default@example.com');

    const scoped = apiCalls.filter((c) => !c.startsWith('/admin/api/accounts'));
    expect(scoped.length).toBeGreaterThan(0);
    for (const call of scoped) expect(new URL(call, base).searchParams.get('account'), call).toBe('staging');
    // A reload stays on the account (it is in the page's URL).
    await page.reload();
    await rendered();
    expect(await page.getByLabel('Account', { exact: true }).inputValue()).toBe('staging');
    await accessible('users (staging)');
  });

  it("sets a rate-limit fault for that account, saved, and the journal finds what it refused", async () => {
    await go('#/settings', 'staging');
    expect(await page.locator('.lead').textContent()).toContain('Staging IdP (staging)');
    expect(await page.locator('#token-title + p').textContent()).toContain('/accounts/staging/scim/v2');
    expect(await page.locator('#faults-summary').textContent()).toMatch(/^Faults are off/);
    expect(await page.getByLabel('Requests per window').isDisabled()).toBe(true);
    expect(await page.locator('#fault-rate-limit-help').textContent()).toContain('no Retry-After header');
    expect(await page.locator('#fault-error-rate-help').textContent()).toMatch(/injected/);

    await page.getByLabel('Rate limit', { exact: true }).check();
    await page.getByLabel('Requests per window').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('#faults-error').textContent()).toMatch(/Requests per window: a whole number from 1/);
    expect(await page.evaluate('document.activeElement.id')).toBe('fault-rate-requests');

    await page.getByLabel('Requests per window').fill('2');
    await page.getByLabel('Window (seconds)').fill('600');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('#settings-status').textContent()).toBe('Settings saved.');
    expect(await page.locator('#faults-summary').textContent()).toBe('On: rate limit 2 requests per 600 s.');
    expect((await admin('/settings?account=staging').expect(200)).body.faults).toEqual({ rateLimit: { requests: 2, windowSeconds: 600 }, latencyMs: 0, errorRate: 0, methods: [], paths: [] });
    expect((await admin('/settings').expect(200)).body.faults.rateLimit).toBeNull();
    await accessible('settings (faults)');
    await shot('settings-faults');

    // Saved: a reload shows it.
    await page.reload();
    await rendered();
    expect(await page.getByLabel('Rate limit', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Requests per window').inputValue()).toBe('2');

    // The IdP meets it: the third request is 429, without Retry-After.
    await stagingScim('/Users').expect(200);
    await stagingScim('/Users').expect(200);
    const refused = await stagingScim('/Users').expect(429);
    expect(refused.headers['retry-after']).toBeUndefined();

    // The journal's quick filter finds the injected fault; its request is one click away.
    await go('#/journal', 'staging');
    await page.getByRole('navigation', { name: 'Quick filters' }).getByRole('link', { name: 'Injected faults' }).click();
    await rendered();
    expect(await page.getByLabel('Type').inputValue()).toBe('fault.injected');
    const fault = page.locator('ol.events > li');
    await expect.poll(() => fault.count()).toBe(1);
    expect(await fault.textContent()).toMatch(/fault\.injected.*rate limit exceeded/);
    await fault.locator('summary').click();
    await accessible('journal (faults)');
    await shot('journal-faults');
    await fault.getByRole('link', { name: /^#\d+$/ }).click();
    await rendered();
    expect(await heading().textContent()).toMatch(/^Journal event #\d+$/);
    expect(await page.locator('#view').textContent()).toMatch(/GET \/accounts\/staging\/scim\/v2\/Users.*429/s);

    // The status filter goes through the API: only the refused request, and the call says status=429.
    apiCalls.length = 0;
    await go('#/journal', 'staging');
    await page.getByLabel('Status').selectOption('429');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.url()).toContain('status=429');
    await rendered();
    expect(await page.locator('ol.events .ev-status').allTextContents()).toEqual(['429']);
    expect(apiCalls.some((c) => c.startsWith('/admin/api/events?') && new URL(c, base).searchParams.get('status') === '429')).toBe(true);
    await page.getByLabel('Status').selectOption('2xx');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.url()).toContain('status=2xx');
    await rendered();
    const ok = await page.locator('ol.events .ev-status').allTextContents();
    expect(ok.length).toBeGreaterThanOrEqual(2);
    expect(ok.every((s) => /^2\d\d$/.test(s))).toBe(true);
  });

  it('deletes the account after a confirmation, from the keyboard; the page goes back to the default account', async () => {
    await go('#/accounts', 'staging');
    const del = page.getByRole('button', { name: 'Delete account staging' });
    await del.focus();
    await page.keyboard.press('Enter');
    const confirm = page.locator('#account-confirm [role="alert"]');
    await confirm.waitFor();
    expect(await confirm.textContent()).toMatch(/Delete account "staging"\?.*erased.*cannot be undone/s);
    expect(await page.evaluate('document.activeElement.id')).toBe('account-delete-confirm');
    await accessible('accounts (confirm delete)');
    // Cancel puts focus back on the button that asked.
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.count()).toBe(0);
    expect(await page.evaluate('document.activeElement.dataset.account')).toBe('staging');

    await page.keyboard.press('Enter');
    await page.locator('#account-delete-confirm').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#accounts-status').textContent()).toBe('Account "staging" deleted.');
    expect(await page.locator('#accounts-list').textContent()).not.toContain('staging');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('#account-select option').allTextContents()).toEqual(['Default account (default)']);
    expect((await admin('/accounts').expect(200)).body.items.map((a: { id: string }) => a.id)).toEqual(['default']);
    await stagingScim('/Users').expect(401);

    // A page left open on the deleted account falls back to the default one, and says so.
    await go('#/users', 'staging');
    expect(await page.locator('#account-notice').textContent()).toContain('There is no account "staging"');
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.locator('tbody').textContent()).toContain('only.in.default@example.com');
  });

  it('is readable on a phone (the switcher included)', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const hash of ['#/accounts', '#/settings']) {
        await go(hash);
        expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), hash).toBe(true);
      }
      await shot('accounts-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('made no request outside this server and hit no script, CSP or console error', () => {
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });
});

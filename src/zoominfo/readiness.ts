import type { Store } from '../store/store.js';
import type { UserRow } from '../store/users-repository.js';
import { isActive } from './sign-in.js';
import { LOCKOUT_REMEDY } from './admin-access.js';
import { accessOf } from './lockout-guard.js';
import type { Settings } from '../model/settings.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isFalse = (v: unknown) => v === false || (typeof v === 'string' && v.trim().toLowerCase() === 'false');
/** `active`, also URN-qualified, in any case (attribute names are case-insensitive). */
const isActiveKey = (key: string) => /(^|:)active$/i.test(key.trim());

/** Whether a journaled PUT or PATCH body asks for `active` false, in any IdP's spelling. */
function asksDeactivation(method: string, body: unknown): boolean {
  if (!isObject(body)) return false;
  if (method === 'PUT') return Object.entries(body).some(([key, value]) => isActiveKey(key) && isFalse(value));
  const operations = Object.entries(body).find(([key]) => key.toLowerCase() === 'operations')?.[1];
  if (!Array.isArray(operations)) return false;
  return operations.some((op) => {
    if (!isObject(op) || !/^(add|replace)$/i.test(String(op.op ?? ''))) return false;
    if (typeof op.path === 'string') return isActiveKey(op.path) && isFalse(op.value);
    return isObject(op.value) && Object.entries(op.value).some(([key, value]) => isActiveKey(key) && isFalse(value));
  });
}

/**
 * Deprovisioning requests the sandbox refused (4xx/5xx) whose user is still not deprovisioned: an
 * IdP trigger without its outcome. A refused Okta PUT with `"active": true` is no such request, and
 * a retry that deprovisioned the user after all settles it.
 */
function unansweredDeprovisionings(store: Store, accountId: string): number {
  let count = 0;
  for (const event of store.rehearsal.refusedDeprovisionings(accountId)) {
    const id = /\/Users\/([^/?#]+)/i.exec(event.path)?.[1];
    if (!id) continue;
    let user: UserRow | null;
    try {
      user = store.users.findById(accountId, decodeURIComponent(id));
    } catch {
      continue; // a malformed id in the path names no user
    }
    if (user && !isActive(user)) continue; // deprovisioned after all (a retry went through)
    if (event.method === 'DELETE') {
      if (user) count++; // a DELETE of a user that no longer exists wanted nothing more
    } else if (asksDeactivation(event.method, event.request)) {
      count++;
    }
  }
  return count;
}

export type ReadinessId =
  | 'sso-configured'
  | 'token-issued'
  | 'connection-tested'
  | 'users-provisioned'
  | 'deprovisioning-observed'
  | 'rehearsal-coverage'
  | 'group-removal-gap'
  | 'attribute-mapping'
  | 'admin-can-sign-in'
  | 'require-sso-safe';

export interface ReadinessItem {
  id: ReadinessId;
  title: string;
  status: 'pass' | 'fail' | 'warn';
  reason: string;
}

const list = (names: string[], max = 5) => names.slice(0, max).join(', ') + (names.length > max ? `, and ${names.length - max} more` : '');

/** The deprovisioning rules the settings hold, and whether the IdP's traffic ever exercised each. */
function coverage(store: Store, accountId: string, settings: Settings): ReadinessItem {
  const title = 'Every deprovisioning rule rehearsed';
  const seen = store.rehearsal.exercised(accountId);
  const idps = store.rehearsal.idpsSeen(accountId);
  const rules: { rule: string; exercised: boolean; how: string }[] = [
    { rule: `deprovision.onDelete "${settings.deprovision.onDelete}"`, exercised: seen.userDeletes > 0, how: 'no DELETE /Users came from the IdP' },
  ];
  if (settings.deprovision.onGroupRemoval !== 'none') rules.push({ rule: `deprovision.onGroupRemoval "${settings.deprovision.onGroupRemoval}"`, exercised: seen.memberRemovals > 0, how: 'the IdP removed no one from a group' });
  if (settings.deprovision.onGroupDelete !== 'none') rules.push({ rule: `deprovision.onGroupDelete "${settings.deprovision.onGroupDelete}"`, exercised: seen.groupDeletes > 0, how: 'the IdP deleted no group' });
  const missed = rules.filter((r) => !r.exercised);
  const by = idps.length ? `IdPs seen: ${idps.join(', ')}` : 'no IdP recognised yet';
  if (!missed.length) return { id: 'rehearsal-coverage', title, status: 'pass', reason: `every rule in the settings was exercised (${rules.map((r) => r.rule).join(', ')}); ${by}` };
  return { id: 'rehearsal-coverage', title, status: 'warn', reason: `never exercised: ${missed.map((r) => `${r.rule} (${r.how})`).join('; ')}; ${by}` };
}

/** The attribute names the normaliser dropped (PRODUCT.md §8.3 unknownAttributes "ignore"). */
function droppedAttributes(store: Store, accountId: string): string[] {
  const names = new Set<string>();
  for (const rewrites of store.rehearsal.droppedAttributeRewrites(accountId)) {
    if (!Array.isArray(rewrites)) continue;
    for (const r of rewrites) {
      if (!isObject(r) || r.rule !== 'unknown-attribute-dropped') continue;
      for (const name of Array.isArray(r.from) ? r.from : [r.from]) if (typeof name === 'string') names.add(name);
    }
  }
  return [...names].sort();
}

/** The go-live checklist (PRODUCT.md §5, §8.1): ready when nothing fails. Every reason describes the state as it is now. */
export function readiness(store: Store, accountId: string): { ready: boolean; items: ReadinessItem[] } {
  const { settings } = store.accounts.find(accountId)!;
  const items: ReadinessItem[] = [];

  items.push(
    settings.ssoConfigured
      ? { id: 'sso-configured', title: 'SAML SSO configured', status: 'pass', reason: 'SSO is set up, so SCIM can be switched on' }
      : { id: 'sso-configured', title: 'SAML SSO configured', status: 'fail', reason: 'SSO is not configured: ZoomInfo refuses SCIM (403) and issues no token' },
  );

  const hasToken = store.accounts.hasToken(accountId, 'scim');
  items.push({ id: 'token-issued', title: 'SCIM token issued', status: hasToken ? 'pass' : 'fail', reason: hasToken ? 'a SCIM bearer token exists for the IdP' : 'no SCIM token exists: generate one for the IdP' });

  const tested = store.rehearsal.connectionTested(accountId);
  items.push({
    id: 'connection-tested',
    title: 'IdP connection tested',
    status: tested ? 'pass' : 'fail',
    reason: tested ? 'an authenticated SCIM GET from the IdP was answered' : 'no authenticated SCIM GET was seen: run the IdP\'s "Test connection"',
  });

  const provisioned = store.users.countBySource(accountId, 'scim');
  items.push({
    id: 'users-provisioned',
    title: 'Users provisioned by the IdP',
    status: provisioned > 0 ? 'pass' : 'fail',
    reason: provisioned > 0 ? `${provisioned} user(s) provisioned through SCIM` : 'no user has been provisioned through SCIM yet: assign a user in the IdP',
  });

  const triggers = store.events.deprovisionTriggers(accountId);
  const refused = unansweredDeprovisionings(store, accountId);
  items.push({
    id: 'deprovisioning-observed',
    title: 'Deprovisioning rehearsed',
    status: refused > 0 || triggers.length === 0 ? 'fail' : 'pass',
    reason:
      refused > 0
        ? `${refused} deprovisioning request(s) from the IdP were refused and deprovisioned no one: see the journal`
        : triggers.length === 0
          ? 'no user has been deprovisioned yet: unassign or deactivate a test user in the IdP'
          : `users were deprovisioned by: ${triggers.map((t) => `${t.trigger} (${t.count})`).join(', ')}`,
  });

  items.push(coverage(store, accountId, settings));

  // PRODUCT.md §8.1: users a group removal or a group delete left active in no group at all.
  const stranded = store.users.strandedByGroupRemoval(accountId);
  const rules = `onGroupRemoval "${settings.deprovision.onGroupRemoval}", onGroupDelete "${settings.deprovision.onGroupDelete}"`;
  items.push({
    id: 'group-removal-gap',
    title: 'Group removals deprovision as expected',
    status: stranded.length ? 'warn' : 'pass',
    reason: stranded.length
      ? `${stranded.length} user(s) lost their last group (removed, or the group was deleted) and are still active (${rules}): ${list(stranded.map((u) => u.userName))}`
      : 'no user is left active in no group by a group removal or a group delete',
  });

  const dropped = droppedAttributes(store, accountId);
  items.push({
    id: 'attribute-mapping',
    title: 'Every attribute the IdP sends is kept',
    status: dropped.length ? 'warn' : 'pass',
    reason: dropped.length
      ? `the IdP sent attributes the schemas do not know, and they were dropped: ${list(dropped, 10)} (fix the IdP's attribute mapping; each request's rewrites in the journal show where)`
      : 'nothing dropped: every attribute the IdP sent is part of the schemas',
  });

  const access = accessOf(store, accountId, settings);
  items.push({
    id: 'admin-can-sign-in',
    title: 'An Admin can sign in',
    status: access.holds ? 'pass' : 'fail',
    reason: access.holds ? access.summary : `${access.summary}. To fix it: ${LOCKOUT_REMEDY}`,
  });

  items.push(requireSsoItem(store, accountId, settings, access.holds));

  return { ready: !items.some((i) => i.status === 'fail'), items };
}

/** Whether Require SSO is safe: if on, whether an Admin still signs in by SSO; if off, whether one would. */
function requireSsoItem(store: Store, accountId: string, settings: Settings, holds: boolean): ReadinessItem {
  const title = 'Require SSO safe';
  if (settings.requireSso) {
    return holds
      ? { id: 'require-sso-safe', title, status: 'pass', reason: 'Require SSO is on and an active Admin signs in with SSO' }
      : { id: 'require-sso-safe', title, status: 'fail', reason: 'Require SSO is on and no active Admin can sign in with SSO' };
  }
  const withSso = accessOf(store, accountId, { ...settings, requireSso: true });
  return withSso.holds
    ? { id: 'require-sso-safe', title, status: 'pass', reason: `Require SSO is off; turning it on would keep an Admin able to sign in (${withSso.summary})` }
    : {
        id: 'require-sso-safe',
        title,
        status: 'fail',
        reason: `Require SSO is off; turning it on now would leave no active Admin able to sign in (${withSso.lockedOut.length ? `${list(withSso.lockedOut.map((l) => l.userName))} have no SSO` : 'the account has no active Admin'}): ${LOCKOUT_REMEDY}`,
      };
}

import type { Store } from '../store/store.js';
import type { UserRow } from '../store/users-repository.js';
import { isActive, lockedOutAdmins } from './sign-in.js';

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
 * IdP trigger without its outcome. Read from the journal; the store's own count matched any body
 * mentioning "active", so a refused Okta PUT with `"active": true` failed the check, and it never
 * noticed that a retry had deprovisioned the user after all.
 */
function unansweredDeprovisionings(store: Store, accountId: string): number {
  const candidates = store.db
    .prepare(`SELECT method, path, request FROM events WHERE account_id = ? AND type = 'request' AND status >= 400
      AND method IN ('PATCH', 'PUT', 'DELETE') AND path LIKE '%/Users/%' AND (method = 'DELETE' OR request LIKE '%active%')`)
    .all(accountId) as { method: string; path: string; request: string | null }[];
  let count = 0;
  for (const event of candidates) {
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
    } else if (asksDeactivation(event.method, event.request ? JSON.parse(event.request) : null)) {
      count++;
    }
  }
  return count;
}

export interface ReadinessItem {
  id: 'sso-configured' | 'token-issued' | 'users-provisioned' | 'deprovisioning-observed' | 'group-removal-gap' | 'require-sso-safe';
  title: string;
  status: 'pass' | 'fail' | 'warn';
  reason: string;
}

/** The go-live checklist (PRODUCT.md §5): ready when nothing fails. */
export function readiness(store: Store, accountId: string): { ready: boolean; items: ReadinessItem[] } {
  const { settings } = store.accounts.find(accountId)!;
  const items: ReadinessItem[] = [];

  items.push(
    settings.ssoConfigured
      ? { id: 'sso-configured', title: 'SAML SSO configured', status: 'pass', reason: 'SSO is set up, so SCIM can be switched on' }
      : { id: 'sso-configured', title: 'SAML SSO configured', status: 'fail', reason: 'ZoomInfo refuses SCIM (403) and issues no token until SSO is configured' },
  );

  const hasToken = store.accounts.hasToken(accountId, 'scim');
  items.push({ id: 'token-issued', title: 'SCIM token issued', status: hasToken ? 'pass' : 'fail', reason: hasToken ? 'a SCIM bearer token exists for the IdP' : 'generate a SCIM token for the IdP' });

  const provisioned = store.users.countBySource(accountId, 'scim');
  items.push({
    id: 'users-provisioned',
    title: 'Users provisioned by the IdP',
    status: provisioned > 0 ? 'pass' : 'fail',
    reason: provisioned > 0 ? `${provisioned} user(s) provisioned through SCIM` : 'no user has been provisioned through SCIM yet: assign a user in the IdP',
  });

  const triggers = store.events.deprovisionTriggers(accountId);
  const refused = unansweredDeprovisionings(store, accountId);
  const seen = triggers.map((t) => `${t.trigger} (${t.count})`).join(', ');
  items.push({
    id: 'deprovisioning-observed',
    title: 'Deprovisioning rehearsed',
    status: refused > 0 || triggers.length === 0 ? 'fail' : 'pass',
    reason:
      refused > 0
        ? `${refused} deprovisioning request(s) from the IdP were refused and deprovisioned no one: see the journal`
        : triggers.length === 0
          ? 'no user has been deprovisioned yet: unassign or deactivate a test user in the IdP'
          : `deprovisioned users by: ${seen}`,
  });

  const stranded = store.users.strandedByGroupRemoval(accountId);
  const gap = settings.deprovision.onGroupRemoval === 'none' && stranded.length > 0;
  items.push({
    id: 'group-removal-gap',
    title: 'Group removals deprovision as expected',
    status: gap ? 'warn' : 'pass',
    reason: gap
      ? `${stranded.length} user(s) were removed from their last group and are still active (onGroupRemoval is "none"): ${stranded.slice(0, 5).map((u) => u.userName).join(', ')}${stranded.length > 5 ? ', ...' : ''}`
      : 'no user was left active in no group by a group removal',
  });

  const locked = lockedOutAdmins(store.users.activeAdmins(accountId), { ...settings, requireSso: true });
  items.push({
    id: 'require-sso-safe',
    title: 'Require SSO safe to enable',
    status: locked.length ? 'fail' : 'pass',
    reason: locked.length
      ? `turning Require SSO on would lock out: ${locked.map((l) => l.userName).join(', ')} (provision them through the IdP first)`
      : 'every active Admin could still sign in with SSO',
  });

  return { ready: !items.some((i) => i.status === 'fail'), items };
}

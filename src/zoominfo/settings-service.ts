import type { Store } from '../store/store.js';
import { guardAdminAction } from './lockout-guard.js';
import type { Settings, SettingsPatch } from '../model/settings.js';

/** The settings that are objects of their own: a PATCH changes only the sub-keys it names. */
const SECTIONS = ['deprovision', 'guard', 'faults'] as const;

const merge = (current: Settings, patch: SettingsPatch): Settings => {
  const { force: _force, deprovision, guard, faults, ...rest } = patch;
  return {
    ...current,
    ...rest,
    deprovision: { ...current.deprovision, ...deprovision },
    guard: { ...current.guard, ...guard },
    faults: { ...current.faults, ...faults },
  };
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What changed, as "key: old -> new" lines for the journal. */
function diff(before: Settings, after: Settings): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof Settings)[]) {
    if ((SECTIONS as readonly string[]).includes(key)) {
      const b = before[key] as Record<string, unknown>;
      const a = after[key] as Record<string, unknown>;
      for (const sub of Object.keys(a)) if (!same(b[sub], a[sub])) out[`${key}.${sub}`] = { from: b[sub], to: a[sub] };
    } else if (!same(before[key], after[key])) out[key] = { from: before[key], to: after[key] };
  }
  return out;
}

/**
 * Changes account settings behind the lockout guard (PRODUCT.md §8.1): a change that leaves no
 * active Admin able to sign in is refused unless forced, and either way journaled.
 */
export function changeSettings(store: Store, accountId: string, patch: SettingsPatch): Settings {
  const current = store.accounts.find(accountId)!.settings;
  const next = merge(current, patch);
  const changes = diff(current, next);
  if (Object.keys(changes).length === 0) return current;
  const takesSignIn = (next.requireSso && !current.requireSso) || (!next.ssoConfigured && current.ssoConfigured);
  guardAdminAction(store, accountId, { what: 'settings change', force: patch.force, takesSignIn, data: { changes } }, () => {
    store.accounts.saveSettings(accountId, next);
    const message = Object.entries(changes).map(([k, v]) => `${k}: ${JSON.stringify(v.from)} -> ${JSON.stringify(v.to)}`).join(', ');
    store.events.insert({ accountId, idp: 'unknown', type: 'settings.changed', message, data: { changes } });
  });
  return next;
}

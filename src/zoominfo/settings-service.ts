import type { Store } from '../store/store.js';
import type { NewEvent } from '../store/events-repository.js';
import { lockedOutAdmins, type LockedOut } from './sign-in.js';
import type { Settings, SettingsPatch } from './settings.js';

export class GuardRefusal extends Error {
  constructor(readonly lockedOut: LockedOut[]) {
    super(`refused: ${lockedOut.length} active Admin(s) could then sign in by no method`);
  }
}

/** The settings that are objects of their own: a PATCH changes only the sub-keys it names. */
const SECTIONS = ['deprovision', 'faults'] as const;

const merge = (current: Settings, patch: SettingsPatch): Settings => {
  const { force: _force, deprovision, faults, ...rest } = patch;
  return { ...current, ...rest, deprovision: { ...current.deprovision, ...deprovision }, faults: { ...current.faults, ...faults } };
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
 * Changes account settings behind the lockout guard (PRODUCT.md §3): a change that would leave an
 * active Admin able to sign in by no method is refused unless forced, and either way journaled.
 */
export function changeSettings(store: Store, accountId: string, patch: SettingsPatch): Settings {
  const account = store.accounts.find(accountId)!;
  const current = account.settings;
  const next = merge(current, patch);
  const changes = diff(current, next);
  if (Object.keys(changes).length === 0) return current;
  const admins = store.users.activeAdmins(accountId);
  const before = new Set(lockedOutAdmins(admins, current).map((l) => l.userName));
  const after = lockedOutAdmins(admins, next);
  const newlyLocked = after.filter((l) => !before.has(l.userName));
  const event = (e: Omit<NewEvent, 'accountId'>) => store.events.insert({ accountId, idp: 'unknown', ...e });
  if (newlyLocked.length && !patch.force) {
    event({ type: 'guard.refused', level: 'warning', message: `settings change refused: ${newlyLocked.map((l) => l.userName).join(', ')} would be locked out`, data: { changes, lockedOut: after } });
    throw new GuardRefusal(after);
  }
  store.transaction(() => {
    store.accounts.saveSettings(accountId, next);
    if (newlyLocked.length) {
      event({ type: 'guard.forced', level: 'warning', message: `settings change forced although ${newlyLocked.map((l) => l.userName).join(', ')} are now locked out`, data: { changes, lockedOut: after } });
    }
    event({ type: 'settings.changed', message: Object.entries(changes).map(([k, v]) => `${k}: ${JSON.stringify(v.from)} -> ${JSON.stringify(v.to)}`).join(', '), data: { changes } });
  });
  return next;
}

import type { Faults } from '../model/settings.js';
import type { SharedState } from '../model/shared-state.js';

export interface InjectedFault {
  kind: 'rate-limit' | 'error';
  status: 429 | 503;
  detail: string;
}

export interface FaultPlan {
  latencyMs: number;
  fault: InjectedFault | null;
}

const applies = (faults: Faults, method: string, scimPath: string): boolean => {
  const path = scimPath.split('?')[0]!.toLowerCase();
  return (
    (faults.methods.length === 0 || faults.methods.includes(method.toUpperCase() as Faults['methods'][number])) &&
    (faults.paths.length === 0 || faults.paths.some((p) => path.startsWith(p.toLowerCase())))
  );
};

/** The rate limit's window of an account in the shared state. */
const RATE_WINDOW = 'fault-rate-limit';

/**
 * Decides, per SCIM request, which configured fault it meets. The rate limit counts requests per
 * account in fixed windows, as ZoomInfo's API does, in the store's shared state: N replicas on one
 * PostgreSQL database count one window, as one ZoomInfo would. Injected errors are drawn at
 * `errorRate`.
 */
export function createFaultInjector(windows: SharedState['windows'], random: () => number = Math.random, now: () => number = Date.now) {
  // Accounts this process has counted: only they can have a window to drop when the rule goes.
  const counted = new Set<string>();
  return {
    plan(accountId: string, faults: Faults, method: string, scimPath: string): FaultPlan {
      // Turned off: the next rate limit starts with a fresh window, even with the same rule.
      if (!faults.rateLimit && counted.delete(accountId)) windows.remove(accountId, RATE_WINDOW);
      if (!applies(faults, method, scimPath)) return { latencyMs: 0, fault: null };
      if (faults.rateLimit) {
        const { requests, windowSeconds } = faults.rateLimit;
        // A changed rule starts a fresh window, so a rehearsal begins with the full allowance.
        counted.add(accountId);
        const window = windows.hit(accountId, RATE_WINDOW, `${requests}/${windowSeconds}`, windowSeconds * 1000, now());
        if (window.count > requests) {
          return {
            latencyMs: faults.latencyMs,
            fault: { kind: 'rate-limit', status: 429, detail: `rate limit exceeded: at most ${requests} requests per ${windowSeconds} s (injected fault)` },
          };
        }
      }
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        return { latencyMs: faults.latencyMs, fault: { kind: 'error', status: 503, detail: 'service unavailable: this error was injected by the sandbox (faults.errorRate)' } };
      }
      return { latencyMs: faults.latencyMs, fault: null };
    },
  };
}

export type FaultInjector = ReturnType<typeof createFaultInjector>;

import type { Faults } from '../model/settings.js';

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

/**
 * Decides, per SCIM request, which configured fault it meets. The rate limit counts requests per
 * account in fixed windows, as ZoomInfo's API does; injected errors are drawn at `errorRate`.
 */
export function createFaultInjector(random: () => number = Math.random, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number; rule: string }>();
  return {
    plan(accountId: string, faults: Faults, method: string, scimPath: string): FaultPlan {
      // Turned off: the next rate limit starts with a fresh window, even with the same rule.
      if (!faults.rateLimit) windows.delete(accountId);
      if (!applies(faults, method, scimPath)) return { latencyMs: 0, fault: null };
      if (faults.rateLimit) {
        const { requests, windowSeconds } = faults.rateLimit;
        const at = now();
        // A changed rule starts a fresh window, so a rehearsal begins with the full allowance.
        const rule = `${requests}/${windowSeconds}`;
        let window = windows.get(accountId);
        if (!window || window.rule !== rule || at - window.start >= windowSeconds * 1000) {
          window = { start: at, count: 0, rule };
          windows.set(accountId, window);
        }
        window.count++;
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

import { z } from 'zod';

/**
 * Faults to rehearse an IdP's retry behaviour (PRODUCT.md §7): a ZoomInfo-style rate limit (429
 * without Retry-After), added latency and a share of injected 503s, optionally only for some HTTP
 * methods or SCIM paths (empty lists mean all). All off by default.
 */
export const faultsSchema = z
  .object({
    rateLimit: z.object({ requests: z.number().int().min(1).max(1_000_000), windowSeconds: z.number().int().min(1).max(86_400) }).strict().nullable(),
    latencyMs: z.number().int().min(0).max(60_000),
    errorRate: z.number().min(0).max(1),
    methods: z.array(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])).max(5),
    paths: z.array(z.string().regex(/^\//, 'a SCIM path such as "/Users"').max(200)).max(50),
  })
  .strict();

export type Faults = z.infer<typeof faultsSchema>;

export const noFaults = (): Faults => ({ rateLimit: null, latencyMs: 0, errorRate: 0, methods: [], paths: [] });

/** The ZoomInfo account switches the sandbox reproduces (PRODUCT.md §3). */
export const settingsSchema = z.object({
  ssoConfigured: z.boolean(),
  autoProvisioning: z.boolean(),
  requireSso: z.boolean(),
  scimVisibility: z.enum(['scim-only', 'all']),
  deprovision: z.object({
    onDelete: z.enum(['deactivate', 'remove']),
    onGroupRemoval: z.enum(['none', 'when-no-groups']),
    onGroupDelete: z.enum(['none', 'when-no-groups']),
  }),
  // PRODUCT.md §8.1: what SCIM traffic that leaves no active Admin able to sign in gets.
  guard: z.object({ scim: z.enum(['warn', 'refuse']) }),
  // PRODUCT.md §8.2: the IdP of requests that send no signal of their own, named outright.
  expectedIdp: z.enum(['okta', 'entra', 'onelogin']).nullable(),
  faults: faultsSchema,
  /** PRODUCT.md §8.3: attributes no schema knows are dropped and journaled, or refused (400). */
  unknownAttributes: z.enum(['ignore', 'reject']),
  /**
   * PRODUCT.md §8.3: what a group PATCH answers. "resource": 200 with the whole group; "no-content":
   * 204 with ETag (RFC 7644 §3.5.2 allows either), which spares a 10,000-member group's answer.
   */
  groupPatchResponse: z.enum(['resource', 'no-content']),
});

export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings = (): Settings => ({
  ssoConfigured: true,
  autoProvisioning: true,
  requireSso: false,
  scimVisibility: 'scim-only',
  deprovision: { onDelete: 'deactivate', onGroupRemoval: 'none', onGroupDelete: 'none' },
  guard: { scim: 'warn' },
  expectedIdp: null,
  faults: noFaults(),
  unknownAttributes: 'ignore',
  groupPatchResponse: 'resource',
});

/** A partial change, as PATCH /admin/api/settings takes it; unknown keys are refused. */
export const settingsPatchSchema = z
  .object({
    ssoConfigured: z.boolean(),
    autoProvisioning: z.boolean(),
    requireSso: z.boolean(),
    scimVisibility: z.enum(['scim-only', 'all']),
    deprovision: settingsSchema.shape.deprovision.partial().strict(),
    guard: settingsSchema.shape.guard.partial().strict(),
    expectedIdp: settingsSchema.shape.expectedIdp,
    faults: faultsSchema.partial().strict(),
    unknownAttributes: settingsSchema.shape.unknownAttributes,
    groupPatchResponse: settingsSchema.shape.groupPatchResponse,
    force: z.boolean(),
  })
  .partial()
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Reads stored settings, filling anything missing (a newer version's keys) with the defaults. */
export function readSettings(json: string): Settings {
  const stored = JSON.parse(json) as Partial<Settings>;
  const defaults = defaultSettings();
  const merged = {
    ...defaults,
    ...stored,
    deprovision: { ...defaults.deprovision, ...stored.deprovision },
    guard: { ...defaults.guard, ...stored.guard },
    faults: { ...defaults.faults, ...stored.faults },
  };
  const parsed = settingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : defaults;
}

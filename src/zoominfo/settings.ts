import { z } from 'zod';

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
});

export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings = (): Settings => ({
  ssoConfigured: true,
  autoProvisioning: true,
  requireSso: false,
  scimVisibility: 'scim-only',
  deprovision: { onDelete: 'deactivate', onGroupRemoval: 'none', onGroupDelete: 'none' },
});

/** A partial change, as PATCH /admin/api/settings takes it; unknown keys are refused. */
export const settingsPatchSchema = z
  .object({
    ssoConfigured: z.boolean(),
    autoProvisioning: z.boolean(),
    requireSso: z.boolean(),
    scimVisibility: z.enum(['scim-only', 'all']),
    deprovision: settingsSchema.shape.deprovision.partial().strict(),
    force: z.boolean(),
  })
  .partial()
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Reads stored settings, filling anything missing (a newer version's keys) with the defaults. */
export function readSettings(json: string): Settings {
  const stored = JSON.parse(json) as Partial<Settings>;
  const defaults = defaultSettings();
  const merged = { ...defaults, ...stored, deprovision: { ...defaults.deprovision, ...stored.deprovision } };
  const parsed = settingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : defaults;
}

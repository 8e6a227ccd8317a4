/** The recorded IdP request sequences (see test/fixtures/idp/README.md for the format). */
export interface Fixture {
  idp: string;
  scenario: string;
  confidence?: string;
  source?: string;
  description?: string;
  setup: {
    users?: Record<string, unknown>[];
    groups?: Record<string, unknown>[];
    generateUsers?: number;
  };
  steps: FixtureStep[];
}

export interface FixtureStep {
  method: string;
  path: string;
  headers?: Record<string, string | null>;
  body?: unknown;
  expect: {
    status: number;
    statusAlternatives?: number[];
    capture?: Record<string, string>;
    list?: Record<string, number>;
    resource?: Record<string, unknown>;
    membersExactly?: string[];
    absentKeys?: string[];
    notes?: string;
    /**
     * The outcome in the sandbox's admin view (written by `zi-scim record`): each user's status
     * afterwards, read through GET /admin/api/users/{id}. Checked only with an admin token.
     */
    admin?: { users: AdminUserExpectation[] };
  };
}

export interface AdminUserExpectation {
  /** A placeholder such as "{{user1}}". */
  id: string;
  /** `deleted`: the user is gone (404) or kept with `scimDeleted`, as onDelete decides. */
  status: 'active' | 'deprovisioned' | 'deleted';
  /** The journal's trigger that caused it, for people reading the file; not checked. */
  trigger?: string;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** Every placeholder name used anywhere in the file. */
export function placeholdersIn(value: unknown): Set<string> {
  const names = new Set<string>();
  for (const match of JSON.stringify(value).matchAll(PLACEHOLDER)) names.add(match[1]!);
  return names;
}

/** Replaces placeholders in any JSON value; `encode` percent-encodes values (for paths). */
export function fill<T>(value: T, bindings: Map<string, string>, encode = false): T {
  const replace = (text: string) =>
    text.replace(PLACEHOLDER, (whole, name: string) => {
      const bound = bindings.get(name);
      if (bound === undefined) return whole;
      return encode ? encodeURIComponent(bound) : bound;
    });
  if (typeof value === 'string') return replace(value) as T;
  if (Array.isArray(value)) return value.map((v) => fill(v, bindings, encode)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, bindings, encode)])) as T;
  }
  return value;
}

export const idPlaceholderOf = (body: Record<string, unknown>): string | undefined => {
  const match = typeof body.id === 'string' ? /^\{\{(\w+)\}\}$/.exec(body.id) : null;
  return match?.[1];
};

import type { Fixture } from './fixture.js';

/** The attributes whose values must be unique on a server (RFC 7643 §4.1.1 userName; displayName and externalId in practice). */
const IDENTITY_KEYS = new Set(['username', 'externalid', 'displayname']);
/** Values that name attributes or operations, never a user's or group's name. */
const STRUCTURAL_KEYS = new Set(['path', 'op', 'schemas', '$ref', 'type']);

/** userName, externalId, displayName and email values of every body in the file. */
function identitiesOf(fixture: Fixture): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown, key: string, parent: string) => {
    if (Array.isArray(node)) node.forEach((item) => walk(item, key, key));
    else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, k.toLowerCase(), key);
    } else if (typeof node === 'string' && node.length >= 3 && !node.includes('{{')) {
      if (IDENTITY_KEYS.has(key) || (key === 'value' && parent === 'emails')) found.add(node.toLowerCase());
    }
  };
  walk(fixture.setup, '', '');
  for (const step of fixture.steps) walk(step.body, '', '');
  return found;
}

/** `tag` inserted before the "@" of an email (encoded or not), else at the end. */
function tagged(value: string, tag: string): string {
  const at = /@|%40/i.exec(value);
  return at ? value.slice(0, at.index) + tag + value.slice(at.index) : value + tag;
}

/**
 * The fixture with every userName, externalId, displayName and email it uses made unique with
 * `tag`, so the corpus can run against a server that already holds resources (or the corpus's
 * earlier files) without a reset. The tag (letters, digits and "-" only, which read the same in
 * every percent-encoding the IdPs use) goes before an email's "@", else at the end, so a filter
 * value in a path is changed the same way as the body that created it, and `sw` filters on a
 * name's start still match. Case is kept (filters on userName ignore case).
 */
export function withUniqueNames(fixture: Fixture, tag: string): Fixture {
  const identities = identitiesOf(fixture);
  if (identities.size === 0) return fixture;
  const change = (node: unknown, key: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => change(item, key));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, change(v, k.toLowerCase())]));
    }
    if (typeof node === 'string' && !STRUCTURAL_KEYS.has(key) && identities.has(node.toLowerCase())) return tagged(node, tag);
    return node;
  };
  // In a path, only filter values: the literal after "eq" (quoted or not, any space encoding).
  const escaped = [...identities].sort((a, b) => b.length - a.length).flatMap((v) => {
    const forms = new Set([v, encodeURIComponent(v), encodeURIComponent(v).replaceAll('%20', '+'), v.replaceAll('@', '%40').replaceAll(' ', '%20')]);
    return [...forms].map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  });
  const filterValue = new RegExp(`(eq(?:%20|\\+| )(?:%22|")?)(${escaped.join('|')})(?=%22|"|&|$)`, 'gi');
  const path = (p: string) => p.replace(filterValue, (_all, before: string, value: string) => before + tagged(value, tag));
  return {
    ...fixture,
    setup: change(fixture.setup, '') as Fixture['setup'],
    steps: fixture.steps.map((step) => ({
      ...step,
      path: path(step.path),
      body: typeof step.body === 'string' ? step.body : change(step.body, ''),
      expect: { ...step.expect, ...(step.expect.resource && { resource: change(step.expect.resource, '') as Record<string, unknown> }) },
    })),
  };
}

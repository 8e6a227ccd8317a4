import type { AdminUserExpectation, Fixture, FixtureStep } from './fixture.js';

/** What `record` needs of a journal event (the store's EventRow has it all). */
export interface JournalEvent {
  id: number;
  at: string;
  type: string;
  actor: string;
  idp: string;
  requestEventId: number | null;
  method: string | null;
  path: string | null;
  status: number | null;
  userId: string | null;
  trigger: string | null;
  headers: unknown;
  request: unknown;
  response: unknown;
}

/**
 * The stand-in for a password the journal redacted (it never keeps one): long and mixed enough
 * for any password rule the sandbox or a real server applies.
 */
export const RECORDED_PASSWORD = 'Recorded-Passw0rd-Stand-in!';
const REDACTED = '[redacted]';

/** The SCIM base path of a journaled path: /scim/v2 or /accounts/<id>/scim/v2. */
const SCIM_PREFIX = /^(?:\/accounts\/[^/?#]+)?\/scim\/v2(?=[/?#]|$)/i;

/** The deprovisioning outcomes a request caused, as the admin view shows them afterwards. */
const OUTCOME: Record<string, AdminUserExpectation['status']> = {
  'user.deprovisioned': 'deprovisioned',
  'user.reactivated': 'active',
  'user.deleted': 'deleted',
};

const HEADER_NAMES: [string, string][] = [
  ['user-agent', 'User-Agent'],
  ['content-type', 'Content-Type'],
  ['accept', 'Accept'],
];

export interface RecordOptions {
  idp?: string;
  scenario: string;
  source: string;
}

/**
 * A replay fixture (test/fixtures/idp/README.md) from the IdP requests of a journal window, oldest
 * first: each request a step with the headers the journal kept, the ids the server created turned
 * into captures and placeholders, the status seen as the expectation, and the deprovisioning the
 * request caused as `expect.admin`. Requests answered 401 are left out: the token they carried is
 * not in the journal, so they cannot be sent again as they were.
 */
export function fixtureFromJournal(events: readonly JournalEvent[], options: RecordOptions): Fixture {
  const requests = events.filter((e) => e.type === 'request' && e.actor === 'idp' && e.method && e.path && SCIM_PREFIX.test(e.path) && e.status !== 401);
  const outcomes = new Map<number, Map<string, JournalEvent>>();
  for (const e of events) {
    if (e.requestEventId === null || !e.userId || !(e.type in OUTCOME)) continue;
    const forRequest = outcomes.get(e.requestEventId) ?? new Map<string, JournalEvent>();
    // The last outcome of a user in one request is its state after it, but a delete stays a
    // delete (under onDelete "deactivate" the DELETE journals user.deleted, then user.deprovisioned).
    if (forRequest.get(e.userId)?.type !== 'user.deleted') forRequest.set(e.userId, e);
    outcomes.set(e.requestEventId, forRequest);
  }

  const names = new Map<string, string>(); // server id -> placeholder name
  const counters = { user: 0, group: 0, existingUser: 0, groupExisting: 0 };
  const nameFor = (id: string, kind: keyof typeof counters) => {
    counters[kind] += 1;
    const name = `${kind}${counters[kind]}`;
    names.set(id, name);
    return name;
  };
  const byLength = () => [...names.keys()].sort((a, b) => b.length - a.length);

  const replaceIds = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value === REDACTED) return RECORDED_PASSWORD;
      // Also inside a string: a PATCH path such as members[value eq "<id>"].
      return byLength().reduce((text, id) => (text.includes(id) ? text.split(id).join(`{{${names.get(id)}}}`) : text), value);
    }
    if (Array.isArray(value)) return value.map(replaceIds);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceIds(v)]));
    return value;
  };

  const steps: FixtureStep[] = [];
  for (const event of requests) {
    let path = event.path!.replace(SCIM_PREFIX, '') || '/';
    // An id of a resource the window did not create (it existed before): the replay makes a plain one.
    const direct = /^\/(Users|Groups)\/([^/?#]+)/i.exec(path);
    if (direct && !names.has(decodeURIComponent(direct[2]!)) && event.status !== 404) {
      nameFor(decodeURIComponent(direct[2]!), direct[1]!.toLowerCase() === 'groups' ? 'groupExisting' : 'existingUser');
    }
    for (const id of byLength()) path = path.split(encodeURIComponent(id)).join(`{{${names.get(id)}}}`);

    const kept = (event.headers ?? {}) as Record<string, string>;
    const headers: Record<string, string | null> = { Authorization: 'Bearer {{token}}' };
    // All three are journaled when sent: one missing was not sent, and must not be on replay.
    for (const [key, name] of HEADER_NAMES) headers[name] = typeof kept[key] === 'string' ? kept[key] : null;

    const step: FixtureStep = {
      method: event.method!,
      path,
      headers,
      body: event.request === null || event.request === undefined ? null : replaceIds(event.request),
      expect: { status: event.status ?? 0 },
    };
    const created = (event.response as { id?: unknown } | null)?.id;
    if (event.method === 'POST' && event.status === 201 && typeof created === 'string' && !names.has(created)) {
      const name = nameFor(created, /^\/Groups/i.test(path) ? 'group' : 'user');
      step.expect.capture = { [name]: '$.id' };
    }
    const users = [...(outcomes.get(event.id)?.values() ?? [])].flatMap((o): AdminUserExpectation[] => {
      const name = names.get(o.userId!);
      return name ? [{ id: `{{${name}}}`, status: OUTCOME[o.type]!, ...(o.trigger ? { trigger: o.trigger } : {}) }] : [];
    });
    if (users.length > 0) step.expect.admin = { users };
    steps.push(step);
  }

  const idps = requests.map((r) => r.idp).filter((i) => i && i !== 'unknown');
  const commonest = [...new Set(idps)].sort((a, b) => idps.filter((i) => i === b).length - idps.filter((i) => i === a).length)[0];
  return {
    idp: options.idp ?? commonest ?? 'unknown',
    scenario: options.scenario,
    confidence: 'recorded',
    source: options.source,
    description: `${steps.length} SCIM requests recorded from the sandbox's journal`,
    setup: {},
    steps,
  };
}

/**
 * The fuzzer's properties and runner: generated requests (arbitraries.ts) thrown at ONE real app
 * (test/helpers/test-app.ts: a fresh SQLite file, real HTTP), each checked for
 *
 *  1. no 5xx (and an answer at all),
 *  2. every 4xx a well-formed SCIM error: the negotiated content type, the Error schema, `status`
 *     as the same string as the HTTP status, `scimType` (if any) one of RFC 7644 §3.12's,
 *  3. no change to stored data on a refused (4xx) request,
 *  4. `Object.prototype` untouched,
 *
 * and, since createTestApp checks every response against openapi/openapi.yaml, 5. the answer is
 * one the contract describes (reported per request here rather than all at once on close).
 *
 * Used by test/fuzz/fuzz.test.ts (a few thousand cases, fixed seed) and scripts/fuzz.ts (100,000).
 * Nothing here imports vitest, so the script runs it under plain node (with tsx).
 */
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { ADMIN_TOKEN, SCIM_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.js';
import { sqliteDb } from '../helpers/database.js';
import { FUZZ_KINDS, URN, formatRequest, fuzzRequest, percentEncode, type FuzzKind, type FuzzRequest } from './arbitraries.js';

/** RFC 7644 §3.12, Table 9. */
export const RFC7644_SCIM_TYPES = new Set(['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive']);

export type ProblemKind = '5xx' | 'no response' | 'malformed error' | 'changed on refusal' | 'prototype pollution' | 'openapi mismatch';

export interface Problem {
  kind: ProblemKind;
  detail: string;
}

export interface Outcome {
  status: number;
  /** The request as sent, placeholders resolved. */
  sent: FuzzRequest;
  responseText: string;
  problems: Problem[];
}

export interface SentResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A body big enough to cross it is cheap to generate; the product default (10mb) is not. */
export const FUZZ_BODY_LIMIT = '256kb';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const REQUEST_TIMEOUT_MS = 15_000;

// Growth bounds: past them the account is reset (admin API) and seeded again, so that list
// requests stay fast and snapshots small however many POSTs succeed.
const MAX_USERS = 40;
const MAX_GROUPS = 25;
const MAX_STORED_CHARS = 2_000_000;

const expectedContentType = (accept: string | undefined): string => {
  // PRODUCT.md §4: application/json when Accept asks for it and not for scim+json; else scim+json.
  const wanted = (accept ?? '').toLowerCase();
  return wanted.includes('application/json') && !wanted.includes('application/scim+json') ? 'application/json' : 'application/scim+json';
};

/** The checks of property 2 on one 4xx answer; [] when it is a well-formed SCIM error. */
export function errorDocumentProblems(method: string, accept: string | undefined, res: SentResponse): string[] {
  const problems: string[] = [];
  const type = String(res.headers['content-type'] ?? '');
  const expected = expectedContentType(accept);
  if (type.split(';')[0]!.trim().toLowerCase() !== expected) problems.push(`content-type is "${type}", expected ${expected}`);
  if (method === 'HEAD') return problems; // no body on a HEAD answer
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    problems.push(`body is not JSON: ${JSON.stringify(res.text.slice(0, 200))}`);
    return problems;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    problems.push('body is not a JSON object');
    return problems;
  }
  const doc = body as Record<string, unknown>;
  if (!Array.isArray(doc.schemas) || !doc.schemas.includes(URN.error)) problems.push(`schemas ${JSON.stringify(doc.schemas)} lack ${URN.error}`);
  if (doc.status !== String(res.status)) problems.push(`status is ${JSON.stringify(doc.status)}, expected "${res.status}"`);
  if (doc.scimType !== undefined && !(typeof doc.scimType === 'string' && RFC7644_SCIM_TYPES.has(doc.scimType))) {
    problems.push(`scimType ${JSON.stringify(doc.scimType)} is not one of RFC 7644 §3.12`);
  }
  if (doc.detail !== undefined && typeof doc.detail !== 'string') problems.push('detail is not a string');
  return problems;
}

/** Header values as node accepts them: UTF-8 bytes read as latin1, control characters dropped. */
function headerSafe(value: string): string {
  // eslint-disable-next-line no-control-regex
  return Buffer.from(value, 'utf8').toString('latin1').replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
}

/** A request line node will send: anything outside U+0021..U+007E percent-encoded. */
function pathSafe(path: string): string {
  // Nearly always already safe (the generators encode): then no copy is made.
  return /^[\x21-\x7e]*$/.test(path) ? path : percentEncode(path, /[\x21-\x7e]/);
}

export const prototypeNames = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();

/** Prototype pollution leaves traces on every plain object. Returns what it found. */
export function pollutionFound(before: readonly string[]): string[] {
  const found: string[] = [];
  const after = prototypeNames();
  const added = after.filter((n) => !before.includes(n));
  if (added.length) found.push(`Object.prototype gained ${JSON.stringify(added)}`);
  if (({} as Record<string, unknown>).polluted !== undefined) found.push('({}).polluted is defined');
  if (Object.getOwnPropertyNames(Array.prototype).includes('polluted')) found.push('Array.prototype gained "polluted"');
  if (String({}) !== '[object Object]') found.push('String({}) changed');
  return found;
}

/** Undoes pollution so that one finding does not turn every later case into a failure. */
function cleanPrototype(before: readonly string[]): void {
  for (const name of prototypeNames()) if (!before.includes(name)) delete (Object.prototype as Record<string, unknown>)[name];
  delete (Array.prototype as unknown as Record<string, unknown>).polluted;
}

export interface FuzzHarness {
  t: TestApp;
  /** Restores the seeded users and groups when a request removed or outgrew them. */
  ensureSeed(): Promise<void>;
  /** The stored state that a refused request must leave as it was. */
  snapshot(): string;
  /** Placeholder values for the current seed. */
  bindings(): Record<string, string>;
  resolve(r: FuzzRequest): FuzzRequest;
  send(r: FuzzRequest): Promise<SentResponse>;
  /** Sends one request and checks the four properties. */
  check(r: FuzzRequest): Promise<Outcome>;
  close(): Promise<void>;
}

/** Starts one real app (fresh SQLite file, real HTTP) and seeds three users and two groups. */
export async function createFuzzHarness(): Promise<FuzzHarness> {
  const t = await createTestApp({ BODY_LIMIT: FUZZ_BODY_LIMIT });
  const db = sqliteDb(t.app.store);
  const { port } = t.app.server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ids: Record<string, string> = {};
  let generation = 0;

  // Read-only queries over every table a SCIM request may write (the journal excepted: it records
  // refused requests too, by design).
  const tables = [
    'SELECT * FROM accounts ORDER BY id',
    'SELECT * FROM tokens ORDER BY account_id, kind',
    'SELECT * FROM users ORDER BY seq',
    'SELECT * FROM user_emails ORDER BY user_seq, value_key',
    'SELECT * FROM groups ORDER BY seq',
    'SELECT * FROM group_members ORDER BY group_seq, member_id',
  ].map((sql) => db.prepare(sql).raw());
  const visibleUser = db.prepare('SELECT user_name AS userName, version FROM users WHERE id = ? AND scim_deleted_at IS NULL');
  const groupRow = db.prepare('SELECT display_name AS displayName, version FROM groups WHERE id = ?');
  const sizes = db.prepare('SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM groups) AS groups, (SELECT coalesce(sum(length(resource)), 0) FROM users) + (SELECT coalesce(sum(length(resource)), 0) FROM groups) AS chars');
  const localAdmin = db.prepare("SELECT id FROM users WHERE source = 'local' ORDER BY seq LIMIT 1").pluck();

  function send(r: FuzzRequest): Promise<SentResponse> {
    const headers: Record<string, string> = {};
    if (!('authorization' in r.headers)) headers.authorization = `Bearer ${SCIM_TOKEN}`;
    if (r.body !== undefined && !('content-type' in r.headers)) headers['content-type'] = 'application/scim+json';
    for (const [name, value] of Object.entries(r.headers)) if (value !== null) headers[name] = headerSafe(value);
    const body = r.body === undefined ? undefined : Buffer.from(r.body, 'utf8');
    if (body) headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, agent, method: r.method, path: pathSafe(`/scim/v2${r.path}`), headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });
  }

  async function create(endpoint: string, body: Record<string, unknown>): Promise<string> {
    const res = await send({ kind: 'body', method: 'POST', path: endpoint, headers: {}, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`fuzz seed: POST ${endpoint} answered ${res.status}: ${res.text}`);
    return (JSON.parse(res.text) as { id: string }).id;
  }

  const seedUser = async (key: string) => {
    generation += 1;
    const userName = `fuzz.${key}.${generation}@example.com`;
    const bodies: Record<string, Record<string, unknown>> = {
      user0: {
        schemas: [URN.user, URN.enterprise, URN.zoominfo],
        userName,
        externalId: 'ext-0',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        displayName: 'Ada Lovelace',
        emails: [{ value: userName, type: 'work', primary: true }, { value: `home.${generation}@example.com`, type: 'home' }],
        phoneNumbers: [{ value: 'tel:+1-555-0100', type: 'work' }],
        addresses: [{ type: 'work', streetAddress: '1 Main St', primary: true }],
        [URN.enterprise]: { employeeNumber: '7', department: 'R&D', ...(ids.user1 && { manager: { value: ids.user1 } }) },
        [URN.zoominfo]: { role: 'Admin', licenses: ['SalesOS'], credits: { allocation: 10, resetPeriod: 'monthly' } },
      },
      user1: { schemas: [URN.user], userName, displayName: 'Grace Hopper', emails: [{ value: userName, type: 'work' }] },
      user2: { schemas: [URN.user], userName, active: false },
    };
    ids[key] = await create('/Users', bodies[key]!);
  };
  const seedGroup = async (key: string) => {
    generation += 1;
    const members = key === 'group0' ? [ids.user0, ids.user1].filter(Boolean).map((value) => ({ value })) : [];
    ids[key] = await create('/Groups', { schemas: [URN.group], displayName: `Fuzz Group ${key} ${generation}`, members });
  };

  async function reset(): Promise<void> {
    const res = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, agent, method: 'POST', path: '/admin/api/reset', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-length': '2' } }, (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end('{}');
    });
    if (res !== 200) throw new Error(`fuzz seed: admin reset answered ${res}`);
    for (const key of Object.keys(ids)) delete ids[key];
  }

  async function ensureSeed(): Promise<void> {
    const size = sizes.get() as { users: number; groups: number; chars: number };
    if (size.users > MAX_USERS || size.groups > MAX_GROUPS || size.chars > MAX_STORED_CHARS) await reset();
    for (const key of ['user1', 'user0', 'user2']) if (!ids[key] || !visibleUser.get(ids[key])) await seedUser(key);
    for (const key of ['group0', 'group1']) if (!ids[key] || !groupRow.get(ids[key])) await seedGroup(key);
  }

  function bindings(): Record<string, string> {
    const user = (key: string) => visibleUser.get(ids[key]) as { userName: string; version: number } | undefined;
    const group = (key: string) => groupRow.get(ids[key]) as { displayName: string; version: number } | undefined;
    return {
      user0: ids.user0!,
      user1: ids.user1!,
      user2: ids.user2!,
      group0: ids.group0!,
      group1: ids.group1!,
      missing: MISSING_ID,
      admin: String(localAdmin.get() ?? MISSING_ID),
      userName0: user('user0')?.userName ?? 'gone',
      userName1: user('user1')?.userName ?? 'gone',
      userName2: user('user2')?.userName ?? 'gone',
      groupName0: group('group0')?.displayName ?? 'gone',
      groupName1: group('group1')?.displayName ?? 'gone',
      etagUser0: `W/"${user('user0')?.version ?? 0}"`,
      etagGroup0: `W/"${group('group0')?.version ?? 0}"`,
      token: SCIM_TOKEN,
      adminToken: ADMIN_TOKEN,
    };
  }

  function resolve(r: FuzzRequest): FuzzRequest {
    const values = bindings();
    const fill = (text: string, escape: (v: string) => string) =>
      text.replace(/\{\{(\w+)\}\}|%7B%7B(\w+)%7D%7D/gi, (whole, plain?: string, encoded?: string) => {
        const name = plain ?? encoded!;
        const value = values[name];
        if (value === undefined) return whole;
        return plain ? escape(value) : encodeURIComponent(value);
      });
    const jsonEscape = (v: string) => JSON.stringify(v).slice(1, -1);
    const headers: Record<string, string | null> = {};
    for (const [name, value] of Object.entries(r.headers)) headers[name] = value === null ? null : fill(value, (v) => v);
    return {
      kind: r.kind,
      method: r.method,
      path: fill(r.path, encodeURIComponent),
      headers,
      ...(r.body !== undefined && { body: fill(r.body, jsonEscape) }),
    };
  }

  const snapshot = () => tables.map((q) => JSON.stringify(q.all())).join('\n');

  async function check(request: FuzzRequest): Promise<Outcome> {
    await ensureSeed();
    const sent = resolve(request);
    const before = snapshot();
    const prototypeBefore = prototypeNames();
    const problems: Problem[] = [];
    let res: SentResponse | undefined;
    try {
      res = await send(sent);
    } catch (error) {
      problems.push({ kind: 'no response', detail: error instanceof Error ? error.message : String(error) });
    }
    if (res) {
      if (res.status >= 500) problems.push({ kind: '5xx', detail: `HTTP ${res.status}: ${res.text.slice(0, 500)}` });
      if (res.status >= 400 && res.status < 500) {
        const accept = sent.headers.accept ?? undefined;
        const malformed = errorDocumentProblems(sent.method, accept === null ? undefined : accept, res);
        if (malformed.length) problems.push({ kind: 'malformed error', detail: `HTTP ${res.status}: ${malformed.join('; ')}` });
      }
      // createTestApp's OpenAPI check runs in onResponse, which may end after the client has the answer.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      for (const m of t.responseMismatches.splice(0)) {
        problems.push({ kind: 'openapi mismatch', detail: `${m.method} ${m.url.slice(0, 200)} -> ${m.status} (route ${m.route}): ${m.problem.slice(0, 600)}` });
      }
      if ((res.status >= 400 || res.status === 0) && snapshot() !== before) {
        problems.push({ kind: 'changed on refusal', detail: `HTTP ${res.status} but the stored users/groups/members/accounts changed` });
      }
    }
    const pollution = pollutionFound(prototypeBefore);
    if (pollution.length) {
      problems.push({ kind: 'prototype pollution', detail: pollution.join('; ') });
      cleanPrototype(prototypeBefore);
    }
    return { status: res?.status ?? 0, sent, responseText: res?.text ?? '', problems };
  }

  await ensureSeed();
  return {
    t,
    ensureSeed,
    snapshot,
    bindings,
    resolve,
    send,
    check,
    async close() {
      agent.destroy();
      t.responseMismatches.splice(0); // already reported, request by request
      await t.close();
    },
  };
}

export interface FuzzStats {
  seed: number;
  cases: number;
  /** Cases with at least one fatal problem. */
  failed: number;
  byKind: Record<FuzzKind, number>;
  byStatus: Record<string, number>;
  counts: Record<ProblemKind, number>;
  /** The first failures in full (at most `keepFailures`). */
  failures: Outcome[];
  /** Failures grouped by what went wrong (problem, status, error code), each with its first example. */
  signatures: Record<string, { count: number; example: Outcome }>;
  ms: number;
}

export interface FuzzOptions {
  numRuns: number;
  seed: number;
  kinds?: readonly FuzzKind[];
  /** Reuse an app (the test file runs several kinds against one); otherwise one is started and closed. */
  harness?: FuzzHarness;
  /**
   * true (tests): the first failing case fails fc.assert, which reports it as the counterexample.
   * false (npm run fuzz): every case runs; failures are counted and the first ones kept.
   */
  stopOnFailure?: boolean;
  keepFailures?: number;
  onProgress?: (stats: FuzzStats) => void;
  progressEvery?: number;
  /**
   * Whether an answer openapi/openapi.yaml does not describe fails the run. Off by default: the
   * four properties are the fuzzer's contract; mismatches are counted and shown, not fatal.
   */
  openApiFatal?: boolean;
}

export function formatOutcome(o: Outcome): string {
  return [
    ...o.problems.map((p) => `${p.kind}: ${p.detail}`),
    '--- request (placeholders resolved) ---',
    formatRequest(o.sent),
    `--- response ${o.status} ---`,
    o.responseText.slice(0, 1000),
  ].join('\n');
}

/** What kind of failure this is: the problem, the method and status, and the error code or type of the answer. */
export function signatureOf(p: Problem, o: Outcome): string {
  if (p.kind === 'openapi mismatch') {
    const [, route = '', problem = p.detail] = /\(route ([^)]*)\): (.*)$/s.exec(p.detail) ?? [];
    return `${p.kind} | ${o.sent.method} ${o.status} | ${route} | ${problem.split('; body:')[0]!.replace(/\d+/g, 'N').slice(0, 140)}`;
  }
  let code = '';
  try {
    const body = JSON.parse(o.responseText) as Record<string, unknown>;
    code = String(body.code ?? body.scimType ?? body.error ?? '');
  } catch {
    code = o.responseText.slice(0, 40);
  }
  return `${p.kind} | ${o.sent.method} ${o.status} | ${code || p.detail.slice(0, 60)}`;
}

export const summaryLine = (s: FuzzStats): string =>
  `fuzz: ${s.cases} cases, 5xx: ${s.counts['5xx']}, malformed errors: ${s.counts['malformed error']}, changed on refusal: ${s.counts['changed on refusal']}, ` +
  `prototype pollution: ${s.counts['prototype pollution']}, no response: ${s.counts['no response']}, openapi mismatches: ${s.counts['openapi mismatch']}`;

/** Cases that failed a property (OpenAPI mismatches only when `openApiFatal`). */
export const failureCount = (s: FuzzStats): number => s.failed;

/** Runs `numRuns` generated requests through the four properties. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzStats> {
  const { numRuns, seed, kinds = FUZZ_KINDS, stopOnFailure = true, keepFailures = 20, progressEvery = 5000, openApiFatal = false } = options;
  const fatal = (p: Problem) => p.kind !== 'openapi mismatch' || openApiFatal;
  const harness = options.harness ?? (await createFuzzHarness());
  const started = Date.now();
  const stats: FuzzStats = {
    seed,
    cases: 0,
    failed: 0,
    byKind: Object.fromEntries(FUZZ_KINDS.map((k) => [k, 0])) as Record<FuzzKind, number>,
    byStatus: {},
    counts: { '5xx': 0, 'no response': 0, 'malformed error': 0, 'changed on refusal': 0, 'prototype pollution': 0, 'openapi mismatch': 0 },
    failures: [],
    signatures: {},
    ms: 0,
  };
  try {
    await fc.assert(
      fc.asyncProperty(fuzzRequest(kinds), async (request) => {
        const outcome = await harness.check(request);
        stats.cases += 1;
        stats.byKind[request.kind] += 1;
        stats.byStatus[outcome.status] = (stats.byStatus[outcome.status] ?? 0) + 1;
        for (const p of outcome.problems) stats.counts[p.kind] += 1;
        const failed = outcome.problems.some(fatal);
        if (failed) stats.failed += 1;
        if (failed && stats.failures.length < keepFailures) stats.failures.push(outcome);
        for (const p of outcome.problems) {
          const key = signatureOf(p, outcome);
          const entry = (stats.signatures[key] ??= { count: 0, example: outcome });
          entry.count += 1;
        }
        if (options.onProgress && stats.cases % progressEvery === 0) options.onProgress({ ...stats, ms: Date.now() - started });
        if (failed && stopOnFailure) throw new Error(`\n${formatOutcome(outcome)}\n`);
      }),
      { numRuns, seed, endOnFailure: true },
    );
  } finally {
    stats.ms = Date.now() - started;
    if (!options.harness) await harness.close();
  }
  return stats;
}

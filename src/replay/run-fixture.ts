import { fill, idPlaceholderOf, placeholdersIn, type AdminUserExpectation, type Fixture, type FixtureStep } from './fixture.js';
import { send, type HttpAnswer } from './http-client.js';
import { absentKeysMismatch, listMismatch, membersMismatch, readJsonPath, subsetMismatch } from './checks.js';

export interface ReplayTarget {
  /** The SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2 */
  baseUrl: string;
  token: string;
  /** Sent with the setup requests only; steps carry exactly the headers the fixture recorded. */
  userAgent?: string;
  /** The sandbox's admin token: enables the `expect.admin` checks; without it they are skipped. */
  adminToken?: string;
  /**
   * The account may hold other resources (`zi-scim check` against any server), and the fixture's
   * names carry this tag (unique-names.ts): list totals of a listing not filtered on a tagged name
   * cannot hold there and are skipped.
   */
  sharedAccountTag?: string;
}

export interface StepOutcome {
  scenario: string;
  /** "setup" for the resources created first, else the step's number from 1. */
  step: string;
  request: string;
  expected: string;
  got: string;
  pass: boolean;
  detail?: string;
  /** A check the step has but that could not run here (why); the step still passed the rest. */
  skipped?: string;
}

/**
 * What an unexpected answer said: a SCIM error's status, scimType and detail in full (the reason a
 * user needs, e.g. a 409 on a sandbox that already holds the fixture's users), else the start of
 * the body.
 */
export function describeAnswer(answer: HttpAnswer): string {
  const error = answer.json as { schemas?: unknown; status?: unknown; scimType?: unknown; detail?: unknown } | undefined;
  const isScimError = Array.isArray(error?.schemas) && error.schemas.includes('urn:ietf:params:scim:api:messages:2.0:Error');
  if (!isScimError) return answer.text.slice(0, 300);
  const type = typeof error.scimType === 'string' ? ` ${error.scimType}` : '';
  return `${answer.status}${type}: ${typeof error.detail === 'string' ? error.detail : '(no detail)'}`;
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** Setup users in an order where a user another refers to (a manager) is created first. */
function orderedUsers(users: Record<string, unknown>[]): Record<string, unknown>[] {
  const declared = new Map(users.map((u) => [idPlaceholderOf(u), u] as const));
  const done = new Set<Record<string, unknown>>();
  const out: Record<string, unknown>[] = [];
  const visit = (u: Record<string, unknown>, depth = 0) => {
    if (done.has(u) || depth > users.length) return;
    const { id: _id, ...rest } = u;
    for (const name of placeholdersIn(rest)) {
      const dep = declared.get(name);
      if (dep && dep !== u) visit(dep, depth + 1);
    }
    done.add(u);
    out.push(u);
  };
  users.forEach((u) => visit(u));
  return out;
}

/**
 * Replays one fixture against any SCIM server: creates what it needs first, sends each step as the
 * IdP sent it, and checks status, list integers and the resource state. Stops at the first failure.
 */
export async function runFixture(fixture: Fixture, target: ReplayTarget): Promise<StepOutcome[]> {
  const bindings = new Map<string, string>([['token', target.token]]);
  const outcomes: StepOutcome[] = [];
  const base = target.baseUrl.replace(/\/+$/, '');
  const userAgent = target.userAgent ?? 'zi-scim-replay';
  const auth = { authorization: `Bearer ${target.token}`, 'content-type': 'application/scim+json', 'user-agent': userAgent };

  const create = async (endpoint: string, body: Record<string, unknown>, label: string): Promise<string | null> => {
    const { id: _id, ...rest } = fill(body, bindings);
    const answer = await send(base + endpoint, 'POST', auth, JSON.stringify(rest));
    const id = (answer.json as { id?: unknown } | undefined)?.id;
    if (answer.status !== 201 || typeof id !== 'string') {
      outcomes.push({ scenario: fixture.scenario, step: 'setup', request: `POST ${endpoint} (${label})`, expected: '201', got: String(answer.status), pass: false, detail: describeAnswer(answer) });
      return null;
    }
    return id;
  };

  // Placeholders used but neither declared nor captured stand for "some existing user/group".
  const setup = fixture.setup ?? {};
  const declared = new Set([...(setup.users ?? []), ...(setup.groups ?? [])].map(idPlaceholderOf).filter(Boolean) as string[]);
  const captured = new Set(fixture.steps.flatMap((s) => Object.keys(s.expect.capture ?? {})));
  const implicit = [...placeholdersIn(fixture)].filter((n) => n !== 'token' && !declared.has(n) && !captured.has(n));
  const stamp = Date.now().toString(36);
  for (const name of implicit.sort((a, b) => Number(a.startsWith('group')) - Number(b.startsWith('group')))) {
    const body = name.startsWith('group')
      ? { schemas: [GROUP_SCHEMA], displayName: `replay ${name} ${stamp}` }
      : { schemas: [USER_SCHEMA], userName: `replay.${name}.${stamp}@example.com`, active: true };
    const id = await create(name.startsWith('group') ? '/Groups' : '/Users', body, `{{${name}}}`);
    if (!id) return outcomes;
    bindings.set(name, id);
  }
  for (const user of orderedUsers(setup.users ?? [])) {
    const id = await create('/Users', user, String(user.userName));
    if (!id) return outcomes;
    const name = idPlaceholderOf(user);
    if (name) bindings.set(name, id);
  }
  for (let i = 0; i < (setup.generateUsers ?? 0); i++) {
    const userName = `replay.generated${i}.${stamp}@example.com`;
    if (!(await create('/Users', { schemas: [USER_SCHEMA], userName, active: true }, userName))) return outcomes;
  }
  for (const group of setup.groups ?? []) {
    const id = await create('/Groups', group, String(group.displayName));
    if (!id) return outcomes;
    const name = idPlaceholderOf(group);
    if (name) bindings.set(name, id);
  }

  for (const [index, step] of fixture.steps.entries()) {
    const outcome = await runStep(fixture.scenario, index + 1, step, bindings, base, target);
    outcomes.push(outcome);
    if (!outcome.pass) break;
  }
  return outcomes;
}

async function runStep(
  scenario: string,
  number: number,
  step: FixtureStep,
  bindings: Map<string, string>,
  base: string,
  target: ReplayTarget,
): Promise<StepOutcome> {
  const path = fill(step.path, bindings, true);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fill(step.headers ?? {}, bindings))) {
    if (value !== null) headers[name.toLowerCase()] = value;
  }
  if (!('authorization' in headers)) headers.authorization = `Bearer ${bindings.get('token')}`;
  // A step without a User-Agent is sent without one, as the IdP did (Entra sends none).
  const body = step.body === null || step.body === undefined ? undefined : typeof step.body === 'string' ? fill(step.body, bindings) : JSON.stringify(fill(step.body, bindings));
  const expected = [step.expect.status, ...(step.expect.statusAlternatives ?? [])];
  const outcome: StepOutcome = { scenario, step: String(number), request: `${step.method} ${path}`, expected: expected.join('|'), got: '', pass: false };

  const answer = await send(base + path, step.method, headers, body);
  outcome.got = String(answer.status);
  if (!expected.includes(answer.status)) return { ...outcome, detail: describeAnswer(answer) };
  const skipped: string[] = [];
  if (step.expect.list && answer.status === 200 && target.sharedAccountTag && !path.toLowerCase().includes(target.sharedAccountTag.toLowerCase())) {
    skipped.push('list totals (they need an empty account)');
  } else if (step.expect.list && answer.status === 200) {
    const failure = listMismatch(step.expect.list, answer.json);
    if (failure) return { ...outcome, detail: failure };
  }
  for (const [name, jsonPath] of Object.entries(step.expect.capture ?? {})) {
    const value = readJsonPath(answer.json, jsonPath);
    if (typeof value !== 'string') return { ...outcome, detail: `capture ${name}: nothing at ${jsonPath}` };
    bindings.set(name, value);
  }
  const { resource, membersExactly, absentKeys } = step.expect;
  if (resource || membersExactly || absentKeys) {
    const state = await readBack(step, path, answer, base, headers);
    const failure =
      (resource && subsetMismatch(resource ? fill(resource, bindings) : resource, state)) ||
      (membersExactly && membersMismatch(fill(membersExactly, bindings), state)) ||
      (absentKeys && absentKeysMismatch(absentKeys, state)) ||
      null;
    if (failure) return { ...outcome, detail: failure };
  }
  if (step.expect.admin) {
    if (!target.adminToken) skipped.push("the admin view's outcome (needs the sandbox's admin API and its token)");
    else {
      const failure = await adminMismatch(fill(step.expect.admin.users, bindings), base, target.adminToken);
      if (failure) return { ...outcome, detail: failure };
    }
  }
  return { ...outcome, pass: true, ...(skipped.length > 0 && { skipped: skipped.join('; ') }) };
}

/** The sandbox's admin API for a SCIM base URL: /scim/v2 is the default account's, /accounts/<id>/scim/v2 another's. */
export function adminUrlOf(baseUrl: string, route: string): string {
  const match = /^(.*?)(?:\/accounts\/([^/?#]+))?\/scim\/v2\/?$/.exec(baseUrl);
  const origin = match ? match[1]! : baseUrl.replace(/\/+$/, '');
  const account = match?.[2];
  return `${origin}/admin/api${route}${account ? `${route.includes('?') ? '&' : '?'}account=${account}` : ''}`;
}

/** Each user's status in the admin view against what the recording saw. */
async function adminMismatch(users: AdminUserExpectation[], base: string, adminToken: string): Promise<string | null> {
  for (const expected of users) {
    const answer = await send(adminUrlOf(base, `/users/${encodeURIComponent(expected.id)}`), 'GET', { authorization: `Bearer ${adminToken}` }, undefined);
    const user = answer.json as { status?: string; scimDeleted?: boolean } | undefined;
    if (answer.status === 401 || answer.status === 403) return `admin API: ${answer.status}, the admin token was refused`;
    const got = answer.status === 404 ? 'deleted' : user?.scimDeleted ? 'deleted' : user?.status;
    if (got !== expected.status) return `admin view: user ${expected.id} expected ${expected.status}, got ${got ?? `HTTP ${answer.status}`}`;
  }
  return null;
}

/** The resource's state after a step: a GET's own answer, else a fresh GET of the resource. */
async function readBack(step: FixtureStep, path: string, answer: HttpAnswer, base: string, headers: Record<string, string>): Promise<unknown> {
  if (step.method === 'GET') return answer.json;
  let resourcePath = path.split('?')[0]!;
  if (step.method === 'POST') {
    const id = (answer.json as { id?: unknown } | undefined)?.id;
    resourcePath = `${resourcePath.replace(/\/+$/, '')}/${String(id)}`;
  }
  const { authorization } = headers;
  const again = await send(base + resourcePath, 'GET', { authorization: authorization!, accept: 'application/scim+json' }, undefined);
  return again.status === 200 ? again.json : undefined;
}

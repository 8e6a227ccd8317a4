import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../scripts/crash/server-process.js';
import { postgresAvailable } from '../helpers/private-postgres.js';
import { createPostgresDatabase, postgresForFile } from '../helpers/test-database.js';
import { storeTokens } from '../helpers/test-app.js';

// PRODUCT.md §8.5: two production processes serve one PostgreSQL database. Hammered at once, they
// keep userNames unique, ETags honest, memberships and the journal whole, and share sessions,
// throttles, fault windows, tokens and settings within a second.

const SCIM_TOKEN = 'two-process-scim-token-0000';
const ADMIN_TOKEN = 'two-process-admin-token-000';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const available = postgresAvailable();
if (!available) console.log('two-processes: PostgreSQL is not installed (apt-get install postgresql); skipped');

interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

async function call(base: string, method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token !== '' && { authorization: `Bearer ${options.token ?? SCIM_TOKEN}` }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

/** Polls `check` every 20 ms for up to `ms`; the time it took, or Infinity. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (performance.now() - started <= ms) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Infinity;
}

describe.skipIf(!available)('two processes on one PostgreSQL database', () => {
  let server: { url: string; stop(): void };
  let database: { url: string; drop(): Promise<void> };
  let a: RunningServer;
  let b: RunningServer;
  const both = () => [a.baseUrl, b.baseUrl];
  const scim = (i: number) => `${both()[i % 2]}/scim/v2`;

  beforeAll(async () => {
    server = await postgresForFile();
    database = await createPostgresDatabase(server.url);
    // Stored, not pinned by the environment (as a first start leaves them): the test rotates one.
    storeTokens({ databasePath: '', databaseUrl: database.url }, { scimToken: SCIM_TOKEN, adminToken: ADMIN_TOKEN });
    const env = { DATABASE_URL: database.url };
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  }, 60_000);

  afterAll(async () => {
    for (const s of [a, b]) s?.child.kill('SIGTERM');
    await Promise.allSettled([a?.exited, b?.exited]);
    await database?.drop();
    server?.stop();
  });

  it('creates a userName once when both processes are asked for it at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const userName = `race${round}@two.test`;
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => call(scim(i), 'POST', '/Users', { body: { schemas: [USER], userName: i % 3 ? userName : userName.toUpperCase() } })));
      expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of answers.filter((x) => x.status !== 201)) expect(r).toMatchObject({ status: 409, json: { scimType: 'uniqueness' } });
    }
    const listed = await call(b.baseUrl, 'GET', '/scim/v2/Users?filter=' + encodeURIComponent('userName sw "race"'));
    expect(listed.json.totalResults).toBe(5);
  });

  it('lets one of many writes with the same If-Match win, and refuses the rest with 412', async () => {
    const created = await call(a.baseUrl, 'POST', '/scim/v2/Users', { body: { schemas: [USER], userName: 'etag@two.test' } });
    const etag = created.headers.get('etag')!;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(scim(i), 'PATCH', `/Users/${created.json.id}`, { body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: `t${i}` }] }, headers: { 'if-match': etag } }),
      ),
    );
    const won = answers.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((r) => r.status === 412)).toHaveLength(9);
    const now = await call(b.baseUrl, 'GET', `/scim/v2/Users/${created.json.id}`);
    expect(now.json.title).toBe(won[0]!.json.title);
    expect(now.headers.get('etag')).toBe(won[0]!.headers.get('etag'));
  });

  it('keeps every membership added and removed through either process, and journals each', async () => {
    const group = await call(a.baseUrl, 'POST', '/scim/v2/Groups', { body: { schemas: [GROUP], displayName: 'Both' } });
    const users = await Promise.all(Array.from({ length: 30 }, (_, i) => call(scim(i), 'POST', '/Users', { body: { schemas: [USER], userName: `member${i}@two.test` } })));
    expect(users.every((u) => u.status === 201)).toBe(true);
    const member = (op: 'add' | 'remove', id: string) =>
      op === 'add' ? { op, path: 'members', value: [{ value: id }] } : { op, path: `members[value eq "${id}"]` };
    const added = await Promise.all(users.map((u, i) => call(scim(i), 'PATCH', `/Groups/${group.json.id}`, { body: { schemas: [PATCH], Operations: [member('add', u.json.id)] } })));
    expect(added.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    const removed = await Promise.all(users.slice(0, 10).map((u, i) => call(scim(i + 1), 'PATCH', `/Groups/${group.json.id}`, { body: { schemas: [PATCH], Operations: [member('remove', u.json.id)] } })));
    expect(removed.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    for (const base of both()) {
      const got = await call(base, 'GET', `/scim/v2/Groups/${group.json.id}`);
      expect(new Set(got.json.members.map((m: { value: string }) => m.value))).toEqual(new Set(users.slice(10).map((u) => u.json.id)));
    }
    const journal = (type: string) => call(b.baseUrl, 'GET', `/admin/api/events?type=${type}&groupId=${group.json.id}&pageSize=1`, { token: ADMIN_TOKEN });
    expect((await journal('member.added')).json.total).toBe(30);
    expect((await journal('member.removed')).json.total).toBe(10);
  });

  it('counts and pages the users another process just created', async () => {
    const before = (await call(b.baseUrl, 'GET', '/scim/v2/Users?count=1')).json.totalResults as number;
    await call(a.baseUrl, 'POST', '/scim/v2/Users', { body: { schemas: [USER], userName: 'paged@two.test' } });
    expect((await call(b.baseUrl, 'GET', '/scim/v2/Users?count=1')).json.totalResults).toBe(before + 1);
    const last = await call(b.baseUrl, 'GET', `/scim/v2/Users?startIndex=${before + 1}&count=5`);
    expect(last.json.Resources.map((u: { userName: string }) => u.userName)).toEqual(['paged@two.test']);
  });

  it('sees a settings change and a token rotation made through the other process within a second', async () => {
    const patched = await call(a.baseUrl, 'PATCH', '/admin/api/settings', { token: ADMIN_TOKEN, body: { deprovision: { onGroupRemoval: 'when-no-groups' } } });
    expect(patched.status).toBe(200);
    expect(await within(1000, async () => (await call(b.baseUrl, 'GET', '/admin/api/settings', { token: ADMIN_TOKEN })).json.deprovision.onGroupRemoval === 'when-no-groups')).toBeLessThan(1000);
    const rotated = await call(b.baseUrl, 'POST', '/admin/api/scim-token', { token: ADMIN_TOKEN });
    expect(rotated.status).toBe(201);
    expect(await within(1000, async () => (await call(a.baseUrl, 'GET', '/scim/v2/Users?count=1')).status === 401)).toBeLessThan(1000);
    expect((await call(a.baseUrl, 'GET', '/scim/v2/Users?count=1', { token: rotated.json.token })).status).toBe(200);
  });

  it('shares admin sessions, the sign-in throttle and the injected rate limit', async () => {
    const signIn = await call(a.baseUrl, 'POST', '/admin/session', { token: '', body: { token: ADMIN_TOKEN } });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    expect((await call(b.baseUrl, 'GET', '/admin/session', { token: '', headers: { cookie } })).status).toBe(200);

    const wrong = (base: string) => call(base, 'POST', '/admin/session', { token: '', body: { token: 'not-the-admin-token-000' } });
    for (let i = 0; i < 5; i++) expect((await wrong(both()[i % 2]!)).status).toBe(401);
    expect((await wrong(b.baseUrl)).status).toBe(429);

    const limited = await call(b.baseUrl, 'PATCH', '/admin/api/settings', { token: ADMIN_TOKEN, body: { faults: { rateLimit: { requests: 3, windowSeconds: 60 } } } });
    expect(limited.status).toBe(200);
    const token = (await call(a.baseUrl, 'POST', '/admin/api/scim-token', { token: ADMIN_TOKEN })).json.token as string;
    expect(await within(1000, async () => (await call(a.baseUrl, 'GET', '/admin/api/settings', { token: ADMIN_TOKEN })).json.faults.rateLimit !== null)).toBeLessThan(1000);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(scim(i), 'GET', '/Users?count=1', { token })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

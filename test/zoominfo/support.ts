import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import request from 'supertest';
import { fill, type Fixture } from '../../src/replay/fixture.js';
import { rawRequest, type RawResponse } from '../helpers/scim-http.js';
import { ADMIN_TOKEN, SCIM_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.js';
import { defaultSettings } from '../../src/model/settings.js';

const FIXTURES = new URL('../fixtures/idp/', import.meta.url);

/** A recorded IdP sequence by its file-name prefix, e.g. "okta-07". */
export function loadFixture(prefix: string): Fixture {
  const file = readdirSync(FIXTURES).find((f) => f.startsWith(`${prefix}-`) && f.endsWith('.json'));
  if (!file) throw new Error(`no fixture ${prefix}`);
  return JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Fixture;
}

/**
 * Sends a fixture's steps exactly as the IdP sent them (its headers only, none added; its body
 * byte for byte after placeholders are filled), over plain HTTP so no client adds a header.
 */
export class Replay {
  readonly bindings: Map<string, string>;

  constructor(
    private readonly t: TestApp,
    readonly fixture: Fixture,
    bindings: Record<string, string> = {},
  ) {
    this.bindings = new Map([['token', SCIM_TOKEN], ...Object.entries(bindings)]);
  }

  id(name: string): string {
    const id = this.bindings.get(name);
    if (!id) throw new Error(`{{${name}}} is not bound`);
    return id;
  }

  /** Creates setup.users and setup.groups through SCIM (as any client would) and binds their ids. */
  async setup(): Promise<this> {
    for (const user of this.fixture.setup.users ?? []) await this.create('/Users', user);
    for (const group of this.fixture.setup.groups ?? []) await this.create('/Groups', group);
    return this;
  }

  private async create(endpoint: string, body: Record<string, unknown>): Promise<void> {
    const { id, ...rest } = fill(body, this.bindings);
    const res = await this.t.scim.post(endpoint, rest);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const name = typeof id === 'string' ? /^\{\{(\w+)\}\}$/.exec(id)?.[1] : undefined;
    if (name) this.bindings.set(name, res.body.id as string);
  }

  /** The step (0-based) as recorded; asserts the status the fixture expects. */
  async step(index: number): Promise<RawResponse> {
    const step = this.fixture.steps[index];
    if (!step) throw new Error(`${this.fixture.scenario} has no step ${index}`);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(fill(step.headers ?? {}, this.bindings))) if (value !== null) headers[name] = value;
    const body = step.body === null || step.body === undefined ? undefined : typeof step.body === 'string' ? fill(step.body, this.bindings) : JSON.stringify(fill(step.body, this.bindings));
    const res = await rawRequest(this.t, step.method, `/scim/v2${fill(step.path, this.bindings, true)}`, body, headers);
    expect(res.status, `${this.fixture.scenario} step ${index + 1}: ${res.text}`).toBe(step.expect.status);
    return res;
  }

  /** The request path as the server saw it (and as deprovisionedBy and the journal name it). */
  path(index: number): string {
    return `/scim/v2${fill(this.fixture.steps[index]!.path, this.bindings, true)}`;
  }
}

/** The admin API with the admin token. */
export function adminApi(t: TestApp) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  return {
    get: (path: string) => auth(t.http.get(`/admin/api${path}`)),
    post: (path: string, body?: unknown) => (body === undefined ? auth(t.http.post(`/admin/api${path}`)) : auth(t.http.post(`/admin/api${path}`)).send(body as object)),
    patch: (path: string, body: unknown) => auth(t.http.patch(`/admin/api${path}`)).send(body as object),
  };
}

export type AdminApi = ReturnType<typeof adminApi>;

/** Asks for the journal's NDJSON export and keeps it as text (supertest does not parse NDJSON). */
export const ndjson = (test: request.Test): request.Test =>
  test
    .set('Accept', 'application/x-ndjson')
    .buffer(true)
    .parse((response, callback) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => callback(null, text));
    });

/**
 * One real app for the test file; before every case its settings go back to the defaults (forced:
 * the guard is not what such a reset is about) and the account is reset (which keeps settings), so
 * no case sees another's state and the journal starts empty.
 */
export function useResetAccountPerTest(ready: (t: TestApp, admin: AdminApi) => void): void {
  let app: TestApp | undefined;
  let admin: AdminApi;
  beforeAll(async () => {
    app = await createTestApp();
    admin = adminApi(app);
    ready(app, admin);
  });
  afterAll(() => app?.close());
  beforeEach(async () => {
    await admin.patch('/settings', { ...defaultSettings(), force: true }).expect(200);
    await admin.post('/reset').expect(200);
  });
}

export interface AdminEvent {
  id: number;
  at: string;
  type: string;
  actor?: string;
  idp: string;
  idpInferred?: boolean;
  level?: string;
  method?: string;
  path?: string;
  status?: number;
  userId?: string;
  groupId?: string;
  trigger?: string;
  message?: string;
  request?: unknown;
  rewrites?: { rule: string; at: string; from?: unknown; to?: unknown }[];
  requestEventId?: number;
  data?: unknown;
}

export interface AdminUser {
  id: string;
  userName: string;
  role: string;
  source: 'scim' | 'local';
  ssoLinked: boolean;
  status: 'active' | 'deprovisioned';
  deprovisionedAt: string | null;
  deprovisionedBy: { trigger: string; method: string; path: string; idp: string; at: string; eventId: number; groupId?: string } | null;
  resource?: Record<string, unknown>;
  timeline?: AdminEvent[];
}

/** Every event of a type, newest first (the whole journal fits in one page in these tests). */
export async function eventsOfType(admin: AdminApi, type: string): Promise<AdminEvent[]> {
  const res = await admin.get(`/events?type=${encodeURIComponent(type)}&pageSize=500`).expect(200);
  return res.body.items as AdminEvent[];
}

export async function adminUser(admin: AdminApi, id: string): Promise<AdminUser> {
  return (await admin.get(`/users/${id}`).expect(200)).body as AdminUser;
}

export async function usersWithStatus(admin: AdminApi, status: 'active' | 'deprovisioned' | 'all'): Promise<AdminUser[]> {
  return (await admin.get(`/users?status=${status}&pageSize=500`).expect(200)).body.items as AdminUser[];
}

export async function userIdOf(admin: AdminApi, userName: string): Promise<string> {
  const items = (await admin.get(`/users?status=all&q=${encodeURIComponent(userName)}`).expect(200)).body.items as AdminUser[];
  const user = items.find((u) => u.userName.toLowerCase() === userName.toLowerCase() && u.status === 'active') ?? items[0];
  if (!user) throw new Error(`no user ${userName}`);
  return user.id;
}

export const isSortedAscending = (ids: number[]) => ids.every((id, i) => i === 0 || ids[i - 1]! < id);
export const isSortedDescending = (ids: number[]) => ids.every((id, i) => i === 0 || ids[i - 1]! > id);

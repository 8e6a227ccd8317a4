import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ADMIN_TOKEN, GROUP_SCHEMA, PATCH_OP, SCIM_TOKEN, type TestApp } from '../helpers/test-app.js';
import { failNextCommit } from '../helpers/database.js';
import { seedSyntheticData } from '../../src/cli/synthetic-data.js';
import { DEFAULT_ACCOUNT } from '../../src/model/accounts.js';
import { STREAM_MEMBERS_FROM } from '../../src/provisioning/groups-service.js';
import { MAX_READ_CONNECTIONS } from '../../src/store/read-snapshots.js';

// Issue "Performance round 2", item 4: under groupPatchResponse "resource" a big group's answer is
// streamed from a read snapshot of its own, not built in memory. Streamed answers are chunked (no
// Content-Length): that is how these tests tell them from answers built in memory.

const MEMBERS = 30_000; // ~5 MB of members: more than loopback buffers take while a client waits (1.6 MB is not)
let t: TestApp;
let groupId: string;
let userIds: string[];
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  const seeded = seedSyntheticData(t.app.store, DEFAULT_ACCOUNT, { users: MEMBERS + 40, groups: 1, membersPerGroup: MEMBERS });
  userIds = seeded.userIds;
  groupId = seeded.groupIds[0]!;
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t?.close();
});

const streamed = (res: { headers: Record<string, string | string[] | undefined> }) =>
  res.headers['transfer-encoding'] === 'chunked' && res.headers['content-length'] === undefined;
const settings = (body: object) => t.http.patch('/admin/api/settings').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(body).expect(200);
const memberIdsOf = (body: { members?: { value: string }[] }) => (body.members ?? []).map((m) => m.value);
const addMember = (id: string) => ({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }] });
const removeMember = (id: string) => ({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] });

/** A request whose answer is read only as far as its headers and first bytes, until `rest()`. */
function heldRequest(method: string, path: string, body?: unknown) {
  return new Promise<{ res: IncomingMessage; first: number; rest(): Promise<string>; drop(): void }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1', port, method, path: `/scim/v2${path}`,
        headers: { authorization: `Bearer ${SCIM_TOKEN}`, ...(payload && { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(payload) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.once('data', (chunk: Buffer) => {
          chunks.push(chunk);
          res.pause();
          resolve({
            res,
            first: chunk.length,
            rest: () =>
              new Promise((done, fail) => {
                res.on('data', (more: Buffer) => chunks.push(more));
                res.once('end', () => done(Buffer.concat(chunks).toString('utf8')));
                res.once('error', fail);
                res.resume();
              }),
            drop: () => req.destroy(),
          });
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

describe('a big group answered in full', () => {
  it('GET streams it, the same document the object path builds, its ETag its meta.version', async () => {
    expect(MEMBERS).toBeGreaterThanOrEqual(STREAM_MEMBERS_FROM);
    const res = await t.scim.get(`/Groups/${groupId}`).expect(200);
    expect(streamed(res)).toBe(true);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    // Compact JSON, as every other answer.
    expect(JSON.stringify(JSON.parse(res.text))).toBe(res.text);
    expect(res.headers.etag).toBe(res.body.meta.version);
    expect(memberIdsOf(res.body)).toEqual(userIds.slice(0, MEMBERS).sort());
    expect(res.body.members[0]).toEqual({ value: expect.any(String), display: expect.any(String), $ref: expect.stringContaining('/Users/'), type: 'User' });
    // `attributes` takes the object path (toScim, then the projection): the same group.
    const projected = await t.scim.get(`/Groups/${groupId}?attributes=displayName,externalId,members,meta`).expect(200);
    expect(streamed(projected)).toBe(false);
    expect(Object.keys(res.body).sort().join()).toBe(Object.keys(projected.body).sort().join());
    expect(res.body).toEqual(projected.body);
  });

  it('excludedAttributes=members is not streamed (and small)', async () => {
    const res = await t.scim.get(`/Groups/${groupId}?excludedAttributes=members`).expect(200);
    expect(streamed(res)).toBe(false);
    expect(res.body.members).toBeUndefined();
  });

  it('a PATCH as IdPs send it is answered 200 with the whole group as the write left it, journaled without its body', async () => {
    const extra = userIds[MEMBERS]!;
    const res = await t.scim.patch(`/Groups/${groupId}`, addMember(extra)).expect(200);
    expect(streamed(res)).toBe(true);
    expect(memberIdsOf(res.body)).toHaveLength(MEMBERS + 1);
    expect(memberIdsOf(res.body)).toContain(extra);
    expect(res.headers.etag).toBe(res.body.meta.version);
    const after = await t.scim.get(`/Groups/${groupId}`).expect(200);
    expect(after.headers.etag).toBe(res.headers.etag);
    const events = await t.http.get(`/admin/api/events?type=request&pageSize=5`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const patch = (events.body.items as { method?: string; status?: number; response?: unknown }[]).find((e) => e.method === 'PATCH');
    expect(patch).toMatchObject({ status: 200, groupId });
    expect(patch).not.toHaveProperty('response');
    await t.scim.patch(`/Groups/${groupId}`, removeMember(extra)).expect(200);
  });

  it('the answer shows its own write, not one committed while it is being sent', async () => {
    const [a, b] = [userIds[MEMBERS + 1]!, userIds[MEMBERS + 2]!];
    const held = await heldRequest('PATCH', `/Groups/${groupId}`, addMember(a));
    expect(streamed(held.res)).toBe(true);
    // While the first answer waits on its client, another write to the same group commits.
    const later = await t.scim.patch(`/Groups/${groupId}`, addMember(b)).expect(200);
    expect(memberIdsOf(later.body)).toEqual(expect.arrayContaining([a, b]));
    const text = await held.rest();
    // Not vacuous: most of the first answer was still to be read when the second write committed.
    expect(held.first).toBeLessThan(text.length / 2);
    const body = JSON.parse(text);
    expect(memberIdsOf(body)).toContain(a);
    expect(memberIdsOf(body)).not.toContain(b);
    expect(held.res.headers.etag).toBe(body.meta.version);
    expect(body.meta.version).not.toBe(later.body.meta.version);
    await t.scim.patch(`/Groups/${groupId}`, removeMember(a)).expect(200);
    await t.scim.patch(`/Groups/${groupId}`, removeMember(b)).expect(200);
  });

  it('with every read connection taken the answer is built in memory; a client gone gives its connection back', async () => {
    const held = [];
    for (let i = 0; i < MAX_READ_CONNECTIONS; i++) held.push(await heldRequest('GET', `/Groups/${groupId}`));
    expect(held.every((h) => streamed(h.res))).toBe(true);
    const built = await t.scim.get(`/Groups/${groupId}`).expect(200);
    expect(streamed(built)).toBe(false);
    // Writes go on meanwhile (WAL: the readers hold no lock a writer waits for).
    await t.scim.patch(`/Groups/${groupId}?excludedAttributes=members`, addMember(userIds[MEMBERS + 3]!)).expect(200);
    const [first, ...others] = held;
    // One read to its end, the others dropped mid-answer: all four connections come back.
    const text = await first!.rest();
    // Streamed and built from the same state: the same bytes.
    expect(text).toBe(built.text);
    expect(memberIdsOf(JSON.parse(text))).not.toContain(userIds[MEMBERS + 3]);
    for (const h of others) h.drop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await Promise.all(Array.from({ length: MAX_READ_CONNECTIONS }, () => t.scim.get(`/Groups/${groupId}`).expect(200)));
    expect(again.map(streamed)).toEqual(Array(MAX_READ_CONNECTIONS).fill(true));
    expect(memberIdsOf(again[0]!.body)).toContain(userIds[MEMBERS + 3]);
  });

  it('HEAD sends the headers only; PUT and POST of a big group are answered streamed with what they wrote', async () => {
    const head = await t.http.head(`/scim/v2/Groups/${groupId}`).set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(200);
    expect(head.text ?? '').toBe('');
    const current = await t.scim.get(`/Groups/${groupId}`).expect(200);
    expect(head.headers.etag).toBe(current.headers.etag);
    const members = userIds.slice(0, STREAM_MEMBERS_FROM).map((value) => ({ value }));
    const created = await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Streamed on creation', members }).expect(201);
    expect(streamed(created)).toBe(true);
    expect(created.headers.location).toBe(created.body.meta.location);
    expect(memberIdsOf(created.body)).toEqual(members.map((m) => m.value).sort());
    const changed = members.slice(1).concat({ value: userIds[MEMBERS + 5]! });
    const replaced = await t.scim.put(`/Groups/${created.body.id}`, { schemas: [GROUP_SCHEMA], displayName: 'Streamed on creation', members: changed }).expect(200);
    expect(streamed(replaced)).toBe(true);
    expect(memberIdsOf(replaced.body)).toEqual(changed.map((m) => m.value).sort());
    expect(replaced.headers.etag).toBe(replaced.body.meta.version);
    await t.scim.delete(`/Groups/${created.body.id}`).expect(204);
  });

  it('when the commit fails the streamed answers fail with their batch, and their connections come back', async () => {
    const restore = failNextCommit(t.app.store);
    const before = await t.scim.get(`/Groups/${groupId}?excludedAttributes=members`).expect(200);
    const added = userIds.slice(MEMBERS + 6, MEMBERS + 10);
    const answers = await Promise.all(added.map((id) => t.scim.patch(`/Groups/${groupId}`, addMember(id))));
    restore();
    expect(answers.some((a) => a.status === 500)).toBe(true);
    expect(answers.every((a) => a.status === 500 || (a.status === 200 && streamed(a)))).toBe(true);
    // Nothing of the failed batch was kept: no answer acknowledged a write that is not there.
    const acknowledged = answers.filter((a) => a.status === 200);
    const after = await t.scim.get(`/Groups/${groupId}?excludedAttributes=members`).expect(200);
    expect(after.body.meta.version).toBe(acknowledged.length ? acknowledged.at(-1)!.body.meta.version : before.body.meta.version);
    // Every read connection is free again: as many big answers at once all stream.
    const again = await Promise.all(Array.from({ length: MAX_READ_CONNECTIONS }, () => t.scim.get(`/Groups/${groupId}`).expect(200)));
    expect(again.map(streamed)).toEqual(Array(MAX_READ_CONNECTIONS).fill(true));
    for (const id of added) await t.scim.patch(`/Groups/${groupId}?excludedAttributes=members`, removeMember(id)).expect(200);
    expect(t.responseMismatches.every((m) => m.problem.startsWith('undocumented status 500'))).toBe(true);
    t.responseMismatches.splice(0);
  });

  it('a client gone before its write ran (an injected latency) leaves no snapshot behind', async () => {
    await settings({ faults: { rateLimit: null, latencyMs: 300, errorRate: 0, methods: ['PATCH'], paths: [] } });
    const added = userIds.slice(MEMBERS + 6, MEMBERS + 6 + MAX_READ_CONNECTIONS);
    for (const id of added) {
      const req = httpRequest({
        host: '127.0.0.1', port, method: 'PATCH', path: `/scim/v2/Groups/${groupId}`,
        headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
      });
      req.on('error', () => undefined);
      req.end(JSON.stringify(addMember(id)));
      setTimeout(() => req.destroy(), 100);
    }
    await new Promise((resolve) => setTimeout(resolve, 800));
    await settings({ faults: { rateLimit: null, latencyMs: 0, errorRate: 0, methods: [], paths: [] } });
    // The writes ran (their clients were gone, not their requests); every read connection is free.
    const again = await Promise.all(Array.from({ length: MAX_READ_CONNECTIONS }, () => t.scim.get(`/Groups/${groupId}`).expect(200)));
    expect(again.map(streamed)).toEqual(Array(MAX_READ_CONNECTIONS).fill(true));
    expect(memberIdsOf(again[0]!.body)).toEqual(expect.arrayContaining(added));
    for (const id of added) await t.scim.patch(`/Groups/${groupId}?excludedAttributes=members`, removeMember(id)).expect(200);
  });

  it('under groupPatchResponse "no-content" a PATCH is 204 with the ETag a GET then shows', async () => {
    await settings({ groupPatchResponse: 'no-content' });
    const res = await t.scim.patch(`/Groups/${groupId}`, removeMember(userIds[MEMBERS + 3]!)).expect(204);
    const after = await t.scim.get(`/Groups/${groupId}`).expect(200);
    expect(after.headers.etag).toBe(res.headers.etag);
    expect(memberIdsOf(after.body)).toHaveLength(MEMBERS);
    await settings({ groupPatchResponse: 'resource' });
  });
});

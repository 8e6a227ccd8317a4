import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, patchBody, userBody, GROUP_SCHEMA, SCIM_TOKEN, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp();
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(() => t.close());

/** One request on its own TCP connection (no pooling), so the server sees true concurrency. */
function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path: `/scim/v2${path}`, agent: new Agent({ keepAlive: false }), headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const memberIds = async (groupId: string) =>
  ((await t.scim.get(`/Groups/${groupId}`).expect(200)).body.members ?? []).map((m: { value: string }) => m.value).sort();

describe('concurrent writes lose nothing', () => {
  it('50 concurrent PATCHes adding different members, then 50 removing: the membership is exact', async () => {
    const users: string[] = [];
    for (let i = 0; i < 100; i++) users.push((await t.scim.post('/Users', userBody()).expect(201)).body.id);
    const keep = users.slice(0, 50);
    const group = await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'concurrent', members: keep.map((value) => ({ value })) }).expect(201);
    const extra = users.slice(50);

    const adds = await Promise.all(extra.map((id) => send('PATCH', `/Groups/${group.body.id}`, patchBody({ op: 'add', path: 'members', value: [{ value: id }] }))));
    expect(adds.map((r) => r.status)).toEqual(extra.map(() => 200));
    expect(await memberIds(group.body.id)).toEqual([...users].sort());

    const removes = await Promise.all(keep.map((id) => send('PATCH', `/Groups/${group.body.id}`, patchBody({ op: 'remove', path: `members[value eq "${id}"]` }))));
    expect(removes.map((r) => r.status)).toEqual(keep.map(() => 200));
    expect(await memberIds(group.body.id)).toEqual([...extra].sort());
  });

  it('concurrent PUT and PATCH with the same If-Match: exactly one wins, the rest get 412', async () => {
    const user = await t.scim.post('/Users', userBody()).expect(201);
    const etag = user.headers.etag as string;
    const writes = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? send('PUT', `/Users/${user.body.id}`, { ...userBody({ userName: user.body.userName }), title: `put ${i}` }, { 'if-match': etag })
        : send('PATCH', `/Users/${user.body.id}`, patchBody({ op: 'replace', path: 'title', value: `patch ${i}` }), { 'if-match': etag }),
    );
    const results = await Promise.all(writes);
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(19);
    const now = await t.scim.get(`/Users/${user.body.id}`).expect(200);
    expect(now.body.title).toBe(winners[0]!.body.title);
  });
});

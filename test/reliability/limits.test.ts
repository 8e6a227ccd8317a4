import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closesWithin } from '../helpers/raw-socket.js';
import { createTestApp, patchBody, userBody, GROUP_SCHEMA, SCIM_TOKEN, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp({
    MAX_HEADER_SIZE: '4kb',
    MAX_URL_LENGTH: '600',
    MAX_FILTER_LENGTH: '100',
    MAX_FILTER_DEPTH: '3',
    MAX_PATCH_OPERATIONS: '5',
    MAX_MEMBERS_PER_REQUEST: '3',
    MAX_RESULTS: '5',
    REQUEST_TIMEOUT: '600',
    KEEP_ALIVE_TIMEOUT: '300',
  });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(() => t.close());

const expectScimError = (res: { status: number; body: any; headers: Record<string, string> }, status: number, scimType?: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(res.body.status).toBe(String(status));
  if (scimType) expect(res.body.scimType).toBe(scimType);
};

/** Writes raw bytes and collects whatever the server answers until it closes the connection. */
function raw(request: string, { end = true, waitMs = 10_000 } = {}): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, waitMs);
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    socket.write(request);
    if (end) socket.end();
  });
}

describe('limits, each a SCIM error with its own setting', () => {
  it('MAX_HEADER_SIZE: oversized headers get 431', async () => {
    const { text } = await raw(`GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SCIM_TOKEN}\r\nX-Big: ${'a'.repeat(6000)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '431' });
  });

  it('MAX_URL_LENGTH: a longer URL gets 414', async () => {
    expectScimError(await t.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${'x'.repeat(700)}"`)}`), 414);
    await t.scim.get(`/Users?filter=${encodeURIComponent('userName eq "short"')}`).expect(200);
  });

  it('MAX_FILTER_LENGTH and MAX_FILTER_DEPTH: 400 invalidFilter', async () => {
    expectScimError(await t.scim.post('/Users/.search', { filter: `userName eq "${'x'.repeat(120)}"` }), 400, 'invalidFilter');
    expectScimError(await t.scim.get(`/Users?filter=${encodeURIComponent('((((userName pr))))')}`), 400, 'invalidFilter');
    await t.scim.get(`/Users?filter=${encodeURIComponent('((userName pr))')}`).expect(200);
  });

  it('MAX_PATCH_OPERATIONS: 413 tooMany, nothing applied', async () => {
    const user = await t.scim.post('/Users', userBody({ title: 'before' })).expect(201);
    const ops = Array.from({ length: 6 }, (_, i) => ({ op: 'replace', path: 'title', value: `t${i}` }));
    expectScimError(await t.scim.patch(`/Users/${user.body.id}`, patchBody(...ops)), 413, 'tooMany');
    expect((await t.scim.get(`/Users/${user.body.id}`)).body.title).toBe('before');
    await t.scim.patch(`/Users/${user.body.id}`, patchBody(...ops.slice(0, 5))).expect(200);
  });

  it('MAX_MEMBERS_PER_REQUEST: 413 tooMany on POST and PATCH', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await t.scim.post('/Users', userBody()).expect(201)).body.id);
    const members = ids.map((value) => ({ value }));
    expectScimError(await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'too big', members }), 413, 'tooMany');
    const group = await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'small', members: members.slice(0, 3) }).expect(201);
    expectScimError(await t.scim.patch(`/Groups/${group.body.id}`, patchBody({ op: 'replace', path: 'members', value: members })), 413, 'tooMany');
    expect((await t.scim.get(`/Groups/${group.body.id}`)).body.members).toHaveLength(3);
  });

  it('MAX_RESULTS: count is capped and advertised', async () => {
    for (let i = 0; i < 6; i++) await t.scim.post('/Users', userBody()).expect(201);
    const page = await t.scim.get('/Users?count=50').expect(200);
    expect(page.body.itemsPerPage).toBe(5);
    expect(page.body.totalResults).toBeGreaterThan(5);
    expect((await t.scim.get('/ServiceProviderConfig')).body.filter.maxResults).toBe(5);
  });

  it('REQUEST_TIMEOUT: a request that never finishes arriving gets 408 and is dropped', async () => {
    const { text, closed } = await raw(`POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SCIM_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user`, { end: false });
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('REQUEST_TIMEOUT: the socket of a client that goes silent and never closes its side is destroyed', async () => {
    // allowHalfOpen: this client does not answer the server's FIN by closing, as a stuck or hostile
    // one would not; a half-close alone left such sockets open for good (issue 13).
    const accepted = new Promise<Socket>((resolve) => t.app.server.once('connection', resolve));
    const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    client.on('data', (d) => (text += d));
    client.write(`POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SCIM_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user`);
    const serverSide = await accepted;
    expect(await closesWithin(serverSide, 5000)).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(client.destroyed).toBe(false); // the server closed it, not the client
    client.destroy();
  });

  it('KEEP_ALIVE_TIMEOUT: an idle kept-alive connection is closed by the server', async () => {
    const { text, closed } = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`, { end: false });
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(closed).toBe(true);
  });
});

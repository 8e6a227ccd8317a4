import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from '../../src/replay/run-fixture.js';
import type { Fixture } from '../../src/replay/fixture.js';

// The fixtures' README: a step is sent "byte for byte", with exactly the recorded headers.
const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];
const server = createServer((req, res) => {
  seen.push({ url: req.url!, headers: req.headers });
  res.writeHead(200, { 'content-type': 'application/scim+json' }).end('{"totalResults":0}');
});
beforeAll(() => new Promise<void>((done) => server.listen(0, '127.0.0.1', done)));
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('the replay client', () => {
  it('keeps a trailing "?" and "&" and adds no header the IdP did not send', async () => {
    const { port } = server.address() as AddressInfo;
    const step = (path: string) => ({ method: 'GET', path, headers: { Authorization: 'Bearer {{token}}' }, body: null, expect: { status: 200 } });
    const fixture: Fixture = { idp: 'onelogin', scenario: 'raw-paths', setup: {}, steps: [step('/Users?'), step('/Users?count=1&'), step('/Users/a/../b')] };
    const outcomes = await runFixture(fixture, { baseUrl: `http://127.0.0.1:${port}/scim/v2`, token: 't0ken' });
    expect(outcomes.every((o) => o.pass)).toBe(true);
    expect(seen.map((s) => s.url)).toEqual(['/scim/v2/Users?', '/scim/v2/Users?count=1&', '/scim/v2/Users/a/../b']);
    expect(seen[0]!.headers['user-agent']).toBeUndefined();
    expect(seen[0]!.headers['content-type']).toBeUndefined();
    expect(seen[0]!.headers.authorization).toBe('Bearer t0ken');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryOf, stop } from '../../bench/processes.js';
import { startServer, type RunningServer } from '../../scripts/crash/server-process.js';
import { createTestApp, SCIM_TOKEN, type TestApp } from '../helpers/test-app.js';
import { closesWithin, lastResponse, uploadInSlices, type UploadOptions, type UploadResult } from '../helpers/raw-socket.js';

// The smallest limits that keep the test fast: 1.1x and 5x a BODY_LIMIT of 1 MB stand for the 11 MB
// and 50 MB uploads of the hostile-input run (scripts/over-limit-upload.ts sends those at 10mb).
const MB = 1024 * 1024;
const BODY_LIMIT = MB;
const BULK_MAX_PAYLOAD = 256 * 1024;
const SIZES = [Math.round(1.1 * BODY_LIMIT), 5 * BODY_LIMIT];

/** The client read a whole 413 SCIM error, and then the server closed the connection. */
function expectComplete(result: UploadResult, status: number, detail: RegExp) {
  const res = lastResponse(result.text);
  expect(res, `no complete answer after ${result.written} bytes (${result.error ?? 'no error'}): ${JSON.stringify(result.text.slice(0, 200))}`).not.toBeNull();
  expect(res!.status).toBe(status);
  expect(res!.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res!.headers.connection).toMatch(/^close$/i);
  const body = JSON.parse(res!.body);
  expect(body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status) });
  expect(body.detail).toMatch(detail);
  expect(result.closed).toBe(true);
}

// The production build in its own process: with client and server on one event loop the client
// always reads the 413 before the reset arrives, and the answers were lost only across processes.
describe('the server in its own process (dist/server.js)', () => {
  let server: RunningServer;
  let dir: string;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zi-scim-upload-'));
    server = await startServer({
      DATABASE_PATH: join(dir, 'sandbox.db'),
      SCIM_TOKEN,
      BODY_LIMIT: String(BODY_LIMIT),
      // Large enough to drain the whole 200 MB upload of the memory test.
      DRAIN_LIMIT: '256mb',
    });
    port = Number(new URL(server.baseUrl).port);
  });
  afterAll(async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });
  const upload = (o: Omit<UploadOptions, 'port' | 'token'>) => uploadInSlices({ port, token: SCIM_TOKEN, ...o });

  it('10 bodies of 1.1x and 5x BODY_LIMIT in 64 KB slices, without Expect: each reads a complete 413', async () => {
    const cases = Array.from({ length: 10 }, (_, i) => ({ path: i % 2 ? '/scim/v2/Users/.search' : '/scim/v2/Users', size: SIZES[i % 2]! }));
    const results = await Promise.all(cases.map((c) => upload(c)));
    for (const r of results) expectComplete(r, 413, /BODY_LIMIT/);
    // Drained whole: every client wrote all of its body and saw no error.
    for (const [i, r] of results.entries()) expect(r).toMatchObject({ written: cases[i]!.size, error: undefined });
  });

  it('a chunked upload (no Content-Length) gets a complete 413 once it passes BODY_LIMIT', async () => {
    const results = await Promise.all(SIZES.map((size) => upload({ path: '/scim/v2/Users', size, chunked: true })));
    for (const r of results) expectComplete(r, 413, /BODY_LIMIT/);
  });

  it('memory stays flat while draining: 200 MB drained, resident memory grows far less', async () => {
    const pid = server.child.pid!;
    const before = memoryOf(pid).rssMb;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(pid).rssMb)), 10);
    const result = await upload({ path: '/scim/v2/Users', size: 200 * MB });
    clearInterval(sampler);
    expectComplete(result, 413, /BODY_LIMIT/);
    expect(result.written).toBe(200 * MB);
    // Kept, the body would add 200 MB; read buffers waiting for the collector account for the rest.
    expect(peak - before).toBeLessThan(64);
  });
});

describe('Expect: 100-continue, Bulk and the drain bounds', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT: String(BODY_LIMIT), BULK_MAX_PAYLOAD: String(BULK_MAX_PAYLOAD), DRAIN_TIMEOUT: '400', MAX_HEADER_SIZE: '4kb' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(() => t.close());
  const upload = (o: Omit<UploadOptions, 'port' | 'token'>) => uploadInSlices({ port, token: SCIM_TOKEN, ...o });

  it('Bulk: past BULK_MAX_PAYLOAD (below BODY_LIMIT) a complete 413 tooMany', async () => {
    const result = await upload({ path: '/scim/v2/Bulk', size: 2 * BULK_MAX_PAYLOAD });
    expectComplete(result, 413, /BULK_MAX_PAYLOAD/);
    expect(JSON.parse(lastResponse(result.text)!.body).scimType).toBe('tooMany');
  });

  it('over the limit, Expect: 100-continue gets the 413 and no 100, and the body is never sent', async () => {
    for (const [path, size, detail] of [
      ['/scim/v2/Users', 5 * BODY_LIMIT, /BODY_LIMIT/],
      ['/scim/v2/Bulk', 2 * BULK_MAX_PAYLOAD, /BULK_MAX_PAYLOAD/],
    ] as const) {
      const result = await upload({ path, size, expectContinue: true });
      expect(result.text).not.toMatch(/^HTTP\/1\.1 100 /);
      expect(result.written).toBe(0);
      expectComplete(result, 413, detail);
    }
  });

  it('within the limit, Expect: 100-continue gets its 100, then the answer', async () => {
    // 1000 bytes of "a": 100, the body, then the JSON parser's 400.
    const result = await upload({ path: '/scim/v2/Users', size: 1000, expectContinue: true });
    expect(result.text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 400 /);
    expect(result.written).toBe(1000);
  });

  it('DRAIN_LIMIT: past twice BODY_LIMIT the drain stops and the connection closes, the 413 already read', async () => {
    const result = await upload({ path: '/scim/v2/Users', size: 20 * BODY_LIMIT });
    expectComplete(result, 413, /BODY_LIMIT/);
    expect(result.error).toMatch(/EPIPE|ECONNRESET/);
    expect(result.written).toBeLessThan(20 * BODY_LIMIT);
  });

  it('DRAIN_TIMEOUT: a client that declares a large body, sends none and keeps its side open is closed', async () => {
    const accepted = new Promise<Socket>((resolve) => t.app.server.once('connection', resolve));
    // allowHalfOpen: the server's FIN after the 413 does not make this client close.
    const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    client.on('data', (d) => (text += d));
    client.write(`POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SCIM_TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: ${5 * BODY_LIMIT}\r\n\r\n`);
    const serverSide = await accepted;
    const started = Date.now();
    expect(await closesWithin(serverSide, 5000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(lastResponse(text)?.status).toBe(413);
    client.destroy();
  });

  it('a request pipelined behind a drained body is not processed (RFC 9112 §9.6)', async () => {
    const userName = `pipelined.${Date.now()}@example.com`;
    const user = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, emails: [{ value: userName }] });
    const head = (length: number) => `POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SCIM_TOKEN}\r\nContent-Type: application/scim+json\r\nContent-Length: ${length}\r\n\r\n`;
    const accepted = new Promise<Socket>((resolve) => t.app.server.once('connection', resolve));
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => {});
    const over = Math.round(1.1 * BODY_LIMIT);
    socket.end(Buffer.concat([Buffer.from(head(over)), Buffer.alloc(over, 0x61), Buffer.from(head(Buffer.byteLength(user)) + user)]));
    // Once the server side is closed, the server has read all of it.
    expect(await closesWithin(await accepted, 5000)).toBe(true);
    expectComplete({ text, written: 0, closed: await closesWithin(socket, 5000) }, 413, /BODY_LIMIT/);
    expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    const found = await t.scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`).expect(200);
    expect(found.body.totalResults).toBe(0);
  });

  it('oversized headers followed by a body: the client reads a complete 431', async () => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => {});
    socket.write(`POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(6000)}\r\nContent-Length: ${BODY_LIMIT}\r\n\r\n`);
    socket.write(Buffer.alloc(BODY_LIMIT, 0x61));
    socket.end();
    await new Promise((resolve) => socket.once('close', resolve));
    expectComplete({ text, written: 0, closed: true }, 431, /MAX_HEADER_SIZE/);
  });
});

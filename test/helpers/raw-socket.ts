import { connect, type Socket } from 'node:net';

export interface UploadOptions {
  port: number;
  path: string;
  token: string;
  /** Bytes of body to send (and, unless chunked, to declare in Content-Length). */
  size: number;
  /** Send the body as Transfer-Encoding: chunked, with no Content-Length. */
  chunked?: boolean;
  /** Send `Expect: 100-continue` and wait for the server's answer before sending any body. */
  expectContinue?: boolean;
  slice?: number;
  /** Give up after this long (the result then has closed: false). */
  waitMs?: number;
}

export interface UploadResult {
  /** Everything the server sent, as latin1 text. */
  text: string;
  /** Body bytes written before the server's answer or close stopped the client. */
  written: number;
  /** The socket error the client saw, if any (EPIPE, ECONNRESET once the server closed). */
  error?: string;
  closed: boolean;
}

/**
 * A stubborn client on a raw socket: it reads while it writes and keeps writing its whole body in
 * slices even after the server has answered and half-closed (most HTTP clients do until they look at
 * the answer), as an IdP's HTTP stack does. Nothing in node:http sits between it and the server.
 */
export function uploadInSlices(o: UploadOptions): Promise<UploadResult> {
  const slice = Buffer.alloc(o.slice ?? 64 * 1024, 0x61); // one buffer, written again and again
  const head = [
    `POST ${o.path} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: Bearer ${o.token}`,
    'Content-Type: application/scim+json',
    o.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${o.size}`,
    ...(o.expectContinue ? ['Expect: 100-continue'] : []),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve) => {
    // allowHalfOpen: the server's FIN does not stop this client from writing.
    const socket: Socket = connect({ port: o.port, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    let written = 0;
    let error: string | undefined;
    let closed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, written, error, closed: false });
    }, o.waitMs ?? 15_000);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ text, written, error, closed: true });
    });
    const writeBody = async () => {
      while (written < o.size && !closed && !socket.destroyed) {
        const n = Math.min(slice.length, o.size - written);
        const part = n === slice.length ? slice : slice.subarray(0, n);
        const ok = socket.write(o.chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), part, Buffer.from('\r\n')]) : part);
        written += n;
        if (!ok) await waitForDrain(socket);
      }
      if (!socket.destroyed) socket.end(o.chunked ? '0\r\n\r\n' : '');
    };
    socket.write(head);
    if (!o.expectContinue) void writeBody();
    else {
      // RFC 9110 §10.1.1: send the body only after a 100 (Continue); a final answer instead means no body.
      const onData = () => {
        if (!text.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        if (text.startsWith('HTTP/1.1 100 ')) void writeBody();
        else socket.end();
      };
      socket.on('data', onData);
    }
  });
}

/** Until the socket can take more, or is closed. */
function waitForDrain(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The final response in `text` (after any 1xx), or null when its head or body is incomplete. */
export function lastResponse(text: string): RawResponse | null {
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) return null;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine ?? '')?.[1]);
    if (!status) return null;
    if (status < 200) {
      rest = rest.slice(end + 4);
      continue;
    }
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length']);
    const body = Buffer.from(rest.slice(end + 4), 'latin1');
    if (!Number.isInteger(length) || body.length < length) return null;
    return { status, headers, body: body.subarray(0, length).toString('utf8') };
  }
}

/** True once `socket` closes, false if it is still open after `ms`. */
export function closesWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

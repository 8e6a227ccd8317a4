import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import type { HttpLimits } from './config.js';
import { ERROR_SCHEMA } from './scim/schema/urns.js';

/**
 * The Node server under Fastify, built here because Fastify does not expose maxHeaderSize: header
 * and URL size, the time to receive a request (slow clients) and idle keep-alive are all bounded.
 */
export function serverFactory(limits: HttpLimits): FastifyServerFactory {
  return (handler) => {
    const server: Server = createServer(
      {
        maxHeaderSize: limits.maxHeaderSize,
        requestTimeout: limits.requestTimeout,
        // Node checks request timeouts on this beat (30 s by default): keep it finer than the timeout.
        connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor((limits.requestTimeout || 30_000) / 2))),
      },
      (req: IncomingMessage, res: ServerResponse) => handler(req, res),
    );
    server.keepAliveTimeout = limits.keepAliveTimeout;
    // headersTimeout must not exceed requestTimeout (Node refuses the pair otherwise).
    if (limits.requestTimeout > 0) server.headersTimeout = Math.min(server.headersTimeout, limits.requestTimeout);
    return server;
  };
}

const CLIENT_ERRORS: Record<string, { status: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, detail: 'the request headers (or URL) are larger than the server accepts (MAX_HEADER_SIZE)' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: 'the request was not received in time (REQUEST_TIMEOUT)' },
};

/**
 * Errors Node raises before Fastify sees a request (oversized headers, timeouts, broken HTTP),
 * answered as SCIM errors too, since an IdP is the usual client.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return;
  const known = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, detail: 'the request is not valid HTTP' };
  const body = JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(known.status), detail: known.detail });
  this.log.debug({ code: error.code }, 'client error');
  // RFC 9110 §9.3.2: an answer to HEAD has no content; Node's client read this body as a broken next
  // response (found by the fuzzer, test/fuzz/). Node hands over the raw bytes, request line first.
  const isHead = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(
    [
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}`,
      'Content-Type: application/scim+json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      isHead ? '' : body,
    ].join('\r\n'),
  );
}

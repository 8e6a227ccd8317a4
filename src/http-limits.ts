import { Server, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerFactory, preParsingHookHandler } from 'fastify';
import type { HttpLimits } from './config.js';
import { ERROR_SCHEMA } from './scim/schema/urns.js';
import { drainAfterAnswer, drainBodyOnClose } from './http-drain.js';

/** Requests that sent `Expect: 100-continue`, whose 100 waits for the route's body limit. */
const awaitingContinue = new WeakSet<IncomingMessage>();

/** Node's server, with its limits and the sockets draining after an answer (http-drain.ts). */
class SandboxServer extends Server {
  readonly draining = new Set<Socket>();

  constructor(
    readonly limits: HttpLimits,
    listener: (req: IncomingMessage, res: ServerResponse) => void,
  ) {
    super(
      {
        maxHeaderSize: limits.maxHeaderSize,
        requestTimeout: limits.requestTimeout,
        // Node checks request timeouts on this beat (30 s by default): keep it finer than the timeout.
        connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor((limits.requestTimeout || 30_000) / 2))),
      },
      listener,
    );
    this.keepAliveTimeout = limits.keepAliveTimeout;
    // headersTimeout must not exceed requestTimeout (Node refuses the pair otherwise).
    if (limits.requestTimeout > 0) this.headersTimeout = Math.min(this.headersTimeout, limits.requestTimeout);
  }

  /** Fastify's close calls this: a socket that only drains an upload already answered is idle too. */
  override closeIdleConnections(): void {
    super.closeIdleConnections();
    for (const socket of this.draining) socket.destroy();
  }
}

/**
 * The Node server under Fastify, built here because Fastify does not expose maxHeaderSize: header
 * and URL size, the time to receive a request (slow clients) and idle keep-alive are all bounded,
 * and a refused upload is drained after its answer (http-drain.ts).
 */
export function serverFactory(limits: HttpLimits): FastifyServerFactory {
  return (handler) => {
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      // RFC 9112 §9.6: after an answer that closes the connection, no further request on it is
      // processed (Node's parser still reads one pipelined behind a drained body).
      if (server.draining.has(req.socket)) {
        req.socket.destroy();
        return;
      }
      // Prepended: it must run before Node's own 'finish' listener, which drops an unread body and
      // closes the socket of a `Connection: close` answer.
      res.prependOnceListener('finish', () => {
        if (!req.complete && res.socket) drainBodyOnClose(res.socket, req, server.draining, limits);
      });
      handler(req, res);
    };
    const server = new SandboxServer(limits, onRequest);
    // With a listener here Node no longer answers 100 (Continue) by itself: continueUnlessTooLarge does.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      awaitingContinue.add(req);
      onRequest(req, res);
    });
    return server;
  };
}

/**
 * A preParsing hook (so after authentication, before the body is read): RFC 9110 §10.1.1 lets a
 * server answer `Expect: 100-continue` with the final status instead of 100. A declared length past
 * the route's body limit (BODY_LIMIT, or BULK_MAX_PAYLOAD on /Bulk) gets its 413 at once and the
 * client never sends the body; any other request gets its 100 now.
 */
export const continueUnlessTooLarge: preParsingHookHandler = (request, reply, payload, done) => {
  if (awaitingContinue.has(request.raw) && !(Number(request.headers['content-length']) > request.routeOptions.bodyLimit)) {
    reply.raw.writeContinue();
  }
  done(null, payload);
};

const CLIENT_ERRORS: Record<string, { status: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, detail: 'the request headers (or URL) are larger than the server accepts (MAX_HEADER_SIZE)' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: 'the request was not received in time (REQUEST_TIMEOUT)' },
};

/**
 * Errors Node raises before Fastify sees a request (oversized headers, timeouts, broken HTTP),
 * answered as SCIM errors too, since an IdP is the usual client. With this handler installed Node
 * no longer closes the socket itself: every path here ends in destroy, or a slow or silent client
 * would hold its descriptor for good.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  const server = this.server instanceof SandboxServer ? this.server : undefined;
  // A drained upload may end in anything (a truncated body, garbage); the drain's own bounds close it.
  if (server?.draining.has(socket)) return;
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const known = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, detail: 'the request is not valid HTTP' };
  const body = JSON.stringify({ schemas: [ERROR_SCHEMA], status: String(known.status), detail: known.detail });
  this.log.debug({ code: error.code }, 'client error');
  // RFC 9110 §9.3.2: an answer to HEAD has no content; Node's client read this body as a broken next
  // response (found by the fuzzer, test/fuzz/). Node hands over the raw bytes, request line first.
  const isHead = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.write(
    [
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}`,
      'Content-Type: application/scim+json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      isHead ? '' : body,
    ].join('\r\n'),
  );
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !server) {
    // A slow client: close now. A half-close (end) alone left the socket open as long as the client
    // kept its side open: 1,100 such clients held the process at its descriptor limit (issue 13).
    // The answer is in the kernel already (Node writes at once), and a close still delivers it.
    socket.destroy();
  } else {
    // Oversized or broken headers: the rest of the request may still be on its way.
    drainAfterAnswer(socket, server.draining, server.limits);
  }
}

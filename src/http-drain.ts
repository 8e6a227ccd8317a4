import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { HttpLimits } from './config.js';

type DrainLimits = Pick<HttpLimits, 'drainLimit' | 'drainTimeout'>;

/*
 * A lingering close, as RFC 9112 §9.6 describes and Apache and nginx do. A server that answers before
 * it has read the whole request (a 413 from Content-Length, a 431) and then closes makes the client's
 * TCP stack receive a reset while it is still sending: its write fails (EPIPE, ECONNRESET) and the
 * answer it had been sent may never be read (issue 20). So: half-close after the answer (the client
 * can tell it is complete), read and discard whatever still arrives, and close once the client has
 * finished (the declared body is in, or it closed its side) or at the first bound: DRAIN_LIMIT bytes
 * or DRAIN_TIMEOUT ms. Nothing read is kept: memory stays flat.
 */

/**
 * For an answer sent before its request's body arrived: reads and discards the rest of the body
 * (instead of Node, which would drop it unseen), counting it, and makes the close of a
 * `Connection: close` answer linger. Node ends such an answer with socket.destroySoon() (FIN, then
 * close once written), so that is what this replaces, on this socket only. Call it before Node's own
 * 'finish' listener on the response.
 */
export function drainBodyOnClose(socket: Socket, req: IncomingMessage, draining: Set<Socket>, limits: DrainLimits): void {
  let received = 0;
  let lingering = false;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (lingering && received > limits.drainLimit) socket.destroy();
  });
  req.once('end', () => lingering && socket.destroy());
  socket.destroySoon = () => {
    // Keep-alive answers never get here; a later one on this socket finds this body complete.
    if (req.complete || limits.drainTimeout === 0) return Socket.prototype.destroySoon.call(socket);
    lingering = true;
    linger(socket, draining, limits.drainTimeout);
  };
}

/**
 * The same after an answer Node's HTTP parser could not get to a request for (oversized or broken
 * headers): the answer is written, the rest of whatever was being sent is read and discarded.
 */
export function drainAfterAnswer(socket: Socket, draining: Set<Socket>, limits: DrainLimits): void {
  if (limits.drainTimeout === 0) {
    socket.destroySoon();
    return;
  }
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.drainLimit) socket.destroy();
  });
  linger(socket, draining, limits.drainTimeout);
}

function linger(socket: Socket, draining: Set<Socket>, timeout: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(); // FIN after the answer
  draining.add(socket);
  const timer = setTimeout(() => socket.destroy(), timeout);
  socket.once('end', () => socket.destroy()); // the client closed its side: nothing more will come
  socket.once('close', () => {
    clearTimeout(timer);
    draining.delete(socket);
  });
}

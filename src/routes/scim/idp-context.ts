import type { FastifyRequest } from 'fastify';
import { RewriteLog } from '../../idp/rewrites.js';

const logs = new WeakMap<FastifyRequest, RewriteLog>();

/** The request's rewrite log, shared by every normalising step and read by the journal. */
export function rewritesOf(request: FastifyRequest): RewriteLog {
  let log = logs.get(request);
  if (!log) {
    log = new RewriteLog();
    logs.set(request, log);
    // The journal context holds the same array, so later rewrites still reach the event.
    request.scim.rewrites = log.items;
  }
  return log;
}

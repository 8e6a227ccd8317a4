import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { GuardRefusal } from '../../zoominfo/lockout-guard.js';

/** The admin API's one error shape: {"error": code, "message": text} (PRODUCT.md §5). */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badInput = (field: string, message: string) => new AdminError(400, 'invalid_input', `${field}: ${message}`, { field });
export const notFoundError = (what: string) => new AdminError(404, 'not_found', `${what} not found`);
export const conflictError = (code: string, message: string, extra: Record<string, unknown> = {}) => new AdminError(409, code, message, extra);

/** The lockout guard's refusal as PRODUCT.md §5 words it: 409 `lockout` with the Admins locked out. */
export const asLockout = (error: unknown): unknown =>
  error instanceof GuardRefusal ? conflictError('lockout', `${error.message}. Send "force": true to go ahead anyway`, { lockedOut: error.lockedOut }) : error;

export function fromZod(error: ZodError): AdminError {
  const issue = error.issues[0]!;
  const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'body');
  return badInput(field, issue.message);
}

export function adminErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ZodError) error = fromZod(error);
  if (error instanceof AdminError) {
    return reply.code(error.status).send({ error: error.code, message: error.message, ...error.extra });
  }
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: 'too_large', message: 'the request body is too large' });
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return reply.code(400).send({ error: 'invalid_json', message: 'the request body is not valid JSON' });
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return reply.code(e.statusCode).send({ error: e.code ?? 'bad_request', message: e.message ?? 'bad request' });
  }
  request.log.error({ err: error }, 'unhandled error in admin route');
  return reply.code(500).send({ error: 'internal', message: 'internal server error' });
}

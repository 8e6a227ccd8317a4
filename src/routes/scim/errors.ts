import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError, badRequest, internalError, invalidSyntax, payloadTooLarge, unsupportedMediaType, uniqueness, invalidValue } from '../../scim/errors.js';
import { responseContentType } from './content-type.js';

/** Maps anything thrown in the SCIM scope to a SCIM error; a client can never cause a 500. */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  const e = error as Partial<FastifyError> & { code?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge('the request body is larger than the server accepts (BODY_LIMIT)');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType('send application/scim+json or application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      // A body shorter or longer than its Content-Length is malformed (Fastify: 400), not a media type.
      return invalidSyntax('the request body does not match its Content-Length');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidSyntax('the request body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidSyntax('the request body is not valid JSON');
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case '23505': // PostgreSQL's unique_violation: another process took the name first
      return uniqueness('a resource with that unique attribute already exists');
  }
  if (e.validation) return invalidValue(e.message ?? 'invalid request');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ScimError(e.statusCode, e.message ?? 'bad request');
  }
  return internalError();
}

export function scimErrorHandler(this: unknown, error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const scimError = toScimError(error);
  // A ScimError is a deliberate answer (an injected 503 included); anything else is a bug to log.
  if (scimError.status >= 500 && !(error instanceof ScimError)) request.log.error({ err: error }, 'unhandled error in SCIM route');
  return reply.code(scimError.status).send(scimError.toDocument());
}

/**
 * Fastify's `frameworkErrors`: a malformed percent-escape in the path (FST_ERR_BAD_URL) is refused
 * before routing, so no scope's error handler sees it and Fastify answered its own JSON. Under
 * /scim/v2 every error must be a SCIM error (PRODUCT.md §2); found by the fuzzer (test/fuzz/).
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 400;
  if (!/^(?:\/accounts\/[^/?#]+)?\/scim(?:[/?#]|$)/i.test(request.url)) {
    return reply.code(status).send({ error: 'Bad Request', code: error.code, message: error.message, statusCode: status });
  }
  const scimError = error.code === 'FST_ERR_BAD_URL' ? badRequest('the URL has a malformed percent-encoding') : toScimError(error);
  return reply.code(scimError.status).header('content-type', responseContentType(request.headers.accept)).send(JSON.stringify(scimError.toDocument()));
}

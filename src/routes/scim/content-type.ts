import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertSafeValue } from '../../scim/forbidden-keys.js';
import { invalidSyntax, unsupportedMediaType } from '../../scim/errors.js';

export const SCIM_JSON = 'application/scim+json';

function parseJsonBody(_request: FastifyRequest, body: string): unknown {
  if (body.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw invalidSyntax(`the request body is not valid JSON: ${(error as Error).message}`);
  }
  assertSafeValue(parsed);
  return parsed;
}

/**
 * RFC 7644 §3.1: application/scim+json, and application/json as IdPs send it. A body without
 * Content-Type is read as JSON too (Okta's own test suite posts one); anything else is 415.
 */
export function registerScimContentTypes(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([SCIM_JSON, 'application/json'], { parseAs: 'string' }, async (req: FastifyRequest, body: string | Buffer) => parseJsonBody(req, body as string));
  app.addContentTypeParser('*', { parseAs: 'string' }, async (request: FastifyRequest, body: string | Buffer) => {
    const type = request.headers['content-type'];
    if (type !== undefined && type.trim() !== '') throw unsupportedMediaType(`unsupported Content-Type "${type}": send ${SCIM_JSON}`);
    return parseJsonBody(request, body as string);
  });
}

/** Responses are scim+json unless the client asks for application/json and not scim+json (OneLogin). */
export function responseContentType(accept: string | undefined): string {
  const wanted = (accept ?? '').toLowerCase();
  if (wanted.includes('application/json') && !wanted.includes(SCIM_JSON)) return 'application/json; charset=utf-8';
  return `${SCIM_JSON}; charset=utf-8`;
}

import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import bearerAuth from '@fastify/bearer-auth';
import { notFound, forbidden } from '../../scim/errors.js';
import { detectIdp } from '../../idp/detect-idp.js';
import { redact, type RequestContext } from '../../journal.js';
import { registerScimContentTypes, responseContentType } from './content-type.js';
import { scimErrorHandler } from './errors.js';
import { rewritesOf } from './idp-context.js';
import { baseUrlOf } from '../base-url.js';
import discoveryRoutes from './discovery.js';
import usersRoutes from './users.js';
import groupsRoutes from './groups.js';

declare module 'fastify' {
  interface FastifyRequest {
    scim: RequestContext;
  }
}

export interface ScimScopeOptions {
  accountId: string;
  /** Where this SCIM API is mounted, e.g. /scim/v2 */
  scimPath: string;
}

const MAX_JOURNALED_RESPONSE = 64 * 1024;

/** The /scim/v2 scope: bearer auth, SCIM errors and 404s, scim+json in and out, the journal. */
const scimScope: FastifyPluginAsync<ScimScopeOptions> = async (app, options) => {
  registerScimContentTypes(app);
  app.setErrorHandler(scimErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(notFound(`no SCIM endpoint ${request.method} ${request.url.split('?')[0]}`).toDocument()),
  );

  app.decorateRequest('scim', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    request.scim = {
      accountId: options.accountId,
      idp: detectIdp(request.headers['user-agent'], undefined),
      method: request.method,
      path: request.url,
      requestId: request.id,
      baseUrl: baseUrlOf(request) + options.scimPath,
    };
  });

  await app.register(bearerAuth, {
    keys: [],
    specCompliance: 'rfc6749', // "bearer" in any case
    verifyErrorLogLevel: 'debug',
    auth: (key: string, request: FastifyRequest) => app.store.accounts.checkToken(request.scim.accountId, 'scim', key),
    errorResponse: () => ({ error: 'unauthorized' }),
  });

  // Once the body is parsed the IdP can also be told by the request's shape (Entra sends no agent).
  app.addHook('preHandler', async (request) => {
    const ctx = request.scim;
    if (/[?&]$/.test(request.url)) rewritesOf(request).add('trailing-query-separator', 'url', request.url.slice(-1));
    if (request.body !== undefined) {
      if (!request.headers['content-type']) rewritesOf(request).add('missing-content-type', 'headers', undefined, 'application/scim+json');
      ctx.body = redact(request.body);
      if (ctx.idp === 'unknown') ctx.idp = detectIdp(request.headers['user-agent'], request.body);
    }
    const account = app.store.accounts.find(ctx.accountId);
    if (!account) throw notFound('no such account');
    // PRODUCT.md §3: ZoomInfo refuses SCIM until SSO is set up and auto-provisioning is on.
    if (!account.settings.ssoConfigured) throw forbidden('SCIM is unavailable: SAML SSO is not configured for this account (ssoConfigured is false)');
    if (!account.settings.autoProvisioning) throw forbidden('SCIM is unavailable: Auto Provisioning User Management is turned off (autoProvisioning is false)');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('content-type', responseContentType(request.headers.accept));
    // RFC 6750 §3: a 401 names the scheme; @fastify/bearer-auth's body is replaced by a SCIM error.
    if (reply.statusCode === 401) {
      reply.header('www-authenticate', 'Bearer realm="scim"');
      const detail = request.headers.authorization ? 'the bearer token is not valid for this SCIM API' : 'an Authorization: Bearer token is required';
      return JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail });
    }
    if (request.method !== 'GET' && typeof payload === 'string' && payload.length <= MAX_JOURNALED_RESPONSE) {
      (reply as unknown as { journaledResponse?: string }).journaledResponse = payload;
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!request.scim || reply.statusCode === 401) return; // unauthenticated noise is not journaled
    const raw = (reply as unknown as { journaledResponse?: string }).journaledResponse;
    let response: unknown = null;
    if (raw) {
      try {
        response = JSON.parse(raw);
      } catch {
        response = raw;
      }
    }
    try {
      app.journal.finish(request.scim, reply.statusCode, Math.round(reply.elapsedTime * 100) / 100, response);
    } catch (error) {
      request.log.error({ err: error }, 'could not journal the request');
    }
  });

  await app.register(discoveryRoutes);
  await app.register(usersRoutes);
  await app.register(groupsRoutes);
};

export default scimScope;

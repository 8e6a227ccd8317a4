import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import bearerAuth from '@fastify/bearer-auth';
import { notFound, forbidden, ScimError } from '../../scim/errors.js';
import { detectIdp, type Idp } from '../../idp/detect-idp.js';
import { redact, redactPath, type RequestContext } from '../../journal.js';
import { registerScimContentTypes, responseContentType } from './content-type.js';
import { scimErrorHandler } from './errors.js';
import { unauthorizedDetail } from './auth-detail.js';
import { rewritesOf } from './idp-context.js';
import { DEFAULT_ACCOUNT } from '../../model/accounts.js';
import { createFaultInjector } from '../../zoominfo/faults.js';
import { hashPasswordsAhead } from '../../zoominfo/passwords.js';
import { baseUrlOf, scimPathOf } from '../base-url.js';
import discoveryRoutes from './discovery.js';
import usersRoutes from './users.js';
import groupsRoutes from './groups.js';
import bulkRoutes from './bulk.js';
import rootSearchRoutes from './root-search.js';

declare module 'fastify' {
  interface FastifyRequest {
    scim: RequestContext;
  }
}

export interface ScimScopeOptions {
  /** The account this scope serves; without one, the `:accountId` of the prefix names it. */
  accountId?: string;
  /** Longest request URL accepted (filters travel in the query string). */
  maxUrlLength: number;
}

const MAX_JOURNALED_RESPONSE = 64 * 1024;
const MAX_HEADER_JOURNALED = 512;

/** The headers a request event keeps (PRODUCT.md §8.2): never Authorization or Cookie. */
function safeHeaders(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['user-agent', 'content-type', 'accept'] as const) {
    const value = request.headers[name];
    if (typeof value === 'string') out[name] = value.slice(0, MAX_HEADER_JOURNALED);
  }
  return out;
}

/** The /scim/v2 scope: bearer auth, SCIM errors and 404s, scim+json in and out, the journal. */
const scimScope: FastifyPluginAsync<ScimScopeOptions> = async (app, options) => {
  registerScimContentTypes(app);
  app.setErrorHandler(scimErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(notFound(`no SCIM endpoint ${request.method} ${request.url.split('?')[0]}`).toDocument()),
  );

  app.decorateRequest('scim', null as unknown as RequestContext);
  const faults = createFaultInjector(app.store.shared.windows);
  // Callback-style hooks (no promise per hook and request) where nothing is awaited: see app.ts.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.url.length > options.maxUrlLength) {
      return done(new ScimError(414, `the URL is longer than ${options.maxUrlLength} characters (MAX_URL_LENGTH); send long filters with POST .search`));
    }
    const accountId = options.accountId ?? (request.params as { accountId?: string }).accountId ?? '';
    // The default account has one address, /scim/v2 (PRODUCT.md §7).
    if (!options.accountId && accountId === DEFAULT_ACCOUNT) return done(notFound('the default account is served at /scim/v2'));
    request.scim = {
      accountId,
      idp: detectIdp(request.headers['user-agent'], undefined),
      method: request.method,
      path: redactPath(request.url),
      requestId: request.id,
      baseUrl: baseUrlOf(request) + scimPathOf(accountId),
      headers: safeHeaders(request),
    };
    done();
  });

  await app.register(bearerAuth, {
    keys: [],
    specCompliance: 'rfc6749', // "bearer" in any case
    verifyErrorLogLevel: 'debug',
    auth: (key: string, request: FastifyRequest) => app.store.accounts.checkToken(request.scim.accountId, 'scim', key),
    errorResponse: () => ({ error: 'unauthorized' }),
  });

  // Once the body is parsed the IdP can also be told by the request's shape (Entra sends no agent).
  app.addHook('preHandler', (request, _reply, done) => {
    let wait: Promise<void> | undefined;
    try {
      wait = prepare(request);
    } catch (error) {
      return done(error as Error);
    }
    if (!wait) return done();
    wait.then(() => done(), (error: Error) => done(error));
  });

  /** What every request needs before its route; a promise only when something must be awaited. */
  const prepare = (request: FastifyRequest): Promise<void> | undefined => {
    const ctx = request.scim;
    const passwords: string[] = [];
    if (/[?&]$/.test(request.url)) rewritesOf(request).add('trailing-query-separator', 'url', request.url.slice(-1));
    if (request.body !== undefined) {
      if (!request.headers['content-type']) rewritesOf(request).add('missing-content-type', 'headers', undefined, 'application/scim+json');
      ctx.body = redact(request.body, passwords);
      if (ctx.idp === 'unknown') ctx.idp = detectIdp(request.headers['user-agent'], request.body);
    }
    const account = app.store.accounts.find(ctx.accountId);
    if (!account) throw notFound('no such account');
    // PRODUCT.md §8.2: a request with no signal of its own (no User-Agent, a shape no IdP owns) is
    // labelled with the IdP the settings expect, else the one last recognised on the account.
    if (ctx.idp === 'unknown' && !request.headers['user-agent']?.trim()) {
      const inferred = account.settings.expectedIdp ?? (app.store.events.lastRecognisedIdp(ctx.accountId) as Idp | null);
      if (inferred) {
        ctx.idp = inferred;
        ctx.idpInferred = true;
      }
    }
    // PRODUCT.md §3: ZoomInfo refuses SCIM until SSO is set up and auto-provisioning is on.
    if (!account.settings.ssoConfigured) throw forbidden('SCIM is unavailable: SAML SSO is not configured for this account (ssoConfigured is false)');
    if (!account.settings.autoProvisioning) throw forbidden('SCIM is unavailable: Auto Provisioning User Management is turned off (autoProvisioning is false)');
    // PRODUCT.md §7: faults rehearse an IdP's retries; each one injected is journaled as such.
    const plan = faults.plan(ctx.accountId, account.settings.faults, request.method, request.url.slice(scimPathOf(ctx.accountId).length));
    const afterLatency = () => {
      if (plan.fault) {
        app.journal.change(ctx, { type: 'fault.injected', level: 'warning', trigger: plan.fault.kind, message: plan.fault.detail, data: { status: plan.fault.status } });
        // No Retry-After on the 429, as ZoomInfo's API sends none: the IdP's own back-off is rehearsed.
        throw new ScimError(plan.fault.status, plan.fault.detail);
      }
      // Only for a request that will run: hashed off the event loop, before the write (passwords.ts).
      if (passwords.length) return hashPasswordsAhead(passwords).then((digests) => void (ctx.passwordDigests = digests));
      return undefined;
    };
    if (plan.latencyMs > 0) return new Promise((resolve) => setTimeout(resolve, plan.latencyMs)).then(afterLatency);
    return afterLatency();
  };

  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('content-type', responseContentType(request.headers.accept));
    // RFC 6750 §3: a 401 names the scheme; @fastify/bearer-auth's body is replaced by a SCIM error.
    if (reply.statusCode === 401) {
      reply.header('www-authenticate', 'Bearer realm="scim"');
      return done(null, JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: unauthorizedDetail(request) }));
    }
    if (request.method !== 'GET' && typeof payload === 'string' && payload.length <= MAX_JOURNALED_RESPONSE) {
      (reply as unknown as { journaledResponse?: string }).journaledResponse = payload;
    }
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    journalResponse(request, reply);
    done();
  });

  const journalResponse = (request: FastifyRequest, reply: FastifyReply): void => {
    // Refused tokens are journaled too (without a body): a wrong token is the commonest IdP setup error.
    if (!request.scim) return;
    // A write's answer was journaled inside its own transaction already (resource-routes.ts).
    const raw = request.scim.outcomeRecorded ? undefined : (reply as unknown as { journaledResponse?: string }).journaledResponse;
    let response: unknown = null;
    if (raw) {
      try {
        response = JSON.parse(raw);
      } catch {
        response = raw;
      }
    }
    const durationMs = Math.round(reply.elapsedTime * 100) / 100;
    try {
      // The id in the path is the client's: only an account that exists gets events of its own.
      if (!options.accountId && request.scim.requestEventId === undefined && !app.store.accounts.find(request.scim.accountId)) {
        app.journal.unknownAccount(request.scim, reply.statusCode, durationMs);
        return;
      }
      app.journal.finish(request.scim, reply.statusCode, durationMs, response);
    } catch (error) {
      request.log.error({ err: error }, 'could not journal the request');
    }
  };

  await app.register(discoveryRoutes);
  await app.register(usersRoutes);
  await app.register(groupsRoutes);
  await app.register(bulkRoutes);
  await app.register(rootSearchRoutes);
};

export default scimScope;

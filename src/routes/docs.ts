import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** openapi/openapi.yaml at the repository root: two levels above both src/routes and dist/routes. */
export const OPENAPI_PATH = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

/**
 * The page may load nothing but this server's own files: Swagger UI, its initializer and the
 * document (no CDN, no fonts, no validator badge). Swagger UI sets inline style attributes, hence
 * 'unsafe-inline' for styles only; scripts are files from this origin.
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface DocsOptions {
  /** The OpenAPI document; defaults to openapi/openapi.yaml. */
  path?: string;
}

/** Swagger UI over the document, in a Fastify instance of its own. */
async function buildDocsApp(path: string): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ]);
  const docs = Fastify({ logger: false });
  await docs.register(swagger, { mode: 'static', specification: { path, baseDir: dirname(path) } });
  await docs.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    validatorUrl: false, // no badge fetched from validator.swagger.io
    theme: { title: 'ZoomInfo SCIM Sandbox API' },
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, tryItOutEnabled: false },
  });
  await docs.ready();
  return docs;
}

/** Headers of the inner answer that the outer server sets itself. */
const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

/**
 * GET /openapi.yaml (the document as in the repository, read once at start) and GET /docs, the
 * same document in Swagger UI, served from node_modules (PRODUCT.md §6). Public, like /healthz.
 *
 * Swagger UI is built on the first visit to /docs, not at start: @fastify/swagger parses the
 * 140 KB YAML document when registered (with its modules, about 1.3 s of the sandbox's start on
 * the benchmark machine; the issue "Performance" asks for a start under 1 s). Its routes are
 * answered by that inner instance through inject, headers (the CSP included) and all.
 */
const docsRoutes: FastifyPluginAsync<DocsOptions> = async (app, options) => {
  const path = options.path ?? OPENAPI_PATH;
  const text = readFileSync(path, 'utf8');

  app.get('/openapi.yaml', async (_request, reply) => reply.type('text/yaml; charset=utf-8').send(text));

  let docs: Promise<FastifyInstance> | undefined;
  app.addHook('onClose', async () => {
    if (docs) await (await docs.catch(() => undefined))?.close();
  });
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    docs ??= buildDocsApp(path).catch((error: unknown) => {
      docs = undefined; // the next visit tries again
      throw error;
    });
    const answer = await (await docs).inject({ method: 'GET', url: request.url, headers: request.headers });
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name)) reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  // The routes @fastify/swagger-ui registers, so the route table (and the OpenAPI document that
  // describes it) is the same as when it was registered here directly.
  for (const url of ['/docs', '/docs/static/index.html', '/docs/static/swagger-initializer.js', '/docs/json', '/docs/yaml', '/docs/static/*']) {
    app.get(url, forward);
  }
};

export default docsRoutes;

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/** openapi/openapi.yaml at the repository root: two levels above both src/routes and dist/routes. */
export const OPENAPI_PATH = new URL('../../openapi/openapi.yaml', import.meta.url).pathname;

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

/**
 * GET /openapi.yaml (the document as in the repository, read once at start) and GET /docs, the
 * same document in Swagger UI, served from node_modules (PRODUCT.md §6). Public, like /healthz.
 */
const docsRoutes: FastifyPluginAsync<DocsOptions> = async (app, options) => {
  const path = options.path ?? OPENAPI_PATH;
  const text = readFileSync(path, 'utf8');

  app.get('/openapi.yaml', async (_request, reply) => reply.type('text/yaml; charset=utf-8').send(text));

  await app.register(swagger, { mode: 'static', specification: { path, baseDir: dirname(path) } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    validatorUrl: false, // no badge fetched from validator.swagger.io
    theme: { title: 'ZoomInfo SCIM Sandbox API' },
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, tryItOutEnabled: false },
  });
};

export default docsRoutes;

import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { createTestApp, SCIM_TOKEN, type TestApp } from '../helpers/test-app.js';
import { rawRequest } from '../helpers/scim-http.js';
import { OpenApiValidator, toOpenApiPath, watchResponses, type ResponseMismatch } from '../helpers/openapi-validator.js';
import { OPENAPI_PATH } from '../../src/routes/docs.js';
import { userSchema } from '../../src/scim/schema/user-schema.js';
import { groupSchema } from '../../src/scim/schema/group-schema.js';
import { enterpriseUserSchema } from '../../src/scim/schema/enterprise-user-schema.js';
import { zoomInfoUserSchema } from '../../src/scim/schema/zoominfo-user-schema.js';
import type { AttributeDef } from '../../src/scim/schema/types.js';

// Every Fastify instance this file builds reports its routes here, so the document can be compared
// with what the app really registers (an onRoute hook must exist before the first route).
const registered = vi.hoisted(() => [] as { method: string; url: string }[]);
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  const original = mod.default;
  const wrapped = ((options?: Parameters<typeof original>[0]) => {
    const app = original(options);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push({ method: String(method), url: route.url });
    });
    return app;
  }) as typeof original;
  Object.assign(wrapped, original);
  return { ...mod, default: wrapped, fastify: wrapped };
});

type Json = Record<string, unknown>;
const document = parse(readFileSync(OPENAPI_PATH, 'utf8')) as Json;
const validator = new OpenApiValidator();

let t: TestApp;
/** The routes of the real app (the validator's own tests below build more Fastify instances). */
let appRoutes: { method: string; url: string }[] = [];
beforeAll(async () => {
  registered.length = 0;
  t = await createTestApp();
  appRoutes = [...registered];
});
afterAll(() => t.close());

describe('openapi/openapi.yaml', () => {
  it('is an OpenAPI 3.1 document whose every schema compiles as JSON Schema 2020-12', () => {
    expect(document.openapi).toBe('3.1.0');
    const compile = (schema: unknown, where: string) => {
      expect(() => validator.compile(schema), where).not.toThrow();
    };
    for (const [name, schema] of Object.entries((document.components as Json).schemas as Json)) compile(schema, `components.schemas.${name}`);
    // Each response's content and header schemas, wherever they are written.
    const deref = (value: unknown): Json => {
      let node = value as Json;
      while (typeof node?.$ref === 'string') {
        node = (node.$ref as string).slice(2).split('/').reduce<Json>((n, k) => n[k] as Json, document);
      }
      return node;
    };
    const operations = Object.entries(document.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json)
        .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method))
        .map(([method, operation]) => ({ operation: `${method.toUpperCase()} ${path}`, responses: (operation as Json).responses as Json })),
    );
    expect(operations.length).toBeGreaterThan(60);
    for (const { operation, responses } of operations) {
      for (const [status, response] of Object.entries(responses)) {
        const r = deref(response);
        for (const [type, media] of Object.entries((r.content ?? {}) as Json)) compile(deref(media).schema ?? {}, `${operation} ${status} ${type}`);
        for (const [name, header] of Object.entries((r.headers ?? {}) as Json)) compile(deref(header).schema ?? {}, `${operation} ${status} header ${name}`);
      }
    }
    for (const [prefix, responses] of Object.entries(document['x-unmatched-routes'] as Json)) {
      for (const [status, response] of Object.entries(responses as Json)) {
        for (const [type, media] of Object.entries((deref(response).content ?? {}) as Json)) compile(deref(media).schema ?? {}, `unmatched ${prefix} ${status} ${type}`);
      }
    }
  });

  it('describes every route the app registers, and nothing the app does not have', () => {
    expect(appRoutes.length).toBeGreaterThan(30);
    const key = (method: string, path: string) => `${method.toUpperCase()} ${path.toLowerCase().replace(/\{[^}]*\}/g, '{}')}`;
    const routes = new Set(appRoutes.map((r) => key(r.method, toOpenApiPath(r.url))));
    // HEAD routes that Fastify adds for each GET (exposeHeadRoutes) are implied by the GET.
    const own = [...routes].filter((r) => !(r.startsWith('HEAD ') && routes.has(r.replace(/^HEAD /, 'GET '))));
    const documented = new Set(validator.operations().map((op) => key(op.split(' ')[0]!, op.split(' ')[1]!)));
    expect(own.filter((r) => !documented.has(r)), 'routes the document does not describe').toEqual([]);
    expect([...documented].filter((op) => !routes.has(op)), 'operations the app does not have').toEqual([]);
  });

  it("describes each SCIM schema's attributes as the server advertises them in /Schemas", () => {
    const schemas = (document.components as Json).schemas as Record<string, Json>;
    const names = (defs: AttributeDef[]) => defs.filter((d) => d.returned !== 'never').map((d) => d.name).sort();
    const props = (schema: Json) => Object.keys(schema.properties as Json);
    const user = props(schemas.User!).filter((p) => !['schemas', 'id', 'externalId', 'meta'].includes(p) && !p.startsWith('urn:'));
    expect(user.sort()).toEqual(names(userSchema.attributes));
    expect(props(schemas.User!)).toEqual(expect.arrayContaining([enterpriseUserSchema.id, zoomInfoUserSchema.id]));
    expect(props(schemas.EnterpriseUser!).sort()).toEqual(names(enterpriseUserSchema.attributes));
    expect(props(schemas.ZoomInfoUser!).sort()).toEqual(names(zoomInfoUserSchema.attributes));
    const group = props(schemas.Group!).filter((p) => !['schemas', 'id', 'externalId', 'meta'].includes(p));
    expect(group.sort()).toEqual(names(groupSchema.attributes));
    // ZoomInfo's closed lists are the same on both sides.
    const zi = schemas.ZoomInfoUser!.properties as Record<string, Json>;
    const canonical = (name: string) => zoomInfoUserSchema.attributes.find((a) => a.name === name)!.canonicalValues;
    expect(zi.role!.enum).toEqual(canonical('role'));
    expect((zi.licenses!.items as Json).enum).toEqual(canonical('licenses'));
    const credits = zoomInfoUserSchema.attributes.find((a) => a.name === 'credits')!.subAttributes!;
    expect((((zi.credits!.properties as Json).resetPeriod as Json).enum)).toEqual(credits.find((a) => a.name === 'resetPeriod')!.canonicalValues);
  });
});

describe('the response validator', () => {
  const build = async (register: (app: FastifyInstance) => void) => {
    const app = Fastify();
    register(app);
    const mismatches: ResponseMismatch[] = [];
    watchResponses(app, mismatches, validator);
    await app.ready();
    return { app, mismatches };
  };

  it('passes a response the document describes', async () => {
    const { app, mismatches } = await build((a) => a.get('/healthz', async () => ({ status: 'ok' })));
    await app.inject('/healthz');
    await app.close();
    expect(mismatches).toEqual([]);
  });

  it('fails an undocumented status, a body off the schema and an undocumented content type', async () => {
    const { app, mismatches } = await build((a) => {
      a.get('/healthz', async (request, reply) => {
        const kind = (request.query as { kind?: string }).kind;
        if (kind === 'status') return reply.code(418).send({ status: 'ok' });
        if (kind === 'type') return reply.type('text/plain').send('ok');
        return { status: 'fine' };
      });
    });
    await app.inject('/healthz?kind=status');
    await app.inject('/healthz?kind=body');
    await app.inject('/healthz?kind=type');
    await app.close();
    expect(mismatches.map((m) => m.problem)).toEqual([
      expect.stringContaining('undocumented status 418'),
      expect.stringMatching(/does not match the schema: \/status must be equal to constant/),
      expect.stringContaining('undocumented content type text/plain'),
    ]);
  });

  it('fails a route the document does not describe, and a 404 not shaped as its prefix says', async () => {
    const { app, mismatches } = await build((a) => a.get('/undocumented', async () => ({})));
    await app.inject('/undocumented');
    await app.inject('/scim/v2/Nowhere'); // Fastify's own 404 body, not a SCIM error
    await app.inject('/nowhere'); // Fastify's own 404 body: the sandbox answers a SCIM error naming the base URL
    await app.close();
    expect(mismatches.map((m) => m.problem)).toEqual([
      expect.stringContaining('/undocumented is not described'),
      expect.stringContaining('does not match the schema'),
      expect.stringContaining('does not match the schema'),
    ]);
  });

  it('checks each line of a streamed NDJSON body, and passes the stream on unchanged', async () => {
    const lines = ['{"id":1,"at":"2025-01-01T00:00:00.000Z","type":"request","actor":"idp","idp":"okta"}\n', '{"id":"two"}\n'];
    const { app, mismatches } = await build((a) =>
      a.get('/admin/api/events', async (_request, reply) => reply.type('application/x-ndjson').send(Readable.from(lines))),
    );
    const res = await app.inject('/admin/api/events');
    await app.close();
    expect(res.body).toBe(lines.join(''));
    expect(mismatches.map((m) => m.problem)).toEqual([expect.stringMatching(/^line 2 does not match the schema/)]);
  });

  it('checks required headers and SCIM error status strings', async () => {
    const { app, mismatches } = await build((a) => {
      a.get('/scim/v2/Users/:id', async (_request, reply) =>
        reply.code(404).type('application/scim+json').send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', detail: 'x' }),
      );
      a.post('/scim/v2/Users', async (_request, reply) => reply.code(201).type('application/scim+json').send({}));
    });
    await app.inject('/scim/v2/Users/1');
    await app.inject({ method: 'POST', url: '/scim/v2/Users', payload: {} });
    await app.close();
    const problems = mismatches.map((m) => m.problem).join('\n');
    expect(problems).toMatch(/\/status must be equal to constant/);
    expect(problems).toMatch(/missing required header Location/);
    expect(problems).toMatch(/missing required header ETag/);
  });
});

describe('requests that match no route', () => {
  // Checked here from the client's side: a URL Fastify cannot parse is answered by its
  // frameworkErrors handler, which runs no hooks, so createTestApp's validator never sees it.
  it('are answered in the shape their prefix documents', async () => {
    const scim = { Authorization: `Bearer ${SCIM_TOKEN}` };
    const cases: [string, number, Record<string, string>][] = [
      ['/scim/v2/Nowhere', 404, scim],
      ['/scim/v2/Nowhere', 401, {}],
      ['/scim/v2/Users/%zz', 400, scim],
      ['/accounts/nobody/scim/v2/Users', 401, scim],
      ['/accounts/default/scim/v2/Users', 404, scim],
      ['/accounts/nobody/scim/v2/Users/%zz', 400, scim],
      ['/admin/api/nowhere', 401, {}],
      ['/nowhere', 404, {}],
      ['/nowhere/%zz', 400, {}],
    ];
    for (const [path, status, headers] of cases) {
      const res = await rawRequest(t, 'GET', path, undefined, headers);
      expect(res.status, path).toBe(status);
      expect(validator.check({ method: 'GET', url: path, route: undefined, status: res.status, headers: res.headers, body: res.text }), path).toEqual([]);
    }
  });
});

describe('GET /openapi.yaml and /docs', () => {
  it('serves the document as it is in the repository', async () => {
    const res = await t.http.get('/openapi.yaml').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/yaml/);
    expect(res.text).toBe(readFileSync(OPENAPI_PATH, 'utf8'));
  });

  it('serves a browsable page that loads nothing from elsewhere', async () => {
    const page = await t.http.get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:|\*/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/docs\//);
      const res = await t.http.get(asset);
      expect(res.status, asset).toBe(200);
    }
    const init = await t.http.get('/docs/static/swagger-initializer.js').expect(200);
    expect(init.text).toContain("resolveUrl('./json')");
    expect(init.text).toMatch(/validatorUrl: null/);
    const json = await t.http.get('/docs/json').expect(200);
    expect(json.body.openapi).toBe('3.1.0');
    expect(json.body.paths['/scim/v2/Users']).toBeDefined();
  });

  it('needs no token, while SCIM still does', async () => {
    await t.http.get('/openapi.yaml').set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(200);
    await t.http.get('/docs').expect(200);
    await t.http.get('/scim/v2/ServiceProviderConfig').expect(401);
    const config = await t.scim.get('/ServiceProviderConfig').expect(200);
    expect(config.body.documentationUri).toMatch(/\/docs$/);
  });
});

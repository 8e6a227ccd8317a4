import type { FastifyPluginAsync, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { LIST_RESPONSE } from '../../scim/schema/urns.js';
import * as docs from '../../scim/discovery.js';
import { allSchemas, findResourceType, findSchema, resourceTypes } from '../../scim/discovery.js';
import { methodNotAllowed, notFound } from '../../scim/errors.js';

const list = (resources: unknown[]) => ({
  schemas: [LIST_RESPONSE],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

const WRITE_METHODS: HTTPMethods[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** RFC 7644 §4: discovery is read-only; any other method is 405 (Okta's own test checks it). */
const discoveryRoutes: FastifyPluginAsync = async (app) => {
  const base = (request: { scim: { baseUrl: string } }) => request.scim.baseUrl;

  app.get('/ServiceProviderConfig', async (request) => docs.serviceProviderConfig(base(request), app.limits));
  app.get('/ResourceTypes', async (request) => list(resourceTypes.map((rt) => docs.resourceTypeDocument(rt, base(request)))));
  app.get<{ Params: { id: string } }>('/ResourceTypes/:id', async (request) => {
    const rt = findResourceType(request.params.id);
    if (!rt) throw notFound(`no resource type "${request.params.id}"`);
    return docs.resourceTypeDocument(rt, base(request));
  });
  app.get('/Schemas', async (request) => list(allSchemas.map((s) => docs.schemaDocument(s, base(request)))));
  app.get<{ Params: { id: string } }>('/Schemas/:id', async (request) => {
    const schema = findSchema(request.params.id);
    if (!schema) throw notFound(`no schema "${request.params.id}"`);
    return docs.schemaDocument(schema, base(request));
  });

  /**
   * Refused in onRequest (after the scope's bearer check), before any body is read: the answer is
   * 405 whatever the body and Content-Type (Okta's test posts `test` as scim+json), and RFC 9110
   * §15.5.6 wants the methods that are allowed in `Allow`.
   */
  for (const url of ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/:id', '/Schemas', '/Schemas/:id']) {
    const refuse = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header('allow', 'GET');
      throw methodNotAllowed(`${request.method} is not allowed on ${url.replace('/:id', '')}: discovery endpoints are read-only (Allow: GET)`);
    };
    app.route({ method: WRITE_METHODS, url, onRequest: refuse, handler: refuse });
  }
};

export default discoveryRoutes;

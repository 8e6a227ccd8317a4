import type { FastifyPluginAsync } from 'fastify';
import type { JsonObject } from '../../scim/validate-resource.js';
import { readListParams } from '../../scim/list-params.js';
import { groupResourceType, userResourceType } from '../../scim/schema/resource-types.js';
import { invalidSyntax } from '../../scim/errors.js';
import { normaliseAttributeParams } from '../../idp/normalise.js';
import { searchAcrossTypes } from '../../provisioning/root-search.js';
import { listResponse } from './resource-routes.js';
import { rewritesOf } from './idp-context.js';

/** RFC 7644 §3.4.3: `POST /.search` at the SCIM root searches Users and Groups together. */
const rootSearchRoutes: FastifyPluginAsync = async (app) => {
  app.post('/.search', async (request) => {
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
      throw invalidSyntax('a search request needs a JSON body');
    }
    const params = readListParams(request.body as JsonObject, true, app.limits.maxResults);
    const log = rewritesOf(request);
    const result = searchAcrossTypes(
      [
        { rt: userResourceType, normalise: (p) => normaliseAttributeParams(userResourceType, p, log), list: (p) => app.users.list(request.scim, p) },
        { rt: groupResourceType, normalise: (p) => normaliseAttributeParams(groupResourceType, p, log), list: (p) => app.groups.list(request.scim, p) },
      ],
      params,
    );
    return listResponse(result);
  });
};

export default rootSearchRoutes;

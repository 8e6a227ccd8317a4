import type { FastifyInstance } from 'fastify';
import type { ResourceTypeDef } from '../../scim/schema/resource-types.js';
import type { RequestContext } from '../../journal.js';
import type { RewriteLog } from '../../idp/rewrites.js';
import type { ResourceService } from './resource-routes.js';
import { readPatchRequest } from '../../scim/patch/apply-patch.js';
import { normalisePatchBody, normaliseResourceBody } from '../../idp/normalise.js';
import { checkResourceSchemas } from '../../scim/validate-resource.js';
import { dropUnknownInPatch, dropUnknownInResource } from '../../idp/unknown-attributes.js';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One SCIM write, normalised exactly as its own request would be: the single routes and each
 * /Bulk operation go through here, so they share the IdP normaliser, the rules and the journal.
 */
export function performWrite<T extends { id: string; version: number }>(
  app: FastifyInstance,
  rt: ResourceTypeDef,
  service: ResourceService<T>,
  ctx: RequestContext,
  log: RewriteLog,
  write: { method: WriteMethod; id?: string; body?: unknown; ifMatch?: string },
): T | null {
  // PRODUCT.md §8.3: what happens to attributes no schema knows is the account's setting.
  const policy = app.store.accounts.find(ctx.accountId)?.settings.unknownAttributes ?? 'ignore';
  const resourceBody = () => {
    const body = dropUnknownInResource(rt, normaliseResourceBody(rt, write.body, log).body, log, policy);
    checkResourceSchemas(rt, body);
    return body;
  };
  switch (write.method) {
    case 'POST':
      return service.create(ctx, resourceBody());
    case 'PUT':
      return service.replace(ctx, write.id!, resourceBody(), write.ifMatch);
    case 'PATCH':
      return service.patch(ctx, write.id!, readPatchRequest(dropUnknownInPatch(rt, normalisePatchBody(rt, write.body, log).body, log, policy), app.limits.patchOperations), write.ifMatch);
    case 'DELETE':
      service.remove(ctx, write.id!, write.ifMatch);
      return null;
  }
}

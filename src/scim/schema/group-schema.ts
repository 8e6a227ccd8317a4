import { attr } from './attribute.js';
import type { SchemaDef } from './types.js';
import { GROUP_SCHEMA } from './urns.js';

// RFC 7643 §8.7.1 "urn:ietf:params:scim:schemas:core:2.0:Group". Product deviations are marked
// "Product:"; everything else is as the RFC's JSON representation gives it.
export const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    // Product: required and unique per server (the RFC JSON has required false, uniqueness none).
    attr('displayName', 'string', {
      description: 'A human-readable name for the Group.',
      required: true,
      caseExact: false,
      uniqueness: 'server',
    }),
    attr('members', 'complex', {
      multiValued: true,
      description: 'A list of members of the Group.',
      subAttributes: [
        // Product: caseExact true (RFC: false).
        attr('value', 'string', {
          description: 'Identifier of the member of this Group.',
          caseExact: true,
          mutability: 'immutable',
        }),
        attr('$ref', 'reference', {
          description: 'The URI corresponding to a SCIM resource that is a member of this Group.',
          referenceTypes: ['User', 'Group'],
          mutability: 'immutable',
        }),
        // Product: `display` is in the RFC's §4.2 prose but not its §8.7.1 JSON.
        attr('display', 'string', {
          description: 'A human-readable name, primarily used for display purposes.',
          mutability: 'immutable',
        }),
        attr('type', 'string', {
          description: "A label indicating the type of resource, e.g., 'User' or 'Group'.",
          canonicalValues: ['User', 'Group'],
          mutability: 'immutable',
        }),
      ],
    }),
  ],
};

import { attr } from './attribute.js';
import type { AttributeDef } from './types.js';

// RFC 7643 §3.1 common attributes. They belong to every resource but to no schema's `attributes`,
// so they are kept here for filtering, sorting and PATCH path resolution.
export const commonAttributes: AttributeDef[] = [
  attr('id', 'string', {
    description: 'A unique identifier for a SCIM resource as defined by the service provider.',
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attr('externalId', 'string', {
    description: 'A String that is an identifier for the resource as defined by the provisioning client.',
    caseExact: true,
  }),
  attr('meta', 'complex', {
    description: 'A complex attribute containing resource metadata.',
    mutability: 'readOnly',
    subAttributes: [
      attr('resourceType', 'string', {
        description: 'The name of the resource type of the resource.',
        mutability: 'readOnly',
      }),
      attr('created', 'dateTime', {
        description: 'The "DateTime" that the resource was added to the service provider.',
        mutability: 'readOnly',
      }),
      attr('lastModified', 'dateTime', {
        description: 'The most recent DateTime that the details of this resource were updated at the service provider.',
        mutability: 'readOnly',
      }),
      attr('location', 'reference', {
        description: 'The URI of the resource being returned.',
        referenceTypes: ['uri'],
        mutability: 'readOnly',
      }),
      attr('version', 'string', {
        description: 'The version of the resource being returned.',
        caseExact: true,
        mutability: 'readOnly',
      }),
    ],
  }),
];

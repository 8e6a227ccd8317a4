import { attr } from './attribute.js';
import type { SchemaDef } from './types.js';
import { ENTERPRISE_USER_SCHEMA } from './urns.js';

// RFC 7643 §8.7.1 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User". Product deviations
// are marked "Product:"; everything else is as the RFC's JSON representation gives it.
export const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', {
      description:
        'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.',
    }),
    attr('costCenter', 'string', { description: 'Identifies the name of a cost center.' }),
    attr('organization', 'string', { description: 'Identifies the name of an organization.' }),
    attr('division', 'string', { description: 'Identifies the name of a division.' }),
    attr('department', 'string', { description: 'Identifies the name of a department.' }),
    attr('manager', 'complex', {
      description:
        "The User's manager, optionally representing organizational hierarchy by referencing the 'id' attribute of another User.",
      subAttributes: [
        // Product: caseExact true (RFC: false).
        attr('value', 'string', {
          description: "The id of the SCIM resource representing the User's manager.",
          caseExact: true,
        }),
        attr('$ref', 'reference', {
          description: "The URI of the SCIM resource representing the User's manager.",
          referenceTypes: ['User'],
        }),
        attr('displayName', 'string', {
          description: "The displayName of the User's manager.",
          mutability: 'readOnly',
        }),
      ],
    }),
  ],
};

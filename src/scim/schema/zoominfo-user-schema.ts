import { attr } from './attribute.js';
import type { SchemaDef } from './types.js';
import { ZOOMINFO_USER_SCHEMA } from './urns.js';

// ZoomInfo's own User extension: platform role, product licenses and credit allocation.
export const zoomInfoUserSchema: SchemaDef = {
  id: ZOOMINFO_USER_SCHEMA,
  name: 'ZoomInfoUser',
  description: 'ZoomInfo platform settings for a User: role, product licenses and credit allocation.',
  attributes: [
    attr('role', 'string', {
      description: "The User's ZoomInfo platform role; defaults to 'User' when not given.",
      caseExact: true,
      canonicalValues: ['User', 'Admin'],
    }),
    attr('licenses', 'string', {
      multiValued: true,
      description: 'The ZoomInfo products the User is licensed for.',
      caseExact: true,
      canonicalValues: ['SalesOS', 'MarketingOS', 'TalentOS', 'OperationsOS', 'Copilot'],
    }),
    attr('credits', 'complex', {
      description: "The User's credit allocation and how often it resets.",
      subAttributes: [
        attr('allocation', 'integer', { description: 'The number of credits allocated to the User per period.' }),
        attr('resetPeriod', 'string', {
          description: "How often the User's credit allocation resets.",
          caseExact: true,
          canonicalValues: ['monthly', 'quarterly', 'annually', 'never'],
        }),
      ],
    }),
  ],
};

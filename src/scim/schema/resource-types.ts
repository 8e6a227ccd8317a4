import type { SchemaDef } from './types.js';
import { userSchema } from './user-schema.js';
import { groupSchema } from './group-schema.js';
import { enterpriseUserSchema } from './enterprise-user-schema.js';
import { zoomInfoUserSchema } from './zoominfo-user-schema.js';

export interface SchemaExtensionDef {
  schema: SchemaDef;
  required: boolean;
}

export interface ResourceTypeDef {
  id: 'User' | 'Group';
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  description: string;
  schema: SchemaDef;
  extensions: SchemaExtensionDef[];
}

export const userResourceType: ResourceTypeDef = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'ZoomInfo platform user',
  schema: userSchema,
  extensions: [
    { schema: enterpriseUserSchema, required: false },
    { schema: zoomInfoUserSchema, required: false },
  ],
};

export const groupResourceType: ResourceTypeDef = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'ZoomInfo group',
  schema: groupSchema,
  extensions: [],
};

export const resourceTypes: readonly ResourceTypeDef[] = [userResourceType, groupResourceType];

export const allSchemas: readonly SchemaDef[] = [userSchema, groupSchema, enterpriseUserSchema, zoomInfoUserSchema];

/** Every schema URN a resource of this type may carry in `schemas`. */
export const schemaIdsOf = (rt: ResourceTypeDef): string[] => [rt.schema.id, ...rt.extensions.map((e) => e.schema.id)];

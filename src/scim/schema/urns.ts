// SCIM 2.0 URNs (RFC 7643 §8.7, RFC 7644 §3) plus the ZoomInfo User extension.

// Resource schemas.
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User' as const;
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group' as const;
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' as const;
export const ZOOMINFO_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User' as const;

// Protocol messages (RFC 7644).
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse' as const;
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp' as const;
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error' as const;
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest' as const;
export const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest' as const;
export const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse' as const;

// Discovery schemas (RFC 7643 §5–§7).
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig' as const;
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType' as const;
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema' as const;

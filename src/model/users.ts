/** Users as the store keeps them (PRODUCT.md §2, §3). */
export interface DeprovisionedBy {
  trigger: 'active-false' | 'delete' | 'group-removal' | 'group-delete';
  method: string;
  path: string;
  idp: string;
  at: string;
  eventId: number | null;
  groupId?: string;
  groupName?: string;
}

export interface UserRow {
  seq: number;
  id: string;
  accountId: string;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
  source: 'scim' | 'local';
  ssoLinked: boolean;
  passwordDigest: string | null;
  scimDeletedAt: string | null;
  deprovisionedAt: string | null;
  deprovisionedBy: DeprovisionedBy | null;
  createdAt: string;
  lastModified: string;
  version: number;
  /** The stored resource JSON (no id, meta, groups or password). */
  resource: string;
}

export type NewUser = Omit<UserRow, 'seq' | 'version'>;

/** Which users the SCIM API may see (PRODUCT.md §3 scimVisibility; SCIM-deleted users never). */
export type Visibility = 'scim-only' | 'all';

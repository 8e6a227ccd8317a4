import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { ENTERPRISE_USER_SCHEMA, ZOOMINFO_USER_SCHEMA } from '../scim/schema/urns.js';

const GIVEN = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Tim', 'Radia', 'Edsger', 'Sophie', 'John', 'Hedy'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Berners-Lee', 'Perlman', 'Dijkstra', 'Wilson', 'McCarthy', 'Lamarr'];
const DEPARTMENTS = ['Sales', 'Marketing', 'Engineering', 'Finance', 'Operations', 'Support'];
const LICENSES = [['SalesOS'], ['MarketingOS'], ['SalesOS', 'MarketingOS'], ['TalentOS'], ['OperationsOS']];

export interface SeedPlan {
  users: number;
  groups: number;
  membersPerGroup: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Synthetic SCIM-provisioned users and groups written straight through the store in batches of
 * 2,000 rows a transaction: 100,000 users take seconds, not the minutes HTTP would.
 */
export function seedSyntheticData(store: Store, accountId: string, plan: SeedPlan): { userIds: string[]; groupIds: string[] } {
  const at = new Date().toISOString();
  const tag = Date.now().toString(36);
  const userIds: string[] = [];
  const total = plan.users + plan.groups;
  const BATCH = 2000;
  for (let start = 0; start < plan.users; start += BATCH) {
    store.transaction(() => {
      const batch: Parameters<Store['users']['insertMany']>[0] = [];
      for (let i = start; i < Math.min(plan.users, start + BATCH); i++) {
        const givenName = GIVEN[i % GIVEN.length]!;
        const familyName = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!;
        const userName = `${givenName}.${familyName}.${i}.${tag}@example.com`.toLowerCase();
        const resource = {
          userName,
          externalId: `ext-${tag}-${i}`,
          name: { givenName, familyName, formatted: `${givenName} ${familyName}` },
          displayName: `${givenName} ${familyName}`,
          emails: [{ value: userName, type: 'work', primary: true }],
          active: true,
          [ENTERPRISE_USER_SCHEMA]: { employeeNumber: String(100000 + i), department: DEPARTMENTS[i % DEPARTMENTS.length] },
          [ZOOMINFO_USER_SCHEMA]: { role: i % 50 === 0 ? 'Admin' : 'User', licenses: LICENSES[i % LICENSES.length] },
        };
        batch.push({
          row: {
            id: randomUUID(), accountId, userName, externalId: resource.externalId, displayName: resource.displayName,
            active: true, source: 'scim', ssoLinked: true, passwordDigest: null, scimDeletedAt: null,
            deprovisionedAt: null, deprovisionedBy: null, createdAt: at, lastModified: at, resource: JSON.stringify(resource),
          },
          emails: [userName],
        });
      }
      for (const row of store.users.insertMany(batch)) userIds.push(row.id);
    }, accountId);
    plan.onProgress?.(Math.min(plan.users, start + BATCH), total);
  }
  const groupIds: string[] = [];
  store.transaction(() => {
    for (let g = 0; g < plan.groups; g++) {
      const displayName = `${DEPARTMENTS[g % DEPARTMENTS.length]} team ${g} ${tag}`;
      const group = store.groups.insert({
        id: randomUUID(), accountId, displayName, externalId: `grp-${tag}-${g}`, createdAt: at, lastModified: at,
        resource: JSON.stringify({ displayName, externalId: `grp-${tag}-${g}` }),
      });
      groupIds.push(group.id);
      for (let m = 0; m < Math.min(plan.membersPerGroup, userIds.length); m++) {
        store.groups.addMember(group.seq, userIds[(g * plan.membersPerGroup + m) % userIds.length]!, 'User');
      }
      if ((g + 1) % 100 === 0) plan.onProgress?.(plan.users + g + 1, total);
    }
  }, accountId);
  plan.onProgress?.(total, total);
  return { userIds, groupIds };
}

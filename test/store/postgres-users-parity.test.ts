import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgresClient from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/store/open-database.js';
import { createUsersRepository, type UsersRepository } from '../../src/store/users-repository.js';
import { createNamesRepository, type NamesRepository } from '../../src/store/names-repository.js';
import { openPgDb, type PgDb } from '../../src/store/postgres/pg-db.js';
import { createPostgresUsersRepository } from '../../src/store/postgres/users-repository.js';
import { createPostgresNamesRepository } from '../../src/store/postgres/names-repository.js';
import type { NewUser, UserRow } from '../../src/model/users.js';
import { postgresAvailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';

// PRODUCT.md §8.5: the PostgreSQL users and names repositories answer exactly as the SQLite ones
// (the contract). The same calls run on a fresh SQLite file and a private PostgreSQL server, and
// every answer must be equal: rows, their order, JSON text, counts. Only `seq` differs in value
// (PostgreSQL's identity never reuses a number), and rows are compared in order without it.

const available = postgresAvailable();
if (!available) console.log('postgres-users-parity: PostgreSQL is not installed (apt-get install postgresql); skipped');

const ACC = 'acc';
const OTHER = 'other';
/** An account with more Admins than one batch of eachActiveAdminSignIn. */
const MANY = 'many';
const ROLE = 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User';

/** One backend: the repositories, a second connection's users repository, and plain SQL for what other repositories own. */
interface Side {
  users: UsersRepository;
  names: NamesRepository;
  /** The users repository of another connection to the same database (another process). */
  otherUsers: UsersRepository;
  addGroup(accountId: string, id: string, displayName: string): number;
  addMember(accountId: string, groupSeq: number, memberId: string, memberType?: string): void;
  addEvent(accountId: string, type: string, userId: string, actor: string, idp: string): void;
  setDisplayNameKey(id: string, key: string): void;
  /** fn in a transaction of the repositories' connection. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

function sqliteSide(path: string): Side {
  const db: Db = openDatabase(path);
  const other: Db = openDatabase(path);
  for (const id of [ACC, OTHER, MANY]) db.prepare(`INSERT OR IGNORE INTO accounts (id, name, created_at) VALUES (?, ?, '2026-01-01T00:00:00.000Z')`).run(id, id);
  return {
    users: createUsersRepository(db),
    names: createNamesRepository(db),
    otherUsers: createUsersRepository(other),
    addGroup: (accountId, id, displayName) =>
      Number(db.prepare(`INSERT INTO groups (id, account_id, display_name, display_name_key, created_at, last_modified, resource)
        VALUES (?, ?, ?, lower(?), '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '{}')`).run(id, accountId, displayName, displayName).lastInsertRowid),
    addMember: (_accountId, groupSeq, memberId, memberType = 'User') =>
      void db.prepare('INSERT INTO group_members (group_seq, member_id, member_type) VALUES (?, ?, ?)').run(groupSeq, memberId, memberType),
    addEvent: (accountId, type, userId, actor, idp) =>
      void db.prepare(`INSERT INTO events (account_id, at, type, user_id, actor, idp) VALUES (?, '2026-01-01T00:00:00.000Z', ?, ?, ?, ?)`).run(accountId, type, userId, actor, idp),
    setDisplayNameKey: (id, key) => void db.prepare('UPDATE users SET display_name_key = ? WHERE id = ?').run(key, id),
    transaction: (fn) => db.transaction(fn)(),
    close() {
      other.close();
      db.close();
    },
  };
}

function postgresSide(url: string): Side {
  const db: PgDb = openPgDb(url);
  const other: PgDb = openPgDb(url);
  for (const id of [ACC, OTHER, MANY]) db.run(`INSERT INTO accounts (account_id, name, created_at) VALUES ($1, $1, '2026-01-01T00:00:00.000Z') ON CONFLICT DO NOTHING`, [id]);
  return {
    users: createPostgresUsersRepository(db),
    names: createPostgresNamesRepository(db),
    otherUsers: createPostgresUsersRepository(other),
    addGroup: (accountId, id, displayName) =>
      db.value<number>(`INSERT INTO groups (id, account_id, display_name, display_name_key, created_at, last_modified, resource)
        VALUES ($1, $2, $3, lower($3), '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '{}') RETURNING seq`, [id, accountId, displayName])!,
    addMember: (accountId, groupSeq, memberId, memberType = 'User') =>
      void db.run('INSERT INTO group_members (account_id, group_seq, member_id, member_type) VALUES ($1, $2, $3, $4)', [accountId, groupSeq, memberId, memberType]),
    addEvent: (accountId, type, userId, actor, idp) =>
      void db.run(`INSERT INTO events (account_id, at, type, user_id, actor, idp) VALUES ($1, '2026-01-01T00:00:00.000Z', $2, $3, $4, $5)`, [accountId, type, userId, actor, idp]),
    setDisplayNameKey: (id, key) => void db.run('UPDATE users SET display_name_key = $1 WHERE id = $2', [key, id]),
    transaction: (fn) => db.transaction(fn),
    close() {
      other.close();
      db.close();
    },
  };
}

interface Spec {
  source?: 'scim' | 'local';
  ssoLinked?: boolean;
  displayName?: string | null;
  givenName?: string;
  familyName?: string;
  admin?: boolean;
  externalId?: string | null;
  scimDeletedAt?: string | null;
  deprovisioned?: boolean;
  accountId?: string;
}

const newUser = (id: string, userName: string, spec: Spec = {}): NewUser => {
  const resource: Record<string, unknown> = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName };
  if (spec.givenName !== undefined || spec.familyName !== undefined) resource.name = { givenName: spec.givenName, familyName: spec.familyName };
  if (spec.admin) resource[ROLE] = { role: 'Admin' };
  const at = `2026-01-01T00:00:${String(id.length).padStart(2, '0')}.000Z`;
  return {
    id,
    accountId: spec.accountId ?? ACC,
    userName,
    externalId: spec.externalId ?? null,
    displayName: spec.displayName === undefined ? null : spec.displayName,
    active: !spec.deprovisioned,
    source: spec.source ?? 'scim',
    ssoLinked: spec.ssoLinked ?? false,
    passwordDigest: spec.source === 'local' ? 'scrypt$salt$digest' : null,
    scimDeletedAt: spec.scimDeletedAt ?? null,
    deprovisionedAt: spec.deprovisioned ? at : null,
    deprovisionedBy: spec.deprovisioned ? { trigger: 'active-false', method: 'PATCH', path: `/Users/${id}`, idp: 'okta', at, eventId: 7 } : null,
    createdAt: at,
    lastModified: at,
    resource: JSON.stringify(resource),
  };
};

/** What both backends must answer alike: user rows without their seq, Maps as sorted entries. */
const comparable = (value: unknown): unknown => {
  if (value instanceof Map) return [...value.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'seq').map(([k, v]) => [k, comparable(v)]));
  }
  return value;
};

describe.skipIf(!available)('the PostgreSQL users and names repositories answer as the SQLite ones', () => {
  let server: PrivatePostgres;
  let dir: string;
  let lite: Side;
  let pg: Side;
  /** Runs the same call on both backends, expects equal answers, and returns SQLite's. */
  const both = <T>(call: (side: Side) => T): T => {
    const expected = call(lite);
    const actual = call(pg);
    expect(comparable(actual)).toEqual(comparable(expected));
    return expected;
  };
  const groupSeqs = new Map<Side, Map<string, number>>();
  const seqOf = (side: Side, groupId: string) => groupSeqs.get(side)!.get(groupId)!;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    dir = mkdtempSync(join(tmpdir(), 'zi-scim-parity-'));
    lite = sqliteSide(join(dir, 'x.db'));
    // A database whose default collation is linguistic (ICU en-US), as many production databases'
    // are (en_US.UTF-8): orders and case folding that rely on the default would differ from SQLite.
    const admin = new postgresClient.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE parity TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    } finally {
      await admin.end();
    }
    pg = postgresSide(server.url.replace(/\/postgres$/, '/parity'));
    groupSeqs.set(lite, new Map());
    groupSeqs.set(pg, new Map());
  }, 60_000);

  afterAll(() => {
    lite?.close();
    pg?.close();
    server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('inserts users (mixed case, non-ASCII, beyond U+FFFF) and finds them by id, visibility and userName', () => {
    const users: [NewUser, string[]][] = [
      [newUser('u-ada', 'Ada@example.com', { displayName: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace', admin: true, externalId: 'ext-1' }), ['Ada@Example.com', 'ada.l@example.com', 'ADA@example.com']],
      [newUser('u-bob', 'bob', { source: 'local', displayName: 'ÉLODIE Bob', givenName: 'Élodie', familyName: 'Bob' }), ['bob@example.com']],
      [newUser('u-zed', 'Zed_100%', { displayName: 'zed', externalId: 'ext-1' }), ['zed@example.com']],
      [newUser('u-ebene', 'ébène', { ssoLinked: true, displayName: 'Ébène' }), []],
      [newUser('u-emile', 'Émile', { source: 'local', ssoLinked: true, admin: true, displayName: 'Emile' }), ['emile@example.com']],
      [newUser('u-carol', 'carol', { scimDeletedAt: '2026-01-02T00:00:00.000Z', displayName: 'Carol' }), ['carol@example.com']],
      [newUser('u-dave', 'DAVE', { deprovisioned: true, admin: true, displayName: 'Dave' }), []],
      [newUser('u-jp', '日本', {}), []],
      [newUser('u-smile', '\u{1F600}smile', { displayName: 'smile' }), []],
      [newUser('u-private', '\uE000private', { displayName: 'private' }), []],
      [newUser('u-under', 'a_b', { displayName: '50% off' }), []],
      [newUser('u-other', 'ada@example.com', { accountId: OTHER, admin: true }), ['ada@example.com']],
    ];
    for (let i = 0; i < 23; i++) {
      users.push([newUser(`u-n${String(i).padStart(2, '0')}`, `User-${String(22 - i).padStart(2, '0')}`, { source: i % 3 === 0 ? 'local' : 'scim' }), [`n${i}@example.com`]]);
    }
    for (const [user, emails] of users) both((s) => s.users.insert(user, emails));

    for (const id of ['u-ada', 'u-bob', 'u-carol', 'u-dave', 'missing', 'u-other']) {
      both((s) => s.users.findById(ACC, id));
      both((s) => s.users.findVisibleById(ACC, id, 'scim-only'));
      both((s) => s.users.findVisibleById(ACC, id, 'all'));
    }
    for (const name of ['ADA@EXAMPLE.COM', 'Bob', 'carol', 'ÉBÈNE', 'émile', 'nobody']) both((s) => s.users.findByUserName(ACC, name));
    expect(both((s) => s.users.findByUserName(ACC, 'ÉBÈNE'))?.id).toBe('u-ebene');
    expect(both((s) => s.users.findById(ACC, 'u-dave'))?.deprovisionedBy).toMatchObject({ trigger: 'active-false', eventId: 7 });
  });

  it('lists groups as the same JSON text, in group order, with quotes and control characters escaped alike', () => {
    for (const side of [lite, pg]) {
      const seqs = groupSeqs.get(side)!;
      seqs.set('g-eng', side.addGroup(ACC, 'g-eng', 'Engineers'));
      seqs.set('g-ops', side.addGroup(ACC, 'g-ops', 'Ops "night"\n\u0007\\ ü \u{1F600}'));
      seqs.set('g-x', side.addGroup(OTHER, 'g-x', 'Other'));
      side.addMember(ACC, seqs.get('g-ops')!, 'u-ada');
      side.addMember(ACC, seqs.get('g-eng')!, 'u-ada');
      side.addMember(ACC, seqs.get('g-eng')!, 'u-ebene');
      side.addMember(ACC, seqs.get('g-eng')!, 'u-bob');
      side.addMember(ACC, seqs.get('g-eng')!, 'g-ops', 'Group');
      side.addMember(OTHER, seqs.get('g-x')!, 'u-other');
    }
    const ada = both((s) => s.users.findVisibleWithGroups(ACC, 'u-ada', 'scim-only', 'https://host/scim/v2/Groups/'));
    expect(JSON.parse(ada!.groupsJson).map((g: { value: string }) => g.value)).toEqual(['g-eng', 'g-ops']);
    expect(both((s) => s.users.findVisibleWithGroups(ACC, 'u-zed', 'all', '/Groups/'))?.groupsJson).toBe('[]');
    expect(both((s) => s.users.findVisibleWithGroups(ACC, 'u-bob', 'scim-only', '/Groups/'))).toBeNull();
    both((s) => s.users.findVisibleWithGroups(ACC, 'u-bob', 'all', '/Groups/'));
    both((s) => s.users.findVisibleWithGroups(ACC, 'u-carol', 'all', '/Groups/'));
    both((s) => s.users.findVisibleWithGroups(ACC, 'missing', 'all', '/Groups/'));
  });

  it('updates only what changed, rewrites emails when they change, and bumps versions on touch', () => {
    const zed = lite.users.findById(ACC, 'u-zed')!;
    const zedPg = pg.users.findById(ACC, 'u-zed')!;
    // The caller passes the row it read: each backend its own (their seqs may differ).
    const change = (row: UserRow): UserRow => ({ ...row, active: false, displayName: 'Zed Renamed', lastModified: '2026-01-03T00:00:00.000Z' });
    expect(comparable(pg.users.update(change(zedPg), ['ZED@example.com', 'zed2@example.com']))).toEqual(comparable(lite.users.update(change(zed), ['ZED@example.com', 'zed2@example.com'])));
    both((s) => s.users.findById(ACC, 'u-zed'));
    both((s) => s.users.candidates(ACC, 'all', { attribute: 'emails.value', value: 'Zed2@Example.com' }));
    both((s) => s.users.update(s.users.findById(ACC, 'u-zed')!, ['zed@example.com', 'zed2@example.com']));
    both((s) => s.users.update({ ...s.users.findById(ACC, 'u-zed')!, active: true, deprovisionedBy: null, resource: '{"b":1,  "a":2}' }));
    both((s) => s.users.findById(ACC, 'u-zed'));
    both((s) => s.users.candidates(ACC, 'all', { attribute: 'emails.value', value: 'ZED@EXAMPLE.COM' }));

    both((s) => s.users.touch(ACC, 'u-ebene', '2026-01-04T00:00:00.000Z'));
    both((s) => s.users.findById(ACC, 'u-ebene'));
    both((s) => s.users.touchMembersOf(seqOf(s, 'g-eng'), '2026-01-05T00:00:00.000Z'));
    for (const id of ['u-ada', 'u-ebene', 'u-bob', 'u-zed']) both((s) => s.users.findById(ACC, id));
  });

  it('finds the active Admins by the role JSON, one at a time too, and the users a group removal stranded', () => {
    expect(both((s) => s.users.activeAdmins(ACC)).map((u) => u.id)).toEqual(['u-ada', 'u-emile']);
    both((s) => s.users.activeAdmins(OTHER));
    both((s) => [...s.users.eachActiveAdminSignIn(ACC)]);
    both((s) => {
      for (const signIn of s.users.eachActiveAdminSignIn(ACC)) return signIn;
      return null;
    });
    both((s) => [...s.users.eachActiveAdminSignIn('nobody')]);

    for (const side of [lite, pg]) {
      for (const id of ['u-emile', 'u-ebene', 'u-ada']) side.addEvent(ACC, 'member.removed', id, 'idp', 'okta');
      side.addEvent(ACC, 'user.provisioned', 'u-ada', 'idp', 'okta');
      side.addEvent(ACC, 'user.provisioned', 'u-zed', 'idp', 'entra');
      side.addEvent(ACC, 'user.provisioned', 'u-zed', 'idp', 'onelogin');
      side.addEvent(ACC, 'user.provisioned', 'u-bob', 'admin', 'unknown');
      side.addEvent(OTHER, 'user.provisioned', 'u-ebene', 'idp', 'okta');
    }
    // u-ebene is still in g-eng and u-ada is not SSO-linked: only u-emile was stranded.
    expect(both((s) => s.users.strandedByGroupRemoval(ACC)).map((u) => u.id)).toEqual(['u-emile']);
    both((s) => s.users.countBySource(ACC, 'scim'));
    both((s) => s.users.countBySource(ACC, 'local'));
    both((s) => s.users.countBySource(OTHER, 'local'));
  });

  it('walks more Admins than one batch, and stops reading where the caller stops', () => {
    for (let i = 0; i < 205; i++) {
      const spec: Spec = { accountId: MANY, admin: true, source: i % 2 ? 'local' : 'scim', ssoLinked: i % 3 === 0, deprovisioned: i % 50 === 7 };
      both((s) => s.users.insert(newUser(`m-${i}`, `admin-${i}`, spec), []));
    }
    expect(both((s) => [...s.users.eachActiveAdminSignIn(MANY)])).toHaveLength(201);
    both((s) => s.users.activeAdmins(MANY));
    both((s) => {
      const seen = [];
      for (const signIn of s.users.eachActiveAdminSignIn(MANY)) {
        seen.push(signIn);
        if (signIn.ssoLinked && seen.length > 150) break;
      }
      return seen;
    });
  });

  it('names users and groups, counts memberships and tells the provisioning IdP', () => {
    const ids = ['u-ada', 'u-bob', 'u-ebene', 'u-zed', 'u-other', 'missing', 'u-ada', 'g-ops'];
    expect(both((s) => s.names.userNames(ACC, ids)).size).toBe(4);
    both((s) => s.names.groupNames(ACC, ['g-eng', 'g-ops', 'g-x', 'u-ada']));
    expect(both((s) => s.names.groupCounts(ACC, ids))).toEqual(new Map<string, number>([['u-ada', 2], ['u-ebene', 1], ['u-bob', 1], ['g-ops', 1]]));
    expect(both((s) => s.names.provisioningIdps(ACC, ids)).get('u-zed')).toBe('onelogin');
    both((s) => s.names.provisioningIdps(ACC, []));
    both((s) => s.names.userNames(OTHER, ids));
  });

  it('searches as the admin view does: status, q with LIKE wildcards taken literally, name parts, emails', () => {
    const qs = [undefined, 'ada', '%', '_', 'a_b', '100%', '50%', 'zed_1', 'ada lovelace', 'élodie', 'lodie', 'Ébène', 'ébène', 'Example.COM', 'zed2@', '\\', 'user-1'];
    for (const status of ['active', 'deprovisioned', 'all'] as const) {
      for (const q of qs) both((s) => s.users.search({ accountId: ACC, status, q, offset: 0, limit: 50 }));
    }
    both((s) => s.users.search({ accountId: ACC, status: 'all', offset: 5, limit: 7 }));
    both((s) => s.users.search({ accountId: ACC, status: 'all', q: 'user', offset: 20, limit: 10 }));
    expect(both((s) => s.users.search({ accountId: ACC, status: 'all', q: '%', offset: 0, limit: 50 })).rows.map((u) => u.id)).toEqual(['u-under', 'u-zed']);
    expect(both((s) => s.users.search({ accountId: ACC, status: 'all', q: 'élodie', offset: 0, limit: 50 })).total).toBe(0);
  });

  it('pages by creation order from remembered page ends and from any offset, and counts', () => {
    for (const visibility of ['scim-only', 'all'] as const) {
      both((s) => s.users.count(ACC, visibility));
      for (const offset of [0, 5, 10, 15, 20, 25, 30, 35]) both((s) => s.users.page(ACC, visibility, offset, 5));
      for (const offset of [7, 3, 100, 29]) both((s) => s.users.page(ACC, visibility, offset, 4));
      both((s) => s.users.page(ACC, visibility, 0, 1000));
      both((s) => s.users.count(ACC, visibility));
    }
    // Writes forget the remembered ends and counts: an erased user and a new one shift positions.
    both((s) => s.users.erase(s.users.findById(ACC, 'u-n03')!));
    both((s) => s.users.insert(newUser('u-late', 'Late', {}), []));
    for (const visibility of ['scim-only', 'all'] as const) {
      both((s) => s.users.count(ACC, visibility));
      for (const offset of [0, 5, 10, 15, 20, 25, 30, 35, 7]) both((s) => s.users.page(ACC, visibility, offset, 5));
    }
    both((s) => s.users.forgetLists());
    both((s) => s.users.page(ACC, 'all', 25, 5));
  });

  it('remembers nothing read inside a transaction, which a rollback undoes', () => {
    const before = both((s) => s.users.count(ACC, 'all'));
    both((s) => s.users.page(ACC, 'all', 0, 5));
    const inside = both((s) => {
      try {
        s.transaction(() => {
          s.users.insert(newUser('u-undone', 'undone', {}), []);
          const seen = { count: s.users.count(ACC, 'all'), page: s.users.page(ACC, 'all', before - 2, 5) };
          throw Object.assign(new Error('roll back'), { seen });
        });
      } catch (error) {
        return (error as { seen: unknown }).seen;
      }
      return null;
    });
    expect(inside).toMatchObject({ count: before + 1 });
    expect(both((s) => s.users.count(ACC, 'all'))).toBe(before);
    both((s) => s.users.page(ACC, 'all', before - 2, 5));
    expect(both((s) => s.users.findById(ACC, 'u-undone'))).toBeNull();
  });

  it("sees another connection's commits in its remembered pages and counts", async () => {
    const before = both((s) => s.users.count(ACC, 'all'));
    both((s) => s.users.page(ACC, 'all', 30, 5));
    both((s) => s.otherUsers.insert(newUser('u-elsewhere', 'elsewhere', {}), []));
    for (const side of [lite, pg]) {
      await expect.poll(() => side.users.count(ACC, 'all'), { timeout: 2_000, interval: 5 }).toBe(before + 1);
    }
    both((s) => s.users.page(ACC, 'all', 30, 10));
    both((s) => s.otherUsers.erase(s.otherUsers.findById(ACC, 'u-elsewhere')!));
    for (const side of [lite, pg]) {
      await expect.poll(() => side.users.count(ACC, 'all'), { timeout: 2_000, interval: 5 }).toBe(before);
    }
    both((s) => s.users.page(ACC, 'all', 30, 10));
  });

  it('sorts by userName without case in byte order (mixed case, accents, beyond U+FFFF)', () => {
    for (const visibility of ['scim-only', 'all'] as const) {
      for (const order of ['ascending', 'descending'] as const) {
        both((s) => s.users.pageByUserName(ACC, visibility, order, 0, 100));
        both((s) => s.users.pageByUserName(ACC, visibility, order, 3, 7));
        both((s) => s.users.pageByUserName(ACC, visibility, order, 100, 7));
      }
    }
    const names = both((s) => s.users.pageByUserName(ACC, 'all', 'ascending', 0, 100)).map((u) => u.userName);
    // Bytes: U+E000 (EE 80 80) sorts before U+1F600 (F0 9F 98 80), where String#< puts it after.
    expect(names.indexOf('\uE000private')).toBeLessThan(names.indexOf('\u{1F600}smile'));
    expect(names.indexOf('Late')).toBeLessThan(names.indexOf('User-00'));
  });

  it('narrows filter candidates by every hint column, the unknown displayName key included', () => {
    both((s) => s.setDisplayNameKey('u-jp', '\u0001'));
    const hints: ({ attribute: string; value: string } | null)[] = [
      null,
      { attribute: 'id', value: 'u-ada' },
      { attribute: 'id', value: 'u-bob' },
      { attribute: 'userName', value: 'ada@EXAMPLE.com' },
      { attribute: 'userName', value: 'ÉMILE' },
      { attribute: 'externalId', value: 'ext-1' },
      { attribute: 'externalId', value: 'EXT-1' },
      { attribute: 'emails.value', value: 'ADA@example.com' },
      { attribute: 'emails.value', value: 'carol@example.com' },
      { attribute: 'displayName', value: 'ÉBÈNE' },
      { attribute: 'displayName', value: 'nobody' },
      { attribute: 'title', value: 'x' },
    ];
    for (const visibility of ['scim-only', 'all'] as const) {
      for (const hint of hints) both((s) => s.users.candidates(ACC, visibility, hint));
    }
    expect(both((s) => s.users.candidates(ACC, 'all', { attribute: 'displayName', value: 'nobody' })).map((u) => u.id)).toEqual(['u-jp']);
    expect(both((s) => s.users.candidates(ACC, 'all', { attribute: 'externalId', value: 'ext-1' })).map((u) => u.id)).toEqual(['u-ada', 'u-zed']);
  });

  it('erases an account and forgets its lists', () => {
    both((s) => s.users.count(OTHER, 'all'));
    both((s) => s.users.eraseAccount(OTHER));
    expect(both((s) => s.users.count(OTHER, 'all'))).toBe(0);
    both((s) => s.users.findById(OTHER, 'u-other'));
    both((s) => s.users.count(ACC, 'all'));
  });
});

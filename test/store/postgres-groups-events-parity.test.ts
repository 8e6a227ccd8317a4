import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pgClient from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/open-database.js';
import { createGroupsRepository, type GroupsRepository, type NewGroup } from '../../src/store/groups-repository.js';
import { createEventsRepository, RawJson, type EventsRepository, type JournalBounds, type NewEvent } from '../../src/store/events-repository.js';
import { createRehearsalRepository, type RehearsalRepository } from '../../src/store/rehearsal-repository.js';
import { openPgDb, type PgDb } from '../../src/store/postgres/pg-db.js';
import { createPostgresGroupsRepository } from '../../src/store/postgres/groups-repository.js';
import { createPostgresEventsRepository } from '../../src/store/postgres/events-repository.js';
import { createPostgresRehearsalRepository } from '../../src/store/postgres/rehearsal-repository.js';
import { postgresAvailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';

// PRODUCT.md §8.5: the PostgreSQL groups, events and rehearsal repositories answer byte for byte
// as the SQLite ones do. Every call below runs on a fresh SQLite file and on a private PostgreSQL,
// in the same order, and the two answers must serialise to the same text (key order included).

const available = postgresAvailable();
if (!available) console.log('postgres-groups-events-parity: PostgreSQL is not installed (apt-get install postgresql); skipped');

interface Backend {
  name: string;
  groups: GroupsRepository;
  events(bounds: JournalBounds): EventsRepository;
  rehearsal(settle: () => void, maxBody: number): RehearsalRepository;
  /** Plain SQL with `?` placeholders (numbered $n on PostgreSQL). */
  run(sql: string, params?: unknown[]): void;
  value(sql: string, params?: unknown[]): unknown;
  transaction<T>(fn: () => T): T;
  accountsTable: { id: string };
}

const BASE = 'https://sandbox.test/scim/v2';
const AT = '2026-12-04T10:00:00.000Z';
const BIG: JournalBounds = { maxEvents: 100_000, maxRefused: 1000, maxBody: 200 };
const dollars = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * JSON text of a result, Maps as their entries and undefined spelled out, so any difference shows.
 * A group's seq is left out: SQLite hands a deleted row's seq to the next insert, PostgreSQL's
 * identity never does (their relative order shows in the order of the rows compared).
 */
const text = (value: unknown) =>
  JSON.stringify(value, (key, v: unknown) => (key === 'seq' ? '<seq>' : v instanceof Map ? [...v] : v === undefined ? '<undefined>' : v));

describe.skipIf(!available)('the PostgreSQL groups, events and rehearsal repositories answer as the SQLite ones', () => {
  let server: PrivatePostgres;
  let dir: string;
  let sqlite: Db;
  let pg: PgDb;
  let backends: Backend[];

  /** Runs f on both backends (SQLite first) and expects the same answer; returns SQLite's. */
  const same = <T>(f: (b: Backend) => T): T => {
    const [lite, post] = backends.map((b) => f(b)) as [T, T];
    expect(text(post)).toBe(text(lite));
    return lite;
  };
  const addAccount = (id: string) => same((b) => b.run(`INSERT INTO accounts (${b.accountsTable.id}, name, created_at) VALUES (?, ?, ?)`, [id, id, AT]));
  const addUser = (accountId: string, id: string, userName: string, displayName: string | null) =>
    same((b) =>
      b.run(
        `INSERT INTO users (id, account_id, user_name, user_name_key, display_name, display_name_key, source, created_at, last_modified, resource)
        VALUES (?, ?, ?, ?, ?, ?, 'scim', ?, ?, '{}')`,
        [id, accountId, userName, userName.toLowerCase(), displayName, displayName?.toLowerCase() ?? null, AT, AT],
      ),
    );
  const group = (accountId: string, id: string, displayName: string, externalId: string | null): NewGroup => ({
    id,
    accountId,
    displayName,
    externalId,
    createdAt: AT,
    lastModified: AT,
    resource: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName }),
  });

  beforeAll(async () => {
    server = await startPrivatePostgres();
    // A database whose default collation is a language's (ICU en-US), not the bytes' order: text
    // ordered without COLLATE "C" would come out otherwise than SQLite orders it, and show here.
    const admin = new pgClient.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE parity TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    await admin.end();
    dir = mkdtempSync(join(tmpdir(), 'zi-scim-parity-'));
    sqlite = openDatabase(join(dir, 'x.db'));
    pg = openPgDb(server.url.replace(/\/postgres$/, '/parity'));
    backends = [
      {
        name: 'sqlite',
        groups: createGroupsRepository(sqlite),
        events: (bounds) => createEventsRepository(sqlite, bounds),
        rehearsal: (settle, maxBody) => createRehearsalRepository(sqlite, settle, maxBody),
        run: (sql, params = []) => void sqlite.prepare(sql).run(...params),
        value: (sql, params = []) => sqlite.prepare(sql).pluck().get(...params),
        transaction: (fn) => sqlite.transaction(fn)(),
        accountsTable: { id: 'id' },
      },
      {
        name: 'postgres',
        groups: createPostgresGroupsRepository(pg),
        events: (bounds) => createPostgresEventsRepository(pg, bounds),
        rehearsal: (settle, maxBody) => createPostgresRehearsalRepository(pg, settle, maxBody),
        run: (sql, params = []) => void pg.run(dollars(sql), params),
        value: (sql, params = []) => pg.value(dollars(sql), params),
        transaction: (fn) => pg.transaction(fn),
        accountsTable: { id: 'account_id' },
      },
    ];
    for (const account of ['acme', 'other', 'journal', 'deferred', 'pruned', 'bulk', 'rehearsal', 'quiet']) addAccount(account);
  }, 60_000);

  afterAll(() => {
    pg?.close();
    sqlite?.close();
    server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds, updates, pages, filters and removes groups alike', () => {
    same((b) => [
      b.groups.insert(group('acme', 'g-eng', 'Engineering', 'ext-1')),
      b.groups.insert(group('acme', 'g-ops', 'Operations', 'ext-1')),
      b.groups.insert(group('acme', 'g-sales', 'Sales', null)),
      b.groups.insert(group('other', 'g-other', 'Engineering', 'ext-1')),
    ]);
    same((b) => [b.groups.findById('acme', 'g-eng'), b.groups.findById('other', 'g-eng'), b.groups.findById('acme', 'nope')]);
    same((b) => [b.groups.findByDisplayName('acme', 'ENGINEERING'), b.groups.findByDisplayName('other', 'engineering'), b.groups.findByDisplayName('acme', 'Nope')]);
    // A rename moves the indexed columns; a resource-only change keeps them: both move the version.
    same((b) => b.groups.update({ ...b.groups.findById('acme', 'g-ops')!, displayName: 'Operations Team', externalId: null, lastModified: '2026-12-04T11:00:00.000Z' }));
    same((b) => b.groups.update({ ...b.groups.findById('acme', 'g-sales')!, resource: '{"displayName":"Sales","x":1}', lastModified: '2026-12-04T12:00:00.000Z' }));
    same((b) => [b.groups.findById('acme', 'g-ops'), b.groups.findById('acme', 'g-sales'), b.groups.findByDisplayName('acme', 'operations team'), b.groups.findByDisplayName('acme', 'Operations')]);
    same((b) => [b.groups.page('acme', 0, 2), b.groups.page('acme', 2, 10), b.groups.page('acme', 1, -1), b.groups.page('acme', 5, 10), b.groups.count('acme'), b.groups.count('other'), b.groups.count('none')]);
    same((b) => [
      b.groups.candidates('acme', null),
      b.groups.candidates('acme', { attribute: 'id', value: 'g-eng' }),
      b.groups.candidates('acme', { attribute: 'id', value: 'G-ENG' }),
      b.groups.candidates('acme', { attribute: 'displayName', value: 'sALES' }),
      b.groups.candidates('acme', { attribute: 'externalId', value: 'ext-1' }),
      b.groups.candidates('acme', { attribute: 'externalId', value: 'EXT-1' }),
      b.groups.candidates('acme', { attribute: 'members', value: 'x' }),
    ]);
    same((b) => {
      b.groups.insert(group('other', 'g-gone', 'Gone', null));
      b.groups.remove(b.groups.findById('other', 'g-gone')!);
      return [b.groups.findById('other', 'g-gone'), b.groups.count('other')];
    });
  });

  it('builds the same members JSON, order and displays for a group of a few hundred members', () => {
    // Names that JSON must escape, ids that order differently by bytes than by a locale.
    const awkward = ['Quote " and \\ backslash', 'Tab\tnew\nline\rreturn', 'Controls \u0001\u001f\u007f\b\f', 'é ß 漢字 😀', 'Separators \u2028 \u2029', '</script> & <b>', 'slash / end'];
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push(`u-${i}`);
    ids.push('U-upper', 'u-Z', 'u-a', 'u-é', 'u-ß', 'u-😀', 'u_under', 'u-10a', 'u-1 ');
    ids.forEach((id, i) => {
      const display = i % 3 === 1 ? null : i < awkward.length * 3 ? awkward[Math.floor(i / 3)]! : `Person ${i}`;
      addUser('acme', id, `${id}@example.com`, display);
    });
    same((b) => [b.groups.insert(group('acme', 'g-big', 'Everyone', null)), b.groups.insert(group('acme', 'g-empty', 'Nobody', null))]);
    // Each backend's own seq of a group (they may differ).
    const seq = (b: Backend, id: string) => b.groups.findById('acme', id)!.seq;
    const added = same((b, big = seq(b, 'g-big'), empty = seq(b, 'g-empty')) => [
      ...ids.map((id) => b.groups.addMember(big, id, 'User')),
      b.groups.addMember(big, 'g-eng', 'Group'),
      b.groups.addMember(big, 'g-ops', 'Group'),
      // Members whose row is gone or of another kind: no display, the $ref as the type says.
      b.groups.addMember(big, 'u-deleted-long-ago', 'User'),
      b.groups.addMember(big, 'g-sales', 'User'),
      b.groups.addMember(big, 'u-7', 'User'),
      b.groups.addMember(empty, 'u-1', 'User'),
      b.groups.removeMember(empty, 'u-1'),
      b.groups.removeMember(empty, 'u-1'),
    ]);
    expect(added.filter((a) => a === false)).toHaveLength(2);

    const json = same((b) => b.groups.membersJson(seq(b, 'g-big'), BASE));
    const members = JSON.parse(json) as { value: string; display?: string; $ref: string; type: string }[];
    expect(members).toHaveLength(ids.length + 4);
    expect(members.map((m) => m.value)).toEqual([...members.map((m) => m.value)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(members.find((m) => m.value === 'u-deleted-long-ago')).toEqual({ value: 'u-deleted-long-ago', $ref: `${BASE}/Users/u-deleted-long-ago`, type: 'User' });
    expect(members.find((m) => m.value === 'g-eng')).toEqual({ value: 'g-eng', display: 'Engineering', $ref: `${BASE}/Groups/g-eng`, type: 'Group' });
    expect(members.find((m) => m.value === 'u-1')!.display).toBe('u-1@example.com');
    same((b) => b.groups.membersJson(seq(b, 'g-empty'), BASE));
    same((b, big = seq(b, 'g-big')) => [b.groups.members(big), b.groups.members(big, 10, 5), b.groups.members(big, 300, 100), b.groups.members(big, 400, 10), b.groups.members(seq(b, 'g-empty'))]);
    same((b, big = seq(b, 'g-big')) => [b.groups.memberIds(big), b.groups.memberCount(big), b.groups.memberCount(seq(b, 'g-empty'))]);

    same((b) => b.groups.addMember(seq(b, 'g-eng'), 'u-7', 'User'));
    same((b) => [b.groups.groupsOf('acme', 'u-7'), b.groups.groupsOf('other', 'u-7'), b.groups.groupsOf('acme', 'g-eng'), b.groups.groupCountOf('u-7')]);
    same((b) => b.groups.groupsOfMany('acme', ['u-7', 'u-1', 'nobody', 'u-7', 'g-ops']));
    same((b) => b.groups.groupsOfMany('acme', []));
    // A member's rename shows in its groups: their versions move.
    same((b) => {
      b.groups.touchGroupsOf('u-7', '2026-12-04T13:00:00.000Z');
      return [b.groups.findById('acme', 'g-big'), b.groups.findById('acme', 'g-eng'), b.groups.findById('acme', 'g-ops')];
    });
    same((b) => {
      b.groups.removeMemberEverywhere('u-7');
      return [b.groups.groupCountOf('u-7'), b.groups.memberCount(seq(b, 'g-big')), b.groups.membersJson(seq(b, 'g-big'), BASE).length];
    });
    same((b) => {
      b.groups.removeAccount('other');
      return [b.groups.count('other'), b.groups.count('acme')];
    });
  });

  const event = (accountId: string, i: number, extra: Partial<NewEvent> = {}): NewEvent => ({
    accountId,
    type: 'request',
    actor: 'idp',
    idp: 'okta',
    requestId: `req-${i}`,
    method: 'GET',
    path: `/scim/v2/Users?startIndex=${i}`,
    status: 200,
    durationMs: i + 0.125,
    ...extra,
  });

  it('journals, reads, counts and updates events alike', () => {
    const events = backends.map((b) => b.events(BIG));
    const on = <T>(f: (e: EventsRepository, b: Backend) => T) => same((b) => f(events[backends.indexOf(b)]!, b));

    const request = on((e) =>
      e.insert(
        {
          accountId: 'journal',
          type: 'request',
          actor: 'idp',
          idp: 'entra',
          requestId: 'r-1',
          method: 'PATCH',
          path: '/scim/v2/Users/u-1',
          headers: { 'user-agent': 'Azure AD', accept: 'application/scim+json' },
          request: { Operations: [{ op: 'replace', path: 'active', value: false }], note: 'x'.repeat(300) },
          rewrites: [{ kind: 'unknown-attribute-dropped', attribute: 'nickName' }],
        },
        AT,
      ),
    );
    on((e) => [
      e.insert({ accountId: 'journal', type: 'user.deprovisioned', actor: 'idp', requestEventId: request, userId: 'u-1', trigger: 'patch-active-false', changes: { active: [true, false] } }, AT),
      e.insert({ accountId: 'journal', type: 'user.deprovisioned', actor: 'idp', requestEventId: request, userId: 'u-2', trigger: 'Delete' }, AT),
      e.insert({ accountId: 'journal', type: 'user.deprovisioned', userId: 'u-3', trigger: 'delete', level: 'warning', message: 'by hand' }, '2026-12-04T10:05:00.000Z'),
      e.insert({ accountId: 'journal', type: 'member.added', requestEventId: request, groupId: 'g-1', userId: 'u-1', data: { members: ['u-1'] } }, '2026-12-04T10:06:00.000Z'),
      e.insert({ accountId: 'journal', type: 'settings.changed', idpInferred: true, idp: 'okta', data: null, message: 'Ünïcødé "quoted" \n' }, '2026-12-04T10:07:00.000Z'),
      e.insert(event('journal', 7, { status: 401, method: 'GET', idp: 'unknown' }), '2026-12-04T10:08:00.000Z'),
      e.insert(event('journal', 8, { status: 429, idp: 'onelogin', idpInferred: true }), '2026-12-04T10:09:00.000Z'),
    ]);
    // The outcome of the request: a response already serialised is stored as written; a long one is cut.
    on((e) => {
      e.setOutcome(request, 200, 12.345678901234, new RawJson('{"id":"u-1", "active":false}'));
      e.nameRequest(request, 'u-1', null);
      e.nameRequest(request, 'u-9', 'g-1');
      e.nameRequest(request, null, 'g-2');
      return [e.byId('journal', request), e.byId('other', request), e.byId('journal', 999_999)];
    });
    on((e) => {
      e.setOutcome(request + 1, 500, 1.5, { detail: 'y'.repeat(500) });
      return e.byId('journal', request + 1);
    });
    on((e) => [e.caused('journal', request), e.caused('journal', request, 2), e.caused('other', request), e.deprovisionTriggers('journal'), e.deprovisionTriggers('other')]);
    on((e) => e.lastRecognisedIdp('journal'));
    // Read afresh from the journal (a new repository remembers nothing).
    same((b) => b.events(BIG).lastRecognisedIdp('journal'));
    same((b) => b.events(BIG).lastRecognisedIdp('quiet'));

    const queries = [
      {},
      { userId: 'u-1' },
      { groupId: 'g-1' },
      { idp: 'okta' },
      { type: 'user.deprovisioned' },
      { since: '2026-12-04T10:06:00.000Z' },
      { since: '2026-12-04T10:06' },
      { since: '2026-12-04' },
      { afterId: request + 2 },
      { beforeId: request + 3 },
      { status: { from: 400, to: 500 } },
      { status: { from: 429, to: 430 } },
      { changesOnly: true },
      { userId: 'u-1', changesOnly: true, since: '2026-12-04T10:00:00.000Z' },
      { type: 'nothing' },
    ];
    for (const q of queries) {
      on((e) => [
        e.count({ accountId: 'journal', ...q }),
        e.list({ accountId: 'journal', ...q, order: 'newest', offset: 0, limit: 100 }),
        e.list({ accountId: 'journal', ...q, order: 'oldest', offset: 1, limit: 3 }),
        e.list({ accountId: 'journal', ...q, order: 'oldest', offset: 0, limit: -1 }),
        [...e.iterate({ accountId: 'journal', ...q })],
      ]);
    }
    on((e) => {
      e.clear('journal');
      return [e.count({ accountId: 'journal' }), e.lastRecognisedIdp('journal'), e.list({ accountId: 'journal', order: 'newest', offset: 0, limit: 10 })];
    });
  });

  it('writes deferred events after a short wait, at a batch size, before reads, never inside a transaction', async () => {
    const events = backends.map((b) => b.events(BIG));
    const on = <T>(f: (e: EventsRepository, b: Backend) => T) => same((b) => f(events[backends.indexOf(b)]!, b));
    const stored = (b: Backend) => b.value('SELECT count(*) FROM events WHERE account_id = ?', ['deferred']);

    const first = on((e) => e.insert(event('deferred', 0, { method: 'POST', status: 201 }), AT));
    on((e, b) => {
      e.insertDeferred(event('deferred', 1), AT);
      e.setDurationDeferred(first, 42.75);
      e.insertDeferred(event('deferred', 2, { idp: 'entra' }), AT);
      e.setDurationDeferred(first, 43.5);
      return stored(b);
    });
    // Deferred, yet part of every read of the journal.
    on((e) => [e.lastRecognisedIdp('deferred'), e.list({ accountId: 'deferred', order: 'oldest', offset: 0, limit: 10 })]);

    // Not flushed inside a transaction (its rollback would take them along), flushed after it.
    on((e, b) => {
      e.insertDeferred(event('deferred', 3), AT);
      return [b.transaction(() => (e.flush(), e.count({ accountId: 'deferred' }))), stored(b), e.count({ accountId: 'deferred' })];
    });

    // Written on their own after FLUSH_AFTER_MS, nobody reading.
    on((e, b) => (e.insertDeferred(event('deferred', 4), AT), stored(b)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    same((b) => stored(b));

    // Written at once when FLUSH_AT (256) are queued.
    on((e, b) => {
      const counts = [];
      for (let i = 0; i < 255; i++) e.insertDeferred(event('deferred', 10 + i), AT);
      counts.push(stored(b));
      e.insertDeferred(event('deferred', 300), AT);
      counts.push(stored(b));
      return counts;
    });
    on((e) => [...e.iterate({ accountId: 'deferred' })].map((r) => [r.id, r.requestId, r.durationMs]));
  });

  it('prunes to the same bounds, refused requests apart, whether events were deferred or not', () => {
    const bounds: JournalBounds = { maxEvents: 20, maxRefused: 5, maxBody: 200 };
    const events = backends.map((b) => b.events(bounds));
    const on = <T>(f: (e: EventsRepository, b: Backend) => T) => same((b) => f(events[backends.indexOf(b)]!, b));
    const ids = (e: EventsRepository) => e.list({ accountId: 'pruned', order: 'oldest', offset: 0, limit: -1 }).map((r) => [r.id, r.status]);

    on((e) => {
      for (let i = 0; i < 1300; i++) {
        const ev = event('pruned', i, { status: i % 3 === 0 ? 401 : 200 });
        if (i % 2) e.insertDeferred(ev, AT);
        else e.insert(ev, AT);
      }
      return ids(e);
    });
    const kept = on((e) => {
      e.prune('pruned');
      return [ids(e), e.count({ accountId: 'pruned', status: { from: 401, to: 402 } })];
    });
    expect(kept[1]).toBe(5);
    expect((kept[0] as unknown[]).length).toBe(25);
  });

  it('iterates over a journal bigger than one chunk, newest first', () => {
    const events = backends.map((b) => b.events(BIG));
    const on = <T>(f: (e: EventsRepository, b: Backend) => T) => same((b) => f(events[backends.indexOf(b)]!, b));
    on((e) => {
      for (let i = 0; i < 1234; i++) e.insertDeferred(event('bulk', i, i % 5 ? {} : { type: 'user.updated', userId: `u-${i}` }), AT);
    });
    const all = on((e) => [...e.iterate({ accountId: 'bulk' })]);
    expect(all).toHaveLength(1234);
    expect(all.map((r) => r.id)).toEqual(all.map((r) => r.id).sort((a, b) => b - a));
    on((e) => [...e.iterate({ accountId: 'bulk', type: 'request', beforeId: all[100]!.id })]);
    on((e) => [...e.iterate({ accountId: 'bulk', changesOnly: true })].length);
  });

  it('answers the readiness questions alike', () => {
    const events = backends.map((b) => b.events({ ...BIG, maxBody: 10_000 }));
    const rehearsals = backends.map((b, i) => b.rehearsal(() => events[i]!.flush(), 100));
    const on = <T>(f: (e: EventsRepository, r: RehearsalRepository) => T) => same((b) => f(events[backends.indexOf(b)]!, rehearsals[backends.indexOf(b)]!));
    const ask = (r: RehearsalRepository, account = 'rehearsal') => [
      r.refusedDeprovisionings(account),
      r.connectionTested(account),
      r.idpsSeen(account),
      r.exercised(account),
      r.droppedAttributeRewrites(account),
    ];
    on((_e, r) => ask(r));

    const deactivate = { Operations: [{ op: 'replace', value: { active: false } }] };
    on((e) => {
      e.insertDeferred(event('rehearsal', 1, { status: 401, idp: 'OneLogin' }), AT);
      e.insert(event('rehearsal', 2, { method: 'PATCH', status: 400, path: '/scim/v2/Users/u-1', request: deactivate }), AT);
      e.insert(event('rehearsal', 3, { method: 'PUT', status: 409, idp: 'entra', path: '/scim/v2/users/u-2', request: { userName: 'x', Active: false } }), AT);
      e.insert(event('rehearsal', 4, { method: 'DELETE', status: 404, path: '/scim/v2/Users/u-3', request: { active: true } }), AT);
      e.insert(event('rehearsal', 5, { method: 'PATCH', status: 400, path: '/scim/v2/Groups/g-1', request: deactivate }), AT);
      e.insert(event('rehearsal', 6, { method: 'PATCH', status: 400, path: '/scim/v2/Users/u-4', request: { ...deactivate, padding: 'p'.repeat(200) } }), AT);
      e.insert(event('rehearsal', 7, { method: 'PATCH', status: 200, path: '/scim/v2/Users/u-5', request: deactivate }), AT);
      e.insert(event('rehearsal', 8, { method: 'POST', status: 400, path: '/scim/v2/Users/', request: deactivate }), AT);
      e.insert(event('rehearsal', 9, { method: 'PATCH', status: 400, path: '/scim/v2/Users/u-6', request: { Operations: [{ op: 'replace', value: { ACTIVE: 'False' } }] } }), AT);
      e.insert(event('rehearsal', 10, { rewrites: [{ kind: 'unknown-attribute-dropped', attribute: 'nickName' }] }), AT);
      e.insert(event('rehearsal', 11, { rewrites: [{ kind: 'UNKNOWN-ATTRIBUTE-DROPPED', attribute: 'title' }], idp: 'unknown' }), AT);
      e.insert(event('rehearsal', 12, { rewrites: [{ kind: 'unknown-attribute-dropped-not' }] }), AT);
      e.insert(event('rehearsal', 13, { status: 403, idp: 'okta' }), AT);
      for (const [type, data, caused] of [
        ['user.deleted', null, true],
        ['user.deleted', null, false],
        ['member.removed', { reason: 'group-delete' }, true],
        ['member.removed', { reason: 'Group-Delete' }, true],
        ['member.removed', { reason: 'patch' }, true],
        ['member.removed', null, true],
        ['group.deleted', null, true],
      ] as const) {
        e.insert({ accountId: 'rehearsal', type, data, requestEventId: caused ? 1 : null }, AT);
      }
    });
    on((_e, r) => ask(r));
    on((e, r) => (e.insertDeferred(event('rehearsal', 14, { status: 200 }), AT), r.connectionTested('rehearsal')));
    on((_e, r) => ask(r, 'quiet'));
  });

  it('forgets the remembered IdP when another process changed the data (PostgreSQL)', async () => {
    const events = createPostgresEventsRepository(pg, BIG);
    events.insert(event('quiet', 1, { idp: 'okta' }), AT);
    expect(events.lastRecognisedIdp('quiet')).toBe('okta');
    const other = openPgDb(server.url.replace(/\/postgres$/, '/parity'));
    try {
      const before = pg.changes('users');
      other.run(`INSERT INTO events (account_id, at, type, idp) VALUES ('quiet', $1, 'request', 'entra')`, [AT]);
      expect(events.lastRecognisedIdp('quiet')).toBe('okta');
      // A statement on users notifies every process, rows or none (a statement-level trigger).
      other.run(`UPDATE users SET version = version WHERE account_id = 'quiet'`);
      for (let i = 0; i < 100 && pg.changes('users') === before; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(events.lastRecognisedIdp('quiet')).toBe('entra');
    } finally {
      other.close();
    }
  });
});

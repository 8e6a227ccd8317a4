import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ENTERPRISE, USER_SCHEMA, ZOOMINFO, type TestApp } from '../helpers/test-app.js';
import { expectScimError, LIST_RESPONSE } from '../helpers/scim-http.js';

let t: TestApp;
const ids: Record<string, string> = {};
const pagers: string[] = [];
const TOTAL = 4 + 25;

const user = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER_SCHEMA], userName, ...extra });

beforeAll(async () => {
  t = await createTestApp();
  const post = async (key: string, body: Record<string, unknown>) => {
    ids[key] = (await t.scim.post('/Users', body).expect(201)).body.id;
  };
  await post('bob', user('bob@acme.com', {
    externalId: 'extb',
    title: 'Manager',
    active: false,
    name: { givenName: 'Bob', familyName: 'Brown' },
    emails: [{ value: 'x@example.com', type: 'home' }, { value: 'bob@acme.com', type: 'work' }],
    [ENTERPRISE]: { employeeNumber: '200', department: 'Marketing' },
    [ZOOMINFO]: { credits: { allocation: 100, resetPeriod: 'never' } },
  }));
  await post('alice', user('Alice@Acme.com', {
    externalId: 'ExtA',
    title: 'Engineer',
    active: true,
    displayName: 'Alice Young',
    name: { givenName: 'Alice', familyName: 'Young' },
    emails: [{ value: 'alice@home.example', type: 'home' }, { value: 'alice@acme.com', type: 'work', primary: true }],
    [ENTERPRISE]: { employeeNumber: '100', department: 'Sales', manager: { value: ids.bob } },
    [ZOOMINFO]: { role: 'Admin', licenses: ['SalesOS'], credits: { allocation: 500, resetPeriod: 'monthly' } },
  }));
  await post('carol', user('carol@other.org', {
    title: 'Engineer',
    name: { givenName: 'Carol', familyName: 'Anders' },
    emails: [{ value: 'carol@other.org', type: 'work' }],
    [ZOOMINFO]: { credits: { allocation: 300 } },
  }));
  await post('dave', user('dave@acme.com', {
    name: { givenName: 'Dave', familyName: 'Zed' },
    emails: [{ value: 'x@example.com', type: 'work' }],
  }));
  for (let i = 0; i < 25; i++) {
    const res = await t.scim.post('/Users', user(`pager${String(i).padStart(2, '0')}@paging.example`, { title: 'pager' })).expect(201);
    pagers.push(res.body.id);
  }
});
afterAll(() => t.close());

const list = async (query: string) => (await t.scim.get(`/Users?${query}`).expect(200)).body;
const filterIds = async (filter: string): Promise<string[]> => {
  const body = await list(`filter=${encodeURIComponent(filter)}`);
  expect(body.totalResults).toBe(body.Resources.length);
  return body.Resources.map((r: { id: string }) => r.id).sort();
};
const idsOf = (...keys: string[]) => keys.map((k) => ids[k]!).sort();

describe('filters over HTTP', () => {
  it.each([
    ['userName eq "ALICE@acme.COM"', ['alice']],
    ['externalId eq "ExtA"', ['alice']],
    ['externalId eq "exta"', []],
    ['title ne "Engineer" and title ne "pager" and title pr', ['bob']],
    ['userName co "ACME"', ['alice', 'bob', 'dave']],
    ['userName sw "car"', ['carol']],
    ['userName ew "@acme.com"', ['alice', 'bob', 'dave']],
    ['externalId pr', ['alice', 'bob']],
    [`${ZOOMINFO}:credits.allocation gt 100`, ['alice', 'carol']],
    [`${ZOOMINFO}:credits.allocation ge 300`, ['alice', 'carol']],
    [`${ZOOMINFO}:credits.allocation lt 300`, ['bob']],
    [`${ZOOMINFO}:credits.allocation le 300`, ['bob', 'carol']],
    ['title eq "Engineer" and active eq true', ['alice', 'carol']],
    ['userName sw "a" or userName sw "b"', ['alice', 'bob']],
    ['not (userName co "acme") and not (title eq "pager")', ['carol']],
    ['(title eq "Engineer" or title eq "Manager") and emails.value ew "acme.com"', ['alice', 'bob']],
    ['emails[type eq "work" and value co "@acme"]', ['alice', 'bob']],
    ['emails[type eq "work"].value eq "x@example.com"', ['dave']],
    ['emails.value eq "X@EXAMPLE.com"', ['bob', 'dave']],
    [`${ENTERPRISE}:department eq "sales"`, ['alice']],
    [`${ENTERPRISE}:manager.value eq "${'BOB'}"`, []],
    [`${ZOOMINFO}:role eq "Admin"`, ['alice']],
    [`${USER_SCHEMA}:name.familyName eq "young"`, ['alice']],
    ['USERNAME eq "bob@acme.com"', ['bob']],
    ['Emails[TYPE eq "work" and VALUE sw "carol"]', ['carol']],
    ['NAME.GIVENNAME sw "da"', ['dave']],
    ['active eq false', ['bob']],
  ])('%s', async (filter, expected) => {
    expect(await filterIds(filter)).toEqual(idsOf(...expected));
  });

  it('a URN-qualified enterprise manager filter matches by id', async () => {
    expect(await filterIds(`${ENTERPRISE}:manager.value eq "${ids.bob}"`)).toEqual(idsOf('alice'));
  });

  it('meta.lastModified and id are filterable', async () => {
    expect(await filterIds(`id eq "${ids.carol}"`)).toEqual(idsOf('carol'));
    expect((await filterIds('meta.lastModified gt "2000-01-01T00:00:00Z"')).length).toBe(TOTAL);
  });

  it.each(['userName eq', 'userName zz "x"', 'noSuchAttribute eq "x"', '(userName eq "x"', 'userName eq "x" and', 'emails[type eq "work"'])(
    'invalid filter %s is 400 invalidFilter',
    async (filter) => {
      expectScimError(await t.scim.get(`/Users?filter=${encodeURIComponent(filter)}`), 400, 'invalidFilter');
    },
  );

  it('an empty match is 200 with an empty ListResponse', async () => {
    const body = await list(`filter=${encodeURIComponent('userName eq "nobody@nowhere"')}`);
    expect(body.schemas).toEqual([LIST_RESPONSE]);
    expect(body.totalResults).toBe(0);
    expect(body.Resources ?? []).toEqual([]);
  });

  it('+ for spaces in the query string', async () => {
    const body = (await t.scim.get('/Users?filter=userName+eq+%22carol@other.org%22').expect(200)).body;
    expect(body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.carol]);
  });
});

describe('paging', () => {
  it('pages through every user with count=10, each exactly once, totalResults constant', async () => {
    const seen: string[] = [];
    for (let start = 1; start <= TOTAL; start += 10) {
      const body = await list(`startIndex=${start}&count=10`);
      expect(body.totalResults).toBe(TOTAL);
      expect(body.startIndex).toBe(start);
      expect(body.itemsPerPage).toBe(body.Resources.length);
      expect(body.Resources.length).toBe(Math.min(10, TOTAL - start + 1));
      seen.push(...body.Resources.map((r: { id: string }) => r.id));
    }
    expect(seen).toHaveLength(TOTAL);
    expect(new Set(seen).size).toBe(TOTAL);
  });

  it('pages through a filtered, sorted list the same way', async () => {
    const seen: string[] = [];
    for (let start = 1; start <= 25; start += 10) {
      const body = await list(`filter=${encodeURIComponent('title eq "pager"')}&sortBy=userName&sortOrder=descending&startIndex=${start}&count=10`);
      expect(body.totalResults).toBe(25);
      seen.push(...body.Resources.map((r: { id: string }) => r.id));
    }
    expect(seen).toEqual([...pagers].reverse());
  });

  it('count=0 gives totalResults only', async () => {
    const body = await list('count=0');
    expect(body.totalResults).toBe(TOTAL);
    expect(body.itemsPerPage).toBe(0);
    expect(body.Resources ?? []).toHaveLength(0);
    const filtered = await list(`count=0&filter=${encodeURIComponent('title eq "pager"')}`);
    expect(filtered.totalResults).toBe(25);
    expect(filtered.Resources ?? []).toHaveLength(0);
  });

  it('startIndex is 1-based; below 1 reads as 1; past the end gives an empty page', async () => {
    const first = await list('startIndex=1&count=1');
    const zero = await list('startIndex=0&count=1');
    expect(zero.Resources[0].id).toBe(first.Resources[0].id);
    expect(zero.startIndex).toBe(1);
    const second = await list('startIndex=2&count=1');
    expect(second.Resources[0].id).not.toBe(first.Resources[0].id);
    const tail = await list(`startIndex=${TOTAL - 1}&count=10`);
    expect(tail.Resources).toHaveLength(2);
    const past = await list(`startIndex=${TOTAL + 5}&count=10`);
    expect(past.totalResults).toBe(TOTAL);
    expect(past.Resources ?? []).toHaveLength(0);
  });

  it('totalResults counts all matches, not the page', async () => {
    const body = await list(`filter=${encodeURIComponent('userName ew "@paging.example"')}&count=3`);
    expect(body.totalResults).toBe(25);
    expect(body.Resources).toHaveLength(3);
  });

  it('numbers are JSON integers', async () => {
    const res = await t.scim.get('/Users?startIndex=2&count=3').expect(200);
    expect(res.text).toMatch(new RegExp(`"totalResults":${TOTAL}[,}]`));
    expect(res.text).toMatch(/"startIndex":2[,}]/);
    expect(res.text).toMatch(/"itemsPerPage":3[,}]/);
  });

  it('a count that is no integer is 400', async () => {
    expectScimError(await t.scim.get('/Users?count=ten'), 400);
  });
});

describe('sorting', () => {
  it('sortBy userName ascending and descending', async () => {
    const names = (body: { Resources: { userName: string }[] }) => body.Resources.map((r) => r.userName);
    const asc = names(await list(`filter=${encodeURIComponent('not (title eq "pager")')}&sortBy=userName`));
    expect(asc).toEqual(['Alice@Acme.com', 'bob@acme.com', 'carol@other.org', 'dave@acme.com']);
    const desc = names(await list(`filter=${encodeURIComponent('not (title eq "pager")')}&sortBy=userName&sortOrder=descending`));
    expect(desc).toEqual([...asc].reverse());
  });

  it('sortBy a sub-attribute, without a filter', async () => {
    const body = await list('sortBy=name.familyName&count=4');
    expect(body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.carol, ids.bob, ids.alice, ids.dave]);
  });

  it('an unknown sortBy is 400', async () => {
    expectScimError(await t.scim.get('/Users?sortBy=shoeSize'), 400);
  });
});

describe('attributes and excludedAttributes', () => {
  it('attributes=userName returns id, schemas and userName only', async () => {
    const body = await list(`attributes=userName&filter=${encodeURIComponent('title eq "Engineer"')}`);
    expect(body.Resources).toHaveLength(2);
    for (const r of body.Resources) expect(Object.keys(r).sort()).toEqual(['id', 'schemas', 'userName']);
    const one = (await t.scim.get(`/Users/${ids.alice}?attributes=userName`).expect(200)).body;
    expect(Object.keys(one).sort()).toEqual(['id', 'schemas', 'userName']);
    const unfiltered = await list('attributes=userName&count=3');
    for (const r of unfiltered.Resources) expect(Object.keys(r).sort()).toEqual(['id', 'schemas', 'userName']);
  });

  it('attributes with sub-attributes and URN-qualified extension attributes', async () => {
    const one = (await t.scim.get(`/Users/${ids.alice}?attributes=emails.value,${ENTERPRISE}:department,name.givenName`).expect(200)).body;
    expect(one.emails).toEqual([{ value: 'alice@home.example' }, { value: 'alice@acme.com' }]);
    expect(one.name).toEqual({ givenName: 'Alice' });
    expect(one[ENTERPRISE]).toEqual({ department: 'Sales' });
    expect(one.userName).toBeUndefined();
    expect(one[ZOOMINFO]).toBeUndefined();
  });

  it('excludedAttributes drops what it names and keeps the rest', async () => {
    const one = (await t.scim.get(`/Users/${ids.alice}?excludedAttributes=emails,name,${ZOOMINFO}`).expect(200)).body;
    expect(one.emails).toBeUndefined();
    expect(one.name).toBeUndefined();
    expect(one[ZOOMINFO]).toBeUndefined();
    expect(one.userName).toBe('Alice@Acme.com');
    expect(one.meta.location).toMatch(new RegExp(`/Users/${ids.alice}$`));
    // id and schemas are returned "always": excluding them changes nothing.
    const always = (await t.scim.get(`/Users/${ids.alice}?excludedAttributes=id`).expect(200)).body;
    expect(always.id).toBe(ids.alice);
  });

  it('attributes in a list keep the page and totals', async () => {
    const body = await list(`attributes=userName&filter=${encodeURIComponent('title eq "pager"')}&count=5`);
    expect(body.totalResults).toBe(25);
    expect(body.Resources).toHaveLength(5);
  });

  it('an unknown attribute name is 400', async () => {
    expectScimError(await t.scim.get('/Users?attributes=shoeSize'), 400);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, userBody, type TestApp } from '../helpers/test-app.js';
import { expectScimError } from '../helpers/scim-http.js';

let t: TestApp;
const names: string[] = [];
beforeAll(async () => {
  t = await createTestApp({ MAX_FILTER_SCAN: '50' });
  for (let i = 0; i < 60; i++) {
    const userName = `${i % 2 ? 'B' : 'a'}-user-${(i * 37) % 60}@example.com`;
    names.push(userName);
    await t.scim.post('/Users', userBody({ userName, title: `t${i}` })).expect(201);
  }
});
afterAll(() => t.close());

const q = (query: string) => t.scim.get(`/Users?${query}`);

describe('lists that would read every user are bounded (issue 13, item 8)', () => {
  it('a filter without an indexed equality past MAX_FILTER_SCAN is 400 tooMany, saying what to do', async () => {
    const res = await q(`filter=${encodeURIComponent('title eq "t3"')}`);
    expectScimError(res, 400, 'tooMany');
    expect(res.body.detail).toContain('MAX_FILTER_SCAN');
    expect(res.body.detail).toContain('userName');
    expectScimError(await q('sortBy=title'), 400, 'tooMany');
  });

  it('an indexed equality still runs, with any other condition beside it', async () => {
    const res = await q(`filter=${encodeURIComponent(`userName eq "${names[3]}" and title eq "t3"`)}&sortBy=title`).expect(200);
    expect(res.body.totalResults).toBe(1);
  });

  it('sortBy=userName is served from the index, in the evaluator order, both ways', async () => {
    const sorted = [...names].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1));
    const up = await q('sortBy=userName&startIndex=3&count=10').expect(200);
    expect(up.body.totalResults).toBe(60);
    expect(up.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(sorted.slice(2, 12));
    const down = await q('sortBy=USERNAME&sortOrder=descending&count=5&attributes=userName').expect(200);
    expect(down.body.Resources.map((r: { userName: string }) => r.userName)).toEqual([...sorted].reverse().slice(0, 5));
    expect(down.body.Resources[0].title).toBeUndefined();
    expect((await q('sortBy=userName&count=0').expect(200)).body).toMatchObject({ totalResults: 60, itemsPerPage: 0 });
  });
});

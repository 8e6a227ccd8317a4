import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { sqliteDb } from '../helpers/database.js';
import { tokenDigest } from '../../src/store/accounts-repository.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('the token digest cache (issue 13, item 1)', () => {
  it('remembers no miss: an account created behind its back is found at once', () => {
    const { accounts } = t.app.store;
    const db = sqliteDb(t.app.store);
    expect(accounts.checkToken('ghost', 'scim', 'ghost-token-0123456789')).toBe(false);
    // Written on the same connection, as a migration or a test would: no data_version change.
    db.prepare("INSERT INTO accounts (id, name, created_at) VALUES ('ghost', 'Ghost', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO tokens (account_id, kind, digest, created_at) VALUES ('ghost', 'scim', ?, '2026-01-01T00:00:00Z')").run(
      tokenDigest('ghost-token-0123456789'),
    );
    expect(accounts.checkToken('ghost', 'scim', 'ghost-token-0123456789')).toBe(true);
  });

});

import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ADMIN_TOKEN, SCIM_TOKEN } from '../helpers/test-app.js';
import { sqlRows } from '../helpers/database.js';

describe('a credential in the query string is neither journaled nor logged (issue 13, item 13)', () => {
  it('access_token, token and api_key values are [redacted] in journaled paths and in debug logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zi-query-secrets-'));
    let logs = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((logs += chunk.toString()), done()) });
    const app = await buildApp(loadConfig({ DATABASE_PATH: join(dir, 'db.sqlite'), SCIM_TOKEN, ADMIN_TOKEN, LOG_LEVEL: 'debug', PORT: '0' }), { logStream: sink });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const http = request(app.server);
      await http.get(`/scim/v2/Users?access_token=${SCIM_TOKEN}&count=1`).set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(200);
      await http.get('/scim/v2/Users?startIndex=1&ACCESS_TOKEN=query-secret-one').expect(401);
      await http.get('/accounts/ghost/scim/v2/Users?api_key=query-secret-two').expect(401);
      await http.get('/admin/api/users?token=query-secret-three').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
      app.store.events.flush();
      const paths = sqlRows<{ path: string }>(app.store, 'SELECT path FROM events WHERE path IS NOT NULL').map((r) => r.path).join('\n');
      expect(paths).toContain('access_token=[redacted]&count=1');
      expect(paths).toContain('?startIndex=1&ACCESS_TOKEN=[redacted]');
      expect(logs).toContain('[redacted]');
      for (const secret of [SCIM_TOKEN, 'query-secret-one', 'query-secret-two', 'query-secret-three']) {
        expect(paths).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

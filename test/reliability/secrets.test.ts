import { Writable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ADMIN_TOKEN, SCIM_TOKEN, USER_SCHEMA, PATCH_OP, storeTokens } from '../helpers/test-app.js';

const PASSWORD = 'Sup3r-Secret-Passw0rd!';

describe('secrets never reach the logs or the database in clear', () => {
  it('a full scenario at trace level logs no token and no password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zi-secrets-'));
    let logs = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((logs += chunk.toString()), done()) });
    storeTokens(join(dir, 'db.sqlite')); // stored, not pinned by the environment: the test rotates one
    const config = loadConfig({ DATABASE_PATH: join(dir, 'db.sqlite'), LOG_LEVEL: 'trace', PORT: '0' });
    const app = await buildApp(config, { logStream: sink });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const http = request(app.server);
      const scim = (t: request.Test) => t.set('Authorization', `Bearer ${SCIM_TOKEN}`).set('Content-Type', 'application/scim+json');
      const created = await scim(http.post('/scim/v2/Users')).send({ schemas: [USER_SCHEMA], userName: 'secret@example.com', password: PASSWORD }).expect(201);
      await scim(http.patch(`/scim/v2/Users/${created.body.id}`)).send({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'password', value: PASSWORD }] }).expect(200);
      await scim(http.put(`/scim/v2/Users/${created.body.id}`)).send({ schemas: [USER_SCHEMA], userName: 'secret@example.com', password: PASSWORD }).expect(200);
      await http.get('/scim/v2/Users').set('Authorization', 'Bearer wrong-token-but-still-secret').expect(401);
      await http.post('/scim/v2/Users').set('Authorization', `Bearer ${SCIM_TOKEN}`).set('Content-Type', 'application/json').send(`{"password": "${PASSWORD}", broken`).expect(400);
      const rotated = await http.post('/admin/api/scim-token').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(201);
      await http.get('/admin/api/events').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
      await http.post('/admin/api/users').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ userName: 'local@example.com', password: PASSWORD }).expect(201);
      await app.close();

      expect(logs.length).toBeGreaterThan(0); // trace level did log the requests
      for (const secret of [SCIM_TOKEN, ADMIN_TOKEN, PASSWORD, rotated.body.token, 'wrong-token-but-still-secret']) {
        expect(logs).not.toContain(secret);
      }
      // The whole file after close (the WAL is checkpointed into it): digests only, never the secret.
      const db = readFileSync(join(dir, 'db.sqlite')).toString('latin1');
      for (const secret of [SCIM_TOKEN, ADMIN_TOKEN, PASSWORD, rotated.body.token]) expect(db).not.toContain(secret);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

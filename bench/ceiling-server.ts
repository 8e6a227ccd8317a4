/**
 * The ceiling of this stack on this machine: a bare Fastify server (no logger, no plugins) whose
 * one route checks a bearer token, the way the sandbox does (SHA-256 digest compared in constant
 * time), and returns a fixed user document of about 1 KB, serialised per request as Fastify does.
 * Started by bench/bench.ts as its own process, like the sandbox, so both run under the same rules.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';

const token = process.env.SCIM_TOKEN ?? '';
const port = Number(process.env.PORT ?? 0);
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const stored = digest(token);

/** A provisioned user as the sandbox answers it, padded to about 1 KB. */
const document = {
  schemas: [
    'urn:ietf:params:scim:schemas:core:2.0:User',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User',
  ],
  id: '4f8c7d0e-2b1a-4c39-9e57-0d6a1f3b2c44',
  userName: 'grace.hopper.12345.example@example.com',
  externalId: 'ext-bench-12345',
  name: { givenName: 'Grace', familyName: 'Hopper', formatted: 'Grace Hopper' },
  displayName: 'Grace Hopper',
  emails: [{ value: 'grace.hopper.12345.example@example.com', type: 'work', primary: true }],
  active: true,
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '112345', department: 'Engineering' },
  'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User': { role: 'User', licenses: ['SalesOS', 'MarketingOS'] },
  groups: [{ value: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', display: 'Engineering team 2', $ref: 'http://127.0.0.1:8080/scim/v2/Groups/9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', type: 'direct' }],
  meta: {
    resourceType: 'User',
    created: '2025-01-01T00:00:00.000Z',
    lastModified: '2025-01-01T00:00:00.000Z',
    location: 'http://127.0.0.1:8080/scim/v2/Users/4f8c7d0e-2b1a-4c39-9e57-0d6a1f3b2c44',
    version: 'W/"1"',
  },
};

const app = Fastify();
app.get('/scim/v2/Users/:id', async (request, reply) => {
  const header = request.headers.authorization ?? '';
  const presented = /^bearer /i.test(header) ? header.slice(7) : '';
  if (!presented || !timingSafeEqual(digest(presented), stored)) return reply.code(401).send({ status: '401' });
  return reply.header('content-type', 'application/scim+json; charset=utf-8').send(document);
});

await app.listen({ port, host: '127.0.0.1' });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));

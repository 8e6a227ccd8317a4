import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AdminError } from './errors.js';
import { DEFAULT_ACCOUNT } from '../../model/accounts.js';
import { NO_ACCOUNT, type SharedState, type StoredSession } from '../../model/shared-state.js';

/**
 * Admin view sessions (PRODUCT.md §5): the view signs in once with the admin token and then holds an
 * HttpOnly, SameSite=Strict cookie, for 12 h. Sessions and failed sign-ins live in the store's shared
 * state: in memory on SQLite (a restart signs everyone out), in tables on PostgreSQL (every replica
 * knows every session, and counts every failure).
 * Every state-changing request made with the cookie must carry the session's CSRF token in
 * X-CSRF-Token; the bearer admin token keeps working as before and needs none.
 */

export const SESSION_COOKIE = 'zi_admin_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/**
 * Failed admin credentials (a wrong token at sign-in or on /admin/api) allowed from one address per
 * window; past it, a wrong one gets 429 until the window ends. The right token always passes, so
 * guesses from an address never lock the real admin out of it.
 */
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 60 * 1000;
const MAX_SESSIONS = 1000;

export type AdminSession = StoredSession;

declare module 'fastify' {
  interface FastifyInstance {
    /** Present inside the /admin scope (routes/admin/scope.ts). */
    adminSessions?: AdminSessions;
  }
}

const randomToken = () => randomBytes(32).toString('base64url');

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * The session table and the failed sign-in counter; `now` is injectable for tests. `credential`
 * stamps the current admin token: rotating it (admin API, or `zi-scim token rotate --admin` in
 * another process) ends every session signed in with the old one, not 12 h later.
 */
export function createAdminSessions(shared: SharedState, now: () => number = Date.now, credential: () => string | null = () => null) {
  const { sessions, windows } = shared;
  const failures = (ip: string) => `admin-sign-in ${ip}`;
  return {
    create(): AdminSession {
      const session = { id: randomToken(), csrfToken: randomToken(), expiresAt: now() + SESSION_TTL_MS, credential: credential() };
      sessions.put(DEFAULT_ACCOUNT, session, MAX_SESSIONS, now());
      return session;
    },
    find(id: string | undefined): AdminSession | null {
      if (!id) return null;
      const session = sessions.get(DEFAULT_ACCOUNT, id);
      if (!session) return null;
      if (session.expiresAt <= now() || session.credential !== credential()) {
        sessions.remove(DEFAULT_ACCOUNT, id);
        return null;
      }
      return session;
    },
    end(id: string): void {
      sessions.remove(DEFAULT_ACCOUNT, id);
    },
    /** Milliseconds until this address may try again, or 0 when it may now. */
    blockedFor(ip: string): number {
      const f = windows.get(NO_ACCOUNT, failures(ip));
      if (!f) return 0;
      const windowEnds = f.startedAt + FAILURE_WINDOW_MS;
      if (windowEnds <= now()) return 0;
      return f.count >= MAX_FAILURES ? windowEnds - now() : 0;
    },
    recordFailure(ip: string): void {
      windows.hit(NO_ACCOUNT, failures(ip), 'failures', FAILURE_WINDOW_MS, now());
    },
  };
}

export type AdminSessions = ReturnType<typeof createAdminSessions>;

/**
 * The error for a wrong admin credential, counted against the address: 401, or 429 with
 * Retry-After once the address has failed MAX_FAILURES times in the window.
 */
export function refuseCredential(sessions: AdminSessions, request: FastifyRequest, reply: FastifyReply, detail: string): AdminError {
  const wait = sessions.blockedFor(request.ip);
  sessions.recordFailure(request.ip);
  if (wait > 0) {
    reply.header('retry-after', String(Math.ceil(wait / 1000)));
    return new AdminError(429, 'too_many_attempts', 'too many failed admin credentials from this address; try again in a minute');
  }
  return new AdminError(401, 'unauthorized', detail);
}

/** The value of one cookie from the Cookie header, without a cookie library. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const sessionOf = (app: FastifyInstance, request: FastifyRequest): AdminSession | null =>
  app.adminSessions?.find(readCookie(request, SESSION_COOKIE)) ?? null;

const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

/** Throws 403 csrf unless a state-changing request carries the session's CSRF token. */
function checkCsrf(request: FastifyRequest, session: AdminSession): void {
  if (isSafeMethod(request.method)) return;
  const presented = request.headers[CSRF_HEADER];
  if (typeof presented !== 'string' || !sameSecret(presented, session.csrfToken)) {
    throw new AdminError(403, 'csrf', `a request made with the admin session cookie must send the session's CSRF token in the X-CSRF-Token header`);
  }
}

/**
 * For the admin API's auth hook: true when the request has a valid session cookie (and, for a
 * state-changing method, the right CSRF token; a wrong or missing one throws 403 csrf).
 */
export function sessionAllows(app: FastifyInstance, request: FastifyRequest): boolean {
  const session = sessionOf(app, request);
  if (!session) return false;
  checkCsrf(request, session);
  return true;
}

/** A cross-site page may not drive the sign-in routes: an Origin, when sent, must be this host. */
function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (!origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== request.headers.host) throw new AdminError(403, 'csrf', 'cross-origin sign-in requests are refused');
}

function setCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
}

const signInBody = z.object({ token: z.string().min(1).max(1024) }).strict();

const present = (s: AdminSession) => ({ csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString() });

/** POST, GET and DELETE /admin/session. Needs `adminSessions` decorated on the scope. */
const adminSessionRoutes: FastifyPluginAsync = async (app) => {
  const sessions = app.adminSessions!;
  // JSON only: an HTML form (urlencoded or multipart) cannot sign anyone in from another site.
  app.addContentTypeParser('*', (_request, _payload, done) => {
    done(new AdminError(400, 'invalid_input', 'body: send {"token": "<ADMIN_TOKEN>"} as application/json', { field: 'body' }), undefined);
  });

  app.post('/session', async (request, reply) => {
    checkOrigin(request);
    const parsed = signInBody.safeParse(request.body ?? {});
    if (!parsed.success) throw new AdminError(400, 'invalid_input', 'token: the admin token is required', { field: 'token' });
    if (!app.store.accounts.checkToken('default', 'admin', parsed.data.token)) {
      request.log.warn({ ip: request.ip }, 'admin view sign-in refused');
      throw refuseCredential(sessions, request, reply, 'the admin token is not valid');
    }
    const session = sessions.create();
    setCookie(request, reply, session.id, SESSION_TTL_MS / 1000);
    reply.header('cache-control', 'no-store');
    return present(session);
  });

  // The page reloads without losing its session: the cookie is HttpOnly, so it asks for its CSRF token.
  app.get('/session', async (request, reply) => {
    const session = sessionOf(app, request);
    if (!session) throw new AdminError(401, 'unauthorized', 'not signed in');
    reply.header('cache-control', 'no-store');
    return present(session);
  });

  app.delete('/session', async (request, reply) => {
    checkOrigin(request);
    const session = sessionOf(app, request);
    if (session) {
      checkCsrf(request, session);
      sessions.end(session.id);
    }
    setCookie(request, reply, '', 0);
    return reply.code(204).send();
  });
};

export default adminSessionRoutes;

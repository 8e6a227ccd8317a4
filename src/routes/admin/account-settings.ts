import type { FastifyPluginAsync, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { settingsPatchSchema } from '../../model/settings.js';
import { changeSettings } from '../../zoominfo/settings-service.js';
import { accessOf } from '../../zoominfo/lockout-guard.js';
import { LOCKOUT_REMEDY } from '../../zoominfo/admin-access.js';
import { rotateToken, TokenRefused } from '../../zoominfo/tokens.js';
import { resetAccount } from '../../zoominfo/reset.js';
import { checkSignIn } from '../../zoominfo/sign-in.js';
import { readiness } from '../../zoominfo/readiness.js';
import { DEFAULT_ACCOUNT, type TokenKind } from '../../model/accounts.js';
import type { UserRow } from '../../model/users.js';
import { caseKey } from '../../model/case-key.js';
import { asLockout, conflictError } from './errors.js';
import { accountOf } from './context.js';

/** The store as the app decorates it: routes name no module of src/store (docs/storage.md). */
type Store = FastifyInstance['store'];

const resetBody = z.object({ force: z.boolean().default(false) }).strict();

const signInQuery = z.object({ userName: z.string().min(1).max(256), method: z.enum(['sso', 'password']) }).strict();

/**
 * The user a sign-in names, matched without case: the live one, else the newest record a SCIM
 * DELETE left behind. That record is a deprovisioned user (PRODUCT.md §3) and must be answered as
 * one, not as "no such user" (findByUserName skips it: its name is free for a new user).
 */
function signInUser(store: Store, accountId: string, userName: string): UserRow | null {
  const live = store.users.findByUserName(accountId, userName);
  if (live) return live;
  const { rows } = store.users.search({ accountId, status: 'deprovisioned', q: userName, offset: 0, limit: 500 });
  return rows.find((u) => caseKey(u.userName) === caseKey(userName)) ?? null;
}

/** Settings, the tokens, reset, the sign-in check and readiness: the account as a whole. */
const adminAccountSettingsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/settings', async (request) => app.store.accounts.find(accountOf(request))!.settings);

  app.patch('/settings', async (request) => {
    const patch = settingsPatchSchema.parse(request.body ?? {});
    try {
      return changeSettings(app.store, accountOf(request), patch);
    } catch (error) {
      throw asLockout(error);
    }
  });

  const rotate = (accountId: string, kind: TokenKind): string => {
    try {
      return rotateToken(app.store, accountId, kind, 'admin API');
    } catch (error) {
      if (error instanceof TokenRefused) throw conflictError(error.code, error.message);
      throw error;
    }
  };

  app.post('/scim-token', async (request, reply) => reply.code(201).send({ token: rotate(accountOf(request), 'scim') }));

  // One admin token serves every account (PRODUCT.md §7), so ?account= does not apply. Every admin
  // view session ends with the old token (routes/admin/session.ts).
  app.post('/admin-token', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({ token: rotate(DEFAULT_ACCOUNT, 'admin') });
  });

  app.post('/reset', async (request) => {
    const { force } = resetBody.parse(request.body ?? {});
    try {
      resetAccount(app.store, accountOf(request), force);
    } catch (error) {
      throw asLockout(error);
    }
    return { status: 'reset' };
  });

  app.post('/sign-in-check', async (request) => {
    const { userName, method } = signInQuery.parse(request.body ?? {});
    const accountId = accountOf(request);
    return checkSignIn(signInUser(app.store, accountId, userName), method, app.store.accounts.find(accountId)!.settings);
  });

  app.get('/readiness', async (request) => readiness(app.store, accountOf(request)));

  // PRODUCT.md §8.1's invariant as it stands: the admin view's banner reads it on every page.
  app.get('/admin-access', async (request) => {
    const access = accessOf(app.store, accountOf(request));
    return { holds: access.holds, summary: access.holds ? access.summary : `${access.summary}. To fix it: ${LOCKOUT_REMEDY}`, admins: access.admins };
  });
};

export default adminAccountSettingsRoutes;

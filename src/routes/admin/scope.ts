import type { FastifyPluginAsync } from 'fastify';
import helmet from '@fastify/helmet';
import adminApi from './index.js';
import adminSessionRoutes, { createAdminSessions } from './session.js';
import adminViewRoutes from './view.js';
import { adminErrorHandler } from './errors.js';
import { DEFAULT_ACCOUNT } from '../../model/accounts.js';

/**
 * Everything under /admin: the view, its session routes and the JSON API, behind security headers
 * that apply here only (SCIM responses are left exactly as they were).
 */
const adminScope: FastifyPluginAsync = async (app) => {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // A local sandbox is usually served over plain http on a loopback address: HSTS there would pin
    // every other local port of that host to https in the browser.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  app.decorate('adminSessions', createAdminSessions(app.store.shared, Date.now, () => app.store.accounts.tokenStamp(DEFAULT_ACCOUNT, 'admin')));
  app.setErrorHandler(adminErrorHandler);
  await app.register(adminSessionRoutes);
  await app.register(adminViewRoutes);
  await app.register(adminApi, { prefix: '/api' });
};

export default adminScope;

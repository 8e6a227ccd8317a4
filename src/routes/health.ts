import type { FastifyPluginAsync } from 'fastify';

/** Open to all: answers 200 only while the database answers (Docker HEALTHCHECK, CI waits). */
const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async (_request, reply) => {
    try {
      app.store.ping();
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
};

export default healthRoutes;

import type { FastifyPluginAsync } from 'fastify';
import { userResourceType } from '../../scim/schema/resource-types.js';
import { registerResourceRoutes } from './resource-routes.js';

const usersRoutes: FastifyPluginAsync = async (app) => registerResourceRoutes(app, userResourceType, app.users);
export default usersRoutes;

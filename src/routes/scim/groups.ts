import type { FastifyPluginAsync } from 'fastify';
import { groupResourceType } from '../../scim/schema/resource-types.js';
import { registerResourceRoutes } from './resource-routes.js';

const groupsRoutes: FastifyPluginAsync = async (app) => registerResourceRoutes(app, groupResourceType, app.groups);
export default groupsRoutes;

import type { FastifyPluginAsync } from 'fastify';
import { type InstanceAdminOptions, instanceAdminApi } from './api.js';
import { instanceAdminPages } from './pages.js';

/**
 * Instance administration, for the users listed in INSTANCE_ADMINS: disabling any account, as
 * pages under /admin/users and as POST /api/v1/users/disable. For anyone else these routes do not
 * exist (404).
 */
export const instanceAdminRoutes: FastifyPluginAsync<InstanceAdminOptions> = async (app, options) => {
  await app.register(instanceAdminPages, options);
  await app.register(instanceAdminApi, options);
};

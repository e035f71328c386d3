import type { Database } from '@enclavia/db';
import type { FastifyPluginAsync } from 'fastify';
import { apiCsrf, apiSignIn, sendApiError } from '../api/guards.js';
import type { AuthConfig } from '../config.js';
import { disableAsInstanceAdmin, disableInput, isInstanceAdmin } from './disable.js';

export interface InstanceAdminOptions {
  config: AuthConfig;
  db: Database;
}

/** POST /api/v1/users/disable `{ email }`, with the rules of every /api/v1 change. */
export const instanceAdminApi: FastifyPluginAsync<InstanceAdminOptions> = async (app, { config, db }) => {
  app.addHook('preHandler', apiSignIn(db));
  // Before the CSRF check: for anyone else the route does not exist, whatever they send.
  app.addHook('preHandler', async (request, reply) => {
    if (!isInstanceAdmin(config, request.user!)) return reply.callNotFound();
  });
  app.addHook('preHandler', apiCsrf(new URL(config.issuer).origin));

  app.post('/api/v1/users/disable', async (request) => {
    const { email } = disableInput.parse(request.body ?? {});
    const result = await disableAsInstanceAdmin(db, {
      admin: request.user!,
      email,
      accessTokenTtl: config.ttl.accessToken,
    });
    return { email: result.email, revoked_grants: result.grants, revoked_tokens: result.tokens };
  });

  app.setErrorHandler(sendApiError);
};

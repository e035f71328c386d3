import type { FastifyInstance } from 'fastify';
import { idsOf } from './verify-access-token.js';

/**
 * One `info` line per token the MCP server refuses (401 for a token it does not accept, 403 for a
 * scope it lacks), with the reason and whose token it was: client, grant, workspace. Never the
 * token. Logged whether or not request lines are on. A request without any token is a client's
 * first contact, not a refusal, and is not logged here.
 */
export function logRefusedTokens(app: FastifyInstance): void {
  // A callback hook, not an async one: no promise per request (docs/performance.md).
  app.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode === 401 && request.tokenRefusal) {
      request.log.info({ event: 'token_refused', status: 401, ...request.tokenRefusal }, 'token refused');
    } else if (reply.statusCode === 403 && request.auth) {
      request.log.info(
        {
          event: 'token_refused',
          status: 403,
          reason: 'insufficient_scope',
          scopes: request.auth.scopes.join(' '),
          ...idsOf(request.auth),
        },
        'token refused',
      );
    }
    done();
  });
}

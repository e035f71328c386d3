import { ENCLAVE_SCOPES } from '@enclavia/contract';
import type { FastifyPluginAsync } from 'fastify';
import type { McpConfig } from '../config.js';

/** RFC 9728 metadata, the same document at the path form and the root form, open to any origin. */
export const protectedResourceRoutes: FastifyPluginAsync<{ config: McpConfig }> = async (app, { config }) => {
  const document = {
    resource: config.resource,
    authorization_servers: [config.issuer],
    scopes_supported: [...ENCLAVE_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: 'Enclavia',
  };
  const path = new URL(config.resource).pathname;
  const paths = new Set([
    '/.well-known/oauth-protected-resource',
    `/.well-known/oauth-protected-resource${path}`,
  ]);
  for (const url of paths) {
    app.get(url, async (_request, reply) => reply.header('access-control-allow-origin', '*').send(document));
  }
};

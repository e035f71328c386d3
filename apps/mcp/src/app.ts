import { protectedResourceMetadataUrl } from '@enclavia/contract';
import type { Database } from '@enclavia/db';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAccessTokenVerifier } from './auth/verify-access-token.js';
import type { McpConfig } from './config.js';
import { mcpRoutes } from './routes/mcp.js';
import { protectedResourceRoutes } from './routes/protected-resource.js';

export interface McpAppDeps {
  config: McpConfig;
  db: Database;
  logger?: boolean | { level: string };
}

/** Builds the MCP resource server without listening; `main.ts` listens. */
export async function buildMcpApp({ config, db, logger = false }: McpAppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger, trustProxy: config.trustProxy });
  const verify = createAccessTokenVerifier({
    issuer: config.issuer,
    audience: config.resource,
    jwksUrl: config.jwksUrl,
  });
  const resourceMetadata = protectedResourceMetadataUrl(config.resource);

  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(protectedResourceRoutes, { config });
  await app.register(mcpRoutes, {
    db,
    allowedOrigins: new Set([new URL(config.resource).origin, ...config.allowedOrigins]),
    path: new URL(config.resource).pathname,
    resourceMetadata,
    verify,
  });
  return app;
}

import {
  fastifyLogging,
  fastifyTrustProxy,
  type LoggingConfig,
  refuseControlCharacters,
  VERSION,
} from '@enclavia/config';
import { protectedResourceMetadataUrl } from '@enclavia/contract';
import type { Database, Listen } from '@enclavia/db';
import Fastify, { type FastifyInstance } from 'fastify';
import { logRefusedTokens } from './auth/refusal-log.js';
import { startTokenVerification } from './auth/token-verification.js';
import type { McpConfig } from './config.js';
import { startDriver } from './driver.js';
import { createMcpMetrics } from './metrics.js';
import { notFoundPage } from './routes/browser-page.js';
import { refuseMalformedInput } from './routes/input-refusal.js';
import { issuerFallbackRoutes } from './routes/issuer-fallbacks.js';
import { mcpRoutes } from './routes/mcp.js';
import { protectedResourceRoutes } from './routes/protected-resource.js';

export interface McpAppDeps {
  config: McpConfig;
  db: Database;
  /** Receives the authorization server's revocations (NOTIFY). */
  listen: Listen;
  /** Unset: no logs (tests). */
  logging?: LoggingConfig;
  /** Off only to compare the fast `tools/call` path with the SDK's in tests. */
  fastToolCalls?: boolean;
}

/** Builds the MCP resource server without listening; `main.ts` listens. */
export async function buildMcpApp({
  config,
  db,
  listen,
  logging,
  fastToolCalls = true,
}: McpAppDeps): Promise<FastifyInstance> {
  // Close means close: keep-alive connections of clients must not hold a shutdown open.
  const app = Fastify({
    ...fastifyLogging(logging, 'mcp'),
    trustProxy: fastifyTrustProxy(config.trustProxy),
    forceCloseConnections: true,
  });
  const metrics = createMcpMetrics(app, config);
  const tokens = await startTokenVerification({
    db,
    listen,
    issuer: config.issuer,
    audience: config.resource,
    keys: { jwksUrl: config.jwksUrl },
    resyncSeconds: config.revocationResyncSeconds,
    patNegativeCacheSeconds: config.patNegativeCacheSeconds,
    onError: (error) => app.log.error({ err: error }, 'revocation or policy resync failed'),
    onRevocationPushed: metrics.revocationPushed,
  });
  app.addHook('onClose', () => tokens.close());
  await metrics.attach(app, tokens.revocationListSize);
  const driver = startDriver(config, db, (error) =>
    app.log.error({ err: error }, 'enclave driver step failed'),
  );
  app.addHook('onClose', () => driver.close());
  const resourceMetadata = protectedResourceMetadataUrl(config.resource);

  refuseControlCharacters(app, { refuse: refuseMalformedInput });
  logRefusedTokens(app);
  app.get('/healthz', async () => ({ status: 'ok', version: VERSION }));
  app.setNotFoundHandler(notFoundPage({ resource: config.resource, issuer: config.issuer }));
  await app.register(protectedResourceRoutes, { config });
  await app.register(issuerFallbackRoutes, { issuer: config.issuer, resource: config.resource });
  await app.register(mcpRoutes, {
    db,
    driver,
    enclaveQuota: config.enclaveQuota,
    enclaveCreateLimit: config.enclaveCreateLimit,
    allowedOrigins: new Set([new URL(config.resource).origin, ...config.allowedOrigins]),
    allowedHosts: new Set(config.allowedHosts),
    path: new URL(config.resource).pathname,
    resourceMetadata,
    browser: { resource: config.resource, issuer: config.issuer },
    verify: tokens.verify,
    fastToolCalls,
  });
  return app;
}

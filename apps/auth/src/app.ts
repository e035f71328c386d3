import { createRateLimiter, startLivePolicies } from '@enclavia/access';
import { fastifyLogging, fastifyTrustProxy, type LoggingConfig, VERSION } from '@enclavia/config';
import type { Database, Listen } from '@enclavia/db';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { adminRoutes } from './admin/routes.js';
import { apiRoutes } from './api/routes.js';
import type { AuthConfig } from './config.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { homeRoutes } from './home/routes.js';
import { scheduleExpiredRowSweep } from './housekeeping/expired-rows.js';
import { instanceAdminRoutes } from './instance-admin/routes.js';
import { interactionRoutes } from './interaction/routes.js';
import { loginRoutes } from './login/routes.js';
import { limitFailedSignIns } from './login/sign-in-limit.js';
import { createAuthMetrics } from './metrics.js';
import { serveCliClientMetadata } from './oidc/cli-client.js';
import { scheduleClientReaping } from './oidc/client-reaper.js';
import { loadServerKeys } from './oidc/keys.js';
import { mountProvider } from './oidc/mount.js';
import { createProvider, type ProviderDeps } from './oidc/provider.js';
import { observeRevocations } from './revocation-events.js';
import { sessionRoutes } from './session/routes.js';
import { trackGrantUse } from './tokens/grants.js';
import { configuredProviders } from './upstream/index.js';
import { guardInput } from './web/input-guard.js';

export interface AuthAppDeps {
  config: AuthConfig;
  db: Database;
  /** Receives policy changes (NOTIFY) from every process sharing the database. */
  listen: Listen;
  /** Outbound HTTP for client ID metadata documents (tests point it at a loopback host). */
  fetch?: ProviderDeps['fetch'];
  /** Unset: no logs (tests). */
  logging?: LoggingConfig;
}

/** Builds the authorization server without listening; `main.ts` listens. */
export async function buildAuthApp({
  config,
  db,
  listen,
  fetch,
  logging,
}: AuthAppDeps): Promise<FastifyInstance> {
  const keys = await loadServerKeys(db);
  // Close means close: keep-alive connections of clients must not hold a shutdown open.
  const app = Fastify({
    ...fastifyLogging(logging, 'auth'),
    trustProxy: fastifyTrustProxy(config.trustProxy),
    forceCloseConnections: true,
  });
  const policies = await startLivePolicies({
    db,
    listen,
    resyncSeconds: config.liveStateResyncSeconds,
    onError: (error) => app.log.error({ err: error }, 'workspace policy resync failed'),
  });
  app.addHook('onClose', () => policies.close());
  const metrics = createAuthMetrics(app, config);
  const provider = createProvider({
    config,
    db,
    keys,
    policies,
    fetch,
    onRefreshReuse: metrics.refreshReuse,
  });

  mountProvider(app, provider, {
    registrationLimit: config.registrationLimit,
    tokenFailureLimit: config.tokenFailureLimit,
  });
  guardInput(app);
  limitFailedSignIns(app, config.signInFailureLimit);
  await app.register(cookie, { secret: keys.cookie });
  await app.register(formbody);
  const upstream = configuredProviders(config);
  await app.register(interactionRoutes, { config, db, provider, upstream });
  await app.register(loginRoutes, { config, db, provider, upstream });
  await app.register(sessionRoutes, { config, db, provider, upstream });
  await app.register(adminRoutes, { config, db });
  const tokenCreation = createRateLimiter(config.tokenCreationLimit);
  await app.register(dashboardRoutes, { config, db, tokenCreation });
  await app.register(apiRoutes, { config, db, tokenCreation });
  await app.register(instanceAdminRoutes, { config, db });
  homeRoutes(app, { mcpUrl: config.mcpResource });
  app.get('/healthz', async () => ({ status: 'ok', version: VERSION }));
  serveCliClientMetadata(app, config.issuer);
  scheduleClientReaping(app, db, config.clientReaping);
  scheduleExpiredRowSweep(app, db, { ...config.housekeeping, accessTokenTtl: config.ttl.accessToken });
  trackGrantUse(provider, db, app.log);
  await metrics.attach(app, provider);
  const stopLoggingRevocations = observeRevocations(({ source, ...ids }) =>
    app.log.info({ event: 'revocation', source, ...ids }, 'connection revoked'),
  );
  app.addHook('onClose', async () => stopLoggingRevocations());
  return app;
}

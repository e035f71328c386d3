import { countRequests, createServiceMetrics, serveMetrics } from '@enclavia/config';
import type { FastifyInstance } from 'fastify';
import type { Provider } from 'oidc-provider';
import { Counter } from 'prom-client';
import type { AuthConfig } from './config.js';
import { providerPathOf } from './oidc/mount.js';
import { observeRevocations } from './revocation-events.js';

export interface AuthMetrics {
  /** For the refresh token adapter: a used refresh token was presented again. */
  refreshReuse(withinGrace: boolean): void;
  /** Starts counting the provider's grants and serving `/metrics` as configured. */
  attach(app: FastifyInstance, provider: Provider): Promise<void>;
}

/**
 * The authorization server's metrics: requests, token grants by type and outcome, refresh token
 * reuse inside and outside the grace window, revocations by source. Call `countRequests` first
 * thing (before oidc-provider is mounted), `attach` once the provider exists.
 */
export function createAuthMetrics(app: FastifyInstance, config: AuthConfig): AuthMetrics {
  const { registry } = createServiceMetrics('auth', config.metrics);
  countRequests(app, registry, providerPathOf);
  const grants = new Counter({
    name: 'enclavia_token_grants_total',
    help: 'Token endpoint grants by grant type and outcome (ok, or the OAuth error)',
    labelNames: ['grant_type', 'outcome'],
    registers: [registry],
  });
  const reuse = new Counter({
    name: 'enclavia_refresh_token_reuse_total',
    help: 'Used refresh tokens presented again: within the grace window (accepted) or after it (the grant is revoked)',
    labelNames: ['window'],
    registers: [registry],
  });
  const revocations = new Counter({
    name: 'enclavia_revocations_total',
    help: 'Connections revoked, by what revoked them',
    labelNames: ['source'],
    registers: [registry],
  });
  const stopCounting = observeRevocations(({ source }) => revocations.inc({ source }));
  app.addHook('onClose', async () => stopCounting());

  return {
    refreshReuse: (withinGrace) => reuse.inc({ window: withinGrace ? 'within_grace' : 'after_grace' }),
    async attach(app, provider) {
      const grantType = (ctx: { oidc?: { params?: Record<string, unknown> } }) =>
        String(ctx.oidc?.params?.grant_type ?? 'unknown');
      provider.on('grant.success', (ctx) => grants.inc({ grant_type: grantType(ctx), outcome: 'ok' }));
      provider.on('grant.error', (ctx, error: { error?: string }) =>
        grants.inc({ grant_type: grantType(ctx), outcome: error.error ?? 'server_error' }),
      );
      await serveMetrics(app, registry, {
        ...config.metrics,
        host: config.host,
        hostSetting: 'AUTH_HOST',
        portSetting: 'AUTH_METRICS_PORT',
      });
    },
  };
}

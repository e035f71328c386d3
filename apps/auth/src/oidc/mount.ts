import type { FastifyInstance } from 'fastify';
import type { Provider } from 'oidc-provider';
import { PROVIDER_ROUTES } from './provider.js';

const PROVIDER_PATHS = [
  ...Object.values(PROVIDER_ROUTES),
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
];

function isProviderPath(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return PROVIDER_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Hands the provider's own paths to oidc-provider at the origin root (a path-less issuer), before
 * Fastify parses any body; every other path stays Fastify's.
 */
export function mountProvider(app: FastifyInstance, provider: Provider): void {
  const handle = provider.callback();
  app.addHook('onRequest', (request, reply, done) => {
    if (!isProviderPath(request.url)) return done();
    reply.hijack();
    void handle(request.raw, reply.raw);
  });
}

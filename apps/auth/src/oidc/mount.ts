import { createRateLimiter } from '@enclavia/access';
import { REGISTRATION_PREFLIGHT_HEADERS } from '@enclavia/contract';
import type { FastifyInstance } from 'fastify';
import type { Provider } from 'oidc-provider';
import { PROVIDER_ROUTES } from './provider.js';

const PROVIDER_PATHS = [
  ...Object.values(PROVIDER_ROUTES),
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
];

function isProviderPath(path: string): boolean {
  return PROVIDER_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

export interface MountOptions {
  registrationLimit: { max: number; windowSeconds: number };
}

/**
 * Hands the provider's own paths to oidc-provider at the origin root (a path-less issuer), before
 * Fastify parses any body; every other path stays Fastify's. Registration gets what oidc-provider
 * leaves to its host: CORS for browser clients and a rate limit per client address.
 */
export function mountProvider(
  app: FastifyInstance,
  provider: Provider,
  { registrationLimit }: MountOptions,
): void {
  const handle = provider.callback();
  const takeRegistration = createRateLimiter(registrationLimit);

  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?', 1)[0]!;
    if (!isProviderPath(path)) return done();

    if (path === PROVIDER_ROUTES.registration) {
      // Open registration carries no cookies, so any origin may call it.
      reply.raw.setHeader('access-control-allow-origin', '*');
      if (request.method === 'OPTIONS') {
        return reply.status(204).headers(REGISTRATION_PREFLIGHT_HEADERS).send();
      }
      if (request.method === 'POST') {
        const verdict = takeRegistration(request.ip);
        if (!verdict.allowed) {
          return reply
            .status(429)
            .header('retry-after', String(verdict.retryAfter))
            .send({
              error: 'too_many_requests',
              error_description: `Too many client registrations from this address; retry in ${verdict.retryAfter} s.`,
            });
        }
      }
    }
    reply.hijack();
    void handle(request.raw, reply.raw);
  });
}

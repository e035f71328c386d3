import { createFailureLimiter, createRateLimiter, type RateLimitVerdict } from '@enclavia/access';
import { REGISTRATION_PREFLIGHT_HEADERS } from '@enclavia/contract';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Provider } from 'oidc-provider';
import type { Limit } from '../config.js';
import { PROVIDER_ROUTES } from './provider.js';

const PROVIDER_PATHS = [
  ...Object.values(PROVIDER_ROUTES),
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
];

function isProviderPath(path: string): boolean {
  return PROVIDER_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}

/** What the token endpoint answers a request it refused: a bad grant, code or client. */
const TOKEN_FAILURES = new Set([400, 401]);

export interface MountOptions {
  registrationLimit: Limit;
  tokenFailureLimit: Limit;
}

/**
 * Hands the provider's own paths to oidc-provider at the origin root (a path-less issuer), before
 * Fastify parses any body; every other path stays Fastify's. Registration gets what oidc-provider
 * leaves to its host: CORS for browser clients and a rate limit per client address. The token
 * endpoint is closed to an address after too many refused requests, so codes, refresh tokens and
 * client secrets cannot be guessed at speed; clients that succeed never count.
 */
export function mountProvider(
  app: FastifyInstance,
  provider: Provider,
  { registrationLimit, tokenFailureLimit }: MountOptions,
): void {
  const handle = provider.callback();
  const takeRegistration = createRateLimiter(registrationLimit);
  const tokenFailures = createFailureLimiter(tokenFailureLimit);

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
          return tooManyRequests(reply, verdict, 'Too many client registrations from this address');
        }
      }
    }
    if (path === PROVIDER_ROUTES.token) {
      const address = request.ip;
      const verdict = tokenFailures.check(address);
      if (!verdict.allowed) {
        return tooManyRequests(reply, verdict, 'Too many failed token requests from this address');
      }
      reply.raw.once('finish', () => {
        if (TOKEN_FAILURES.has(reply.raw.statusCode)) tokenFailures.fail(address);
      });
    }
    reply.hijack();
    void handle(request.raw, reply.raw);
  });
}

/** Readable by browser clients (MCP Inspector) too: the answer names no one and carries no secret. */
function tooManyRequests(reply: FastifyReply, verdict: RateLimitVerdict, what: string) {
  return reply
    .status(429)
    .header('access-control-allow-origin', '*')
    .header('access-control-expose-headers', 'retry-after')
    .header('retry-after', String(verdict.retryAfter))
    .header('cache-control', 'no-store')
    .send({
      error: 'too_many_requests',
      error_description: `${what}; retry in ${verdict.retryAfter} s.`,
    });
}

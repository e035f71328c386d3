import { REGISTRATION_PREFLIGHT_HEADERS } from '@enclavia/contract';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

type Headers = Record<string, string>;

interface Fallback {
  method: 'GET' | 'POST';
  path: string;
  /** 302 for a browser's GET; 308 keeps a POST a POST, with its body. */
  status: 302 | 308;
  /** What a browser is told, on the redirect and on the preflight: what the issuer tells it there. */
  cors?: { answer(request: FastifyRequest): Headers; preflight(request: FastifyRequest): Headers };
}

/** oidc-provider's answer at the issuer's `/token`: the caller's origin; the client is checked there. */
const tokenCors: Fallback['cors'] = {
  answer: (request) => ({ 'access-control-allow-origin': request.headers.origin ?? '*', vary: 'Origin' }),
  preflight: (request) => {
    const requested = request.headers['access-control-request-headers'];
    return {
      ...tokenCors!.answer(request),
      'access-control-allow-methods': 'POST',
      ...(requested ? { 'access-control-allow-headers': requested } : {}),
      'access-control-max-age': '3600',
    };
  },
};

const registrationCors: Fallback['cors'] = {
  answer: () => ({ 'access-control-allow-origin': '*' }),
  preflight: () => REGISTRATION_PREFLIGHT_HEADERS,
};

/**
 * MCP 2025-03-26 told clients without metadata to use `/authorize`, `/token` and `/register` on the
 * MCP server's origin, and some still do ("Cannot POST /token"): they are sent on to the same path
 * at the issuer.
 */
const FALLBACKS: Fallback[] = [
  { method: 'GET', path: '/authorize', status: 302 },
  { method: 'POST', path: '/token', status: 308, cors: tokenCors },
  { method: 'POST', path: '/register', status: 308, cors: registrationCors },
];

export const issuerFallbackRoutes: FastifyPluginAsync<{ issuer: string; resource: string }> = async (
  app,
  { issuer, resource },
) => {
  for (const { method, path, status, cors } of FALLBACKS) {
    const target = `${issuer}${path}`;
    // Issuer and MCP server share this origin: the reverse proxy sends these paths to the issuer,
    // so one reaching us was routed wrong, and a redirect to the same URL would loop.
    if (sameUrl(target, new URL(path, resource))) {
      app.route({ method, url: path, onRequest: misrouted(target), handler: async () => undefined });
      continue;
    }
    app.route({
      method,
      url: path,
      // Answered before Fastify reads the body: the client sends it again to the issuer.
      onRequest: async (request, reply) => {
        if (cors) reply.headers(cors.answer(request));
        const query = request.url.split('?')[1];
        return reply.redirect(query === undefined ? target : `${target}?${query}`, status);
      },
      handler: async () => undefined,
    });
    if (cors)
      app.options(path, async (request, reply) => reply.status(204).headers(cors.preflight(request)).send());
  }
};

function sameUrl(target: string, here: URL): boolean {
  const there = new URL(target);
  return there.origin === here.origin && there.pathname === here.pathname;
}

/** Where a request the proxy sent here by mistake belongs; said before Fastify reads its body. */
function misrouted(target: string) {
  return async (request: FastifyRequest, reply: FastifyReply) =>
    reply.status(404).send({
      error: 'not_found',
      error_description: `${request.method} ${new URL(target).pathname} belongs to the authorization server (${target}), which shares this origin with the MCP server: the reverse proxy must send it there.`,
    });
}

import type { FastifyReply, preHandlerHookHandler } from 'fastify';
import { bearerChallenge } from './challenge.js';
import { InvalidTokenError, type VerifiedAuth } from './verify-access-token.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: VerifiedAuth;
    /** Why the bearer token was refused, for the log line (refusal-log.ts). */
    tokenRefusal?: { reason: string } & InvalidTokenError['ids'];
  }
}

/**
 * Fastify adapter of the bearer check: no token, or one we do not accept, is a 401 whose
 * challenge tells the client where to find the authorization server. Tokens are taken from the
 * Authorization header only, never from the URL.
 */
export function requireBearer(options: {
  verify: (token: string) => Promise<VerifiedAuth>;
  resourceMetadata: string;
}): preHandlerHookHandler {
  const { verify, resourceMetadata } = options;
  // A callback hook, not an async one: one promise fewer per request (docs/performance.md).
  return function bearerAuth(request, reply, done) {
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      unauthorized(reply, bearerChallenge({ resourceMetadata }), {
        error: 'unauthorized',
        error_description: 'Authorization required: send an access token as "Authorization: Bearer <token>".',
      });
      return;
    }
    let verifying: Promise<VerifiedAuth>;
    try {
      verifying = verify(token);
    } catch (error) {
      verifying = Promise.reject(error);
    }
    verifying.then(
      (auth) => {
        request.auth = auth;
        done();
      },
      (error: unknown) => {
        if (!(error instanceof InvalidTokenError)) return done(error as Error);
        request.tokenRefusal = { reason: error.message, ...error.ids };
        const challenge = bearerChallenge({
          resourceMetadata,
          error: 'invalid_token',
          description: error.message,
        });
        unauthorized(reply, challenge, { error: 'invalid_token', error_description: error.message });
      },
    );
  };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i);
  return match?.[1];
}

function unauthorized(reply: FastifyReply, challenge: string, body: Record<string, string>) {
  return reply.status(401).header('www-authenticate', challenge).send(body);
}

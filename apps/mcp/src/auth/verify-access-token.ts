import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, CLAIMS } from '@enclavia/contract';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { z } from 'zod';

/** Who a verified token speaks for. Every MCP request carries exactly one of these. */
export interface TokenIdentity {
  userId: string;
  email: string;
  workspaceId: string;
  grantId: string;
}

export type VerifiedAuth = AuthInfo & { expiresAt: number; extra: TokenIdentity };

/** The one error of this module: the token is not one we accept. Its message is safe to show. */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  /** Whose token it was, when it could be read: for the operator's log line, never the token. */
  constructor(
    message: string,
    readonly ids: { clientId?: string; grantId?: string; workspaceId?: string } = {},
  ) {
    super(message);
  }
}

/** The ids of a token we read, for a refusal's log line. */
export function idsOf(auth: Pick<VerifiedAuth, 'clientId' | 'extra'>): InvalidTokenError['ids'] {
  return { clientId: auth.clientId, grantId: auth.extra.grantId, workspaceId: auth.extra.workspaceId };
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  client_id: z.string().min(1),
  scope: z.string().default(''),
  exp: z.number(),
  [CLAIMS.workspace]: z.uuid(),
  [CLAIMS.email]: z.string(),
  [CLAIMS.grant]: z.string().min(1),
});

export interface VerifierOptions {
  issuer: string;
  audience: string;
  /** The issuer's public keys: its JWKS URL (cached, refetched on an unknown `kid`), or the keys themselves. */
  keys: { jwksUrl: string } | { jwks: JSONWebKeySet };
  /** Whether the grant a token was issued under has been revoked since. */
  isRevoked: (grantId: string) => boolean;
  /** How many verified tokens to remember (a client sends one token for many calls). */
  maxCachedTokens?: number;
  /** The clock, in milliseconds; tests move it. */
  now?: () => number;
}

// Seconds a token is still accepted after `exp`, for clocks that disagree a little.
const CLOCK_TOLERANCE = 5;

/**
 * RFC 9068 access token verification: signature by the issuer's published keys (cached, and
 * fetched again when a token names a key we have not seen), one allowed algorithm, `typ: at+jwt`,
 * exact issuer and audience, expiry, and the claims we rely on.
 *
 * What a token says cannot change, so its signature and claims are checked once and the result
 * remembered until the token expires (or is pushed out by newer ones). What can change is checked
 * on every request: the clock against its expiry, and the revocation list. Scopes are the route's.
 */
export function createAccessTokenVerifier({
  issuer,
  audience,
  keys,
  isRevoked,
  maxCachedTokens = 10_000,
  now = Date.now,
}: VerifierOptions) {
  const jwks =
    'jwksUrl' in keys
      ? createRemoteJWKSet(new URL(keys.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
      : createLocalJWKSet(keys.jwks);
  const verified = new Map<string, VerifiedAuth>();

  return async function verifyAccessToken(token: string): Promise<VerifiedAuth> {
    let auth = verified.get(token);
    if (!auth) {
      auth = await verifySignatureAndClaims(token);
      if (verified.size >= maxCachedTokens) verified.delete(verified.keys().next().value!);
      verified.set(token, auth);
    }
    if (auth.expiresAt <= Math.floor(now() / 1000) - CLOCK_TOLERANCE) {
      verified.delete(token);
      throw new InvalidTokenError('the access token expired', idsOf(auth));
    }
    if (isRevoked(auth.extra.grantId))
      throw new InvalidTokenError('the access token was revoked', idsOf(auth));
    return auth;
  };

  async function verifySignatureAndClaims(token: string): Promise<VerifiedAuth> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer,
        audience,
        typ: ACCESS_TOKEN_TYP,
        algorithms: [ACCESS_TOKEN_ALG],
        requiredClaims: ['exp', 'iat', 'sub', 'client_id'],
        clockTolerance: CLOCK_TOLERANCE,
        currentDate: new Date(now()),
      }));
    } catch (error) {
      throw new InvalidTokenError(describe(error));
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success)
      throw new InvalidTokenError('the token lacks the claims of an Enclavia access token');
    const c = claims.data;
    return Object.freeze({
      token,
      clientId: c.client_id,
      scopes: c.scope.split(' ').filter(Boolean),
      expiresAt: c.exp,
      resource: new URL(audience),
      extra: {
        userId: c.sub,
        email: c[CLAIMS.email],
        workspaceId: c[CLAIMS.workspace],
        grantId: c[CLAIMS.grant],
      },
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the access token expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `the access token's "${error.claim}" claim is not accepted`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'the access token signature is invalid';
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'the access token is signed with an algorithm that is not accepted';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'the access token is signed with an unknown key';
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSEError) {
    if (error.code === 'ERR_JWKS_TIMEOUT') return 'the signing keys could not be fetched';
  }
  return 'the access token is malformed';
}

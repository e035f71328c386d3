import { startLivePolicies, startRevocationList } from '@enclavia/access';
import type { Database, Listen } from '@enclavia/db';
import type { JSONWebKeySet } from 'jose';
import { eitherToken } from './bearer-verifier.js';
import { createPersonalAccessTokenVerifier } from './personal-access-tokens.js';
import { createAccessTokenVerifier, type VerifiedAuth } from './verify-access-token.js';
import { withWorkspacePolicy } from './workspace-policy.js';

export interface TokenVerification {
  verify(token: string): Promise<VerifiedAuth>;
  /** How many revoked grants and tokens are held in memory. */
  revocationListSize(): number;
  close(): Promise<void>;
}

/**
 * Everything that decides whether a bearer token is accepted, for HTTP and stdio alike: the
 * token itself (an access token or a personal access token), the revocations and the workspace
 * policies pushed from the authorization server.
 */
export async function startTokenVerification(options: {
  db: Database;
  listen: Listen;
  issuer: string;
  audience: string;
  keys: { jwksUrl: string } | { jwks: JSONWebKeySet };
  resyncSeconds: number;
  /** How long a personal access token the database refused is refused without asking it again. */
  patNegativeCacheSeconds: number;
  onError?: (error: unknown) => void;
  /** Told how long each pushed revocation took to arrive, in milliseconds. */
  onRevocationPushed?: (ageMs: number) => void;
}): Promise<TokenVerification> {
  const { db, listen, resyncSeconds, onError, onRevocationPushed } = options;
  const revocations = await startRevocationList({
    db,
    listen,
    resyncSeconds,
    onError,
    ...(onRevocationPushed ? { onPushed: onRevocationPushed } : {}),
  });
  const policies = await startLivePolicies({ db, listen, resyncSeconds, onError }).catch(async (error) => {
    await revocations.close();
    throw error;
  });
  const verify = eitherToken({
    accessToken: createAccessTokenVerifier({
      issuer: options.issuer,
      audience: options.audience,
      keys: options.keys,
      isRevoked: revocations.isRevoked,
    }),
    personalAccessToken: createPersonalAccessTokenVerifier({
      db,
      isRevoked: revocations.isRevoked,
      negativeCacheSeconds: options.patNegativeCacheSeconds,
    }),
  });
  return {
    verify: withWorkspacePolicy(verify, policies),
    revocationListSize: revocations.size,
    async close() {
      await Promise.all([revocations.close(), policies.close()]);
    },
  };
}

import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP, CLAIMS } from '@enclavia/contract';
import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';

export const ISSUER = 'http://127.0.0.1:4999';
export const AUDIENCE = 'http://127.0.0.1:4998/mcp';

export interface TokenClaims {
  userId: string;
  email: string;
  workspaceId: string;
  grantId: string;
  scope: string;
  /** Seconds from now until it expires. */
  expiresIn?: number;
}

/** Signs access tokens as the authorization server does (RFC 9068, ES256), with a key of its own. */
export async function createTokenSigner() {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALG);
  const jwks: JSONWebKeySet = {
    keys: [{ ...(await exportJWK(publicKey)), kid: 'test', alg: ACCESS_TOKEN_ALG }],
  };
  return {
    jwks,
    sign: (claims: TokenClaims, now = Date.now()) =>
      new SignJWT({
        client_id: 'test-client',
        scope: claims.scope,
        [CLAIMS.workspace]: claims.workspaceId,
        [CLAIMS.email]: claims.email,
        [CLAIMS.grant]: claims.grantId,
      })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid: 'test' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(claims.userId)
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(now / 1000) + (claims.expiresIn ?? 900))
        .sign(privateKey),
  };
}

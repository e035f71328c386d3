import { Google } from 'arctic';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { exchange, tokenField } from './http.js';
import { UpstreamError, type UpstreamIdentityProvider } from './identity-provider.js';

const JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
const ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

const claimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string().min(3),
  email_verified: z.boolean().optional(),
});

/** Google OpenID Connect with PKCE; the ID token is verified against Google's keys. */
export function googleProvider(options: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}): UpstreamIdentityProvider {
  const google = new Google(options.clientId, options.clientSecret, options.redirectUri);
  const jwks = createRemoteJWKSet(new URL(JWKS_URL));
  return {
    id: 'google',
    label: 'Google',
    authorizationUrl: (state, codeVerifier) =>
      google.createAuthorizationURL(state, codeVerifier, ['openid', 'email']),
    async identify(code, codeVerifier) {
      const tokens = await exchange('Google', () => google.validateAuthorizationCode(code, codeVerifier));
      const idToken = tokenField('Google', () => tokens.idToken());
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(idToken, jwks, { issuer: ISSUERS, audience: options.clientId }));
      } catch (error) {
        throw new UpstreamError('invalid_response', 'Google answered with an ID token we cannot verify.', {
          cause: error,
        });
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success)
        throw new UpstreamError('invalid_response', 'Google answered without an email address.');
      if (claims.data.email_verified !== true) {
        throw new UpstreamError('unverified_email', 'Your Google account’s email address is not verified.');
      }
      return { provider: 'google', subject: claims.data.sub, email: claims.data.email };
    },
  };
}

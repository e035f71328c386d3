import type { AsymmetricSigningAlgorithm, ClientAuthMethod, Configuration } from 'oidc-provider';
import { errors } from 'oidc-provider';

/** How clients may authenticate at /token and /revoke: public clients, a secret, or a signed assertion. */
const METHODS: ClientAuthMethod[] = ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'];

/**
 * What a `private_key_jwt` client may sign its assertions with: what real clients use (RS256 is
 * ChatGPT's) and nothing weaker. Never `none`, and no HMAC: that is `client_secret_jwt`, which
 * stays off because it needs the shared secret on both sides.
 */
const ASSERTION_ALGS: AsymmetricSigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'Ed25519', 'EdDSA'];

/** The furthest ahead an assertion's `exp` may be (Okta's limit): its `jti` is kept until then. */
const ASSERTION_MAX_LIFETIME_SECONDS = 60 * 60;

/**
 * Runs on a client assertion whose signature, `iss` (= `sub` = the client), `exp` and `aud` (our
 * issuer, or the URL of the endpoint it is sent to) oidc-provider has checked, before it spends
 * the `jti`. oidc-provider also takes an `aud` list holding one of those among others; RFC 7523bis
 * wants a single audience, so an assertion is never good at another server as well. And it takes
 * any `exp`, so a `jti` could be stored for years.
 */
const assertClientAssertion: NonNullable<Configuration['assertJwtClientAuthClaimsAndHeader']> = (
  _ctx,
  claims,
) => {
  if (Array.isArray(claims.aud) && claims.aud.length !== 1) {
    throw new errors.InvalidClientAuth('the client assertion must name exactly one audience');
  }
  if (Number(claims.exp) > Date.now() / 1000 + ASSERTION_MAX_LIFETIME_SECONDS) {
    throw new errors.InvalidClientAuth('the client assertion must expire within an hour');
  }
};

/** Client authentication, as oidc-provider configures it. */
export const CLIENT_AUTHENTICATION = {
  clientAuthMethods: METHODS,
  enabledJWA: { clientAuthSigningAlgValues: ASSERTION_ALGS },
  assertJwtClientAuthClaimsAndHeader: assertClientAssertion,
  // oidc-provider authenticates clients at /revoke as at /token, but advertises only the latter.
  discovery: {
    revocation_endpoint_auth_methods_supported: METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
  },
} satisfies Configuration;

import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { CLIENT_KEY_POLICY } from '../oidc/client-keys.js';
import { issuerFetch, type OutboundFetch } from '../oidc/outbound-fetch.js';

/** The most an issuer's OpenID configuration or JWKS may weigh. */
const DOCUMENT_MAX_BYTES = 64 * 1024;

const OpenIdConfiguration = z.object({ issuer: z.string(), jwks_uri: z.url() });

/** The keys of each trusted issuer, as an ID-JAG's signature is checked with them. */
export interface IssuerKeys {
  /** A key getter for `jwtVerify`; rejects when the issuer's configuration cannot be read. */
  keysOf(issuer: string): Promise<JWTVerifyGetKey>;
}

/**
 * An enterprise issuer's signing keys, from its OpenID configuration's `jwks_uri`, kept like a
 * private_key_jwt client's keys (client-keys.ts): used for at most `maxAgeSeconds`, fetched again
 * at once when an assertion names a `kid` they lack, at most once per `refetchCooldownSeconds`.
 * The configuration itself is read again when the keys are. Every fetch is https only, without
 * redirects (outside production, http on loopback too, for a development IdP).
 */
export function issuerKeys({
  production,
  fetch: inner,
  policy = CLIENT_KEY_POLICY,
}: {
  production: boolean;
  fetch?: OutboundFetch;
  policy?: Pick<typeof CLIENT_KEY_POLICY, 'maxAgeSeconds' | 'refetchCooldownSeconds'>;
}): IssuerKeys {
  const fetchOut = issuerFetch(inner, { allowLoopbackHttp: !production, maxBytes: DOCUMENT_MAX_BYTES });
  const known = new Map<string, { keys: JWTVerifyGetKey; until: number }>();

  const discover = async (issuer: string): Promise<JWTVerifyGetKey> => {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetchOut(url, { headers: { accept: 'application/json' } });
    if (response.status !== 200) throw new Error(`its OpenID configuration answered ${response.status}`);
    const config = OpenIdConfiguration.parse(await response.json());
    if (config.issuer !== issuer) throw new Error('its OpenID configuration names another issuer');
    const remote = createRemoteJWKSet(new URL(config.jwks_uri), {
      cacheMaxAge: policy.maxAgeSeconds * 1000,
      // jose counts this from any fetch, so a key rotated to just after one would wait for it;
      // refetchOnUnknownKid counts from the last fetch an unknown `kid` caused.
      cooldownDuration: policy.refetchCooldownSeconds * 1000,
      [customFetch]: (input, init) => fetchOut(input, init),
    });
    return refetchOnUnknownKid(remote, policy.refetchCooldownSeconds * 1000);
  };

  return {
    async keysOf(issuer) {
      const now = Date.now();
      const held = known.get(issuer);
      if (held && held.until > now) return held.keys;
      const keys = await discover(issuer);
      known.set(issuer, { keys, until: now + policy.maxAgeSeconds * 1000 });
      return keys;
    },
  };
}

/**
 * Verifies with the keys held, and when the token names a key they lack, fetches them again at
 * once, at most once per `cooldownMs`, so made-up `kid`s cannot turn us into a fetch loop.
 */
function refetchOnUnknownKid(
  remote: ReturnType<typeof createRemoteJWKSet>,
  cooldownMs: number,
): JWTVerifyGetKey {
  let lastForced = Number.NEGATIVE_INFINITY;
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() < lastForced + cooldownMs) throw error;
      lastForced = Date.now();
      await remote.reload();
      return remote(header, token);
    }
  };
}

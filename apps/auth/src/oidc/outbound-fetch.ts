import { USER_AGENT } from '@enclavia/config';
import type { Configuration } from 'oidc-provider';

export type OutboundFetch = NonNullable<Configuration['fetch']>;

/**
 * The most a client's JWKS (`jwks_uri`) may weigh: a few keys with certificate chains fit, and
 * oidc-provider reads any size unless told. Metadata documents keep oidc-provider's 5 KB.
 */
export const CLIENT_JWKS_MAX_BYTES = 32 * 1024;

/**
 * Everything oidc-provider fetches for a client (its metadata document, its `jwks_uri`) goes out
 * through here. oidc-provider gives each request a 2.5 s timeout and a dispatcher that refuses
 * private, loopback and link-local addresses, which `inner` must use. But it lets a registered
 * `jwks_uri` be plain http and follows its redirects (it refuses them only for metadata
 * documents), so here nothing but https goes out and no redirect is followed: a 3xx is an answer,
 * which oidc-provider rejects for not being 200. Every request names us and our version.
 */
export function guardedFetch(inner: OutboundFetch = (input, init) => fetch(input, init)): OutboundFetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.protocol !== 'https:') {
      return Promise.reject(new TypeError(`only https is fetched, not ${url.protocol}`));
    }
    const headers = new Headers(init?.headers);
    headers.set('user-agent', USER_AGENT);
    return inner(input, { ...init, headers, redirect: 'manual' });
  };
}

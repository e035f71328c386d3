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

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * What we fetch from an enterprise identity provider an admin trusts (its OpenID configuration and
 * JWKS): https only, no redirect, 2.5 s, at most `maxBytes`; outside production also http on a
 * loopback host, for an IdP run on a developer's machine.
 */
export function issuerFetch(
  inner: OutboundFetch = (input, init) => fetch(input, init),
  { allowLoopbackHttp, maxBytes }: { allowLoopbackHttp: boolean; maxBytes: number },
): (input: string | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const url = new URL(input);
    const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
    if (url.protocol !== 'https:' && !(allowLoopbackHttp && loopbackHttp)) {
      throw new TypeError(`only https is fetched, not ${url.protocol}`);
    }
    const response = await inner(url.href, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(2500),
    });
    const body = await response.arrayBuffer();
    if (body.byteLength > maxBytes) throw new TypeError(`the answer is larger than ${maxBytes} bytes`);
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

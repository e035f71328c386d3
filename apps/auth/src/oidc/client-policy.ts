import type { Configuration, Provider } from 'oidc-provider';
import { errors } from 'oidc-provider';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * The MCP rules for every client, registered, fetched (CIMD) or built in. oidc-provider calls the
 * validator once per listed property, so one synthetic property makes it run once per client.
 */
export const clientMetadataPolicy: NonNullable<Configuration['extraClientMetadata']> = {
  properties: ['urn:enclavia:policy'],
  validator(_ctx, key, _value, metadata) {
    if (key !== 'urn:enclavia:policy') return;
    const uris = (metadata.redirect_uris ?? []) as string[];
    for (const uri of uris) {
      const url = URL.parse(uri);
      if (!url || !(url.protocol === 'https:' || isLoopbackHttp(url))) {
        throw new errors.InvalidRedirectUri(
          'redirect_uris must be https, or http on localhost, 127.0.0.1 or [::1]',
        );
      }
    }
    // The keys there authenticate the client; oidc-provider would take a registered http one.
    if (metadata.jwks_uri !== undefined && URL.parse(String(metadata.jwks_uri))?.protocol !== 'https:') {
      throw new errors.InvalidClientMetadata('jwks_uri must be an https URL');
    }
    // A client redirecting only to loopback runs on the user's machine: native (RFC 8252), which
    // lets its redirect URI use whatever port it listens on today.
    if (uris.length > 0 && uris.every((u) => isLoopbackHttp(new URL(u))))
      metadata.application_type = 'native';
    // A registered scope would later restrict what the client may ask for, and real clients
    // register scopes we do not define (`claudeai`, `openid email profile`): what a client gets is
    // decided at authorization and consent instead.
    delete metadata.scope;
  },
};

/**
 * Loopback redirect URIs match on any port, and `localhost`, `127.0.0.1` and `[::1]` are one
 * host: Claude Code registers `http://localhost/callback` and listens on 127.0.0.1 at a random
 * port. oidc-provider offers no hook for redirect matching, so its check is widened here.
 */
export function widenLoopbackRedirects(provider: Provider): void {
  const prototype = provider.Client.prototype;
  const exact = prototype.redirectUriAllowed;
  prototype.redirectUriAllowed = function redirectUriAllowed(
    this: InstanceType<Provider['Client']>,
    value: string,
  ) {
    return exact.call(this, value) || loopbackMatch(value, this.redirectUris ?? []);
  };
}

export function loopbackMatch(value: string, registered: readonly string[]): boolean {
  const url = URL.parse(value);
  if (!url || !isLoopbackHttp(url)) return false;
  const key = (u: URL) => `${u.pathname}${u.search}`;
  return registered.some((r) => {
    const allowed = URL.parse(r);
    return allowed !== null && isLoopbackHttp(allowed) && key(allowed) === key(url);
  });
}

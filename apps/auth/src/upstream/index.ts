import type { AuthConfig } from '../config.js';
import { githubProvider } from './github.js';
import { googleProvider } from './google.js';
import type { UpstreamIdentityProvider, UpstreamProviderId } from './identity-provider.js';

export * from './identity-provider.js';

/** The upstream providers that are configured, in the order the login page offers them. */
export function configuredProviders(config: AuthConfig): Map<UpstreamProviderId, UpstreamIdentityProvider> {
  const providers = new Map<UpstreamProviderId, UpstreamIdentityProvider>();
  const redirectUri = (id: UpstreamProviderId) => `${config.issuer}/login/${id}/callback`;
  if (config.github)
    providers.set('github', githubProvider({ ...config.github, redirectUri: redirectUri('github') }));
  if (config.google)
    providers.set('google', googleProvider({ ...config.google, redirectUri: redirectUri('google') }));
  return providers;
}

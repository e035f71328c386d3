import { controlCharacterMessage, fieldWithControlCharacter } from '@enclavia/config';
import type { ClientMetadata, Configuration, Provider } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { z } from 'zod';
import { isLoopbackHost, parseRedirectUri, type RedirectKind, redirectUriMatches } from './redirect-uris.js';

type ApplicationType = 'native' | 'web';

/**
 * What oidc-provider fills in for a client that sends no `application_type`, before our validator
 * runs: `null` instead of its `web`, so the validator can tell "not sent" from "web" and decide.
 */
export const APPLICATION_TYPE_UNSENT = { application_type: null } as unknown as Pick<
  ClientMetadata,
  'application_type'
>;

/** `null` (or absent) is "not sent": see APPLICATION_TYPE_UNSENT. */
const declaredApplicationType = z.enum(['native', 'web']).nullish();
const uriList = z.array(z.string());

/**
 * The MCP rules for every client, registered, fetched (CIMD) or built in. oidc-provider calls the
 * validator once per listed property, so one synthetic property makes it run once per client; it
 * runs before oidc-provider's own checks, so a bad redirect URI is our `invalid_redirect_uri` with
 * our reason rather than its generic `invalid_client_metadata`.
 */
export const clientMetadataPolicy: NonNullable<Configuration['extraClientMetadata']> = {
  // In this order: post_logout_redirect_uris is checked against the application type decided first.
  properties: ['urn:enclavia:policy', 'post_logout_redirect_uris'],
  validator(_ctx, key, value, metadata) {
    if (key === 'post_logout_redirect_uris') return checkPostLogoutRedirectUris(value, metadata);
    if (key !== 'urn:enclavia:policy') return;
    // A fetched metadata document passes no request guard; a NUL would fail the database later.
    const controlled = fieldWithControlCharacter(metadata, 'client metadata');
    if (controlled) throw new errors.InvalidClientMetadata(controlCharacterMessage(controlled));
    const declared = declaredApplicationType.safeParse(metadata.application_type);
    if (!declared.success) {
      throw new errors.InvalidClientMetadata('application_type must be "native" or "web"');
    }
    // The keys there authenticate the client; oidc-provider would take a registered http one.
    if (metadata.jwks_uri !== undefined && URL.parse(String(metadata.jwks_uri))?.protocol !== 'https:') {
      throw new errors.InvalidClientMetadata('jwks_uri must be an https URL');
    }
    const uris = uriList.safeParse(metadata.redirect_uris ?? []);
    // Malformed redirect_uris are oidc-provider's to describe.
    metadata.application_type = uris.success
      ? checkRedirectUris(uris.data, declared.data ?? undefined)
      : (declared.data ?? 'web');
    // A registered scope would later restrict what the client may ask for, and real clients
    // register scopes we do not define (`claudeai`, `openid email profile`): what a client gets is
    // decided at authorization and consent instead.
    delete metadata.scope;
  },
};

/** Refuses what no client may redirect to, and returns the application type the URIs fit. */
function checkRedirectUris(uris: string[], declared: ApplicationType | undefined): ApplicationType {
  const parsed = uris.map((uri) => {
    const result = parseRedirectUri(uri);
    if ('problem' in result) throw redirectUriRefused(result.problem);
    return { uri, ...result };
  });
  const type = declared ?? inferApplicationType(parsed.map((p) => p.kind));
  for (const { uri, url, kind } of parsed) {
    if (type === 'web' && kind === 'app') {
      throw redirectUriRefused(
        `"${uri}" uses the private-use scheme ${url.protocol}, which only an app on the user's device can receive: a web client must redirect to https (or http on loopback); an app registers with application_type "native"`,
      );
    }
    // RFC 8252 §7.3: a native app on loopback listens on plain http; oidc-provider refuses this too.
    if (type === 'native' && kind === 'web' && isLoopbackHost(url)) {
      throw redirectUriRefused(
        `"${uri}": a native client on loopback listens over http, as http://127.0.0.1:<port>/…`,
      );
    }
  }
  return type;
}

/**
 * Clients send `post_logout_redirect_uris` (RP-Initiated Logout), which we do not offer; they are
 * still held to the redirect-URI rule, so nothing registered here names a place we would not send
 * a browser to.
 */
function checkPostLogoutRedirectUris(value: unknown, metadata: { application_type?: unknown }): void {
  if (value === undefined) return;
  const uris = uriList.safeParse(value);
  if (!uris.success)
    throw new errors.InvalidClientMetadata('post_logout_redirect_uris must be an array of strings');
  for (const uri of uris.data) {
    const parsed = parseRedirectUri(uri);
    const problem =
      'problem' in parsed
        ? parsed.problem
        : metadata.application_type === 'web' && parsed.kind === 'app'
          ? `"${uri}" uses a private-use scheme, which a web client cannot have`
          : undefined;
    if (problem) throw new errors.InvalidClientMetadata(`post_logout_redirect_uris: ${problem}`);
  }
}

/** oidc-provider's `invalid_redirect_uri` has a fixed description; ours says what is wrong. */
function redirectUriRefused(reason: string): InstanceType<typeof errors.InvalidRedirectUri> {
  return Object.assign(new errors.InvalidRedirectUri(), { error_description: reason });
}

/**
 * A client that does not say: one with an app's own scheme is native (a web client cannot have
 * one), and so is one redirecting only to loopback (it runs on the user's machine, RFC 8252); any
 * other is web, as OpenID Connect Registration defaults.
 */
function inferApplicationType(kinds: RedirectKind[]): ApplicationType {
  if (kinds.includes('app')) return 'native';
  if (kinds.length > 0 && kinds.every((k) => k === 'loopback')) return 'native';
  return 'web';
}

/**
 * Redirect URIs match exactly, except that a loopback one matches on any port and `localhost`,
 * `127.0.0.1` and `[::1]` are one host: Claude Code registers `http://localhost/callback` and
 * listens on 127.0.0.1 at a random port. oidc-provider offers no hook for redirect matching, so
 * its check is replaced here by ours (redirect-uris.ts), the one the workspace allowlist uses.
 */
export function matchRedirectUrisExactly(provider: Provider): void {
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(
    this: InstanceType<Provider['Client']>,
    value: string,
  ) {
    return redirectUriMatches(value, this.redirectUris ?? []);
  };
}

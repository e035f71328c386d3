import { randomBytes } from 'node:crypto';
import {
  auth,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { CliError } from './errors.js';
import { tokensToStore } from './login-credential.js';
import type { StoredLogin } from './login-store.js';
import { listenForCallback } from './loopback-callback.js';
import { networkReason } from './remote-errors.js';

/** Where a deployment publishes the CLI's client ID metadata document, relative to its issuer. */
const CLI_CLIENT_PATH = '/clients/enclavia-cli';

/**
 * The SDK's OAuth client (PRM discovery, authorization server metadata, PKCE S256, registration)
 * with this sign-in's state kept in memory; `signIn` stores the result.
 */
class SignInProvider implements OAuthClientProvider {
  readonly stateValue = randomBytes(24).toString('base64url');
  discovery: OAuthDiscoveryState | undefined;
  client: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  authorizationUrl: URL | undefined;
  private verifier = '';

  constructor(readonly redirectUrl: string) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Enclavia CLI',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    } as OAuthClientMetadata;
  }

  state() {
    return this.stateValue;
  }

  /**
   * The deployment's own document for the CLI when it advertises client ID metadata documents and
   * serves one; otherwise nothing, and the SDK registers the CLI (RFC 7591). Handed over as client
   * information rather than `clientMetadataUrl`, which the SDK takes only over https: a deployment
   * on plain-http loopback publishes it too.
   */
  async clientInformation() {
    if (this.client || !this.discovery) return this.client;
    const clientId = await publishedClientId(this.discovery);
    if (clientId) this.client = { client_id: clientId, issuer: this.discovery.authorizationServerUrl };
    return this.client;
  }

  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }

  tokens() {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }

  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }

  codeVerifier() {
    return this.verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }

  discoveryState() {
    return this.discovery;
  }
}

async function publishedClientId(discovery: OAuthDiscoveryState): Promise<string | undefined> {
  const metadata = discovery.authorizationServerMetadata;
  if (metadata?.client_id_metadata_document_supported !== true) return undefined;
  const documentUrl = `${metadata.issuer.replace(/\/+$/, '')}${CLI_CLIENT_PATH}`;
  try {
    const response = await fetch(documentUrl, { headers: { accept: 'application/json' } });
    if (!response.ok) return undefined;
    const document = (await response.json()) as { client_id?: unknown };
    return document.client_id === documentUrl ? documentUrl : undefined;
  } catch {
    return undefined;
  }
}

export interface SignInOptions {
  /** Shows the authorization URL to the user (and opens the browser). */
  showAuthorizationUrl(url: string): Promise<void>;
}

/**
 * Signs in to the deployment at `url` in the browser: authorization code with PKCE S256 to a
 * loopback redirect on 127.0.0.1 at a free port. Resolves with what to store.
 */
export async function signIn(url: string, { showAuthorizationUrl }: SignInOptions): Promise<StoredLogin> {
  const callback = await listenForCallback();
  try {
    const provider = new SignInProvider(callback.redirectUri);
    const started = await auth(provider, { serverUrl: url });
    if (started !== 'REDIRECT' || !provider.authorizationUrl) {
      throw new CliError(`${url} did not start a sign-in`);
    }
    // Listening for this state before the URL is shown: the browser may come back at once.
    const answer = callback.code(provider.stateValue);
    await showAuthorizationUrl(provider.authorizationUrl.href);
    const { code, iss } = await answer;
    const issuer = provider.discovery?.authorizationServerMetadata?.issuer;
    // RFC 9207: the answer must come from the server the request went to.
    if (iss !== undefined && issuer !== undefined && iss !== issuer) {
      throw new CliError(
        `the sign-in answer came from ${iss}, not from ${issuer}: run \`enclavia auth login\` again`,
      );
    }
    await auth(provider, { serverUrl: url, authorizationCode: code });
    return loginOf(url, provider);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof TypeError && error.cause) {
      throw new CliError(
        `cannot reach ${url} (${networkReason(error)}): check the URL (--url or ENCLAVIA_URL) and that the deployment is up`,
      );
    }
    throw new CliError(`cannot sign in to ${url}: ${(error as Error).message}`);
  } finally {
    callback.close();
  }
}

function loginOf(url: string, provider: SignInProvider): StoredLogin {
  const { discovery, client, saved } = provider;
  if (!discovery || !client || !saved) throw new CliError(`${url} did not complete the sign-in`);
  const metadata = discovery.authorizationServerMetadata;
  const authorizationServer = discovery.authorizationServerUrl;
  // OpenID Provider metadata (what oidc-provider serves) types no revocation endpoint; RFC 8414 has one.
  const revocationEndpoint = (metadata as { revocation_endpoint?: unknown } | undefined)?.revocation_endpoint;
  return {
    url,
    authorizationServer,
    tokenEndpoint: metadata?.token_endpoint ?? new URL('/token', authorizationServer).href,
    ...(typeof revocationEndpoint === 'string' ? { revocationEndpoint } : {}),
    clientId: client.client_id,
    ...tokensToStore(saved),
  };
}

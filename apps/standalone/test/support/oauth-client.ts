import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/** Where the "browser" goes: given the authorization URL, it returns the callback URL it ended at. */
export type Authorize = (authorizationUrl: URL) => Promise<URL>;

/**
 * The SDK's OAuthClientProvider as a headless MCP client would implement it: everything in memory,
 * and the browser step delegated to `authorize`.
 */
export class HeadlessOAuthProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  storedTokens?: OAuthTokens;
  verifier?: string;
  expectedState?: string;
  code?: string;

  constructor(
    readonly redirectUrl: string,
    private readonly authorize: Authorize,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Enclavia test client',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.expectedState = crypto.randomUUID();
    return this.expectedState;
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(client: OAuthClientInformationMixed) {
    this.client = client;
  }
  tokens() {
    return this.storedTokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.storedTokens = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    const callback = await this.authorize(url);
    const error = callback.searchParams.get('error');
    if (error)
      throw new Error(`authorization failed: ${error} ${callback.searchParams.get('error_description')}`);
    if (callback.searchParams.get('state') !== this.expectedState) throw new Error('state mismatch');
    this.code = callback.searchParams.get('code') ?? undefined;
  }
}

/** Connects the way a real MCP client does: try, get a 401, authorize, finish, connect again. */
export async function connectWithOAuth(mcpUrl: string, provider: HeadlessOAuthProvider): Promise<Client> {
  const url = new URL(mcpUrl);
  const first = new Client({ name: 'enclavia-test', version: '0.0.0' });
  try {
    await first.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    return first;
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  if (!provider.code) throw new Error('the authorization step produced no code');
  const finishing = new StreamableHTTPClientTransport(url, { authProvider: provider });
  await finishing.finishAuth(provider.code);
  const client = new Client({ name: 'enclavia-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  return client;
}

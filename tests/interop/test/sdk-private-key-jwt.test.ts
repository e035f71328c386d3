import {
  completeAuthorization,
  connectWithOAuth,
  HeadlessOAuthProvider,
  useStack,
} from '@enclavia/standalone/testing';
import { type ClientKey, jwksOf, makeClientKey } from '@enclavia/standalone/testing/private-key-jwt';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { createPrivateKeyJwtAuth } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import type { OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { expect, it } from 'vitest';

const env = useStack();
const REDIRECT = 'http://127.0.0.1:7031/callback';

/**
 * The MCP TypeScript SDK as a confidential client: it registers with its public key in `jwks` and
 * signs every token request with the SDK's own `createPrivateKeyJwtAuth` (RFC 7523, `aud` = issuer).
 */
class PrivateKeyJwtClient extends HeadlessOAuthProvider {
  /** Client assertions sent, one per token request. */
  readonly assertions: string[] = [];

  constructor(private readonly key: ClientKey) {
    super(REDIRECT, (url) =>
      completeAuthorization(url.href, { email: 'sdk-jwt@example.com', redirectUri: REDIRECT }),
    );
  }

  override get clientMetadata(): OAuthClientMetadata {
    return { ...super.clientMetadata, token_endpoint_auth_method: 'private_key_jwt', jwks: jwksOf(this.key) };
  }

  addClientAuthentication: NonNullable<OAuthClientProvider['addClientAuthentication']> = async (
    headers,
    params,
    url,
    metadata,
  ) => {
    const clientId = this.client!.client_id;
    await createPrivateKeyJwtAuth({
      issuer: clientId,
      subject: clientId,
      privateKey: { ...this.key.privateJwk },
      alg: this.key.alg,
    })(headers, params, url, metadata);
    this.assertions.push(params.get('client_assertion')!);
  };
}

it("the MCP SDK's private_key_jwt: registers with jwks, exchanges the code and refreshes with assertions", async () => {
  const provider = new PrivateKeyJwtClient(await makeClientKey('ES256'));
  const client = await connectWithOAuth(env.stack.mcpUrl, provider);
  const first = await client.callTool({ name: 'mcp_whoami', arguments: {} });
  expect(JSON.stringify(first.structuredContent)).toContain('sdk-jwt@example.com');
  expect(provider.assertions).toHaveLength(1);
  await client.close();

  // The access token no longer works: the SDK refreshes, signing a new assertion, and goes on.
  const accessToken = provider.storedTokens!.access_token;
  provider.storedTokens = { ...provider.storedTokens!, access_token: 'expired' };
  const again = await connectWithOAuth(env.stack.mcpUrl, provider);
  const second = await again.callTool({ name: 'mcp_whoami', arguments: {} });
  expect(JSON.stringify(second.structuredContent)).toContain('sdk-jwt@example.com');
  expect(provider.assertions).toHaveLength(2);
  expect(provider.storedTokens!.access_token).not.toBe(accessToken);
  await again.close();
});

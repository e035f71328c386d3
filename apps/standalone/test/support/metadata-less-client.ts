import {
  exchangeAuthorization,
  registerClient,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { completeAuthorization } from './consent.js';

/**
 * A client that reads no metadata, on the MCP SDK's own auth functions: given only `server`, it
 * registers at `/register`, sends the browser to `/authorize` and redeems the code at `/token` there
 * (MCP 2025-03-26's default endpoints). The callback it came back on, and the tokens.
 */
export async function connectWithoutMetadata(
  server: string,
  options: { resource: string; email: string; redirectUri: string; fetchFn?: FetchLike },
) {
  const { resource, email, redirectUri, fetchFn } = options;
  const client = await registerClient(server, {
    clientMetadata: {
      client_name: 'A client without metadata',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
    ...(fetchFn ? { fetchFn } : {}),
  });
  const { authorizationUrl, codeVerifier } = await startAuthorization(server, {
    clientInformation: client,
    redirectUrl: redirectUri,
    resource: new URL(resource),
  });
  if (new URL(authorizationUrl).origin !== new URL(server).origin)
    throw new Error(`the SDK authorized at ${authorizationUrl}, not on ${server}`);
  const callback = await completeAuthorization(authorizationUrl.href, { email, redirectUri });
  const tokens = await exchangeAuthorization(server, {
    clientInformation: client,
    authorizationCode: callback.searchParams.get('code')!,
    codeVerifier,
    redirectUri,
    resource: new URL(resource),
    ...(fetchFn ? { fetchFn } : {}),
  });
  return { callback, tokens };
}

import * as oauth from 'oauth4webapi';
import { expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { useStack } from './support/stack.js';

const env = useStack();
// Loopback is plain http; everything else oauth4webapi checks at full strictness.
const insecure = { [oauth.allowInsecureRequests]: true };
const redirectUri = 'http://127.0.0.1:7004/callback';

it('oauth4webapi, a strict OAuth client, walks the whole chain', async () => {
  const mcpUrl = new URL(env.stack.mcpUrl);

  // RFC 9728: the resource metadata's `resource` must be exactly the URL we asked about.
  const resourceResponse = await oauth.resourceDiscoveryRequest(mcpUrl, insecure);
  const resource = await oauth.processResourceDiscoveryResponse(mcpUrl, resourceResponse);
  expect(resource.resource).toBe(env.stack.mcpUrl);
  const issuer = new URL(resource.authorization_servers![0]!);

  // RFC 8414: the metadata's issuer must be exactly the one we looked up.
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  );
  expect(as.authorization_response_iss_parameter_supported).toBe(true);

  const client = (await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(
      as,
      { redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', client_name: 'oauth4webapi' },
      insecure,
    ),
  )) as oauth.Client;

  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authorizationUrl = new URL(as.authorization_endpoint!);
  authorizationUrl.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'enclaves:read',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    resource: env.stack.mcpUrl,
  }).toString();
  const callback = await completeAuthorization(authorizationUrl.href, {
    email: 'strict@example.com',
    redirectUri,
  });

  // RFC 9207: `state` and `iss` are checked here.
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const tokens = await oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, {
      additionalParameters: { resource: env.stack.mcpUrl },
      ...insecure,
    }),
  );
  expect(tokens.token_type.toLowerCase()).toBe('bearer');

  // RFC 9068: typ, iss, aud, exp, iat, sub, client_id, jti, and the signature from jwks_uri.
  const claims = await oauth.validateJwtAccessToken(
    as,
    new Request(env.stack.mcpUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
    env.stack.mcpUrl,
    insecure,
  );
  expect(claims).toMatchObject({
    client_id: client.client_id,
    scope: 'enclaves:read',
    aud: env.stack.mcpUrl,
  });

  const refreshed = await oauth.processRefreshTokenResponse(
    as,
    client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure),
  );
  expect(refreshed.refresh_token).toBeDefined();
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
});

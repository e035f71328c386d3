// The anchors the product is measured against, in a process of their own (pinned to the product's
// core): a bare Fastify hello route, and stock oidc-provider with its in-memory adapter issuing
// the same tokens as the product (ES256 JWT access tokens for one resource, rotated refresh
// tokens), on which refresh tokens are minted directly. Prints one JSON line with the URLs and
// tokens, then serves until killed.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair } from 'jose';
import { Provider } from 'oidc-provider';

const CHAINS = Number(process.argv[2] ?? '50');
const RESOURCE = 'http://127.0.0.1/mcp';
// No openid: the product's clients ask none, so neither issues an ID token on refresh.
const SCOPE = 'offline_access enclaves:read';

const hello = Fastify();
hello.get('/', async () => ({ hello: 'world' }));
await hello.listen({ host: '127.0.0.1', port: 0 });

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const provider = new Provider(issuer, {
  jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'anchor' }] },
  clients: [
    {
      client_id: 'anchor',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
      id_token_signed_response_alg: 'ES256',
    },
  ],
  scopes: ['openid', 'offline_access', 'enclaves:read'],
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  rotateRefreshToken: true,
  features: {
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'enclaves:read',
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
server.on('request', provider.callback());

const client = await provider.Client.find('anchor');
const refreshTokens: string[] = [];
for (let i = 0; i < CHAINS; i++) {
  const accountId = `user-${i}`;
  const grant = new provider.Grant({ accountId, clientId: 'anchor' });
  grant.addOIDCScope('offline_access');
  grant.addResourceScope(RESOURCE, 'enclaves:read');
  const grantId = await grant.save();
  const token = new provider.RefreshToken({
    client,
    accountId,
    grantId,
    scope: SCOPE,
    resource: RESOURCE,
    gty: 'authorization_code',
  } as never);
  refreshTokens.push(await token.save());
}

console.log(
  JSON.stringify({
    helloUrl: `http://127.0.0.1:${(hello.server.address() as AddressInfo).port}/`,
    tokenUrl: `${issuer}/token`,
    clientId: 'anchor',
    refreshTokens,
  }),
);

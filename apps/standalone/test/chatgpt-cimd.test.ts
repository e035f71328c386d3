import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTHENTICATED,
  authenticateWith,
  type ClientKey,
  clientAssertion,
  exchangeRefreshAndCall,
  jwksOf,
  makeClientKey,
  privateKeyJwtClient,
  REFUSED,
} from './support/private-key-jwt.js';
import {
  PublicTestHost,
  privateAddresses,
  urlHost,
  withUncheckedCertificates,
} from './support/public-host.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

// ChatGPT identifies itself by a client ID metadata document that asks for private_key_jwt with
// RS256 keys at a jwks_uri. Its host here is a loopback server the auth server reaches through a
// test-only DNS answer; every other address goes through the SSRF guard, as in production.
const host = new PublicTestHost('chatgpt.test');
const env = useStack({ fetch: host.fetch });
const local = privateAddresses();
const CALLBACK = 'https://chatgpt.com/connector/oauth/g-enclavia';
const documentPath = (connector: string) => `/oauth/${connector}/client.json`;

/** ChatGPT's document as it publishes it, for the connector `connector`, with its keys at `jwksUri`. */
function publishDocument(connector: string, jwksUri: string): string {
  const clientId = host.url(documentPath(connector));
  host.publish(documentPath(connector), () => ({
    body: {
      client_id: clientId,
      client_uri: 'https://chatgpt.com/',
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      client_name: 'ChatGPT',
      logo_uri: 'https://persistent.oaistatic.com/sonic/misc/openai-logo.png',
      token_endpoint_auth_signing_alg: 'RS256',
      jwks_uri: jwksUri,
    },
  }));
  return clientId;
}

/** What the user (admin of their personal workspace) does first: allow ChatGPT's callback there. */
async function allowChatGptCallback(email: string): Promise<void> {
  const session = await signInToDashboard(env.stack.issuer, email);
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const policyPath = `/api/v1/workspaces/${workspaces[0]!.id}/policy`;
  const { policy } = (await (await session.api('GET', policyPath)).json()) as {
    policy: { allowed_redirect_uris: string[] };
  };
  const changed = await session.api('PATCH', policyPath, {
    allowed_redirect_uris: [...policy.allowed_redirect_uris, CALLBACK],
  });
  if (changed.status !== 200) throw new Error(`policy: ${changed.status} ${await changed.text()}`);
}

let key: ClientKey;
let published: ClientKey[];
const JWKS = '/oauth/jwks.json';

beforeAll(async () => {
  await host.start(local);
  key = await makeClientKey('RS256', 'cimd-20260428030119');
  published = [key];
  host.publish(JWKS, () => ({ body: jwksOf(...published) }));
});
afterAll(() => host.close());

describe('ChatGPT, by its client ID metadata document with private_key_jwt', () => {
  it('signs in, exchanges the code and refreshes with RS256 assertions, and its token works at /mcp', async () => {
    const clientId = publishDocument('g-enclavia', host.url(JWKS));
    await allowChatGptCallback('chatgpt@example.com');
    const { call } = await exchangeRefreshAndCall(
      env.stack,
      privateKeyJwtClient(clientId, () => key),
      {
        redirectUri: CALLBACK,
        email: 'chatgpt@example.com',
      },
    );
    expect(call.status).toBe(200);
    expect(call.text).toContain('chatgpt@example.com');
    // The document and its keys each fetched once, for the sign-in and both token requests.
    expect(host.hitsAt(documentPath('g-enclavia'))).toBe(1);
    expect(host.hitsAt(JWKS)).toBe(1);
  });

  it('is refused an assertion signed with anything but the RS256 its document names', async () => {
    const clientId = publishDocument('g-pinned', host.url(JWKS));
    const other = await makeClientKey('ES256');
    published = [key, other];
    try {
      expect(
        await authenticateWith(env.stack.issuer, await clientAssertion(other, clientId, env.stack.issuer)),
      ).toEqual(REFUSED);
      expect(
        await authenticateWith(env.stack.issuer, await clientAssertion(key, clientId, env.stack.issuer)),
      ).toEqual(AUTHENTICATED);
    } finally {
      published = [key];
    }
  });

  it('goes on working when ChatGPT rotates its key', async () => {
    const clientId = publishDocument('g-rotation', host.url(JWKS));
    const sign = (k: ClientKey) => clientAssertion(k, clientId, env.stack.issuer);
    expect(await authenticateWith(env.stack.issuer, await sign(key))).toEqual(AUTHENTICATED);
    const before = host.hitsAt(JWKS);

    const rotated = await makeClientKey('RS256', 'cimd-20261201000000');
    published = [rotated];
    try {
      expect(await authenticateWith(env.stack.issuer, await sign(rotated))).toEqual(AUTHENTICATED);
      expect(host.hitsAt(JWKS)).toBe(before + 1);
    } finally {
      published = [key];
    }
  });

  it('cannot authenticate when its document names keys on a loopback or private address, never fetched', async () => {
    const internal = '/internal/jwks.json';
    host.publish(internal, () => ({ body: jwksOf(key) }));
    await withUncheckedCertificates(async () => {
      for (const [i, address] of ['127.0.0.1', 'localhost', ...local].entries()) {
        const jwksUri = `https://${urlHost(address)}:${host.port}${internal}`;
        // Reachable from here: only the auth server's guard can keep it from fetching.
        expect((await fetch(jwksUri)).status, jwksUri).toBe(200);
        const before = host.hitsAt(internal);
        const clientId = publishDocument(`g-internal-${i}`, jwksUri);
        const answer = await authenticateWith(
          env.stack.issuer,
          await clientAssertion(key, clientId, env.stack.issuer),
          { clientId },
        );
        expect(answer, jwksUri).toEqual(REFUSED);
        expect(host.hitsAt(documentPath(`g-internal-${i}`)), jwksUri).toBe(1);
        expect(host.hitsAt(internal), jwksUri).toBe(before);
      }
    });
  });
});

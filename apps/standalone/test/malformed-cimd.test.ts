import { afterAll, beforeAll, expect, it } from 'vitest';
import { PublicTestHost, privateAddresses } from './support/public-host.js';
import { useStack } from './support/stack.js';

/**
 * Finding 9 of the December 2026 review, for client ID metadata documents: a document whose
 * `redirect_uris` is not an array is refused as a bad client, never a 500.
 */
const host = new PublicTestHost('cimd-malformed.test');
const env = useStack({ fetch: host.fetch });
const redirectUri = 'http://127.0.0.1:7019/callback';
const WRONG_TYPES: Record<string, unknown> = { true: true, zero: 0, object: {}, string: redirectUri };

beforeAll(async () => {
  await host.start(privateAddresses());
  for (const [name, redirectUris] of Object.entries(WRONG_TYPES)) {
    host.publish(`/${name}.json`, () => ({
      body: {
        client_id: host.url(`/${name}.json`),
        client_name: 'Typed wrong',
        redirect_uris: redirectUris,
        token_endpoint_auth_method: 'none',
      },
    }));
  }
  host.publish('/nul.json', () => ({
    body: {
      client_id: host.url('/nul.json'),
      client_name: 'evil\u0000name',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
    },
  }));
});
afterAll(() => host.close());

it.each([...Object.keys(WRONG_TYPES), 'nul'])(
  'a metadata document with a malformed field (%s) is refused with a 400 page, not a 500',
  async (name) => {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: host.url(`/${name}.json`),
      redirect_uri: redirectUri,
      state: 's',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const response = await fetch(`${env.stack.issuer}/authorize?${params}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/invalid_client|invalid_redirect_uri|invalid_client_metadata/);
  },
);

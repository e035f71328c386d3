import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';

const REDIRECT = 'http://127.0.0.1:5999/callback';
let clientId: string;

const env = useStack();

beforeAll(async () => {
  ({ client_id: clientId } = await registerClient(env.stack.issuer, REDIRECT));
});

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL(`${env.stack.issuer}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    state: 'st',
    resource: env.stack.mcpUrl,
    ...params,
  }).toString();
  return url.href;
}

/**
 * The authorization error, before any login page: shown on our page, since nobody has approved the
 * client yet (it would go back to the redirect URI once someone has).
 */
async function authorizationError(params: Record<string, string>) {
  const response = await fetch(authorizeUrl(params), { redirect: 'manual' });
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  const alert = (await response.text()).match(/role="alert">([^<]*)</)![1]!;
  const [error, ...description] = alert.split(': ');
  return { error, error_description: description.join(': ') };
}

describe('PKCE is required, and only S256', () => {
  it('refuses an authorization request without code_challenge', async () => {
    expect(await authorizationError({})).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('requires PKCE'),
    });
  });

  it('refuses the plain method', async () => {
    const error = await authorizationError({
      code_challenge: 'a'.repeat(43),
      code_challenge_method: 'plain',
    });
    expect(error).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('code_challenge_method'),
    });
  });

  it('issues a code for S256 and redeems it only with the matching verifier', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const callback = await completeAuthorization(
      authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }),
      { email: 'erin@example.com', redirectUri: REDIRECT },
    );
    expect(callback.searchParams.get('iss')).toBe(env.stack.issuer);
    const redeem = (code_verifier: string) =>
      fetch(`${env.stack.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          code_verifier,
          redirect_uri: REDIRECT,
          client_id: clientId,
          resource: env.stack.mcpUrl,
        }),
      });
    const wrong = await redeem(randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

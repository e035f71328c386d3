import { describe, expect, it } from 'vitest';
import { authorizationCodeFlow, type FlowClient, type TokenResponse, tokenRequest } from './support/flow.js';
import { waitOut } from './support/rate-limit.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';

const REGISTRATIONS = 3;

/** One registration POST as a client behind `forwardedFor` says it is (or with no header). */
async function register(issuer: string, forwardedFor?: string) {
  const response = await fetch(`${issuer}/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ redirect_uris: ['http://localhost/cb'], token_endpoint_auth_method: 'none' }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

/** Registrations each naming a different left-most address, which is the part a client writes. */
async function burstWithMadeUpAddresses(issuer: string, realAddress?: string) {
  const statuses: number[] = [];
  for (let i = 0; i <= REGISTRATIONS; i++) {
    const madeUp = `198.51.100.${i + 1}`;
    statuses.push((await register(issuer, realAddress ? `${madeUp}, ${realAddress}` : madeUp)).status);
  }
  return statuses;
}

describe('X-Forwarded-For behind one trusted proxy (AUTH_TRUST_PROXY=1)', () => {
  const env = useStack({ env: { AUTH_TRUST_PROXY: '1', REGISTER_RATE_LIMIT: String(REGISTRATIONS) } });

  it('the client cannot choose its address: made-up left-most entries share the proxy-reported budget', async () => {
    expect(await burstWithMadeUpAddresses(env.stack.issuer, '203.0.113.7')).toEqual([201, 201, 201, 429]);
  });

  it('the address the proxy reports is the key: another client behind the proxy has its own budget', async () => {
    expect((await register(env.stack.issuer, '203.0.113.8')).status).toBe(201);
    const limited = await register(env.stack.issuer, '203.0.113.7');
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
  });
});

describe('X-Forwarded-For with no proxy trusted (the default)', () => {
  const env = useStack({ env: { REGISTER_RATE_LIMIT: String(REGISTRATIONS), REGISTER_RATE_WINDOW: '2' } });

  it('is ignored: every request counts against the connecting address, until the window ends', async () => {
    expect(await burstWithMadeUpAddresses(env.stack.issuer)).toEqual([201, 201, 201, 429]);
    const limited = await register(env.stack.issuer);
    expect(limited.status).toBe(429);
    await waitOut(limited.retryAfter);
    expect((await register(env.stack.issuer)).status).toBe(201);
  });
});

describe('failed token requests (TOKEN_FAILURE_LIMIT per address)', () => {
  const env = useStack({ env: { TOKEN_FAILURE_LIMIT: '3', TOKEN_FAILURE_WINDOW: '2' } });
  const redirectUri = 'http://127.0.0.1:7010/callback';

  it('successes never count; after the limit of failures every request is refused until the window ends', async () => {
    const client: FlowClient = { clientId: (await registerClient(env.stack.issuer, redirectUri)).client_id };
    const first = await authorizationCodeFlow(env.stack.issuer, client, {
      redirectUri,
      email: 'tokens@example.com',
    });
    let refreshToken = ((await first.json()) as TokenResponse).refresh_token!;
    const refresh = () =>
      tokenRequest(env.stack.issuer, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
    const guess = () =>
      tokenRequest(env.stack.issuer, client, { grant_type: 'refresh_token', refresh_token: 'a-guess' });

    for (let i = 0; i < 5; i++) {
      const response = await refresh();
      expect(response.status).toBe(200);
      refreshToken = ((await response.json()) as TokenResponse).refresh_token!;
    }
    expect([(await guess()).status, (await guess()).status, (await guess()).status]).toEqual([400, 400, 400]);

    const refused = await refresh();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      error: 'too_many_requests',
      error_description: expect.stringMatching(
        /^Too many failed token requests from this address; retry in \d+ s\.$/,
      ),
    });
    await waitOut(refused.headers.get('retry-after'));
    expect((await refresh()).status).toBe(200);
  });
});

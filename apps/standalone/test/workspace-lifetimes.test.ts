import { and, eq, grants, oidcModels } from '@enclavia/db';
import { expect, it } from 'vitest';
import { authorizationCodeFlow, decodeJwt, type TokenResponse, tokenRequest } from './support/flow.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

// A workspace's own token lifetimes, and refresh tokens off: for tokens issued after the change.
const env = useStack();
const REDIRECT = 'http://127.0.0.1:7013/callback';

async function adminOf(email: string) {
  const session = await signInToDashboard(env.stack.issuer, email);
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  return (change: Record<string, unknown>) =>
    session.api('PATCH', `/api/v1/workspaces/${workspaces[0]!.id}/policy`, change);
}

async function connect(email: string) {
  const { client_id: clientId } = await registerClient(env.stack.issuer, REDIRECT);
  const response = await authorizationCodeFlow(
    env.stack.issuer,
    { clientId },
    { email, redirectUri: REDIRECT },
  );
  expect(response.status).toBe(200);
  return { clientId, tokens: (await response.json()) as TokenResponse };
}

const refresh = (clientId: string, refreshToken: string) =>
  tokenRequest(env.stack.issuer, { clientId }, { grant_type: 'refresh_token', refresh_token: refreshToken });

/** Seconds until the refresh tokens of this client's grant expire, as stored. */
async function refreshTokenLifetimes(clientId: string): Promise<number[]> {
  const rows = await env.database.db
    .select({ expiresAt: oidcModels.expiresAt })
    .from(oidcModels)
    .innerJoin(grants, eq(grants.id, oidcModels.grantId))
    .where(and(eq(grants.clientId, clientId), eq(oidcModels.model, 'RefreshToken')));
  return rows.map((r) => Math.round((r.expiresAt!.getTime() - Date.now()) / 1000));
}

it('issues access and refresh tokens with the workspace’s lifetimes, from the change on', async () => {
  const setPolicy = await adminOf('lifetimes@example.com');
  const before = await connect('lifetimes@example.com');
  expect(before.tokens.expires_in).toBe(900);

  expect((await setPolicy({ access_token_ttl: 300, refresh_token_ttl: 86_400 })).status).toBe(200);
  const after = await connect('lifetimes@example.com');
  expect(after.tokens.expires_in).toBe(300);
  const { payload } = decodeJwt(after.tokens.access_token);
  expect(Number(payload.exp) - Number(payload.iat)).toBe(300);
  for (const seconds of await refreshTokenLifetimes(after.clientId))
    expect(seconds).toBeLessThanOrEqual(86_400);
  for (const seconds of await refreshTokenLifetimes(before.clientId)) expect(seconds).toBeGreaterThan(86_400);

  // A refresh issues tokens too: the connection made before the change gets the new lifetimes.
  const refreshed = (await (
    await refresh(before.clientId, before.tokens.refresh_token!)
  ).json()) as TokenResponse;
  expect(refreshed.expires_in).toBe(300);
  const live = await refreshTokenLifetimes(before.clientId);
  expect(Math.min(...live)).toBeLessThanOrEqual(86_400);

  // Back to the server's.
  await setPolicy({ access_token_ttl: null, refresh_token_ttl: null });
  expect((await connect('lifetimes@example.com')).tokens.expires_in).toBe(900);
});

it('with refresh tokens off, a connection gets none and a refresh gives no new one; those issued before run out', async () => {
  const setPolicy = await adminOf('no-refresh@example.com');
  const before = await connect('no-refresh@example.com');
  expect(before.tokens.refresh_token).toBeDefined();

  expect((await setPolicy({ refresh_tokens_enabled: false })).status).toBe(200);
  const after = await connect('no-refresh@example.com');
  expect(after.tokens.refresh_token).toBeUndefined();

  const first = (await (
    await refresh(before.clientId, before.tokens.refresh_token!)
  ).json()) as TokenResponse;
  expect(first.access_token).toBeDefined();
  // Not rotated: the answer hands back the one in hand, which keeps working until its own expiry.
  expect(first.refresh_token).toBe(before.tokens.refresh_token);
  const second = await refresh(before.clientId, before.tokens.refresh_token!);
  expect(second.status).toBe(200);
});

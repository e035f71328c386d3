import { disableUser } from '@enclavia/auth';
import { expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

const env = useStack();
const REDIRECT = 'http://127.0.0.1:7010/callback';

it('disabling a user revokes their apps and tokens at once, and refuses their sign-in', async () => {
  const provider = new HeadlessOAuthProvider(REDIRECT, (url) =>
    completeAuthorization(url.href, { email: 'gone@example.com', redirectUri: REDIRECT }),
  );
  (await connectWithOAuth(env.stack.mcpUrl, provider)).close();
  const session = await signInToDashboard(env.stack.issuer, 'gone@example.com');
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const { token } = (await (
    await session.api('POST', '/api/v1/tokens', {
      name: 'x',
      workspace_id: workspaces[0]!.id,
      scopes: ['enclaves:read'],
      expires_in_days: 7,
    })
  ).json()) as { token: string };
  expect((await callToolOverHttp(env.stack.mcpUrl, token, 'mcp_whoami')).status).toBe(200);

  expect(await disableUser(env.database.db, { email: 'gone@example.com', accessTokenTtl: 900 })).toEqual({
    grants: 1,
    tokens: 1,
  });

  for (const bearer of [provider.storedTokens!.access_token, token]) {
    await expect
      .poll(async () => (await callToolOverHttp(env.stack.mcpUrl, bearer, 'mcp_whoami')).status, {
        timeout: 1000,
        interval: 20,
      })
      .toBe(401);
  }
  const refreshed = await tokenRequest(
    env.stack.issuer,
    { clientId: provider.client!.client_id },
    {
      grant_type: 'refresh_token',
      refresh_token: provider.storedTokens!.refresh_token!,
    },
  );
  expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
  expect((await session.api('GET', '/api/v1/workspaces')).status).toBe(401);
  await expect(
    completeAuthorization(
      `${env.stack.issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: provider.client!.client_id, redirect_uri: REDIRECT, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`,
      {
        email: 'gone@example.com',
        redirectUri: REDIRECT,
      },
    ),
  ).rejects.toThrow(/This account is disabled/);
});

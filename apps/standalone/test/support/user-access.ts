import { expect } from 'vitest';
import { completeAuthorization } from './consent.js';
import { authorizationRequest, tokenRequest } from './flow.js';
import { callToolOverHttp } from './mcp-call.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './oauth-client.js';
import { type ApiSession, signInToDashboard } from './web-session.js';

const REDIRECT = 'http://127.0.0.1:7010/callback';

/** Everything a user reaches the product with: a connected app, a personal access token, a browser session. */
export interface UserAccess {
  email: string;
  /** The connected app: its client, access token and refresh token. */
  app: HeadlessOAuthProvider;
  personalAccessToken: string;
  session: ApiSession;
}

/** Connects an MCP client for `email` through the OAuth flow and creates a personal access token; both work. */
export async function grantAccess(issuer: string, mcpUrl: string, email: string): Promise<UserAccess> {
  const app = new HeadlessOAuthProvider(REDIRECT, (url) =>
    completeAuthorization(url.href, { email, redirectUri: REDIRECT }),
  );
  await (await connectWithOAuth(mcpUrl, app)).close();
  const session = await signInToDashboard(issuer, email);
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
  for (const bearer of [app.storedTokens!.access_token, token]) {
    expect((await callToolOverHttp(mcpUrl, bearer, 'mcp_whoami')).status).toBe(200);
  }
  return { email, app, personalAccessToken: token, session };
}

/**
 * What disabling a user does, as they see it: the MCP server refuses their access token and
 * personal access token within a second, their refresh token is an invalid_grant, their browser
 * session is gone and signing in again answers "This account is disabled."
 */
export async function expectCutOff(issuer: string, mcpUrl: string, access: UserAccess): Promise<void> {
  for (const bearer of [access.app.storedTokens!.access_token, access.personalAccessToken]) {
    await expect
      .poll(async () => (await callToolOverHttp(mcpUrl, bearer, 'mcp_whoami')).status, {
        timeout: 1000,
        interval: 20,
      })
      .toBe(401);
  }
  const refreshed = await tokenRequest(
    issuer,
    { clientId: access.app.client!.client_id },
    { grant_type: 'refresh_token', refresh_token: access.app.storedTokens!.refresh_token! },
  );
  expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
  expect((await access.session.api('GET', '/api/v1/workspaces')).status).toBe(401);
  const { url } = authorizationRequest(
    issuer,
    { clientId: access.app.client!.client_id },
    { redirectUri: REDIRECT },
  );
  await expect(
    completeAuthorization(url.href, { email: access.email, redirectUri: REDIRECT }),
  ).rejects.toThrow(/This account is disabled/);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CookieJar } from './support/consent.js';
import { authorizationCode, type FlowClient, type TokenResponse, tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { type ProductProcess, startProductProcess } from './support/product-process.js';
import { registerClient } from './support/register.js';
import { signInToDashboard } from './support/web-session.js';

/**
 * The product at LOG_LEVEL=trace, as an operator debugging it would run it: whatever it logs, no
 * authorization code, state, token, client secret or cookie is in it.
 */
const REDIRECT_URI = 'http://127.0.0.1:7018/callback';
const dataDir = mkdtempSync(join(tmpdir(), 'enclavia-log-secrets-'));
let product: ProductProcess;
let stopped = false;

beforeAll(async () => {
  product = await startProductProcess({ dataDir, env: { LOG_LEVEL: 'trace' }, outputLimit: 5_000_000 });
});
afterAll(async () => {
  if (!stopped) await product?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('logs requests at trace level without a code, state, token, secret or cookie in them', async () => {
  const { issuer, mcpUrl } = product;
  const secrets: Record<string, string> = {};

  const registered = await registerClient(issuer, REDIRECT_URI, {
    token_endpoint_auth_method: 'client_secret_basic',
  });
  secrets.client_secret = registered.client_secret!;
  const client: FlowClient = {
    clientId: registered.client_id,
    clientSecret: registered.client_secret!,
    auth: 'client_secret_basic',
  };
  const jar = new CookieJar();
  const { code, redeem, callback } = await authorizationCode(issuer, client, {
    redirectUri: REDIRECT_URI,
    email: 'logs@example.com',
    jar,
  });
  secrets.code = code;
  secrets.state = callback.searchParams.get('state')!;
  secrets.session_cookie = jar.get('_session')!;
  const tokens = (await (await redeem(code)).json()) as TokenResponse;
  secrets.access_token = tokens.access_token;
  secrets.refresh_token = tokens.refresh_token!;
  expect((await callToolOverHttp(mcpUrl, tokens.access_token, 'mcp_whoami')).status).toBe(200);
  // A refresh, a revocation, and the same code again (a replay, answered invalid_grant).
  const refreshed = (await (
    await tokenRequest(issuer, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })
  ).json()) as TokenResponse;
  secrets.refreshed_token = refreshed.refresh_token!;
  await fetch(`${issuer}/revoke`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token: refreshed.refresh_token! }),
  });
  await redeem(code);

  // The dashboard's session cookie and a personal access token used at /mcp.
  const dashboardJar = new CookieJar();
  const session = await signInToDashboard(issuer, 'logs@example.com', dashboardJar);
  secrets.dashboard_cookie = dashboardJar.get('enclavia_session')!;
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const pat = (await (
    await session.api('POST', '/api/v1/tokens', {
      name: 'logs',
      workspace_id: workspaces[0]!.id,
      scopes: ['enclaves:read'],
      expires_in_days: 7,
    })
  ).json()) as { token: string };
  secrets.pat = pat.token;
  await callToolOverHttp(mcpUrl, pat.token, 'mcp_whoami');

  // An upstream sign-in's return, whatever became of it, and a URL carrying a code and state.
  secrets.upstream_code = 'upstream-code-3f9a1c';
  secrets.upstream_state = 'upstream-state-8b2d7e';
  await fetch(
    `${issuer}/login/github/callback?code=${secrets.upstream_code}&state=${secrets.upstream_state}`,
  );
  await fetch(`${issuer}/callback?code=${secrets.upstream_code}&state=${secrets.upstream_state}`);

  // Stopped first: the process flushes its log as it exits, so the last requests are in it too.
  await product.stop();
  stopped = true;
  const logs = product.stdout() + product.stderr();
  expect(logs).toContain('incoming request');
  for (const [name, value] of Object.entries(secrets)) {
    expect(value, name).toBeTruthy();
    expect(logs.includes(value), `${name} is in the log`).toBe(false);
  }
});

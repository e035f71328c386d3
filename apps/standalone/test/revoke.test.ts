import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { completeAuthorization } from './support/consent.js';
import { tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { useStack } from './support/stack.js';

const env = useStack();
const REDIRECT = 'http://127.0.0.1:7008/callback';
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

it('revoking a connected app in the dashboard locks its client out within a second, until it reconnects', async () => {
  const provider = new HeadlessOAuthProvider(REDIRECT, (url) =>
    completeAuthorization(url.href, { email: 'revoker@example.com', redirectUri: REDIRECT }),
  );
  const client = await connectWithOAuth(env.stack.mcpUrl, provider);
  await client.callTool({ name: 'mcp_whoami', arguments: {} });
  await client.close();
  const { access_token: accessToken, refresh_token: refreshToken } = provider.storedTokens!;

  const page = await browser.context.newPage();
  await page.goto(`${env.stack.issuer}/dashboard`);
  await page.getByLabel('Email').fill('revoker@example.com');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${env.stack.issuer}/dashboard`);
  const apps = page.locator('table').first();
  await expect.poll(() => apps.innerText()).toContain('Enclavia test client');
  expect(await apps.innerText()).toContain(provider.client!.client_id);
  // "Last used" was recorded when the client got its token.
  expect(await apps.innerText()).not.toMatch(/\tnever\t/);

  await page.getByRole('button', { name: 'Revoke Enclavia test client' }).first().click();
  await page.getByRole('button', { name: 'Yes, revoke Enclavia test client' }).click();
  await expect.poll(() => page.locator('main').innerText()).toContain('Connected app revoked');
  const revokedAt = performance.now();
  let status = 0;
  while (performance.now() - revokedAt < 1000) {
    status = (await callToolOverHttp(env.stack.mcpUrl, accessToken, 'mcp_whoami')).status;
    if (status === 401) break;
  }
  expect(status).toBe(401);
  expect(performance.now() - revokedAt).toBeLessThan(1000);

  const refreshed = await tokenRequest(
    env.stack.issuer,
    { clientId: provider.client!.client_id },
    {
      grant_type: 'refresh_token',
      refresh_token: refreshToken!,
    },
  );
  expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
  expect(await page.locator('main').innerText()).not.toContain(provider.client!.client_id);

  // The client connects again through a fresh consent.
  provider.storedTokens = undefined;
  const again = await connectWithOAuth(env.stack.mcpUrl, provider);
  const me = await again.callTool({ name: 'mcp_whoami', arguments: {} });
  expect((me.structuredContent as { user: { email: string } }).user.email).toBe('revoker@example.com');
  await again.close();
  await page.close();
});

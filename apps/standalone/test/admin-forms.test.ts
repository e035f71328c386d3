import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { useStack } from './support/stack.js';
import { personalWorkspaceAdmin } from './support/web-session.js';

// The workspace settings form, in Chromium: an error keeps every typed value with its message under
// its field, and turning personal access tokens off asks once more before revoking them.
const ctx = useStack();
const EMAIL = 'tara@example.com';
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let workspaceId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.goto(`${ctx.stack.issuer}/admin`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('link', { name: 'Workspace settings' }).first().click();
  await page.getByRole('heading', { name: 'Workspace settings' }).waitFor();
  workspaceId = new URL(page.url()).pathname.split('/')[3]!;
});
afterAll(async () => browser?.close());

it('a refused policy comes back with everything typed, each message under its field', async () => {
  const typed = 'https://good.example/cb\nnot a uri\nhttp://example.com/cb';
  await page.getByLabel('Allowed redirect URIs').fill(typed);
  await page.getByLabel('Allowed OAuth client IDs').fill('https://client.example/meta.json');
  await page.getByRole('checkbox', { name: /enclaves:write/ }).uncheck();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.getByRole('alert').first().waitFor();

  expect(await page.getByLabel('Allowed redirect URIs').inputValue()).toBe(typed);
  expect(await page.getByLabel('Allowed OAuth client IDs').inputValue()).toBe(
    'https://client.example/meta.json',
  );
  expect(await page.getByRole('checkbox', { name: /enclaves:write/ }).isChecked()).toBe(false);
  const field = page.getByLabel('Allowed redirect URIs');
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const messages = await page.locator('#allowed_redirect_uris-error p').allInnerTexts();
  expect(messages.length).toBe(2);
  expect(messages[0]).toContain('"not a uri" is not a valid URI');
  expect(messages[1]).toContain('"http://example.com/cb": http is only');
});

it('turning tokens off asks first, naming what it revokes; only the second button does it', async () => {
  const admin = await personalWorkspaceAdmin(ctx.stack.issuer, EMAIL);
  const created = await admin.session.api('POST', '/api/v1/tokens', {
    name: 'ci',
    workspace_id: workspaceId,
    scopes: ['enclaves:read'],
    expires_in_days: 30,
  });
  const { token } = (await created.json()) as { token: string };

  await page.goto(`${ctx.stack.issuer}/admin/workspaces/${workspaceId}`);
  await page.getByLabel('Personal access tokens enabled').uncheck();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.getByRole('button', { name: 'Yes, turn tokens off and save' }).waitFor();
  expect(await page.locator('main').innerText()).toContain('revokes every personal access token');
  // The first click saved nothing: the token still works.
  expect((await callToolOverHttp(ctx.stack.mcpUrl, token, 'mcp_whoami')).status).toBe(200);

  await page.getByRole('button', { name: 'Yes, turn tokens off and save' }).click();
  await page.getByText('Policy saved.').waitFor();
  expect(await page.locator('main').innerText()).toContain('1 personal access token was revoked');
  await expect
    .poll(async () => (await callToolOverHttp(ctx.stack.mcpUrl, token, 'mcp_whoami')).status)
    .toBe(401);
});

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

it('a refused invitation keeps the typed address and role, the message under the field', async () => {
  await page.goto(`${ctx.stack.issuer}/admin/workspaces/${workspaceId}`);
  const field = page.getByLabel('Email address');
  await field.evaluate((input) => input.setAttribute('type', 'text'));
  await field.fill('not-an-address');
  await page.getByLabel('Role', { exact: true }).selectOption('admin');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.locator('#invite_email-error').waitFor();
  expect(await page.getByLabel('Email address').inputValue()).toBe('not-an-address');
  expect(await page.getByLabel('Role', { exact: true }).inputValue()).toBe('admin');
  expect(await page.getByLabel('Email address').getAttribute('aria-describedby')).toBe('invite_email-error');
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

it('the audit log filters by what and who, pages, and says what changed in words', async () => {
  const admin = await personalWorkspaceAdmin(ctx.stack.issuer, EMAIL);
  const policy = `/api/v1/workspaces/${workspaceId}/policy`;
  await admin.session.api('PATCH', policy, { scope_ceiling: ['enclaves:read'] });
  for (const email of ['ulla@example.com', 'vera@example.com'])
    expect(
      (
        await admin.session.api('POST', `/api/v1/workspaces/${workspaceId}/members`, {
          email,
          role: 'member',
        })
      ).status,
    ).toBe(202);

  await page.goto(`${ctx.stack.issuer}/admin/workspaces/${workspaceId}/audit`);
  const log = () => page.locator('table').innerText();
  expect(await log()).toContain('Scope ceiling: removed enclaves:write, enclaves:destroy');
  expect(await log()).toContain('Policy changed');

  await page.getByLabel('What').selectOption({ label: 'Member invited' });
  await page.getByRole('button', { name: 'Show' }).click();
  expect(await page.locator('tbody tr').count()).toBe(2);
  expect(await log()).not.toContain('Policy changed');

  await page.getByLabel('Who (made it or is its subject)').selectOption(EMAIL);
  await page.getByRole('button', { name: 'Show' }).click();
  expect(await page.locator('tbody tr').count()).toBe(2);
  expect(await log()).toContain('vera@example.com');
  expect(await page.getByLabel('What').inputValue()).toBe('member.invited');
  await page.getByRole('link', { name: 'Clear the filter' }).click();
  expect(await page.locator('tbody tr').count()).toBeGreaterThan(3);
});

it('a long audit log comes in pages, older entries one link away', async () => {
  const admin = await personalWorkspaceAdmin(ctx.stack.issuer, EMAIL);
  for (let i = 0; i < 55; i++)
    await admin.session.api('PATCH', `/api/v1/workspaces/${workspaceId}/policy`, {
      mcp_enabled: i % 2 === 0,
    });
  await page.goto(`${ctx.stack.issuer}/admin/workspaces/${workspaceId}/audit`);
  expect(await page.locator('tbody tr').count()).toBe(50);
  expect(await page.getByRole('link', { name: 'Newest entries' }).count()).toBe(0);
  await page.getByRole('link', { name: 'Older entries' }).click();
  // Fewer than 100 entries in all: the second page holds the rest and offers no third.
  const rest = await page.locator('tbody tr').count();
  expect(rest).toBeGreaterThan(5);
  expect(rest).toBeLessThan(50);
  expect(await page.getByRole('link', { name: 'Older entries' }).count()).toBe(0);
  expect(await page.locator('table').innerText()).toContain('Member invited');
  await page.getByRole('link', { name: 'Newest entries' }).click();
  expect(await page.locator('tbody tr').count()).toBe(50);
});

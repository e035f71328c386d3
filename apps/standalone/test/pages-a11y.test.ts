import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startCallbackServer } from './support/callback-server.js';
import { completeAuthorization } from './support/consent.js';
import { authorizationRequest } from './support/flow.js';
import { checkPage } from './support/page-check.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { personalWorkspaceAdmin } from './support/web-session.js';

// Every page a person meets, at 390 and 1280 px, light and dark: nothing scrolls sideways and
// axe-core finds nothing serious. One browser, one stack, one tab walking the pages in order.
const EMAIL = 'paula@example.com';
const ctx = useStack({ env: { INSTANCE_ADMINS: EMAIL } });
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let callback: Awaited<ReturnType<typeof startCallbackServer>>;
let page: Page;
let workspacePath: string;

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackServer();
  page = await browser.context.newPage();
});
afterAll(async () => {
  await browser?.close();
  callback?.close();
});

const open = (path: string) => page.goto(new URL(path, ctx.stack.issuer).href);
const check = async (name: string) => expect(await checkPage(page, name)).toEqual([]);

it('the sign-in page, and with a wrong email it keeps what was typed', async () => {
  await open('/login');
  await check('login');
  await page.getByLabel('Email').fill('not an email');
  await page.getByLabel('Email').evaluate((input) => input.removeAttribute('type'));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('alert').waitFor();
  // The form keeps what was typed, the message tied to the field.
  expect(await page.getByLabel('Email').inputValue()).toBe('not an email');
  expect(await page.getByLabel('Email').getAttribute('aria-describedby')).toBe('sign-in-error');
  await check('login-error');
});

it('sign-in and consent for an app', async () => {
  const { client_id: clientId } = await registerClient(ctx.stack.issuer, callback.redirectUri, {
    client_name: 'Page check client',
  });
  const { url } = authorizationRequest(ctx.stack.issuer, { clientId }, { redirectUri: callback.redirectUri });
  await page.goto(url.href);
  await check('interaction-login');
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Approve' }).waitFor();
  await check('consent');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL((u) => u.href.startsWith(callback.redirectUri));

  // The same app once the workspace allows less: a scope ceiling, then a refused redirect URI.
  const admin = await personalWorkspaceAdmin(ctx.stack.issuer, EMAIL);
  const policy = `/api/v1/workspaces/${admin.workspaceId}/policy`;
  await admin.session.api('PATCH', policy, { scope_ceiling: ['enclaves:read'] });
  await page.goto(url.href);
  await page.getByRole('button', { name: 'Approve' }).waitFor();
  await check('consent-ceiling');
  await admin.session.api('PATCH', policy, {
    allowed_redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
  });
  await page.goto(url.href);
  await page.getByRole('alert').waitFor();
  await check('consent-refused');
  await page.getByRole('button', { name: 'Deny' }).click();
  await page.getByRole('heading', { name: 'Access denied' }).waitFor();
  await check('access-denied');
  await admin.session.api('PATCH', policy, {
    scope_ceiling: ['enclaves:read', 'enclaves:write', 'enclaves:destroy'],
    allowed_redirect_uris: ['http://localhost/callback'],
  });
});

it('an expired or unknown sign-in link', async () => {
  await open('/interaction/no-such-interaction');
  await check('interaction-invalid');
});

it('the dashboard, and a personal access token just created', async () => {
  await open('/dashboard');
  if (await page.getByLabel('Email').count()) {
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.getByRole('heading', { name: 'Connected apps', exact: true }).waitFor();
  await check('dashboard');
  await page.getByLabel('Token name').fill('Laptop');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByText('it will not be shown again').waitFor();
  await check('token-created');
  await page.getByRole('button', { name: 'Revoke token Laptop' }).click();
  await check('confirm-revoke');
});

it('the admin pages: workspaces, settings, audit log, users', async () => {
  await open('/admin');
  await check('admin-home');
  await page.getByRole('link', { name: 'Workspace settings' }).first().click();
  await page.getByRole('heading', { name: 'Workspace settings' }).waitFor();
  workspacePath = new URL(page.url()).pathname;
  await check('workspace-settings');
  await page.getByLabel('Email address').fill('newcomer@example.com');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByRole('status').waitFor();
  await check('workspace-settings-notice');
  await open(`${workspacePath}/audit`);
  await check('audit-log');
  await open('/admin/users');
  await check('instance-users');
});

it('the Apps of a workspace on ask: an app waiting for approval, with a long redirect URI; Block asks first', async () => {
  const admin = await personalWorkspaceAdmin(ctx.stack.issuer, EMAIL);
  const base = `/api/v1/workspaces/${admin.workspaceId}`;
  const member = 'quinn@example.com';
  await admin.session.api('POST', `${base}/members`, { email: member, role: 'member' });
  const redirectUri = `http://127.0.0.1:7031/callback/${'a'.repeat(160)}`;
  await admin.allowRedirectUris([redirectUri]);
  await admin.session.api('PATCH', `${base}/policy`, { unknown_clients: 'ask' });
  const { client_id: clientId } = await registerClient(ctx.stack.issuer, redirectUri, {
    client_name: 'Waiting app',
  });
  const { url } = authorizationRequest(ctx.stack.issuer, { clientId }, { redirectUri });
  // The member's request: the app waits for an admin, no code.
  await expect(
    completeAuthorization(url.href, {
      email: member,
      redirectUri,
      workspace: `${EMAIL}'s workspace (needs an admin to approve this app)`,
    }),
  ).rejects.toThrow(/HTTP 403/);

  await open(workspacePath);
  const waiting = page.getByRole('region', { name: 'Waiting app' });
  expect(await waiting.innerText()).toContain(`requested by ${member}`);
  await check('workspace-settings-apps');
  await waiting.getByRole('button', { name: 'Block' }).click();
  await page.getByRole('button', { name: 'Yes, block Waiting app' }).waitFor();
  await check('confirm-block-app');
  await admin.session.api('PATCH', `${base}/policy`, { unknown_clients: 'allow' });
});

it('a page that is not there', async () => {
  await open('/admin/workspaces/00000000-0000-4000-8000-000000000000');
  await check('admin-not-found');
  await open('/no/such/page');
  await check('not-found');
});

it('first contact: the home page and the MCP URL opened in a browser', async () => {
  await open('/');
  await check('home');
  await page.goto(ctx.stack.mcpUrl);
  await check('mcp-in-browser');
});

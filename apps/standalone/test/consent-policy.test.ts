import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startCallbackServer } from './support/callback-server.js';
import { authorizationRequest } from './support/flow.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { personalWorkspaceAdmin } from './support/web-session.js';

// The consent page says what the workspace's policy will do before anyone presses Approve.
const ctx = useStack();
const EMAIL = 'rosa@example.com';
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let callback: Awaited<ReturnType<typeof startCallbackServer>>;
let page: Page;
let admin: Awaited<ReturnType<typeof personalWorkspaceAdmin>>;
let clientId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackServer();
  admin = await personalWorkspaceAdmin(ctx.stack.issuer, EMAIL);
  ({ client_id: clientId } = await registerClient(ctx.stack.issuer, callback.redirectUri, {
    client_name: 'Totally Official App',
  }));
  page = await browser.context.newPage();
});
afterAll(async () => {
  await browser?.close();
  callback?.close();
});

const policyPath = () => `/api/v1/workspaces/${admin.workspaceId}/policy`;

async function openConsent(email = EMAIL, redirectUri = callback.redirectUri) {
  const { url } = authorizationRequest(ctx.stack.issuer, { clientId }, { redirectUri });
  await page.goto(url.href);
  if (await page.getByLabel('Email').count()) {
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.getByRole('button', { name: 'Approve' }).waitFor();
}

const box = (scope: string) => page.getByRole('checkbox', { name: new RegExp(scope) });

it('a self-chosen name is marked unverified, and destroy is not pre-ticked until approved once', async () => {
  await openConsent();
  expect(await page.locator('main').innerText()).toContain('(name chosen by the app, unverified)');
  expect(await box('enclaves:read').isChecked()).toBe(true);
  expect(await box('enclaves:destroy').isChecked()).toBe(false);
  await box('enclaves:destroy').check();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL((u) => u.href.startsWith(callback.redirectUri));

  await openConsent();
  expect(await box('enclaves:destroy').isChecked()).toBe(true);
});

it('scopes above the ceiling are shown off and unticked with the reason', async () => {
  expect((await admin.session.api('PATCH', policyPath(), { scope_ceiling: ['enclaves:read'] })).status).toBe(
    200,
  );
  await openConsent();
  for (const scope of ['enclaves:write', 'enclaves:destroy']) {
    expect(await box(scope).isDisabled()).toBe(true);
    expect(await box(scope).isChecked()).toBe(false);
  }
  expect(await page.locator('fieldset').innerText()).toContain(
    'not allowed in this workspace (its scope ceiling)',
  );
  expect(await page.getByRole('button', { name: 'Approve' }).isEnabled()).toBe(true);
  await admin.session.api('PATCH', policyPath(), {
    scope_ceiling: ['enclaves:read', 'enclaves:write', 'enclaves:destroy'],
  });
});

it('a refused redirect URI is said before Approve, naming it and whose rule it is; the admin link fills it in', async () => {
  const { policy } = (await (await admin.session.api('GET', policyPath())).json()) as {
    policy: { allowed_redirect_uris: string[] };
  };
  await admin.session.api('PATCH', policyPath(), {
    allowed_redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
  });
  await openConsent();
  expect(await page.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
  const alert = await page.getByRole('alert').innerText();
  expect(alert).toContain('redirect_uri is not allowed');
  expect(alert).toContain(callback.redirectUri);
  expect(alert).toContain(`${EMAIL}'s workspace`);

  await page.getByRole('link', { name: 'open Workspace settings with it filled in' }).click();
  expect(await page.getByLabel('Allowed redirect URIs').inputValue()).toContain(callback.redirectUri);
  expect(await page.locator('main').innerText()).toContain('not saved yet');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.getByText('Policy saved.').waitFor();

  await openConsent();
  expect(await page.getByRole('button', { name: 'Approve' }).isEnabled()).toBe(true);
  await admin.session.api('PATCH', policyPath(), { allowed_redirect_uris: policy.allowed_redirect_uris });
});

it('"Not you?" signs this browser out and asks who is connecting', async () => {
  await openConsent();
  await page.getByRole('button', { name: 'Use another account' }).click();
  await page.getByLabel('Email').fill('sam@example.com');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Approve' }).waitFor();
  expect(await page.locator('main').innerText()).toContain('as sam@example.com');
});

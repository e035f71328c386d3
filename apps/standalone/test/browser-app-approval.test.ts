import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startCallbackServer } from './support/callback-server.js';
import { authorizationRequest, type TokenResponse, tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

// A workspace on `unknown_clients: ask`, in two real browsers: a member's new app waits for an
// admin (no code), the admin approves it under Apps, and the member's next attempt gets a code and
// a working token. Then Block asks once and revokes.
const ctx = useStack();
const ADMIN = 'ada@example.com';
const MEMBER = 'bob@example.com';
const WORKSPACE = `${ADMIN}'s workspace`;
const APP = 'Approval probe';
let admin: Awaited<ReturnType<typeof launchBrowser>>;
let member: Awaited<ReturnType<typeof launchBrowser>>;
let callback: Awaited<ReturnType<typeof startCallbackServer>>;
let adminPage: Page;
let memberPage: Page;
let workspaceId: string;
let clientId: string;

beforeAll(async () => {
  [admin, member, callback] = await Promise.all([launchBrowser(), launchBrowser(), startCallbackServer()]);
  const session = await signInToDashboard(ctx.stack.issuer, ADMIN);
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  workspaceId = workspaces[0]!.id;
  const invited = await session.api('POST', `/api/v1/workspaces/${workspaceId}/members`, {
    email: MEMBER,
    role: 'member',
  });
  expect(invited.status).toBe(202);
  const policy = await session.api('PATCH', `/api/v1/workspaces/${workspaceId}/policy`, {
    unknown_clients: 'ask',
  });
  expect(policy.status).toBe(200);
  ({ client_id: clientId } = await registerClient(ctx.stack.issuer, callback.redirectUri, {
    client_name: APP,
  }));

  adminPage = await admin.context.newPage();
  await adminPage.goto(`${ctx.stack.issuer}/admin/workspaces/${workspaceId}`);
  await adminPage.getByLabel('Email').fill(ADMIN);
  await adminPage.getByRole('button', { name: 'Continue' }).click();
  await adminPage.getByRole('heading', { name: 'Workspace settings' }).waitFor();
  memberPage = await member.context.newPage();
});
afterAll(async () => {
  await Promise.all([admin?.close(), member?.close()]);
  callback?.close();
});

/** The member opens a new authorization of the app and chooses the admin's workspace… */
async function memberChooses() {
  const { url, verifier } = authorizationRequest(
    ctx.stack.issuer,
    { clientId },
    { redirectUri: callback.redirectUri },
  );
  await memberPage.goto(url.href);
  const email = memberPage.getByLabel('Email');
  const approve = memberPage.getByRole('button', { name: 'Approve' });
  await email.or(approve).first().waitFor();
  if (await email.isVisible()) {
    await email.fill(MEMBER);
    await memberPage.getByRole('button', { name: 'Continue' }).click();
  }
  await approve.waitFor();
  // While it waits, the workspace's option says so.
  const select = memberPage.getByLabel('Workspace');
  const option = select.locator('option', { hasText: WORKSPACE });
  await select.selectOption((await option.getAttribute('value'))!);
  return { verifier, option: (await option.textContent())! };
}

/** …and presses Approve. */
async function memberApproves() {
  const { verifier, option } = await memberChooses();
  await memberPage.getByRole('button', { name: 'Approve' }).click();
  return { verifier, option };
}

const appSection = () => adminPage.getByRole('region', { name: APP });

it('the member is told an admin must approve the app first, and gets no code', async () => {
  const { option } = await memberApproves();
  expect(option).toBe(`${WORKSPACE} (needs an admin to approve this app)`);
  await memberPage.getByText('Your request has been sent').waitFor();
  const text = await memberPage.locator('main').innerText();
  expect(text).toContain('An admin of this workspace must approve this app first');
  expect(text).toContain(ADMIN);
  expect(memberPage.url().startsWith(callback.redirectUri)).toBe(false);
});

it('the admin sees it pending under Apps, requested by the member, and approves it', async () => {
  // Where the consent page's link for admins leads (a new load: the page is open already).
  await adminPage.goto('about:blank');
  await adminPage.goto(`${ctx.stack.issuer}/admin/workspaces/${workspaceId}#apps`);
  const section = appSection();
  const text = await section.innerText();
  expect(text).toContain('Pending');
  expect(text).toContain(`requested by ${MEMBER}`);
  expect(text).toContain(clientId);
  expect(text).toContain('Dynamic registration');
  expect(text).toContain(callback.redirectUri);
  expect(await section.getByRole('button', { name: 'Block' }).count()).toBe(1);
  await section.getByRole('button', { name: 'Approve' }).click();
  await adminPage.getByText('App approved').waitFor();
  expect(new URL(adminPage.url()).hash).toBe('#apps');
  expect(await appSection().innerText()).toContain('Approved');
  expect(await appSection().getByRole('button', { name: 'Approve' }).count()).toBe(0);
  // Its limits, folded away until wanted.
  await appSection().getByText("Limits: the workspace's").click();
  await appSection().getByRole('button', { name: 'Save limits' }).waitFor();
});

it("the member's next attempt gets a code, a token, and a tool call that works", async () => {
  const { verifier, option } = await memberApproves();
  expect(option).toBe(WORKSPACE);
  await memberPage.waitForURL((u) => u.href.startsWith(callback.redirectUri));
  const code = new URL(memberPage.url()).searchParams.get('code')!;
  expect(code).toBeTruthy();
  const token = await tokenRequest(
    ctx.stack.issuer,
    { clientId },
    { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: callback.redirectUri },
  );
  expect(token.status).toBe(200);
  const { access_token } = (await token.json()) as TokenResponse;
  const call = await callToolOverHttp(ctx.stack.mcpUrl, access_token, 'mcp_whoami');
  expect(call.status).toBe(200);
  expect(await call.text()).toContain(MEMBER);

  // The admin's list now names who uses it.
  await adminPage.reload();
  expect(await appSection().innerText()).toContain(`${MEMBER}: 1 connection`);
});

it('Block asks once, naming what it revokes; confirmed, the app is blocked and its token refused', async () => {
  const { verifier } = await memberApproves();
  await memberPage.waitForURL((u) => u.href.startsWith(callback.redirectUri));
  const token = await tokenRequest(
    ctx.stack.issuer,
    { clientId },
    {
      grant_type: 'authorization_code',
      code: new URL(memberPage.url()).searchParams.get('code')!,
      code_verifier: verifier,
      redirect_uri: callback.redirectUri,
    },
  );
  const { access_token } = (await token.json()) as TokenResponse;

  await adminPage.reload();
  await appSection().getByRole('button', { name: 'Block' }).click();
  const confirm = adminPage.getByRole('button', { name: `Yes, block ${APP}` });
  await confirm.waitFor();
  expect(await adminPage.locator('main').innerText()).toMatch(/Its 2 connections are revoked/);
  // The first click changed nothing.
  expect((await callToolOverHttp(ctx.stack.mcpUrl, access_token, 'mcp_whoami')).status).toBe(200);

  await confirm.click();
  await adminPage.getByText('App blocked; 2 connections were revoked.').waitFor();
  const text = await appSection().innerText();
  expect(text).toContain('Blocked');
  expect(await appSection().getByRole('button', { name: 'Approve' }).count()).toBe(1);
  expect(await appSection().getByRole('button', { name: 'Block' }).count()).toBe(0);
  await expect
    .poll(async () => (await callToolOverHttp(ctx.stack.mcpUrl, access_token, 'mcp_whoami')).status)
    .toBe(401);
});

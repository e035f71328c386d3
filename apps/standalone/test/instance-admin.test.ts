import { beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { useStack } from './support/stack.js';
import { expectCutOff, grantAccess } from './support/user-access.js';
import { type ApiSession, signInToDashboard } from './support/web-session.js';

const env = useStack({ env: { INSTANCE_ADMINS: 'Root@example.com' } });
let root: ApiSession;
let rootWorkspace: string;

beforeAll(async () => {
  root = await signInToDashboard(env.stack.issuer, 'root@example.com');
  const { workspaces } = (await (await root.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  rootWorkspace = workspaces[0]!.id;
});

// biome-ignore lint/suspicious/noExplicitAny: test assertions read whatever the API answered.
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();
const disable = (session: ApiSession, body: unknown, options?: { csrf?: false }) =>
  session.api('POST', '/api/v1/users/disable', body, options);

describe('POST /api/v1/users/disable', () => {
  it('disables the user for an instance admin, audited as theirs: the user is cut off within a second', async () => {
    const bob = await grantAccess(env.stack.issuer, env.stack.mcpUrl, 'bob@example.com');
    // A member of root's workspace too, whose audit log root reads.
    const invited = await root.api('POST', `/api/v1/workspaces/${rootWorkspace}/members`, {
      email: 'bob@example.com',
      role: 'member',
    });
    expect(invited.status).toBe(201);

    const response = await disable(root, { email: ' Bob@Example.com ' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ email: 'bob@example.com', revoked_grants: 1, revoked_tokens: 1 });
    await expectCutOff(env.stack.issuer, env.stack.mcpUrl, bob);
    const { events } = await json(root.api('GET', `/api/v1/workspaces/${rootWorkspace}/audit`));
    expect(events[0]).toMatchObject({
      actor: 'root@example.com',
      action: 'user.disabled',
      target: 'bob@example.com',
    });
  });

  it('refuses an unknown email (404), the admin themselves (409), a bad email (400) and a missing CSRF token (403)', async () => {
    const carol = await grantAccess(env.stack.issuer, env.stack.mcpUrl, 'carol@example.com');
    expect(await json(disable(root, { email: 'nobody@example.com' }))).toEqual({
      error: 'not_found',
      message: 'No user with the email nobody@example.com.',
    });
    expect((await disable(root, { email: 'nobody@example.com' })).status).toBe(404);

    const self = await disable(root, { email: 'root@example.com' });
    expect(self.status).toBe(409);
    expect(await self.json()).toEqual({
      error: 'conflict',
      message:
        'You cannot disable your own account: another instance admin can, or an operator with pnpm disable-user.',
    });
    expect((await root.api('GET', '/api/v1/session')).status).toBe(200);

    const bad = await disable(root, { email: 'carol' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });
    expect((await disable(root, { email: 'carol@example.com', role: 'x' })).status).toBe(400);

    const forged = await disable(root, { email: 'carol@example.com' }, { csrf: false });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: 'csrf_failed' });
    expect((await callToolOverHttp(env.stack.mcpUrl, carol.personalAccessToken, 'mcp_whoami')).status).toBe(
      200,
    );
  });

  it('does not exist for anyone who is not an instance admin, and needs a session', async () => {
    const dave = await grantAccess(env.stack.issuer, env.stack.mcpUrl, 'dave@example.com');
    const mallory = await signInToDashboard(env.stack.issuer, 'mallory@example.com');
    for (const options of [undefined, { csrf: false as const }]) {
      const response = await disable(mallory, { email: 'dave@example.com' }, options);
      expect(response.status).toBe(404);
    }
    expect((await mallory.api('GET', '/admin/users')).status).toBe(404);
    expect((await mallory.api('GET', '/admin/users/confirm?email=dave@example.com')).status).toBe(404);
    expect(await (await mallory.api('GET', '/admin')).text()).not.toContain('href="/admin/users"');
    expect(await (await root.api('GET', '/admin')).text()).toContain('<a href="/admin/users">Users</a>');

    const anonymous = await fetch(`${env.stack.issuer}/api/v1/users/disable`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'dave@example.com' }),
    });
    expect(anonymous.status).toBe(401);
    expect((await callToolOverHttp(env.stack.mcpUrl, dave.personalAccessToken, 'mcp_whoami')).status).toBe(
      200,
    );
  });
});

describe('/admin/users', () => {
  it('shows the refusals on the page', async () => {
    const unknown = await root.api('GET', '/admin/users/confirm?email=nobody%40example.com');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No user with the email nobody@example.com.');
    const self = await root.api('GET', '/admin/users/confirm?email=root%40example.com');
    expect(self.status).toBe(409);
    expect(await self.text()).toContain('You cannot disable your own account');
  });

  it('an instance admin disables a user in a browser, after a confirmation that says what happens', async () => {
    const erin = await grantAccess(env.stack.issuer, env.stack.mcpUrl, 'erin@example.com');
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${env.stack.issuer}/admin`);
      await page.getByLabel('Email').fill('root@example.com');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('link', { name: 'Users' }).click();

      const ask = async () => {
        await page.getByLabel('Email').fill('erin@example.com');
        await page.getByRole('button', { name: 'Disable user' }).click();
        await page.getByRole('button', { name: 'Disable erin@example.com' }).waitFor();
      };
      await ask();
      const confirmation = await page.locator('main').innerText();
      expect(confirmation).toContain('Disable erin@example.com?');
      expect(confirmation).toMatch(/refuses their sign-in/);
      expect(confirmation).toMatch(/ends their browser sessions/);
      expect(confirmation).toMatch(/every connected app and personal access token .* within a second/);

      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('button', { name: 'Disable user' }).waitFor();
      expect((await callToolOverHttp(env.stack.mcpUrl, erin.personalAccessToken, 'mcp_whoami')).status).toBe(
        200,
      );

      await ask();
      await page.getByRole('button', { name: 'Disable erin@example.com' }).click();
      await expect
        .poll(() => page.getByRole('status').innerText())
        .toBe('Disabled erin@example.com: revoked 1 connected app(s) and 1 personal access token(s).');
    } finally {
      await browser.close();
    }
    await expectCutOff(env.stack.issuer, env.stack.mcpUrl, erin);
  });
});

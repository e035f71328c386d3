import { eq, personalAccessTokens } from '@enclavia/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { callToolOverHttp } from './support/mcp-call.js';
import { useStack } from './support/stack.js';
import { type ApiSession, signInToDashboard } from './support/web-session.js';

const env = useStack();
let owner: ApiSession;
let workspaceId: string;

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered.
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

beforeAll(async () => {
  owner = await signInToDashboard(env.stack.issuer, 'pat-owner@example.com');
  workspaceId = (await json(owner.api('GET', '/api/v1/workspaces'))).workspaces[0].id;
});

async function createToken(session: ApiSession, scopes = ['enclaves:read'], extra: object = {}) {
  const response = await session.api('POST', '/api/v1/tokens', {
    name: 'ci',
    workspace_id: workspaceId,
    scopes,
    expires_in_days: 30,
    ...extra,
  });
  return { status: response.status, body: await json(response) };
}

const whoami = (token: string) => callToolOverHttp(env.stack.mcpUrl, token, 'mcp_whoami');

describe('personal access tokens', () => {
  it('are shown once, kept only as a hash with a visible prefix, and listed with last use', async () => {
    const { status, body } = await createToken(owner);
    expect(status).toBe(201);
    expect(body.token).toMatch(/^enclavia_pat_[A-Za-z0-9_-]{43}$/);
    expect(body.token.startsWith(body.prefix)).toBe(true);

    const [stored] = await env.database.db
      .select()
      .from(personalAccessTokens)
      .where(eq(personalAccessTokens.id, body.id));
    expect(JSON.stringify(stored)).not.toContain(body.token);

    expect((await whoami(body.token)).status).toBe(200);
    const { tokens } = await json(owner.api('GET', '/api/v1/tokens'));
    const listed = tokens.find((t: { id: string }) => t.id === body.id);
    expect(listed).toMatchObject({ prefix: body.prefix, scope: 'enclaves:read' });
    expect(JSON.stringify(listed)).not.toContain(body.token);
    await expect
      .poll(async () => (await json(owner.api('GET', '/api/v1/tokens'))).tokens[0].lastUsedAt)
      .not.toBeNull();
  });

  it('are accepted as bearer tokens with the same scope rules', async () => {
    const { body } = await createToken(owner, ['enclaves:read']);
    const me = await json(whoami(body.token));
    expect(me.result.structuredContent).toMatchObject({
      user: { email: 'pat-owner@example.com' },
      workspace: { id: workspaceId },
      scopes: ['enclaves:read'],
    });
    const refused = await callToolOverHttp(env.stack.mcpUrl, body.token, 'enclave_create', {
      image: 'ghcr.io/a/b:1',
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('stop working at once when revoked', async () => {
    const { body } = await createToken(owner);
    expect((await whoami(body.token)).status).toBe(200);
    expect((await owner.api('DELETE', `/api/v1/tokens/${body.id}`)).status).toBe(204);
    await expect
      .poll(async () => (await whoami(body.token)).status, { timeout: 1000, interval: 20 })
      .toBe(401);
    const { events } = await json(owner.api('GET', `/api/v1/workspaces/${workspaceId}/audit`));
    expect(events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['token.created', 'token.revoked']),
    );
  });

  it('fail once expired', async () => {
    const { body } = await createToken(owner);
    await env.database.db
      .update(personalAccessTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(personalAccessTokens.id, body.id));
    const response = await whoami(body.token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('fail for a member removed from the workspace', async () => {
    const member = await signInToDashboard(env.stack.issuer, 'pat-member@example.com');
    await owner.api('POST', `/api/v1/workspaces/${workspaceId}/members`, { email: 'pat-member@example.com' });
    const { body } = await createToken(member);
    expect((await whoami(body.token)).status).toBe(200);
    await owner.api('DELETE', `/api/v1/workspaces/${workspaceId}/members/${member.userId}`);
    await expect
      .poll(async () => (await whoami(body.token)).status, { timeout: 1000, interval: 20 })
      .toBe(401);
  });

  it('fail, and cannot be made, when the workspace turns them off', async () => {
    const { body } = await createToken(owner);
    expect((await whoami(body.token)).status).toBe(200);
    await owner.api('PATCH', `/api/v1/workspaces/${workspaceId}/policy`, {
      personal_access_tokens_enabled: false,
    });
    await expect
      .poll(async () => (await whoami(body.token)).status, { timeout: 1000, interval: 20 })
      .toBe(401);
    const refused = await createToken(owner);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe('Personal access tokens are turned off in this workspace.');
    await owner.api('PATCH', `/api/v1/workspaces/${workspaceId}/policy`, {
      personal_access_tokens_enabled: true,
    });
  });

  it.each([
    [{ name: '' }, 'give the token a name'],
    [{ scopes: [] }, 'choose at least one scope'],
    [{ scopes: ['enclaves:fly'] }, 'unknown scope "enclaves:fly"'],
    [{ expires_in_days: 3 }, 'expires_in_days must be one of 7, 30, 90, 365'],
    [{ workspace_id: 'nope' }, 'workspace_id must be the id of one of your workspaces'],
  ])('refuse bad input %j', async (extra, message) => {
    const { status, body } = await createToken(owner, ['enclaves:read'], extra);
    expect(status).toBe(400);
    expect(body.message).toContain(message);
  });

  it("cannot be made for another user's workspace", async () => {
    const stranger = await signInToDashboard(env.stack.issuer, 'pat-stranger@example.com');
    const { status } = await createToken(stranger);
    expect(status).toBe(404);
  });
});

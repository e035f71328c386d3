import { expect, it } from 'vitest';
import { authorizationCodeFlow, type TokenResponse } from './support/flow.js';
import { callToolOverHttp, mcpRequestOverHttp } from './support/mcp-call.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

// `audit:read`: only when the client asks for it by name, offered unticked, only for admins.
const env = useStack();
const REDIRECT = 'http://127.0.0.1:7012/callback';

async function connect(email: string, options: { scope?: string; tick?: string[]; workspace?: string }) {
  const { client_id: clientId } = await registerClient(env.stack.issuer, REDIRECT);
  const response = await authorizationCodeFlow(
    env.stack.issuer,
    { clientId },
    { email, redirectUri: REDIRECT, ...options },
  );
  expect(response.status).toBe(200);
  return { clientId, tokens: (await response.json()) as TokenResponse };
}

async function toolNames(token: string): Promise<string[]> {
  const { result } = (await (await mcpRequestOverHttp(env.stack.mcpUrl, token)).json()) as {
    result: { tools: Array<{ name: string }> };
  };
  return result.tools.map((t) => t.name);
}

it('an admin who ticks it can ask their client who connected which app', async () => {
  const { clientId, tokens } = await connect('audit-admin@example.com', {
    scope: 'enclaves:read audit:read',
    tick: ['audit:read'],
  });
  expect(tokens.scope).toBe('enclaves:read audit:read');
  expect(await toolNames(tokens.access_token)).toContain('audit_log_list');
  const answer = await callToolOverHttp(env.stack.mcpUrl, tokens.access_token, 'audit_log_list', {
    action: 'grant.',
  });
  const { result } = (await answer.json()) as {
    result: { structuredContent: { entries: Array<Record<string, unknown>> } };
  };
  expect(result.structuredContent.entries[0]).toMatchObject({
    action: 'grant.approved',
    actor: 'audit-admin@example.com',
    member: 'audit-admin@example.com',
    client_id: clientId,
    after: { scope: 'enclaves:read audit:read', redirect_uri: REDIRECT },
  });
});

it('is offered unticked: left so, it is not granted', async () => {
  const { tokens } = await connect('audit-unticked@example.com', { scope: 'enclaves:read audit:read' });
  expect(tokens.scope).toBe('enclaves:read');
  expect(await toolNames(tokens.access_token)).not.toContain('audit_log_list');
});

it('is never part of the default request', async () => {
  const { tokens } = await connect('audit-default@example.com', { tick: ['audit:read'] });
  expect(tokens.scope).toBe('enclaves:read enclaves:write enclaves:destroy');
});

it('is not granted to a member who is not an admin of the workspace chosen', async () => {
  const owner = await signInToDashboard(env.stack.issuer, 'audit-owner@example.com');
  const { workspaces } = (await (await owner.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string; name: string }>;
  };
  await owner.api('POST', `/api/v1/workspaces/${workspaces[0]!.id}/members`, {
    email: 'audit-member@example.com',
    role: 'member',
  });
  await signInToDashboard(env.stack.issuer, 'audit-member@example.com');
  const { tokens } = await connect('audit-member@example.com', {
    scope: 'enclaves:read audit:read',
    tick: ['audit:read'],
    workspace: workspaces[0]!.name,
  });
  expect(tokens.scope).toBe('enclaves:read');
});

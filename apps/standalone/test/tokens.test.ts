import { eq, oidcModels } from '@enclavia/db';
import { describe, expect, it } from 'vitest';
import {
  authorizationCodeFlow,
  decodeJwt,
  type FlowClient,
  type TokenResponse,
  tokenRequest,
} from './support/flow.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';

// Strict single use: the reuse grace off (REFRESH_REUSE_GRACE_SECONDS=0); refresh-reuse.test.ts has it on.
const env = useStack({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });
const redirectUri = 'http://127.0.0.1:7002/callback';

async function connect(
  email: string,
  options: { resource?: string; scope?: string; tokenResource?: string } = {},
) {
  const { client_id } = await registerClient(env.stack.issuer, redirectUri);
  const client: FlowClient = { clientId: client_id };
  const response = await authorizationCodeFlow(env.stack.issuer, client, { redirectUri, email, ...options });
  return { client, response, tokens: response.ok ? ((await response.json()) as TokenResponse) : undefined };
}

const refresh = (client: FlowClient, refreshToken: string) =>
  tokenRequest(env.stack.issuer, client, { grant_type: 'refresh_token', refresh_token: refreshToken });

describe('refresh tokens', () => {
  it('are issued without offline_access or prompt=consent, and rotate on use', async () => {
    const { client, tokens } = await connect('rot@example.com', { scope: 'enclaves:read' });
    expect(tokens!.refresh_token).toEqual(expect.any(String));

    const first = await refresh(client, tokens!.refresh_token!);
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as TokenResponse;
    expect(rotated.refresh_token).toEqual(expect.any(String));
    expect(rotated.refresh_token).not.toBe(tokens!.refresh_token);
    expect(decodeJwt(rotated.access_token).payload.aud).toBe(env.stack.mcpUrl);
  });

  it('revoke the whole grant when a used one comes back', async () => {
    const { client, tokens } = await connect('reuse@example.com');
    const rotated = (await (await refresh(client, tokens!.refresh_token!)).json()) as TokenResponse;

    const replay = await refresh(client, tokens!.refresh_token!);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    // The token the replay raced against dies with the grant.
    const afterReplay = await refresh(client, rotated.refresh_token!);
    expect(await afterReplay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('give exactly one success to two concurrent refreshes of one token', async () => {
    const { client, tokens } = await connect('race@example.com');
    const results = await Promise.all([
      refresh(client, tokens!.refresh_token!),
      refresh(client, tokens!.refresh_token!),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(await results.find((r) => r.status === 400)!.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('outlive the browser sign-in session', async () => {
    const { client, tokens } = await connect('session@example.com');
    await env.database.db.delete(oidcModels).where(eq(oidcModels.model, 'Session'));
    expect((await refresh(client, tokens!.refresh_token!)).status).toBe(200);
  });
});

describe('resource indicators', () => {
  it('default a missing resource to the MCP URL, with the configured 15 minute lifetime', async () => {
    const { tokens } = await connect('nores@example.com');
    const { header, payload } = decodeJwt(tokens!.access_token);
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    expect(payload).toMatchObject({ aud: env.stack.mcpUrl, iss: env.stack.issuer });
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
  });

  it.each([
    ['a trailing slash', (mcp: string) => `${mcp}/`],
    ['the bare origin', (mcp: string) => new URL(mcp).origin],
    ['the bare origin with a slash', (mcp: string) => `${new URL(mcp).origin}/`],
  ])('map %s to the one canonical audience', async (_name, spell) => {
    const resource = spell(env.stack.mcpUrl);
    const { tokens } = await connect('alias@example.com', { resource });
    expect(decodeJwt(tokens!.access_token).payload.aud).toBe(env.stack.mcpUrl);
  });

  it('refuse any other resource with invalid_target, on a page for a client not yet approved', async () => {
    await expect(
      connect('foreign@example.com', { resource: 'https://elsewhere.example/mcp' }),
    ).rejects.toThrow(/HTTP 400 at \/authorize: invalid_target/);
  });

  it('still give a JWT for the MCP server when the token request omits resource, even with openid', async () => {
    const { tokens } = await connect('openid@example.com', {
      resource: env.stack.mcpUrl,
      scope: 'openid enclaves:read',
      tokenResource: '',
    });
    expect(decodeJwt(tokens!.access_token).payload.aud).toBe(env.stack.mcpUrl);
  });
});

describe('an unknown or deleted client at the token endpoint', () => {
  it('gets 401 invalid_client, so it registers again', async () => {
    const unknown = await refresh({ clientId: 'no-such-client' }, 'whatever');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_client' });

    const { client, tokens } = await connect('deleted@example.com');
    await env.database.db.delete(oidcModels).where(eq(oidcModels.model, 'Client'));
    const deleted = await refresh(client, tokens!.refresh_token!);
    expect(deleted.status).toBe(401);
    expect(await deleted.json()).toMatchObject({ error: 'invalid_client' });
  });
});

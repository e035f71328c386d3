import { enclaves } from '@enclavia/db';
import { describe, expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { useStack } from './support/stack.js';

const REDIRECT = 'http://127.0.0.1:5997/callback';

const env = useStack();

function providerFor(email: string) {
  const provider = new HeadlessOAuthProvider(REDIRECT, (url) =>
    completeAuthorization(url.href, { email, redirectUri: REDIRECT }),
  );
  return provider;
}

describe('the MCP SDK client, through OAuth, to a tool', () => {
  it('discovers, registers, signs in, consents, gets a token and calls mcp_whoami', async () => {
    const provider = providerFor('Alice@Example.com');
    const client = await connectWithOAuth(env.stack.mcpUrl, provider);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'enclave_create',
      'enclave_destroy',
      'enclave_list',
      'enclave_logs',
      'enclave_status',
      'enclave_stop',
      'mcp_whoami',
    ]);

    const result = await client.callTool({ name: 'mcp_whoami', arguments: {} });
    expect(result.isError).toBeFalsy();
    const me = result.structuredContent as {
      user: { email: string };
      workspace: { id: string; name: string };
      client_id: string;
      scopes: string[];
    };
    expect(me.user.email).toBe('alice@example.com');
    expect(me.workspace.name).toBe("alice@example.com's workspace");
    expect(me.client_id).toBe(provider.client?.client_id);
    expect(me.scopes.sort()).toEqual(['enclaves:destroy', 'enclaves:read', 'enclaves:write']);
    await client.close();
  });

  it('went through every discovery step a spec-following client takes', async () => {
    const unauthenticated = await fetch(env.stack.mcpUrl, { method: 'POST' });
    expect(unauthenticated.status).toBe(401);
    const challenge = unauthenticated.headers.get('www-authenticate')!;
    expect(challenge).toBe(
      `Bearer resource_metadata="${env.stack.mcpUrl.replace('/mcp', '/.well-known/oauth-protected-resource/mcp')}", scope="enclaves:read enclaves:write enclaves:destroy"`,
    );
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const prm = (await (await fetch(new URL(path, env.stack.mcpUrl))).json()) as Record<string, unknown>;
      expect(prm).toMatchObject({ resource: env.stack.mcpUrl, authorization_servers: [env.stack.issuer] });
      // MCP 2026-07-28: refresh tokens are no resource requirement, so never asked for here.
      expect(prm.scopes_supported).toEqual(['enclaves:read', 'enclaves:write', 'enclaves:destroy']);
    }
    const metadata = (await (
      await fetch(`${env.stack.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: env.stack.issuer,
      authorization_endpoint: `${env.stack.issuer}/authorize`,
      token_endpoint: `${env.stack.issuer}/token`,
      registration_endpoint: `${env.stack.issuer}/register`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    // The authorization server's metadata is where offline_access may appear.
    expect(metadata.scopes_supported).toContain('offline_access');
  });

  it("shows each user only their own workspace's enclaves", async () => {
    const bob = await connectWithOAuth(env.stack.mcpUrl, providerFor('bob@example.com'));
    const carol = await connectWithOAuth(env.stack.mcpUrl, providerFor('carol@example.com'));
    const workspaceOf = async (client: typeof bob) => {
      const me = await client.callTool({ name: 'mcp_whoami', arguments: {} });
      return (me.structuredContent as { workspace: { id: string } }).workspace.id;
    };
    await env.database.db.insert(enclaves).values([
      {
        workspaceId: await workspaceOf(bob),
        name: 'bobs',
        image: 'ghcr.io/bob/app:1',
        instanceType: 'small',
        containerPort: 8080,
        storageSizeBytes: 1e9,
      },
      {
        workspaceId: await workspaceOf(carol),
        name: 'carols',
        image: 'ghcr.io/carol/app:1',
        instanceType: 'small',
        containerPort: 8080,
        storageSizeBytes: 1e9,
      },
    ]);

    const names = async (client: typeof bob) => {
      const result = await client.callTool({ name: 'enclave_list', arguments: {} });
      return (result.structuredContent as { enclaves: Array<{ name: string }> }).enclaves.map((e) => e.name);
    };
    expect(await names(bob)).toEqual(['bobs']);
    expect(await names(carol)).toEqual(['carols']);
    await Promise.all([bob.close(), carol.close()]);
  });
});

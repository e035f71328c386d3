import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { useStack } from './support/stack.js';

const env = useStack({
  env: { ENCLAVE_PULL_MS: '20', ENCLAVE_BUILD_MS: '60', ENCLAVE_STOP_MS: '20', ENCLAVE_POLL_MS: '20' },
});
const REDIRECT = 'http://127.0.0.1:7006/callback';

async function connect(email: string, untick: string[] = []) {
  const provider = new HeadlessOAuthProvider(REDIRECT, (url) =>
    completeAuthorization(url.href, { email, redirectUri: REDIRECT, untick }),
  );
  return { client: await connectWithOAuth(env.stack.mcpUrl, provider), provider };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
  // biome-ignore lint/suspicious/noExplicitAny: tests read the structured content they expect.
  return { isError: result.isError === true, text, data: result.structuredContent as any };
}

const stateOf = async (client: Client, id: string) =>
  (await call(client, 'enclave_status', { id })).data.enclave.state;

describe('enclaves through MCP', () => {
  it('runs a whole lifecycle: create, running, both logs, stop, destroy', async () => {
    const { client } = await connect('life@example.com');
    const { enclave } = (
      await call(client, 'enclave_create', { image: 'ghcr.io/acme/life:2', container_port: 3000 })
    ).data;
    expect(enclave.state).toBe('pending');
    await expect.poll(() => stateOf(client, enclave.id)).toBe('running');

    const build = (await call(client, 'enclave_logs', { id: enclave.id, stream: 'build' })).data.lines;
    expect(build.map((l: { line: string }) => l.line)).toEqual(
      expect.arrayContaining([
        'Pulling ghcr.io/acme/life:2',
        'Enclave image built',
        expect.stringMatching(/^Measurement PCR0: [0-9a-f]{96}$/),
      ]),
    );
    const runtime = (await call(client, 'enclave_logs', { id: enclave.id, stream: 'runtime' })).data.lines;
    expect(runtime.map((l: { line: string }) => l.line)).toContain('Container listening on port 3000');

    expect((await call(client, 'enclave_stop', { id: enclave.id })).data.enclave.state).toBe('stopping');
    await expect.poll(() => stateOf(client, enclave.id)).toBe('stopped');
    expect((await call(client, 'enclave_destroy', { id: enclave.id })).data.enclave.state).toBe('destroyed');
    const after = (await call(client, 'enclave_logs', { id: enclave.id, stream: 'runtime', tail: 1 })).data
      .lines;
    expect(after[0].line).toContain('destroyed');
    await client.close();
  });

  it('keeps two users in two workspaces, at the same time on one server, apart', async () => {
    const [alice, bob] = await Promise.all([connect('alice2@example.com'), connect('bob2@example.com')]);
    const created = await Promise.all(
      [alice, bob].flatMap(({ client }, who) =>
        [1, 2, 3].map((n) =>
          call(client, 'enclave_create', { image: `ghcr.io/acme/${who ? 'bob' : 'alice'}-${n}:1` }),
        ),
      ),
    );
    const ids = created.map((c) => c.data.enclave.id as string);
    const [aliceIds, bobIds] = [ids.slice(0, 3), ids.slice(3)];

    const listed = async (client: Client) =>
      (await call(client, 'enclave_list')).data.enclaves.map((e: { id: string }) => e.id).sort();
    expect(await listed(alice.client)).toEqual([...aliceIds].sort());
    expect(await listed(bob.client)).toEqual([...bobIds].sort());

    for (const [tool, args] of [
      ['enclave_status', {}],
      ['enclave_logs', {}],
      ['enclave_stop', {}],
      ['enclave_destroy', {}],
    ] as const) {
      const result = await call(alice.client, tool, { id: bobIds[0], ...args });
      expect(result.isError, tool).toBe(true);
      expect(result.text, tool).toContain(`Enclave ${bobIds[0]} was not found.`);
    }
    // Bob's enclave went on untouched.
    await expect.poll(() => stateOf(bob.client, bobIds[0]!)).toBe('running');
    await Promise.all([alice.client.close(), bob.client.close()]);
  });

  it('answers a call outside the token’s scopes with 403 insufficient_scope and only the scope it needs', async () => {
    const { client, provider } = await connect('reader@example.com', ['enclaves:write', 'enclaves:destroy']);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'enclave_list',
      'enclave_logs',
      'enclave_status',
      'mcp_whoami',
    ]);
    const response = await callToolOverHttp(
      env.stack.mcpUrl,
      provider.storedTokens!.access_token,
      'enclave_create',
      {
        image: 'ghcr.io/acme/nope:1',
      },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Bearer error="insufficient_scope", error_description="[^"]+", resource_metadata="[^"]+", scope="enclaves:write"$/,
    );
    await client.close();
  });
});

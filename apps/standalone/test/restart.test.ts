import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { type Stack, startStack } from './support/stack.js';

const REDIRECT = 'http://127.0.0.1:5998/callback';
const dataDir = mkdtempSync(join(tmpdir(), 'enclavia-restart-'));
let database: TestDatabase;
let stack: Stack | undefined;

beforeAll(async () => {
  database = await createTestDatabase({ dataDir });
});
afterAll(async () => {
  await stack?.close();
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps users, clients and tokens across a restart: a token issued before still works after', async () => {
  stack = await startStack(database);
  const provider = new HeadlessOAuthProvider(REDIRECT, (url) =>
    completeAuthorization(url.href, { email: 'dana@example.com', redirectUri: REDIRECT }),
  );
  const before = await connectWithOAuth(stack.mcpUrl, provider);
  await before.close();
  const { ports } = stack;
  await stack.close();
  stack = undefined;

  await database.restart();
  stack = await startStack(database, { ports });

  const transport = new StreamableHTTPClientTransport(new URL(stack.mcpUrl), {
    requestInit: { headers: { authorization: `Bearer ${provider.storedTokens!.access_token}` } },
  });
  const after = new Client({ name: 'after-restart', version: '0' });
  await after.connect(transport);
  const result = await after.callTool({ name: 'mcp_whoami', arguments: {} });
  expect((result.structuredContent as { user: { email: string } }).user.email).toBe('dana@example.com');
  await after.close();

  // The client registered before the restart can still refresh: the client and grant were kept.
  const refreshed = await fetch(`${stack.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: provider.storedTokens!.refresh_token!,
      client_id: provider.client!.client_id,
    }),
  });
  expect(refreshed.status).toBe(200);
  expect(await refreshed.json()).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
});

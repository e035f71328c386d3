import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { connectWithOAuth, HeadlessOAuthProvider } from './support/oauth-client.js';
import { type Stack, startStack } from './support/stack.js';

const REDIRECT = 'http://127.0.0.1:7007/callback';
const dataDir = mkdtempSync(join(tmpdir(), 'enclavia-build-restart-'));
// A build long enough to stop the process in the middle of it.
const timings = { ENCLAVE_PULL_MS: '10', ENCLAVE_BUILD_MS: '2500', ENCLAVE_POLL_MS: '20' };
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

it('resumes an enclave build after a restart of the process', async () => {
  stack = await startStack(database, { env: timings });
  const provider = new HeadlessOAuthProvider(REDIRECT, (url) =>
    completeAuthorization(url.href, { email: 'builder@example.com', redirectUri: REDIRECT }),
  );
  const client = await connectWithOAuth(stack.mcpUrl, provider);
  const created = await client.callTool({
    name: 'enclave_create',
    arguments: { image: 'ghcr.io/acme/slow:1' },
  });
  const { id } = (created.structuredContent as { enclave: { id: string } }).enclave;
  const state = async () => {
    const response = await callToolOverHttp(
      stack!.mcpUrl,
      provider.storedTokens!.access_token,
      'enclave_status',
      { id },
    );
    return ((await response.json()) as { result: { structuredContent: { enclave: { state: string } } } })
      .result.structuredContent.enclave.state;
  };
  await expect.poll(state).toBe('building');
  await client.close();

  const { ports } = stack;
  await stack.close();
  stack = undefined;
  await database.restart();
  stack = await startStack(database, { ports, env: timings });

  await expect.poll(state, { timeout: 10_000 }).toBe('running');
  const logs = await callToolOverHttp(stack.mcpUrl, provider.storedTokens!.access_token, 'enclave_logs', {
    id,
    stream: 'build',
  });
  const lines = (
    (await logs.json()) as { result: { structuredContent: { lines: Array<{ line: string }> } } }
  ).result.structuredContent.lines.map((l) => l.line);
  expect(lines.filter((l) => l.startsWith('Pulling'))).toHaveLength(1);
  expect(lines.filter((l) => l === 'Enclave image built')).toHaveLength(1);
});

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpMcp } from './http-harness.js';

const LIMIT = 3;
let bed: Awaited<ReturnType<typeof startHttpMcp>>;
let token: string;

beforeAll(async () => {
  // A long window: these tests see the limit bite; the end-to-end test waits one out.
  bed = await startHttpMcp({ ENCLAVE_CREATE_LIMIT: String(LIMIT), ENCLAVE_CREATE_WINDOW: '600' });
  token = await bed.token('enclaves:read enclaves:write');
});
afterAll(() => bed?.close());

function callTool(url: string, name: string, args: Record<string, unknown> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args } }),
  });
}

async function sdkClient(url: string) {
  const client = new Client({ name: 'limit-test', version: '0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

describe.each([
  ['the fast tools/call path', true],
  ["the SDK's transport", false],
])('enclave_create over HTTP, through %s', (_path, fastToolCalls) => {
  let url: string;
  beforeAll(async () => {
    url = await bed.serve({ fastToolCalls });
  });

  it('answers 429 with Retry-After and a JSON-RPC error past the limit; other tools still work', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const created = await callTool(url, 'enclave_create', { image: `ghcr.io/acme/burst:${i}` });
      expect(created.status).toBe(200);
      expect(((await created.json()) as { result: { isError?: boolean } }).result.isError).toBeUndefined();
    }
    const refused = await callTool(url, 'enclave_create', { image: 'ghcr.io/acme/burst:over' });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(await refused.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: {
        code: -32000,
        message: `Too many enclave_create calls: at most ${LIMIT} per 600 s for one user in one workspace. Retry in ${retryAfter} s.`,
      },
    });

    expect((await callTool(url, 'enclave_list')).status).toBe(200);
  });

  it('reaches an MCP SDK client as an error carrying the status and the message', async () => {
    const client = await sdkClient(url);
    const listed = await client.callTool({ name: 'enclave_list', arguments: {} });
    expect(listed.isError).toBeFalsy();
    const refused = client.callTool({ name: 'enclave_create', arguments: { image: 'ghcr.io/acme/sdk:1' } });
    await expect(refused).rejects.toMatchObject({
      code: 429,
      message: expect.stringMatching(/Too many enclave_create calls.*Retry in \d+ s\./),
    });
    await client.close();
  });
});

describe('enclave_create over HTTP, in MCP 2026-07-28 (stateless, _meta per request)', () => {
  it('answers 429 with Retry-After past the limit, with the request id, as the SDK era does', async () => {
    const url = await bed.serve();
    const create = (i: number) =>
      fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'enclave_create',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: `create-${i}`,
          method: 'tools/call',
          params: {
            name: 'enclave_create',
            arguments: { image: `ghcr.io/acme/modern:${i}` },
            _meta: {
              'io.modelcontextprotocol/protocolVersion': '2026-07-28',
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          },
        }),
      });
    for (let i = 0; i < LIMIT; i++) {
      const created = await create(i);
      expect(created.status).toBe(200);
      expect(((await created.json()) as { result: { resultType: string } }).result.resultType).toBe(
        'complete',
      );
    }
    const refused = await create(LIMIT);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      jsonrpc: '2.0',
      id: `create-${LIMIT}`,
      error: { code: -32000, message: expect.stringMatching(/^Too many enclave_create calls/) },
    });
  });
});

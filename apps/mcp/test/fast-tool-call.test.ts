import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastToolCall } from '../src/routes/fast-tool-call.js';
import { startHttpMcp } from './http-harness.js';

/**
 * The fast `tools/call` path must answer exactly as the SDK's McpServer and transport would: the
 * same requests go to a server with it and one without, and the answers must be the same.
 */
let bed: Awaited<ReturnType<typeof startHttpMcp>>;
const urls = {} as Record<'fast' | 'sdk', string>;
let token: string;
let readOnlyToken: string;

beforeAll(async () => {
  bed = await startHttpMcp();
  for (const kind of ['fast', 'sdk'] as const)
    urls[kind] = await bed.serve({ fastToolCalls: kind === 'fast' });
  token = await bed.token('enclaves:read enclaves:write enclaves:destroy');
  readOnlyToken = await bed.token('enclaves:read');
  await post('sdk', call('enclave_create', { image: 'ghcr.io/acme/api:1.4.2', name: 'web' }));
});

afterAll(async () => {
  await bed?.close();
});

function call(name: string, args?: unknown, id: unknown = 1) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, ...(args === undefined ? {} : { arguments: args }) },
  };
}

async function post(
  kind: 'fast' | 'sdk',
  body: unknown,
  options: { bearer?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(urls[kind], {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.bearer ?? token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...options.headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text ? JSON.parse(text.replace(/^event: message\ndata: /, '')) : undefined,
  };
}

async function sameAnswer(body: unknown, options: Parameters<typeof post>[2] = {}) {
  const [fast, sdk] = [await post('fast', body, options), await post('sdk', body, options)];
  expect(fast).toEqual(sdk);
  return fast;
}

describe('the fast tools/call path answers as the SDK does', () => {
  it('for a successful call, with and without arguments, and a string id', async () => {
    const listed = await sameAnswer(call('enclave_list', {}));
    expect(listed.body.result.structuredContent.enclaves).toHaveLength(1);
    await sameAnswer(call('enclave_list'));
    await sameAnswer(call('enclave_list', { state: 'pending' }, 'request-7'));
    await sameAnswer(call('mcp_whoami', {}));
    const { id } = listed.body.result.structuredContent.enclaves[0];
    await sameAnswer(call('enclave_status', { id }));
    await sameAnswer(call('enclave_logs', { id }));
  });

  it('for arguments the tool does not accept, and unknown ones it ignores', async () => {
    const invalid = await sameAnswer(call('enclave_list', { state: 'asleep' }));
    expect(invalid.body.result).toMatchObject({ isError: true });
    expect(invalid.body.result.content[0].text).toMatch(
      /Input validation error: Invalid arguments for tool enclave_list/,
    );
    await sameAnswer(call('enclave_status', {}));
    await sameAnswer(call('enclave_status', { id: 42 }));
    await sameAnswer(call('enclave_list', { state: 'running', colour: 'blue' }));
  });

  it('for a domain error with its recovery hint', async () => {
    const missing = await sameAnswer(call('enclave_status', { id: '00000000-0000-4000-8000-000000000000' }));
    expect(missing.body.result.isError).toBe(true);
    await sameAnswer(call('enclave_create', { image: 'not an image' }));
  });

  it('for a tool the token may not call, and one that does not exist', async () => {
    const refused = await sameAnswer(call('enclave_destroy', { id: 'x' }), { bearer: readOnlyToken });
    expect(refused.status).toBe(403);
    await sameAnswer(call('enclave_teleport', {}));
  });

  it('for requests it leaves to the SDK: a batch, another method, odd headers', async () => {
    await sameAnswer([call('enclave_list', {}), call('mcp_whoami', {}, 2)]);
    await sameAnswer({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
    await sameAnswer(call('enclave_list', {}), { headers: { accept: 'application/json' } });
    await sameAnswer({ jsonrpc: '2.0', id: null, method: 'tools/call', params: { name: 'enclave_list' } });
  });

  it('for a protocol version neither era speaks: the 2026-07-28 error listing the ones we do', async () => {
    const unknown = await sameAnswer(call('enclave_list', {}), {
      headers: { 'mcp-protocol-version': '1999-01-01' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: -32022,
      data: { supported: expect.arrayContaining(['2026-07-28', '2025-11-25']), requested: '1999-01-01' },
    });
  });
});

describe('the fast path takes', () => {
  const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
  const scopes = ['enclaves:read'];

  it('a single tools/call of a tool the token may use', () => {
    expect(fastToolCall(call('enclave_list', {}), headers, scopes)).toMatchObject({ id: 1, args: {} });
    expect(
      fastToolCall(call('mcp_whoami'), { ...headers, 'mcp-protocol-version': '2025-06-18' }, []),
    ).toBeDefined();
  });

  it('nothing else', () => {
    expect(fastToolCall([call('enclave_list', {})], headers, scopes)).toBeUndefined();
    expect(fastToolCall(call('enclave_create', {}), headers, scopes)).toBeUndefined();
    expect(fastToolCall(call('enclave_teleport', {}), headers, scopes)).toBeUndefined();
    expect(fastToolCall(call('enclave_list', [1]), headers, scopes)).toBeUndefined();
    expect(fastToolCall(call('enclave_list', {}, null), headers, scopes)).toBeUndefined();
    expect(
      fastToolCall(call('enclave_list', {}), { ...headers, accept: 'application/json' }, scopes),
    ).toBeUndefined();
    const task = { ...call('enclave_list', {}), params: { name: 'enclave_list', task: { ttl: 1 } } };
    expect(fastToolCall(task, headers, scopes)).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpMcp } from './http-harness.js';

/**
 * MCP 2026-07-28 (stateless) on the same endpoint as the SDK's `initialize` sessions. Each case
 * names the section of the revision it follows (docs/specification/2026-07-28/…).
 */
let bed: Awaited<ReturnType<typeof startHttpMcp>>;
let url: string;
let token: string;
let readOnlyToken: string;

const REVISION = '2026-07-28';
const META = {
  'io.modelcontextprotocol/protocolVersion': REVISION,
  'io.modelcontextprotocol/clientInfo': { name: 'modern-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

beforeAll(async () => {
  bed = await startHttpMcp();
  url = await bed.serve();
  token = await bed.token('enclaves:read enclaves:write enclaves:destroy');
  readOnlyToken = await bed.token('enclaves:read');
});
afterAll(() => bed?.close());

interface Options {
  id?: unknown;
  meta?: Record<string, unknown> | null;
  headers?: Record<string, string | null>;
  bearer?: string | null;
}

/** A request as a conformant 2026-07-28 client sends it; `headers` override (null drops one). */
async function modern(method: string, params: Record<string, unknown> = {}, options: Options = {}) {
  const { id = 1, meta = META, bearer = token } = options;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': REVISION,
    'mcp-method': method,
  };
  if (typeof params.name === 'string') headers['mcp-name'] = params.name;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  const body = { jsonrpc: '2.0', id, method, params: meta === null ? params : { ...params, _meta: meta } };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON-RPC answer they expect.
  const answer: any = text ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, body: answer };
}

describe('server/discover (server/discover, basic/versioning)', () => {
  it('names the revisions spoken, the tools capability and the server, cacheable by anyone', async () => {
    const { status, body } = await modern('server/discover');
    expect(status).toBe(200);
    expect(body.id).toBe(1);
    expect(body.result).toMatchObject({
      resultType: 'complete',
      supportedVersions: expect.arrayContaining(['2026-07-28', '2025-11-25', '2025-06-18']),
      capabilities: { tools: {} },
      ttlMs: expect.any(Number),
      cacheScope: 'public',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'enclavia', version: expect.any(String) } },
    });
    expect(body.result.supportedVersions[0]).toBe('2026-07-28');
  });

  it('serves a request whose _meta leaves out clientInfo, which is only a SHOULD', async () => {
    const { 'io.modelcontextprotocol/clientInfo': _, ...withoutInfo } = META;
    const { status, body } = await modern('server/discover', {}, { meta: withoutInfo });
    expect(status).toBe(200);
    expect(body.result.supportedVersions).toContain('2026-07-28');
  });
});

describe('per-request _meta (basic/index "Per-request protocol fields": 400, -32602)', () => {
  it('refuses a request without _meta, with the request id', async () => {
    const { status, body } = await modern('server/discover', {}, { id: 'no-meta', meta: null });
    expect(status).toBe(400);
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 'no-meta', error: { code: -32602 } });
  });

  it('refuses a _meta without the protocol version', async () => {
    const { 'io.modelcontextprotocol/protocolVersion': _, ...meta } = META;
    const { status, body } = await modern('tools/list', {}, { id: 102, meta });
    expect(status).toBe(400);
    expect(body).toMatchObject({ id: 102, error: { code: -32602 } });
    expect(body.error.message).toContain('io.modelcontextprotocol/protocolVersion');
  });

  it('refuses a _meta without the client capabilities', async () => {
    const { 'io.modelcontextprotocol/clientCapabilities': _, ...meta } = META;
    const { status, body } = await modern('server/discover', {}, { id: 104, meta });
    expect(status).toBe(400);
    expect(body).toMatchObject({ id: 104, error: { code: -32602 } });
    expect(body.error.message).toContain('io.modelcontextprotocol/clientCapabilities');
  });
});

describe('protocol versions (basic/versioning "Protocol Version Negotiation", transports "Protocol Version Header")', () => {
  it('answers a revision it does not speak with 400, -32022, the revisions it does and the one asked', async () => {
    const meta = { ...META, 'io.modelcontextprotocol/protocolVersion': '1900-01-01' };
    const { status, body } = await modern(
      'tools/list',
      {},
      {
        id: 301,
        meta,
        headers: { 'mcp-protocol-version': '1900-01-01' },
      },
    );
    expect(status).toBe(400);
    expect(body).toEqual({
      jsonrpc: '2.0',
      id: 301,
      error: {
        code: -32022,
        message: 'Unsupported protocol version',
        data: { supported: expect.arrayContaining(['2026-07-28', '2025-11-25']), requested: '1900-01-01' },
      },
    });
    const discovered = await modern('server/discover');
    expect(body.error.data.supported).toEqual(discovered.body.result.supportedVersions);
  });

  it('answers a future revision named only in the header (no _meta) the same way', async () => {
    const { status, body } = await modern(
      'tools/list',
      {},
      {
        meta: null,
        headers: { 'mcp-protocol-version': '2027-03-30' },
      },
    );
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: -32022, data: { requested: '2027-03-30' } });
  });

  it('refuses a header that disagrees with _meta with 400 and -32020', async () => {
    const meta = { ...META, 'io.modelcontextprotocol/protocolVersion': 'v999.0.0' };
    const { status, body } = await modern('server/discover', {}, { id: 302, meta });
    expect(status).toBe(400);
    expect(body).toMatchObject({ id: 302, error: { code: -32020 } });
  });

  it('refuses a modern request without the MCP-Protocol-Version header with 400 and -32020', async () => {
    const { status, body } = await modern('tools/list', {}, { headers: { 'mcp-protocol-version': null } });
    expect(status).toBe(400);
    expect(body.error.code).toBe(-32020);
  });
});

describe('methods (transports "Protocol Version Header": 404, -32601)', () => {
  it.each([
    'initialize',
    'ping',
    'logging/setLevel',
    'resources/subscribe',
    'resources/unsubscribe',
    'prompts/list',
  ])('answers the removed or unserved method %s with 404 and -32601, with the id', async (method) => {
    const { status, body } = await modern(method, {}, { id: 500 });
    expect(status).toBe(404);
    expect(body).toMatchObject({ jsonrpc: '2.0', id: 500, error: { code: -32601 } });
  });

  it('answers an unknown method with 404 and -32601', async () => {
    const { status, body } = await modern('unknown/method', {}, { id: 601 });
    expect(status).toBe(404);
    expect(body).toMatchObject({ id: 601, error: { code: -32601 } });
  });

  it('refuses a request with a null id as an invalid request (basic/index "Requests")', async () => {
    const { status, body } = await modern('server/discover', {}, { id: null });
    expect(status).toBe(400);
    expect(body.error.code).toBe(-32600);
    expect(body).not.toHaveProperty('id');
  });

  it('refuses a batch holding a 2026-07-28 request, which the SDK must not serve (transports "Sending Messages")', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META } },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      ]),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32600);
  });

  it('accepts a notification with 202 and no body (transports "Sending Messages")', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': REVISION,
        'mcp-method': 'notifications/cancelled',
      },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { _meta: META } }),
    });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
  });
});

describe('standard headers (transports "Standard Request Headers", "Server Validation": 400, -32020)', () => {
  it('refuses a request without Mcp-Method', async () => {
    const { status, body } = await modern('tools/list', {}, { id: 7, headers: { 'mcp-method': null } });
    expect(status).toBe(400);
    expect(body).toMatchObject({ id: 7, error: { code: -32020 } });
  });

  it('refuses an Mcp-Method that names another method', async () => {
    const { status, body } = await modern('tools/list', {}, { headers: { 'mcp-method': 'prompts/list' } });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: -32020 });
    expect(body.error.message).toContain("'prompts/list'");
  });

  it('compares values case-sensitively, header names not, and ignores whitespace around values', async () => {
    const upper = await modern('tools/list', {}, { headers: { 'mcp-method': 'Tools/List' } });
    expect(upper.body.error.code).toBe(-32020);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-PROTOCOL-VERSION': REVISION,
        'MCP-METHOD': '  tools/call ',
        'MCP-NAME': ' mcp_whoami  ',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'mcp_whoami', arguments: {}, _meta: META },
      }),
    });
    expect(response.status).toBe(200);
  });

  it('refuses a tools/call without Mcp-Name', async () => {
    const { status, body } = await modern(
      'tools/call',
      { name: 'mcp_whoami', arguments: {} },
      { headers: { 'mcp-name': null } },
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe(-32020);
  });

  it('refuses an Mcp-Name that names another tool, so a proxy routing on it cannot be misled', async () => {
    const { status, body } = await modern(
      'tools/call',
      { name: 'enclave_list', arguments: {} },
      { id: 3, headers: { 'mcp-name': 'mcp_whoami' } },
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ id: 3, error: { code: -32020 } });
  });

  it('decodes an Mcp-Name in the =?base64?…?= form before comparing, and refuses broken Base64', async () => {
    const encoded = `=?base64?${Buffer.from('mcp_whoami').toString('base64')}?=`;
    const ok = await modern(
      'tools/call',
      { name: 'mcp_whoami', arguments: {} },
      { headers: { 'mcp-name': encoded } },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.result.structuredContent.scopes).toContain('enclaves:read');
    const broken = await modern(
      'tools/call',
      { name: 'mcp_whoami', arguments: {} },
      { headers: { 'mcp-name': '=?base64?not*base64?=' } },
    );
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe(-32020);
  });
});

describe('tools/list (server/tools, server/utilities/caching)', () => {
  it('lists only what the token may call, in a fixed order, private to this token, with caching hints', async () => {
    const all = await modern('tools/list');
    expect(all.status).toBe(200);
    expect(all.body.result).toMatchObject({
      resultType: 'complete',
      ttlMs: expect.any(Number),
      cacheScope: 'private',
    });
    expect(all.body.result.ttlMs).toBeGreaterThanOrEqual(0);
    const names = all.body.result.tools.map((t: { name: string }) => t.name);
    expect(names).toEqual([
      'mcp_whoami',
      'enclave_list',
      'enclave_status',
      'enclave_logs',
      'enclave_create',
      'enclave_stop',
      'enclave_destroy',
    ]);
    const readOnly = await modern('tools/list', {}, { bearer: readOnlyToken });
    expect(readOnly.body.result.tools.map((t: { name: string }) => t.name)).toEqual([
      'mcp_whoami',
      'enclave_list',
      'enclave_status',
      'enclave_logs',
    ]);
  });

  it('declares input and output schemas as JSON Schema 2020-12', async () => {
    const { body } = await modern('tools/list');
    for (const tool of body.result.tools) {
      expect(tool.inputSchema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
      });
      expect(tool.outputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
    const create = body.result.tools.find((t: { name: string }) => t.name === 'enclave_create');
    expect(create.inputSchema.required).toEqual(['image']);
  });

  it('refuses a cursor it never handed out (server/utilities/pagination)', async () => {
    const { body } = await modern('tools/list', { cursor: 'page-2' });
    expect(body.error).toMatchObject({ code: -32602, message: 'Invalid cursor' });
  });
});

describe('tools/call (server/tools)', () => {
  it('runs the tool and answers as the SDK era does, marked complete', async () => {
    const created = await modern('tools/call', {
      name: 'enclave_create',
      arguments: { image: 'ghcr.io/acme/api:2' },
    });
    expect(created.status).toBe(200);
    expect(created.body.result.resultType).toBe('complete');
    expect(created.body.result.structuredContent.enclave).toMatchObject({ image: 'ghcr.io/acme/api:2' });
    const { id } = created.body.result.structuredContent.enclave;

    const modernStatus = await modern('tools/call', { name: 'enclave_status', arguments: { id } });
    const sessionStatus = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'enclave_status', arguments: { id } },
      }),
    }).then((r) => r.json() as Promise<{ result: Record<string, unknown> }>);
    const { resultType, _meta, ...rest } = modernStatus.body.result;
    expect(rest).toEqual(sessionStatus.result);
  });

  it('answers arguments the tool does not accept with a tool error saying what is wrong', async () => {
    const { status, body } = await modern('tools/call', {
      name: 'enclave_list',
      arguments: { state: 'asleep' },
    });
    expect(status).toBe(200);
    expect(body.result).toMatchObject({ resultType: 'complete', isError: true });
    expect(body.result.content[0].text).toMatch(/Invalid arguments for tool enclave_list/);
  });

  it('answers an unknown tool with -32602, a protocol error ("Error Handling")', async () => {
    const { body } = await modern('tools/call', { name: 'enclave_teleport', arguments: {} }, { id: 9 });
    expect(body).toEqual({
      jsonrpc: '2.0',
      id: 9,
      error: { code: -32602, message: 'Unknown tool: enclave_teleport' },
    });
  });
});

describe('authentication and scopes, as in the SDK era', () => {
  it('answers a request without a token with 401 and the challenge', async () => {
    const { status, headers } = await modern('tools/list', {}, { bearer: null });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
  });

  it('answers a token that is no longer valid with 401 invalid_token', async () => {
    const { status, headers } = await modern('server/discover', {}, { bearer: `${token}x` });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers a tool outside the token scopes with 403 insufficient_scope naming the scope', async () => {
    const { status, headers } = await modern(
      'tools/call',
      { name: 'enclave_destroy', arguments: { id: 'x' } },
      { bearer: readOnlyToken },
    );
    expect(status).toBe(403);
    expect(headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(headers.get('www-authenticate')).toContain('scope="enclaves:destroy"');
  });
});

describe('the SDK era on the same URL', () => {
  it('still answers initialize with a 2025-11-25 session', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'old', version: '1' },
        },
      }),
    });
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as { result: { protocolVersion: string } };
    expect(result.protocolVersion).toBe('2025-11-25');
  });
});

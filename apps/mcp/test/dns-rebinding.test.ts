import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpMcp } from './http-harness.js';

/**
 * DNS rebinding protection on both eras (2026-07-28 transports/streamable-http "Security &
 * Endpoint"; 2025-11-25 security best practices): a Host that is neither ours nor loopback, or an
 * Origin we do not know, is refused with 403 before authentication; ours are served.
 */
let bed: Awaited<ReturnType<typeof startHttpMcp>>;
let url: URL;
let token: string;

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};

beforeAll(async () => {
  // The harness's public URL is http://127.0.0.1:4998/mcp; a proxy also uses the name mcp.internal.
  bed = await startHttpMcp({ MCP_ALLOWED_HOSTS: 'mcp.internal' });
  url = new URL(await bed.serve());
  token = await bed.token('enclaves:read');
});
afterAll(() => bed?.close());

/** A POST with exactly these Host and Origin headers (fetch would not let us set Host). */
function post(era: 'modern' | 'session', headers: Record<string, string>) {
  const body =
    era === 'modern'
      ? { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: MODERN_META } }
      : {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 'x', version: '1' },
          },
        };
  const text = JSON.stringify(body);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(era === 'modern'
            ? { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' }
            : {}),
          ...headers,
        },
      },
      (res) => {
        let answer = '';
        res.on('data', (chunk) => {
          answer += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: answer }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe.each(['modern', 'session'] as const)('DNS rebinding protection, %s era', (era) => {
  it('refuses a Host that is neither ours nor loopback with 403', async () => {
    const answer = await post(era, { host: 'evil.example.com' });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({
      error: 'forbidden_host',
      error_description: 'Host evil.example.com is not allowed',
    });
  });

  it('refuses an Origin it does not know with 403, even with a loopback Host', async () => {
    const answer = await post(era, { host: `127.0.0.1:${url.port}`, origin: 'http://evil.example.com' });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error).toBe('forbidden_origin');
  });

  it.each([
    ['a loopback name on any port', 'localhost:9'],
    ['loopback IPv6', '[::1]:4998'],
    ['a host allowed by MCP_ALLOWED_HOSTS, in any case', 'MCP.internal'],
  ])('serves %s', async (_what, host) => {
    const answer = await post(era, { host });
    expect(answer.status).toBe(200);
  });
});

describe('CORS for browser clients of either era', () => {
  it('allows the 2026-07-28 request headers in a preflight', async () => {
    const response = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:6274',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, mcp-protocol-version, mcp-method, mcp-name',
      },
    });
    expect(response.status).toBe(204);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['mcp-protocol-version', 'mcp-method', 'mcp-name']));
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
  });
});

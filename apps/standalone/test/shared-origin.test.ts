import { createServer, request, type Server } from 'node:http';
import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callToolOverHttp } from './support/mcp-call.js';
import { connectWithoutMetadata } from './support/metadata-less-client.js';
import { freePort, type Stack, startStack } from './support/stack.js';

// Issuer http://host and MCP server http://host/mcp on one origin, behind a path-routing reverse
// proxy, as the contract allows: the MCP server's own fallbacks for /authorize, /token and
// /register must never answer there, least of all with a redirect to themselves.
let database: TestDatabase;
let stack: Stack;
let proxy: Server;
let origin: string;
const REDIRECT = 'http://127.0.0.1:7022/callback';

/** What the proxy sends to the MCP server; everything else goes to the authorization server. */
const toMcp = (path: string) =>
  path.startsWith('/mcp') || path.startsWith('/.well-known/oauth-protected-resource');

beforeAll(async () => {
  const ports = { auth: await freePort(), mcp: await freePort() };
  const proxyPort = await freePort();
  origin = `http://127.0.0.1:${proxyPort}`;
  proxy = createServer((incoming, outgoing) => {
    const port = toMcp(incoming.url!) ? ports.mcp : ports.auth;
    const upstream = request(
      { host: '127.0.0.1', port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
  database = await createTestDatabase();
  stack = await startStack(database, {
    ports,
    env: { AUTH_PUBLIC_URL: origin, MCP_PUBLIC_URL: `${origin}/mcp` },
  });
});
afterAll(async () => {
  await stack?.close();
  await database?.close();
  proxy?.close();
});

describe('issuer and MCP server on one origin', () => {
  it('a client that ignores metadata reaches the issuer itself at /register, /authorize and /token', async () => {
    expect(stack.issuer).toBe(origin);
    // The SDK's own fetch, which follows redirects within the origin only: there are none here.
    const { callback, tokens } = await connectWithoutMetadata(origin, {
      resource: stack.mcpUrl,
      email: 'one-origin@example.com',
      redirectUri: REDIRECT,
    });
    expect(callback.searchParams.get('iss')).toBe(origin);
    expect((await callToolOverHttp(stack.mcpUrl, tokens.access_token, 'mcp_whoami')).status).toBe(200);
  });

  it.each([
    ['POST', '/token'],
    ['POST', '/register'],
    ['GET', '/authorize'],
  ])(
    'the MCP server, reached by a misrouted %s %s, says where it belongs and never redirects',
    async (method, path) => {
      const response = await fetch(`http://127.0.0.1:${stack.ports.mcp}${path}?client_id=x`, {
        method,
        redirect: 'manual',
        ...(method === 'POST'
          ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' }
          : {}),
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('location')).toBeNull();
      expect(((await response.json()) as { error_description: string }).error_description).toBe(
        `${method} ${path} belongs to the authorization server (${origin}${path}), which shares this origin with the MCP server: the reverse proxy must send it there.`,
      );
    },
  );
});

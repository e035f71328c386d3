import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerChallenge } from '../src/auth/challenge.js';
import { startHttpMcp } from './http-harness.js';
import { AUDIENCE } from './token-signer.js';

const resourceMetadata = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

describe('WWW-Authenticate challenges', () => {
  it('asks for the default scopes and names no error when no token was sent', () => {
    expect(bearerChallenge({ resourceMetadata })).toBe(
      `Bearer resource_metadata="${resourceMetadata}", scope="enclaves:read enclaves:write enclaves:destroy"`,
    );
  });

  it('carries the error first and cannot be broken out of by a quote in the description', () => {
    expect(
      bearerChallenge({
        resourceMetadata,
        scope: ['enclaves:read'],
        error: 'invalid_token',
        description: 'bad "x"',
      }),
    ).toBe(
      `Bearer error="invalid_token", error_description="bad x", resource_metadata="${resourceMetadata}", scope="enclaves:read"`,
    );
  });
});

/** The MCP server over HTTP, with tokens signed by a stand-in for the authorization server. */
describe('the challenges the MCP server sends (MCP 2026-07-28 authorization)', () => {
  let bed: Awaited<ReturnType<typeof startHttpMcp>>;
  let mcpUrl: string;
  let readOnly: string;

  beforeAll(async () => {
    bed = await startHttpMcp();
    mcpUrl = await bed.serve();
    readOnly = await bed.token('enclaves:read');
  });
  afterAll(async () => {
    await bed?.close();
  });

  const post = (body: unknown, bearer?: string) =>
    fetch(mcpUrl, {
      method: 'POST',
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(body),
    });
  const toolCall = (name: string, id = 1) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: {} },
  });
  /** The `scope` parameter of a `WWW-Authenticate: Bearer` challenge. */
  const challengedScope = (response: Response) =>
    response.headers.get('www-authenticate')?.match(/scope="([^"]*)"/)?.[1];

  it('never asks for offline_access: refresh tokens are no resource requirement', async () => {
    const unauthenticated = await post(toolCall('enclave_list'));
    expect(unauthenticated.status).toBe(401);
    expect(challengedScope(unauthenticated)).toBe('enclaves:read enclaves:write enclaves:destroy');
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const metadata = (await (await fetch(new URL(path, mcpUrl))).json()) as { scopes_supported: string[] };
      expect(metadata.scopes_supported).toEqual(['enclaves:read', 'enclaves:write', 'enclaves:destroy']);
    }
  });

  it('names in a 403 only the scope the call needs, not the ones the token holds', async () => {
    const refused = await post(toolCall('enclave_create'), readOnly);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="this request needs the enclaves:write scope", resource_metadata="${AUDIENCE.replace('/mcp', '/.well-known/oauth-protected-resource/mcp')}", scope="enclaves:write"`,
    );
    expect(await refused.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'this request needs the enclaves:write scope',
    });
  });

  it('names every scope a batch needs at once, so one step-up is enough', async () => {
    const both = await post([toolCall('enclave_destroy', 1), toolCall('enclave_create', 2)], readOnly);
    expect(both.status).toBe(403);
    expect(challengedScope(both)).toBe('enclaves:write enclaves:destroy');
    const withHeld = await post([toolCall('enclave_list', 1), toolCall('enclave_stop', 2)], readOnly);
    expect(challengedScope(withHeld)).toBe('enclaves:read enclaves:write');
  });
});

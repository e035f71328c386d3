import { createTestDatabase, type TestDatabase } from '@enclavia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStandaloneConfig } from '../src/config.js';
import { connect, refresh, revokeByClient, untilToolCallAnswers } from './support/connection.js';
import { tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { sampleValue, scrape } from './support/metrics.js';
import { freePort, type Stack, startStack } from './support/stack.js';

const TOKEN = 'metrics-secret-for-the-test-0123456789';
let database: TestDatabase;
let stack: Stack;
const listeners = { auth: '', mcp: '' };

beforeAll(async () => {
  const ports = { auth: await freePort(), mcp: await freePort() };
  database = await createTestDatabase();
  stack = await startStack(database, {
    env: { AUTH_METRICS_PORT: String(ports.auth), MCP_METRICS_PORT: String(ports.mcp), METRICS_TOKEN: TOKEN },
  });
  listeners.auth = `http://127.0.0.1:${ports.auth}/metrics`;
  listeners.mcp = `http://127.0.0.1:${ports.mcp}/metrics`;
});
afterAll(async () => {
  await stack?.close();
  await database?.close();
});

describe('metrics', () => {
  it('are off unless a listener port or a token is set', () => {
    const config = loadStandaloneConfig({});
    expect(config.auth.metrics).toEqual({});
    expect(config.mcp.metrics).toEqual({});
  });

  it('are served on their own listener only, and need the bearer token there', async () => {
    for (const url of [`${stack.issuer}/metrics`, `http://127.0.0.1:${stack.ports.mcp}/metrics`]) {
      expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    }
    for (const url of [listeners.auth, listeners.mcp]) {
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    }
  });

  it('show a tool call, a refresh, a reuse within the grace and a revocation', async () => {
    const connection = await connect(stack.issuer, stack.mcpUrl, 'metrics@example.com');
    expect((await callToolOverHttp(stack.mcpUrl, connection.tokens.access_token, 'mcp_whoami')).status).toBe(
      200,
    );
    const firstRefreshToken = connection.tokens.refresh_token;
    expect((await refresh(stack.issuer, stack.mcpUrl, connection)).status).toBe(200);
    // A second copy of the client refreshing the same token at once: accepted, within the grace.
    const again = await tokenRequest(
      stack.issuer,
      { clientId: connection.clientId },
      { grant_type: 'refresh_token', refresh_token: firstRefreshToken, resource: stack.mcpUrl },
    );
    expect(again.status).toBe(200);
    expect((await revokeByClient(stack.issuer, connection)).status).toBe(200);
    await untilToolCallAnswers(stack.mcpUrl, connection.tokens.access_token, 401);

    const auth = await scrape(listeners.auth, TOKEN);
    expect(
      sampleValue(auth, 'enclavia_token_grants_total', { grant_type: 'authorization_code', outcome: 'ok' }),
    ).toBe(1);
    expect(
      sampleValue(auth, 'enclavia_token_grants_total', { grant_type: 'refresh_token', outcome: 'ok' }),
    ).toBe(2);
    expect(sampleValue(auth, 'enclavia_refresh_token_reuse_total', { window: 'within_grace' })).toBe(1);
    expect(sampleValue(auth, 'enclavia_refresh_token_reuse_total', { window: 'after_grace' })).toBe(0);
    expect(sampleValue(auth, 'enclavia_revocations_total', { source: 'client' })).toBe(1);
    expect(
      sampleValue(auth, 'enclavia_http_requests_total', { route: '/token', method: 'POST', status: '200' }),
    ).toBe(3);

    const mcp = await scrape(listeners.mcp, TOKEN);
    expect(sampleValue(mcp, 'enclavia_tool_calls_total', { tool: 'mcp_whoami', outcome: 'ok' })).toBe(1);
    expect(
      sampleValue(mcp, 'enclavia_http_requests_total', { route: '/mcp', method: 'POST', status: '200' }),
    ).toBe(1);
    expect(
      sampleValue(mcp, 'enclavia_http_requests_total', { route: '/mcp', method: 'POST', status: '401' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(mcp, 'enclavia_revocation_list_size')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(mcp, 'enclavia_revocation_push_seconds_count')).toBeGreaterThanOrEqual(1);
  });
});

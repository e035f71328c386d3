import { CLAIMS } from '@enclavia/contract';
import { authorizationCodeFlow, decodeJwt, tokenRequest } from '@enclavia/standalone/testing/flow';
import { registerClient } from '@enclavia/standalone/testing/register';
import { type ApiSession, signInToDashboard } from '@enclavia/standalone/testing/web-session';
import type { Product as RunningProduct } from './product.js';

type Product = Pick<RunningProduct, 'issuer' | 'mcpUrl'>;

const REDIRECT = 'http://127.0.0.1:3118/callback';
const SCOPE = 'enclaves:read enclaves:write enclaves:destroy';

export interface Connection {
  email: string;
  clientId: string;
  accessToken: string;
  refreshToken: string;
  grantId: string;
}

/** Connects a new client the way an MCP client does: registration, sign-in, consent, code, token. */
export async function connectClient(product: Product, email: string): Promise<Connection> {
  const { client_id: clientId } = await registerClient(product.issuer, REDIRECT, { client_name: 'bench' });
  const response = await authorizationCodeFlow(
    product.issuer,
    { clientId },
    { redirectUri: REDIRECT, email, resource: product.mcpUrl, scope: SCOPE },
  );
  const tokens = (await response.json()) as { access_token: string; refresh_token: string };
  if (!tokens.refresh_token) throw new Error(`no tokens: ${JSON.stringify(tokens)}`);
  return {
    email,
    clientId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    grantId: String(decodeJwt(tokens.access_token).payload[CLAIMS.grant]),
  };
}

/** The form body of a refresh, as the client sends it. */
export function refreshBody(clientId: string, refreshToken: string): string {
  return new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
  }).toString();
}

export async function refresh(product: Product, connection: Connection): Promise<Response> {
  return tokenRequest(
    product.issuer,
    { clientId: connection.clientId },
    {
      grant_type: 'refresh_token',
      refresh_token: connection.refreshToken,
    },
  );
}

export async function dashboard(product: Product, email: string): Promise<ApiSession> {
  return signInToDashboard(product.issuer, email);
}

/** A personal access token for the user's first workspace, with every enclave scope. */
export async function createPersonalAccessToken(session: ApiSession): Promise<string> {
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const created = await session.api('POST', '/api/v1/tokens', {
    name: 'bench',
    workspace_id: workspaces[0]!.id,
    scopes: SCOPE.split(' '),
    expires_in_days: 7,
  });
  if (created.status !== 201)
    throw new Error(`token creation failed: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { token: string }).token;
}

export async function revokeGrant(session: ApiSession, grantId: string): Promise<void> {
  const response = await session.api('DELETE', `/api/v1/grants/${grantId}`);
  if (response.status >= 300) throw new Error(`revoke failed: ${response.status} ${await response.text()}`);
}

/** Turns MCP integration of the user's first workspace (their own) on or off. */
export async function setMcpEnabled(session: ApiSession, enabled: boolean): Promise<void> {
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const response = await session.api('PATCH', `/api/v1/workspaces/${workspaces[0]!.id}/policy`, {
    mcp_enabled: enabled,
  });
  if (response.status !== 200)
    throw new Error(`policy change failed: ${response.status} ${await response.text()}`);
}

/** The JSON-RPC body and headers of one tool call, as MCP clients send them. */
export function toolCall(token: string, name: string, args: Record<string, unknown> = {}) {
  return {
    method: 'POST' as const,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  };
}

export async function callTool(product: Product, token: string, name: string, args = {}) {
  return fetch(product.mcpUrl, toolCall(token, name, args));
}

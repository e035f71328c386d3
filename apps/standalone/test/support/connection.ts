import { CLAIMS } from '@enclavia/contract';
import { authorizationCodeFlow, decodeJwt, type TokenResponse, tokenRequest } from './flow.js';
import { callToolOverHttp } from './mcp-call.js';
import { registerClient } from './register.js';

const REDIRECT = 'http://127.0.0.1:3118/callback';

export interface Connection {
  clientId: string;
  grantId: string;
  tokens: TokenResponse & { refresh_token: string };
}

/** What an MCP client does to connect: register, authorize, sign in, approve, redeem the code. */
export async function connect(issuer: string, mcpUrl: string, email: string): Promise<Connection> {
  const { client_id: clientId } = await registerClient(issuer, REDIRECT, { client_name: 'ops probe' });
  const response = await authorizationCodeFlow(
    issuer,
    { clientId },
    { redirectUri: REDIRECT, email, resource: mcpUrl },
  );
  if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
  const tokens = (await response.json()) as Connection['tokens'];
  const grantId = String(decodeJwt(tokens.access_token).payload[CLAIMS.grant]);
  return { clientId, grantId, tokens };
}

/** The refresh grant, carrying the rotated refresh token forward. */
export async function refresh(issuer: string, mcpUrl: string, connection: Connection): Promise<Response> {
  const response = await tokenRequest(
    issuer,
    { clientId: connection.clientId },
    { grant_type: 'refresh_token', refresh_token: connection.tokens.refresh_token, resource: mcpUrl },
  );
  if (response.status === 200) connection.tokens = (await response.clone().json()) as Connection['tokens'];
  return response;
}

/** RFC 7009: the client revokes its refresh token, which ends the connection. */
export function revokeByClient(issuer: string, connection: Connection): Promise<Response> {
  return fetch(`${issuer}/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: connection.clientId,
      token: connection.tokens.refresh_token,
      token_type_hint: 'refresh_token',
    }),
  });
}

/** Calls `mcp_whoami` until the MCP server answers `status` (a revocation takes milliseconds to arrive). */
export async function untilToolCallAnswers(mcpUrl: string, token: string, status: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const answer = await callToolOverHttp(mcpUrl, token, 'mcp_whoami');
    if (answer.status === status) return;
    if (Date.now() > deadline)
      throw new Error(`the MCP server still answers ${answer.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

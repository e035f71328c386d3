import { randomUUID } from 'node:crypto';
import { EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { authorizationCodeFlow, decodeJwt, type TokenResponse, tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';

// DPoP is off: the MCP server does not enforce `cnf`, so a DPoP token would be a bearer token the
// client believes is sender-constrained. Proofs sent anyway are ignored.

const env = useStack();
const redirectUri = 'http://127.0.0.1:7013/callback';

/** An RFC 9449 proof for `POST <issuer>/token`, signed by a fresh ES256 key it embeds. */
async function dpopProof(): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const proof = await new SignJWT({ htm: 'POST', htu: `${env.stack.issuer}/token`, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) })
    .setIssuedAt()
    .sign(privateKey);
  // A well-formed proof, so what the server does with it is not a verdict on a broken one.
  await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
  return proof;
}

function expectBearer(tokens: TokenResponse): void {
  expect(tokens.token_type).toBe('Bearer');
  expect(decodeJwt(tokens.access_token).payload).not.toHaveProperty('cnf');
}

describe('DPoP', () => {
  it('is not advertised in the authorization server metadata', async () => {
    const metadata = (await (
      await fetch(`${env.stack.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(env.stack.issuer);
    expect(metadata).not.toHaveProperty('dpop_signing_alg_values_supported');
  });

  it('proofs at the token endpoint are ignored: the code exchange and refresh answer Bearer tokens', async () => {
    const { client_id } = await registerClient(env.stack.issuer, redirectUri);
    const client = { clientId: client_id };
    const exchange = await authorizationCodeFlow(env.stack.issuer, client, {
      redirectUri,
      email: 'dpop@example.com',
      tokenHeaders: { dpop: await dpopProof() },
    });
    expect(exchange.status).toBe(200);
    const tokens = (await exchange.json()) as TokenResponse;
    expectBearer(tokens);

    const refresh = await tokenRequest(
      env.stack.issuer,
      client,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      { dpop: await dpopProof() },
    );
    expect(refresh.status).toBe(200);
    const refreshed = (await refresh.json()) as TokenResponse;
    expectBearer(refreshed);

    const call = await callToolOverHttp(env.stack.mcpUrl, refreshed.access_token, 'mcp_whoami');
    expect(call.status).toBe(200);
  });
});

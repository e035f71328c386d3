import { createHmac } from 'node:crypto';
import { ACCESS_TOKEN_TYP, CLAIMS } from '@enclavia/contract';
import { loadOrCreateSecret } from '@enclavia/db';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from './support/stack.js';

let signingKey: JWK;

const env = useStack();

beforeAll(async () => {
  const keys = await loadOrCreateSecret<JWK[]>(env.database.db, 'signing_keys', () => {
    throw new Error('the auth server should have created its keys');
  });
  signingKey = keys[0]!;
});

function claims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: env.stack.issuer,
    aud: env.stack.mcpUrl,
    sub: '00000000-0000-4000-8000-000000000001',
    client_id: 'forger',
    scope: 'enclaves:read',
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 300,
    [CLAIMS.workspace]: '00000000-0000-4000-8000-000000000002',
    [CLAIMS.email]: 'mallory@example.com',
    [CLAIMS.grant]: 'grant-of-mallory',
    ...overrides,
  };
}

async function sign(payload: JWTPayload, key: JWK = signingKey): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYP, kid: key.kid! })
    .sign(await importJWK(key, 'ES256'));
}

function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

async function callWhoami(token: string) {
  return fetch(env.stack.mcpUrl, {
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
      params: { name: 'mcp_whoami', arguments: {} },
    }),
  });
}

describe('access tokens the MCP server accepts', () => {
  it('accepts a well-formed token signed by the issuer (the control for every rejection below)', async () => {
    const response = await callWhoami(await sign(claims()));
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain('mallory@example.com');
  });
});

describe('access tokens the MCP server rejects with 401 invalid_token', () => {
  const cases: Array<[string, () => Promise<string>]> = [
    ['a malformed token', async () => 'not-a-jwt'],
    [
      'a bad signature',
      async () => {
        const token = await sign(claims());
        const [header, payload] = token.split('.');
        const other = await sign(claims({ sub: 'someone-else' }));
        return `${header}.${payload}.${other.split('.')[2]}`;
      },
    ],
    [
      'a token signed by a key that is not the issuer’s',
      async () => {
        const { privateKey } = await generateKeyPair('ES256', { extractable: true });
        return sign(claims(), { ...(await exportJWK(privateKey)), kid: signingKey.kid! });
      },
    ],
    [
      'an expired token',
      async () =>
        sign(claims({ iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 600 })),
    ],
    ['a token for another resource', async () => sign(claims({ aud: 'http://127.0.0.1:9/other' }))],
    ['a token from another issuer', async () => sign(claims({ iss: 'http://127.0.0.1:9' }))],
    [
      'an unsigned token (alg: none)',
      async () => `${b64url({ alg: 'none', typ: ACCESS_TOKEN_TYP })}.${b64url(claims())}.`,
    ],
    [
      'an HS256 token keyed with the issuer’s public key',
      async () => {
        const { d: _private, ...publicJwk } = signingKey;
        const input = `${b64url({ alg: 'HS256', typ: ACCESS_TOKEN_TYP, kid: signingKey.kid })}.${b64url(claims())}`;
        const mac = createHmac('sha256', JSON.stringify(publicJwk)).update(input).digest('base64url');
        return `${input}.${mac}`;
      },
    ],
    [
      'an ID token instead of an access token (typ JWT)',
      async () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: signingKey.kid! })
          .sign(await importJWK(signingKey, 'ES256')),
    ],
  ];

  it.each(cases)('%s', async (_name, makeToken) => {
    const response = await callWhoami(await makeToken());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="/,
    );
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('answers a request without a token with a challenge and no error code', async () => {
    const response = await fetch(`${env.stack.mcpUrl}?access_token=${await sign(claims())}`, {
      method: 'POST',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).not.toContain('error=');
  });

  it('challenges GET and DELETE too', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(env.stack.mcpUrl, { method });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
    }
  });
});

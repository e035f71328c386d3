import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import {
  authorizationCodeFlow,
  type FlowClient,
  type FlowOptions,
  type TokenResponse,
  tokenRequest,
} from './flow.js';
import { callToolOverHttp } from './mcp-call.js';
import type { Stack } from './stack.js';

/** A client's signing key pair, as a `private_key_jwt` client holds it. */
export interface ClientKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  /** What the client publishes in `jwks` or at its `jwks_uri`. */
  publicJwk: JWK;
  /** The private key as a JWK, for client libraries that take one. */
  privateJwk: JWK;
}

export async function makeClientKey(alg = 'ES256', kid: string = randomUUID()): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return {
    alg,
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
  };
}

export function jwksOf(...keys: ClientKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

/** The claims of an RFC 7523 client assertion; any may be replaced, or removed with `undefined`. */
export interface AssertionClaims {
  iss?: string | undefined;
  sub?: string | undefined;
  aud?: string | string[] | undefined;
  exp?: number | undefined;
  iat?: number | undefined;
  jti?: string | undefined;
}

/** A client assertion for `clientId`, for `audience`, valid for a minute, with a fresh `jti`. */
export function clientAssertion(
  key: ClientKey,
  clientId: string,
  audience: string,
  claims: AssertionClaims = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: audience,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

/** A `FlowClient` that authenticates at the token endpoint with assertions signed by `key()`. */
export function privateKeyJwtClient(clientId: string, key: () => ClientKey): FlowClient {
  return {
    clientId,
    auth: 'private_key_jwt',
    sign: (audience) => clientAssertion(key(), clientId, audience),
  };
}

/**
 * What a client does after the sign-in: exchange the code, refresh, call `mcp_whoami` with the
 * refreshed token. Throws with the answer if a token request fails.
 */
export async function exchangeRefreshAndCall(
  stack: Pick<Stack, 'issuer' | 'mcpUrl'>,
  client: FlowClient,
  options: FlowOptions,
): Promise<{ tokens: TokenResponse; refreshed: TokenResponse; call: { status: number; text: string } }> {
  const expectOk = async (what: string, response: Response) => {
    if (response.status !== 200) throw new Error(`${what}: ${response.status} ${await response.text()}`);
    return (await response.json()) as TokenResponse;
  };
  const tokens = await expectOk('code exchange', await authorizationCodeFlow(stack.issuer, client, options));
  const refreshed = await expectOk(
    'refresh',
    await tokenRequest(stack.issuer, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
    }),
  );
  const call = await callToolOverHttp(stack.mcpUrl, refreshed.access_token, 'mcp_whoami');
  return { tokens, refreshed, call: { status: call.status, text: await call.text() } };
}

/** How `authenticateWith` answers when the client authenticated: its made-up code is refused. */
export const AUTHENTICATED = { status: 400, error: 'invalid_grant' };
/** How it answers when the client did not. */
export const REFUSED = { status: 401, error: 'invalid_client' };

/**
 * Sends `assertion` to `server`'s /token (or /revoke) as a client's only authentication, with a
 * made-up code: the answer says whether the client authenticated (`AUTHENTICATED`, `REFUSED`)
 * without spending anything but the assertion.
 */
export async function authenticateWith(
  server: string,
  assertion: string,
  { clientId, path = '/token' }: { clientId?: string; path?: '/token' | '/revoke' } = {},
): Promise<{ status: number; error: string | undefined }> {
  const body = new URLSearchParams({
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    ...(clientId ? { client_id: clientId } : {}),
    ...(path === '/token'
      ? {
          grant_type: 'authorization_code',
          code: 'made-up',
          redirect_uri: 'http://127.0.0.1/callback',
          code_verifier: 'v'.repeat(43),
        }
      : { token: 'made-up' }),
  });
  const response = await fetch(`${server}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    error: text ? (JSON.parse(text) as { error?: string }).error : undefined,
  };
}

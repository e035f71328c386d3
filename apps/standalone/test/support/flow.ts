import { createHash, randomBytes } from 'node:crypto';
import { type CookieJar, completeAuthorization } from './consent.js';

export interface FlowClient {
  clientId: string;
  clientSecret?: string;
  /** How the client authenticates at the token endpoint. */
  auth?: 'none' | 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';
  /** For `private_key_jwt`: signs a fresh client assertion for `audience` (the issuer) at each request. */
  sign?: (audience: string) => Promise<string>;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/**
 * Calls the token endpoint as `client` would: form-encoded, authenticated its registered way
 * (`private_key_jwt` with a fresh assertion each time), with any `extraHeaders` (a DPoP proof).
 */
export async function tokenRequest(
  issuer: string,
  client: FlowClient,
  params: Record<string, string>,
  extraHeaders: Record<string, string> = {},
) {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    ...extraHeaders,
  };
  const body = new URLSearchParams(params);
  if (client.auth === 'client_secret_basic') {
    const credentials = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  } else {
    body.set('client_id', client.clientId);
    if (client.auth === 'client_secret_post') body.set('client_secret', client.clientSecret!);
    if (client.auth === 'private_key_jwt') {
      body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      body.set('client_assertion', await client.sign!(issuer));
    }
  }
  return fetch(`${issuer}/token`, { method: 'POST', headers, body });
}

export interface FlowOptions {
  redirectUri: string;
  email: string;
  resource?: string;
  scope?: string;
  tokenResource?: string;
  /** Untick these scopes on the consent page. */
  untick?: string[];
  /** Tick these scopes, offered unticked. */
  tick?: string[];
  /** The workspace to approve for, by name. */
  workspace?: string;
  /** Headers of the code exchange. */
  tokenHeaders?: Record<string, string>;
  /** The browser's cookies, when the test goes on in the same browser. */
  jar?: CookieJar;
}

/** An authorization request with PKCE S256, and its verifier; `resource` and `scope` only when given. */
export function authorizationRequest(
  issuer: string,
  client: FlowClient,
  options: { redirectUri: string; resource?: string; scope?: string },
): { url: URL; verifier: string } {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: options.redirectUri,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  if (options.resource) params.set('resource', options.resource);
  if (options.scope) params.set('scope', options.scope);
  return { url: new URL(`/authorize?${params}`, issuer), verifier };
}

/**
 * The whole authorization code flow with PKCE: authorize, sign in and approve over HTTP, redeem the
 * code.
 */
export async function authorizationCodeFlow(
  issuer: string,
  client: FlowClient,
  options: FlowOptions,
): Promise<Response> {
  const { code, redeem } = await authorizationCode(issuer, client, options);
  return redeem(code);
}

/**
 * Authorize, sign in and approve over HTTP, up to the code and the `callback` it came back on;
 * `redeem` exchanges a code at the token endpoint with this authorization's verifier (call it twice
 * to replay the code).
 */
export async function authorizationCode(issuer: string, client: FlowClient, options: FlowOptions) {
  const { url, verifier } = authorizationRequest(issuer, client, options);
  const callback = await completeAuthorization(url.href, {
    email: options.email,
    redirectUri: options.redirectUri,
    ...(options.untick ? { untick: options.untick } : {}),
    ...(options.tick ? { tick: options.tick } : {}),
    ...(options.workspace ? { workspace: options.workspace } : {}),
    ...(options.jar ? { jar: options.jar } : {}),
  });
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback}`);
  const tokenResource = options.tokenResource ?? options.resource;
  const redeem = (value: string) =>
    tokenRequest(
      issuer,
      client,
      {
        grant_type: 'authorization_code',
        code: value,
        code_verifier: verifier,
        redirect_uri: options.redirectUri,
        ...(tokenResource ? { resource: tokenResource } : {}),
      },
      options.tokenHeaders,
    );
  return { code, redeem, callback };
}

export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  const part = (p: string | undefined) => JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
  return { header: part(header), payload: part(payload) };
}

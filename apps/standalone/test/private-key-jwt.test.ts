import { randomUUID } from 'node:crypto';
import { buildAuthApp } from '@enclavia/auth';
import type { DatabaseHandle } from '@enclavia/db';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tokenRequest } from './support/flow.js';
import {
  AUTHENTICATED,
  authenticateWith,
  type ClientKey,
  clientAssertion,
  exchangeRefreshAndCall,
  jwksOf,
  makeClientKey,
  privateKeyJwtClient,
  REFUSED,
} from './support/private-key-jwt.js';
import {
  PublicTestHost,
  privateAddresses,
  urlHost,
  withUncheckedCertificates,
} from './support/public-host.js';
import { registration } from './support/register.js';
import { useStack } from './support/stack.js';

// Registered clients that authenticate with private_key_jwt. Keys at a jwks_uri are published on a
// "public" https host the auth server reaches through a test-only DNS answer; every other address
// goes through oidc-provider's SSRF guard, as in production.
const host = new PublicTestHost('keys.test');
const env = useStack({ fetch: host.fetch });
const redirectUri = 'http://127.0.0.1:7021/callback';
const local = privateAddresses();

beforeAll(() => host.start(local));
afterAll(() => host.close());

const register = (body: Record<string, unknown>) =>
  registration(env.stack.issuer, {
    client_name: 'Key client',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    ...body,
  });

async function registerWithKeys(keys: { jwks: unknown } | { jwks_uri: string }): Promise<string> {
  const { status, body } = await register(keys);
  expect(status, JSON.stringify(body)).toBe(201);
  expect(body).not.toHaveProperty('client_secret');
  return body.client_id as string;
}

const authenticate = (
  assertion: string,
  options: { clientId?: string; path?: '/token' | '/revoke'; server?: string } = {},
) => authenticateWith(options.server ?? env.stack.issuer, assertion, options);

describe('private_key_jwt', () => {
  it('is advertised for the token and revocation endpoints, with asymmetric algorithms only', async () => {
    const metadata = (await (
      await fetch(`${env.stack.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, string[]>;
    const methods = ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'];
    const algs = ['RS256', 'PS256', 'ES256', 'Ed25519', 'EdDSA'];
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(methods);
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toEqual(algs);
    expect(metadata.revocation_endpoint_auth_methods_supported).toEqual(methods);
    expect(metadata.revocation_endpoint_auth_signing_alg_values_supported).toEqual(algs);
  });

  it('is registered with keys in jwks or at an https jwks_uri, and refused without them', async () => {
    const key = await makeClientKey();
    const without = await register({});
    expect(without.status).toBe(400);
    expect(without.body).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'jwks or jwks_uri is mandatory for this client',
    });
    const plainHttp = await register({ jwks_uri: `http://${host.name}/jwks.json` });
    expect(plainHttp.status).toBe(400);
    expect(plainHttp.body).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'jwks_uri must be an https URL',
    });
    expect((await register({ jwks: jwksOf(key) })).status).toBe(201);
    expect((await register({ jwks_uri: host.url('/unused/jwks.json') })).status).toBe(201);
  });

  it('with keys in jwks: the code exchange and the refresh take assertions, and the token works at /mcp', async () => {
    const key = await makeClientKey('ES256');
    const clientId = await registerWithKeys({ jwks: jwksOf(key) });
    const client = privateKeyJwtClient(clientId, () => key);

    const { tokens, refreshed, call } = await exchangeRefreshAndCall(env.stack, client, {
      redirectUri,
      email: 'keys@example.com',
    });
    expect(call.status).toBe(200);
    expect(call.text).toContain('keys@example.com');
    // Rotated on use, as for public clients (oidc-provider alone waits for 70% of its lifetime).
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const withoutAssertion = await tokenRequest(
      env.stack.issuer,
      { clientId },
      {
        grant_type: 'refresh_token',
        refresh_token: refreshed.refresh_token!,
      },
    );
    expect(withoutAssertion.status).toBe(401);
    expect(((await withoutAssertion.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('with keys at a jwks_uri (RS256): end to end, the keys fetched once for both token requests', async () => {
    const key = await makeClientKey('RS256');
    host.publish('/dcr/jwks.json', () => ({ body: jwksOf(key) }));
    const clientId = await registerWithKeys({ jwks_uri: host.url('/dcr/jwks.json') });

    const { call } = await exchangeRefreshAndCall(
      env.stack,
      privateKeyJwtClient(clientId, () => key),
      {
        redirectUri,
        email: 'jwks-uri@example.com',
      },
    );
    expect(call.status).toBe(200);
    expect(host.hitsAt('/dcr/jwks.json')).toBe(1);
  });

  it('at /revoke too', async () => {
    const key = await makeClientKey();
    const clientId = await registerWithKeys({ jwks: jwksOf(key) });
    const revoke = (k: ClientKey) =>
      clientAssertion(k, clientId, env.stack.issuer).then((a) => authenticate(a, { path: '/revoke' }));
    expect(await revoke(key)).toEqual({ status: 200, error: undefined });
    expect(await revoke(await makeClientKey('ES256', key.kid))).toEqual(REFUSED);
  });
});

describe('client assertions', () => {
  let key: ClientKey;
  let clientId: string;
  let otherClientId: string;
  const assertion = (claims: Parameters<typeof clientAssertion>[3] = {}, signer = key) =>
    clientAssertion(signer, clientId, env.stack.issuer, claims);

  beforeAll(async () => {
    key = await makeClientKey();
    clientId = await registerWithKeys({ jwks: jwksOf(key) });
    otherClientId = await registerWithKeys({ jwks: jwksOf(await makeClientKey()) });
  });

  it('addressed to the issuer or to the token endpoint URL authenticate the client', async () => {
    for (const aud of [env.stack.issuer, `${env.stack.issuer}/token`, [env.stack.issuer]]) {
      expect(await authenticate(await assertion({ aud }), { clientId }), JSON.stringify(aud)).toEqual(
        AUTHENTICATED,
      );
    }
  });

  it('signed by another key are refused', async () => {
    const impostor = await makeClientKey('ES256', key.kid);
    expect(await authenticate(await assertion({}, impostor), { clientId })).toEqual(REFUSED);
  });

  it('used twice are refused the second time, also when both arrive at once', async () => {
    const once = await assertion();
    expect(await authenticate(once, { clientId })).toEqual(AUTHENTICATED);
    expect(await authenticate(once, { clientId })).toEqual(REFUSED);

    const atOnce = await assertion();
    const answers = await Promise.all(Array.from({ length: 5 }, () => authenticate(atOnce, { clientId })));
    expect(answers.filter((a) => a.status === AUTHENTICATED.status)).toHaveLength(1);
    expect(answers.filter((a) => a.status === REFUSED.status)).toHaveLength(4);
  });

  it('addressed to another audience are refused', async () => {
    for (const aud of [
      'https://auth.example.com',
      env.stack.mcpUrl,
      `${env.stack.issuer}/authorize`,
      [env.stack.issuer, 'https://auth.example.com'],
    ]) {
      expect(await authenticate(await assertion({ aud }), { clientId }), JSON.stringify(aud)).toEqual(
        REFUSED,
      );
    }
  });

  it('expired, without an expiry, or expiring more than an hour ahead are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await authenticate(await assertion({ iat: now - 120, exp: now - 60 }), { clientId })).toEqual(
      REFUSED,
    );
    expect(await authenticate(await assertion({ exp: undefined }), { clientId })).toEqual(REFUSED);
    expect(await authenticate(await assertion({ exp: now + 3660 }), { clientId })).toEqual(REFUSED);
    expect(await authenticate(await assertion({ exp: now + 3540 }), { clientId })).toEqual(AUTHENTICATED);
  });

  it('whose iss is not their sub are refused', async () => {
    expect(await authenticate(await assertion({ iss: 'someone-else' }), { clientId })).toEqual(REFUSED);
    // Signed by this client's key, in the name of another client.
    expect(await authenticate(await assertion({ sub: otherClientId }))).toEqual(REFUSED);
  });

  it('unsigned or signed with a shared secret are refused', async () => {
    const claims = {
      iss: clientId,
      sub: clientId,
      aud: env.stack.issuer,
      exp: Math.floor(Date.now() / 1000) + 60,
      jti: randomUUID(),
    };
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'none' })}.${encode(claims)}.`;
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes'));
    expect(await authenticate(unsigned, { clientId })).toEqual(REFUSED);
    expect(await authenticate(hmac, { clientId })).toEqual(REFUSED);
  });
});

describe('keys at a jwks_uri', () => {
  it('are fetched again when an assertion names a new key, and made-up keys do not make us fetch again and again', async () => {
    const path = '/rotating/jwks.json';
    const first = await makeClientKey();
    let published = [first];
    host.publish(path, () => ({ body: jwksOf(...published) }));
    const clientId = await registerWithKeys({ jwks_uri: host.url(path) });
    const sign = (k: ClientKey) => clientAssertion(k, clientId, env.stack.issuer);

    expect(await authenticate(await sign(first))).toEqual(AUTHENTICATED);
    expect(host.hitsAt(path)).toBe(1);

    const second = await makeClientKey();
    published = [second];
    expect(await authenticate(await sign(second))).toEqual(AUTHENTICATED);
    expect(host.hitsAt(path)).toBe(2);
    // The key the client took out went with that fetch.
    expect(await authenticate(await sign(first))).toEqual(REFUSED);

    for (let i = 0; i < 3; i++)
      expect(await authenticate(await sign(await makeClientKey()))).toEqual(REFUSED);
    expect(host.hitsAt(path)).toBe(2);
    expect(await authenticate(await sign(second))).toEqual(AUTHENTICATED);
  });

  it('serve for 10 minutes at most, whatever their Cache-Control: then a withdrawn key is refused', async () => {
    const path = '/cached/jwks.json';
    const first = await makeClientKey();
    const second = await makeClientKey();
    let published = [first];
    host.publish(path, () => ({ body: jwksOf(...published), headers: { 'cache-control': 'max-age=86400' } }));
    const clientId = await registerWithKeys({ jwks_uri: host.url(path) });
    const sign = (k: ClientKey) => clientAssertion(k, clientId, env.stack.issuer);

    expect(await authenticate(await sign(first))).toEqual(AUTHENTICATED);
    published = [second];
    // Within the 10 minutes the keys in hand serve: the withdrawn one still does.
    expect(await authenticate(await sign(first))).toEqual(AUTHENTICATED);
    expect(host.hitsAt(path)).toBe(1);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * 60_000 + 1000 });
    try {
      expect(await authenticate(await sign(first))).toEqual(REFUSED);
      expect(host.hitsAt(path)).toBe(2);
      expect(await authenticate(await sign(second))).toEqual(AUTHENTICATED);
    } finally {
      vi.useRealTimers();
    }
  });

  it('are refused when they redirect, are larger than 32 KB or take longer than 2.5 s', async () => {
    const key = await makeClientKey();
    host.publish('/moved/jwks.json', () => ({
      status: 302,
      headers: { location: host.url('/kept/jwks.json') },
    }));
    host.publish('/kept/jwks.json', () => ({ body: jwksOf(key) }));
    host.publish('/big/jwks.json', () => ({ body: { ...jwksOf(key), padding: 'x'.repeat(33 * 1024) } }));
    host.publish('/slow/jwks.json', () => ({ body: jwksOf(key), delayMs: 3500 }));

    for (const path of ['/moved/jwks.json', '/big/jwks.json', '/slow/jwks.json']) {
      const clientId = await registerWithKeys({ jwks_uri: host.url(path) });
      const started = performance.now();
      expect(await authenticate(await clientAssertion(key, clientId, env.stack.issuer)), path).toEqual(
        REFUSED,
      );
      expect(performance.now() - started, path).toBeLessThan(3000);
      expect(host.hitsAt(path), path).toBe(1);
    }
    expect(host.hitsAt('/kept/jwks.json')).toBe(0);
  });

  it('on a loopback or private address are never fetched, and their client cannot authenticate', async () => {
    const key = await makeClientKey();
    const path = '/internal/jwks.json';
    host.publish(path, () => ({ body: jwksOf(key) }));
    await withUncheckedCertificates(async () => {
      for (const address of ['127.0.0.1', 'localhost', ...local]) {
        const jwksUri = `https://${urlHost(address)}:${host.port}${path}`;
        // Reachable from here: only the auth server's guard can keep it from fetching.
        expect((await fetch(jwksUri)).status, jwksUri).toBe(200);
        const before = host.hitsAt(path);
        const clientId = await registerWithKeys({ jwks_uri: jwksUri });
        expect(await authenticate(await clientAssertion(key, clientId, env.stack.issuer)), jwksUri).toEqual(
          REFUSED,
        );
        expect(host.hitsAt(path), jwksUri).toBe(before);
      }
    });
  });
});

// Two servers can share only PostgreSQL; CI runs this part in its PostgreSQL pass.
describe.skipIf(!process.env.DATABASE_URL)('two authorization servers on one PostgreSQL', () => {
  let database: DatabaseHandle;
  let second: Awaited<ReturnType<typeof buildAuthApp>>;
  let secondUrl: string;

  beforeAll(async () => {
    database = await env.database.reopenSeparately();
    second = await buildAuthApp({ config: env.stack.config.auth, db: database.db, listen: database.listen });
    secondUrl = await second.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await second?.close();
    await database?.close();
  });

  it('refuse at one an assertion used at the other, and take it only once when both get it at once', async () => {
    const key = await makeClientKey();
    const clientId = await registerWithKeys({ jwks: jwksOf(key) });
    const sign = () => clientAssertion(key, clientId, env.stack.issuer);

    const used = await sign();
    expect(await authenticate(used)).toEqual(AUTHENTICATED);
    expect(await authenticate(used, { server: secondUrl })).toEqual(REFUSED);

    const atOnce = await sign();
    const answers = await Promise.all(
      [env.stack.issuer, secondUrl, env.stack.issuer, secondUrl].map((server) =>
        authenticate(atOnce, { server }),
      ),
    );
    expect(answers.filter((a) => a.status === AUTHENTICATED.status)).toHaveLength(1);
    expect(answers.filter((a) => a.status === REFUSED.status)).toHaveLength(3);
  });
});

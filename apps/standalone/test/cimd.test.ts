import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAuthorization } from './support/consent.js';
import {
  PublicTestHost,
  privateAddresses,
  urlHost,
  withUncheckedCertificates,
} from './support/public-host.js';
import { useStack } from './support/stack.js';

// A "public" host that publishes client ID metadata documents. The auth server reaches it through
// a test-only DNS answer; every other host goes through oidc-provider's SSRF-guarded dispatcher.
const host = new PublicTestHost('cimd.test');
const local = privateAddresses();
const redirectUri = 'http://127.0.0.1:7001/callback';
const docUrl = (path: string) => host.url(path);

const FAILURE_CACHE_SECONDS = 2;
const env = useStack({
  fetch: host.fetch,
  env: { CIMD_FAILURE_CACHE_SECONDS: String(FAILURE_CACHE_SECONDS) },
});

beforeAll(async () => {
  await host.start(local);
  const base = {
    redirect_uris: [redirectUri],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
  };
  host.publish('/good.json', () => ({
    body: { ...base, client_id: docUrl('/good.json'), client_name: 'Metadata Client' },
  }));
  const cursorApp = (path: string, extra: Record<string, unknown> = {}) =>
    host.publish(path, () => ({
      body: {
        ...base,
        client_id: docUrl(path),
        client_name: 'An app with its own scheme',
        redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback', redirectUri],
        ...extra,
      },
    }));
  cursorApp('/app.json');
  cursorApp('/app-says-web.json', { application_type: 'web' });
  host.publish('/mismatch.json', () => ({
    body: { ...base, client_id: docUrl('/other.json'), client_name: 'Liar' },
  }));
  host.publish('/big.json', () => ({
    body: { ...base, client_id: docUrl('/big.json'), client_name: 'x'.repeat(6000) },
  }));
});
afterAll(() => host.close());

function authorizeUrl(clientId: string, redirect = redirectUri): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirect,
    state: 's',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
  return `${env.stack.issuer}/authorize?${params}`;
}

/** The authorization server's answer to an authorization request, without following it. */
async function authorize(clientId: string, redirect?: string) {
  const response = await fetch(authorizeUrl(clientId, redirect), { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
}

describe('client ID metadata documents', () => {
  it('are advertised', async () => {
    const metadata = (await (
      await fetch(`${env.stack.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
  });

  it('are fetched over https, shown on consent, and cached', async () => {
    const callback = await completeAuthorization(authorizeUrl(docUrl('/good.json')), {
      email: 'meta@example.com',
      redirectUri,
    });
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect((await authorize(docUrl('/good.json'))).status).toBe(303);
    expect(host.hitsAt('/good.json')).toBe(1);
  });

  it('may name an app scheme: native when they do not say, refused when they say web', async () => {
    const app = await authorize(docUrl('/app.json'), 'cursor://anysphere.cursor-mcp/oauth/callback');
    expect(app.status).toBe(303);
    expect(app.location).toMatch(/^\/interaction\//);
    const web = await authorize(docUrl('/app-says-web.json'), 'cursor://anysphere.cursor-mcp/oauth/callback');
    expect(web.status).toBe(400);
    expect(web.location).toBeNull();
    expect(web.text).toContain('private-use scheme cursor:');
  });

  it('are refused when their client_id is not their own URL', async () => {
    const answer = await authorize(docUrl('/mismatch.json'));
    expect(answer.status).toBe(400);
    expect(answer.location).toBeNull();
    expect(answer.text).toContain('client_id metadata document client_id does not match');
  });

  it('are refused when larger than 5 KB', async () => {
    const answer = await authorize(docUrl('/big.json'));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('invalid_client');
    // It was reached and read, and refused for what it said.
    expect(host.hitsAt('/big.json')).toBeGreaterThan(0);
  });

  it('are never fetched from a loopback or private address', async () => {
    await withUncheckedCertificates(async () => {
      for (const address of ['127.0.0.1', 'localhost', ...local]) {
        const id = `https://${urlHost(address)}:${host.port}/good.json`;
        // Reachable from here: only the auth server's guard can keep it from fetching.
        expect((await fetch(id)).status, id).toBe(200);
        const before = host.hitsAt('/good.json');
        const answer = await authorize(id);
        expect(answer.status, id).toBe(400);
        expect(host.hitsAt('/good.json'), id).toBe(before);
      }
    });
  });

  it('that cannot be fetched are remembered briefly: the same error without a fetch, then fetched afresh', async () => {
    let published = false;
    host.publish('/later.json', () =>
      published
        ? {
            body: {
              client_id: docUrl('/later.json'),
              client_name: 'Published later',
              redirect_uris: [redirectUri],
              token_endpoint_auth_method: 'none',
            },
          }
        : { status: 404 },
    );
    const shown = (text: string) => text.match(/<p class="error" role="alert">([^<]*)<\/p>/)?.[1];

    const first = await authorize(docUrl('/later.json'));
    expect(first.status).toBe(400);
    expect(shown(first.text)).toBe('invalid_client: client_id metadata document fetch failed');
    const again = await authorize(docUrl('/later.json'));
    expect(again.status).toBe(400);
    expect(shown(again.text)).toBe(shown(first.text));
    expect(host.hitsAt('/later.json')).toBe(1);

    published = true;
    await new Promise((resolve) => setTimeout(resolve, FAILURE_CACHE_SECONDS * 1000));
    expect((await authorize(docUrl('/later.json'))).status).toBe(303);
    expect(host.hitsAt('/later.json')).toBe(2);
  });

  it('are never fetched over plain http', async () => {
    expect((await authorize(`http://${host.name}:${host.port}/good.json`)).status).toBe(400);
  });
});

describe('Claude and Claude Code, pinned so they work when their documents cannot be fetched', () => {
  const claudeCode = 'https://claude.ai/oauth/claude-code-client-metadata';

  it('Claude Code on any loopback port, its path only', async () => {
    const callback = await completeAuthorization(
      authorizeUrl(claudeCode, 'http://localhost:54321/callback'),
      {
        email: 'cc@example.com',
        redirectUri: 'http://localhost:54321/callback',
      },
    );
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect((await authorize(claudeCode, 'http://localhost:54321/other')).status).toBe(400);
  });

  it('Claude with its claude.ai and claude.com callbacks', async () => {
    for (const callbackUrl of [
      'https://claude.ai/api/mcp/auth_callback',
      'https://claude.com/api/mcp/auth_callback',
    ]) {
      const callback = await completeAuthorization(
        authorizeUrl('https://claude.ai/oauth/mcp-oauth-client-metadata', callbackUrl),
        {
          email: 'claude@example.com',
          redirectUri: callbackUrl,
        },
      );
      expect(callback.searchParams.get('code')).toBeTruthy();
    }
  });
});

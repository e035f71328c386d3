import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEnterpriseIdp } from './support/fake-enterprise-idp.js';
import { tokenRequest } from './support/flow.js';
import { jwksOf, makeClientKey, privateKeyJwtClient } from './support/private-key-jwt.js';
import { PublicTestHost, privateAddresses } from './support/public-host.js';
import { registration } from './support/register.js';
import { useStack } from './support/stack.js';
import { personalWorkspaceAdmin } from './support/web-session.js';

// Clients of the jwt-bearer grant as they arrive: registered (RFC 7591) or by a client ID metadata
// document on a "public" https host, which the auth server reaches through a test-only DNS answer.
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const host = new PublicTestHost('cimd-enterprise.test');
const env = useStack({ fetch: host.fetch });
const idp = new FakeEnterpriseIdp();
const user = { sub: 'entra-oid-1', email: 'meta-admin@corp.example' };

beforeAll(async () => {
  await host.start(privateAddresses());
  await idp.start();
  const admin = await personalWorkspaceAdmin(env.stack.issuer, user.email);
  await admin.session.api('PATCH', `/api/v1/workspaces/${admin.workspaceId}/policy`, {
    enterprise_idp_issuer: idp.url,
  });
});
afterAll(async () => {
  await host.close();
  await idp.close();
});

const forUs = (clientId: string) => ({ audience: env.stack.issuer, resource: env.stack.mcpUrl, clientId });

describe('clients of the jwt-bearer grant', () => {
  it('find it in the authorization server metadata', async () => {
    const metadata = (await (
      await fetch(`${env.stack.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as {
      grant_types_supported: string[];
    };
    expect(metadata.grant_types_supported).toContain(JWT_BEARER);
  });

  it('may declare it in a client ID metadata document, and use it with private_key_jwt', async () => {
    const key = await makeClientKey();
    const clientId = host.url('/enterprise-client.json');
    host.publish('/enterprise-client.json', () => ({
      body: {
        client_id: clientId,
        client_name: 'Enterprise CIMD client',
        redirect_uris: [],
        response_types: [],
        grant_types: [JWT_BEARER],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: host.url('/enterprise-client-jwks.json'),
      },
    }));
    host.publish('/enterprise-client-jwks.json', () => ({ body: jwksOf(key) }));
    const response = await tokenRequest(
      env.stack.issuer,
      privateKeyJwtClient(clientId, () => key),
      {
        grant_type: JWT_BEARER,
        assertion: await idp.idJag(user, forUs(clientId)),
      },
    );
    const body = (await response.json()) as Record<string, string>;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.token_type).toBe('Bearer');
  });

  it("may be registered for it, public clients too (Claude's metadata document declares it with auth none)", async () => {
    const { status, body } = await registration(env.stack.issuer, {
      client_name: 'Public enterprise client',
      redirect_uris: [],
      response_types: [],
      grant_types: [JWT_BEARER],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(201);
    const clientId = body.client_id as string;
    const response = await tokenRequest(
      env.stack.issuer,
      { clientId, auth: 'none' },
      { grant_type: JWT_BEARER, assertion: await idp.idJag(user, forUs(clientId)) },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer' });
  });
});

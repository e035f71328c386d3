import {
  Client,
  CrossAppAccessProvider,
  discoverAndRequestJwtAuthGrant,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEnterpriseIdp } from './support/fake-enterprise-idp.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { registration } from './support/register.js';
import { useStack } from './support/stack.js';
import { type ApiSession, personalWorkspaceAdmin, signInToDashboard } from './support/web-session.js';

const env = useStack();
const idp = new FakeEnterpriseIdp();
const developer = { sub: 'okta-00u-dev', email: 'dev@corp.example' };
let itAdmin: ApiSession;
let workspaceId: string;
let dev: ApiSession;
let mcpClient: { id: string; secret: string };

beforeAll(async () => {
  await idp.start();
  // The IT admin's workspace trusts the company IdP; the developer is a member of it.
  const admin = await personalWorkspaceAdmin(env.stack.issuer, 'it@corp.example');
  itAdmin = admin.session;
  workspaceId = admin.workspaceId;
  const trusted = await itAdmin.api('PATCH', `/api/v1/workspaces/${workspaceId}/policy`, {
    enterprise_idp_issuer: idp.url,
  });
  expect(trusted.status).toBe(200);
  await itAdmin.api('POST', `/api/v1/workspaces/${workspaceId}/members`, {
    email: developer.email,
    role: 'member',
  });
  dev = await signInToDashboard(env.stack.issuer, developer.email);

  // The MCP client as registered here, with the grant type CrossAppAccessProvider declares.
  const { status, body } = await registration(env.stack.issuer, {
    client_name: 'Corp assistant',
    redirect_uris: [],
    response_types: [],
    grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  expect(status).toBe(201);
  mcpClient = { id: body.client_id as string, secret: body.client_secret as string };
  // The IdP admin maps the IdP's client to the client id it has here.
  idp.resourceClientIds.set('corp-assistant-at-okta', mcpClient.id);
});

afterAll(() => idp.close());

/** The official MCP client, signed in to the company IdP as the developer, connected without a browser. */
async function connectThroughIdp() {
  const idToken = idp.signIn(developer);
  const authProvider = new CrossAppAccessProvider({
    assertion: async (ctx) =>
      (
        await discoverAndRequestJwtAuthGrant({
          idpUrl: idp.url,
          audience: ctx.authorizationServerUrl,
          resource: ctx.resourceUrl,
          idToken,
          clientId: 'corp-assistant-at-okta',
          clientSecret: 'okta-secret',
          ...(ctx.scope ? { scope: ctx.scope } : {}),
          fetchFn: ctx.fetchFn,
        })
      ).jwtAuthGrant,
    clientId: mcpClient.id,
    clientSecret: mcpClient.secret,
    expectedIssuer: env.stack.issuer,
  });
  const client = new Client({ name: 'corp-assistant', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(env.stack.mcpUrl), { authProvider }));
  return { client, authProvider };
}

describe('enterprise-managed authorization, end to end', () => {
  it('CrossAppAccessProvider gets an ID-JAG from the IdP and a token here, and mcp_whoami answers', async () => {
    const { client, authProvider } = await connectThroughIdp();
    try {
      const me = await client.callTool({ name: 'mcp_whoami', arguments: {} });
      expect(JSON.stringify(me.content)).toContain(developer.email);
      expect(JSON.stringify(me.content)).toContain(workspaceId);
      // What the IdP was asked for: this authorization server, this MCP server, this client.
      expect(idp.issued[0]).toMatchObject({
        aud: expect.stringMatching(new RegExp(`^${env.stack.issuer}/?$`)),
        resource: expect.stringMatching(new RegExp(`^${env.stack.mcpUrl}/?$`)),
        client_id: mcpClient.id,
        sub: developer.sub,
      });
      expect(authProvider.tokens()?.refresh_token).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('shows in Connected apps as connected through the company IdP, and revoking it stops its token', async () => {
    const { client, authProvider } = await connectThroughIdp();
    await client.close();
    const token = authProvider.tokens()!.access_token;
    expect((await callToolOverHttp(env.stack.mcpUrl, token, 'mcp_whoami')).status).toBe(200);

    const { grants } = (await (await dev.api('GET', '/api/v1/grants')).json()) as {
      grants: Array<{ id: string; clientId: string; via: string }>;
    };
    const connection = grants.find((g) => g.clientId === mcpClient.id)!;
    expect(connection.via).toBe('enterprise_idp');
    const page = await (await dev.api('GET', '/dashboard')).text();
    expect(page).toContain(
      'Corp assistant <span class="muted">(through your company\'s identity provider)</span>',
    );

    // The workspace's admin sees it too, and revokes it.
    const seen = (await (await itAdmin.api('GET', `/api/v1/workspaces/${workspaceId}/grants`)).json()) as {
      grants: Array<{ id: string }>;
    };
    expect(seen.grants.map((g) => g.id)).toContain(connection.id);
    expect((await itAdmin.api('DELETE', `/api/v1/grants/${connection.id}`)).status).toBe(204);
    await expect
      .poll(async () => (await callToolOverHttp(env.stack.mcpUrl, token, 'mcp_whoami')).status)
      .toBe(401);
  });
});

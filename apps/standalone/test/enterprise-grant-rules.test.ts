import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EnterpriseUser,
  FakeEnterpriseIdp,
  type IdJagOverrides,
} from './support/fake-enterprise-idp.js';
import { decodeJwt, type FlowClient, tokenRequest } from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { registration } from './support/register.js';
import { useStack } from './support/stack.js';
import { type ApiSession, personalWorkspaceAdmin, signInToDashboard } from './support/web-session.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const env = useStack();
const idp = new FakeEnterpriseIdp();
const otherIdp = new FakeEnterpriseIdp();
const boss: EnterpriseUser = { sub: 'okta-boss', email: 'boss@acme.example' };
let admin: ApiSession;
let workspaceId: string;
let client: FlowClient;
let otherClient: FlowClient;

async function registerJwtBearerClient(name: string): Promise<FlowClient> {
  const { status, body } = await registration(env.stack.issuer, {
    client_name: name,
    redirect_uris: [],
    response_types: [],
    grant_types: [JWT_BEARER],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  expect(status).toBe(201);
  return {
    clientId: body.client_id as string,
    clientSecret: body.client_secret as string,
    auth: 'client_secret_basic',
  };
}

const setPolicy = (change: Record<string, unknown>) =>
  admin.api('PATCH', `/api/v1/workspaces/${workspaceId}/policy`, change);

/** An ID-JAG of `idp` for `user` and `client` at this product, broken by `overrides`. */
function idJag(user: EnterpriseUser, overrides: IdJagOverrides = {}, from = idp, to = client) {
  return from.idJag(
    user,
    { audience: env.stack.issuer, resource: env.stack.mcpUrl, clientId: to.clientId },
    overrides,
  );
}

async function present(assertion: string, params: Record<string, string> = {}, as = client) {
  const response = await tokenRequest(env.stack.issuer, as, { grant_type: JWT_BEARER, assertion, ...params });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function expectRefused(assertion: string, description: RegExp, as = client) {
  const { status, body } = await present(assertion, {}, as);
  expect(status).toBe(400);
  expect(body.error).toBe('invalid_grant');
  expect(body.error_description).toMatch(description);
}

beforeAll(async () => {
  await idp.start();
  await otherIdp.start();
  const session = await personalWorkspaceAdmin(env.stack.issuer, boss.email);
  admin = session.session;
  workspaceId = session.workspaceId;
  expect((await setPolicy({ enterprise_idp_issuer: idp.url })).status).toBe(200);
  client = await registerJwtBearerClient('Enterprise client');
  otherClient = await registerJwtBearerClient('Another client');
});

afterAll(async () => {
  await idp.close();
  await otherIdp.close();
});

describe('the jwt-bearer grant with an ID-JAG', () => {
  it("answers a member's valid ID-JAG with an access token for the MCP server, and no refresh token", async () => {
    const { status, body } = await present(await idJag(boss), { scope: 'enclaves:read' });
    expect(status).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe('enclaves:read');
    const claims = decodeJwt(body.access_token!).payload;
    expect(claims).toMatchObject({
      aud: env.stack.mcpUrl,
      email: boss.email,
      'enclavia/workspace': workspaceId,
      scope: 'enclaves:read',
      client_id: client.clientId,
    });
    const whoami = await callToolOverHttp(env.stack.mcpUrl, body.access_token!, 'mcp_whoami');
    expect(whoami.status).toBe(200);
    expect(await whoami.text()).toContain(boss.email);
    const { events } = (await (await admin.api('GET', `/api/v1/workspaces/${workspaceId}/audit`)).json()) as {
      events: Array<{ action: string; after: Record<string, unknown> }>;
    };
    expect(events.find((e) => e.action === 'grant.enterprise')?.after).toMatchObject({
      scope: 'enclaves:read',
    });
  });

  it('refuses an ID-JAG for another authorization server (aud)', async () => {
    await expectRefused(await idJag(boss, { claims: { aud: 'https://other-as.example' } }), /aud/);
  });

  it('refuses an ID-JAG for another resource', async () => {
    await expectRefused(
      await idJag(boss, { claims: { resource: 'https://other-mcp.example/mcp' } }),
      /resource/,
    );
  });

  it('refuses an expired ID-JAG', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectRefused(await idJag(boss, { claims: { iat: past, exp: past + 300 } }), /expired/);
  });

  it('refuses an ID-JAG that would live longer than five minutes', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await idJag(boss, { claims: { iat: now, exp: now + 3600 } }), /at most 300 seconds/);
  });

  it('refuses an ID-JAG used a second time (replayed jti)', async () => {
    const assertion = await idJag(boss);
    expect((await present(assertion)).status).toBe(200);
    await expectRefused(assertion, /used already/);
  });

  it('refuses an ID-JAG from an issuer no workspace trusts', async () => {
    const stranger = new FakeEnterpriseIdp();
    await stranger.start();
    try {
      await expectRefused(await idJag(boss, {}, stranger), /not trusted by any workspace/);
    } finally {
      await stranger.close();
    }
  });

  it('refuses an ID-JAG issued to another client than the one authenticating', async () => {
    await expectRefused(await idJag(boss, {}, idp, otherClient), /client_id/);
  });

  it('refuses a user who is not a member of the trusting workspace', async () => {
    await signInToDashboard(env.stack.issuer, 'outsider@acme.example');
    await expectRefused(
      await idJag({ sub: 'okta-outsider', email: 'outsider@acme.example' }),
      /not a member/,
    );
  });

  it("refuses a member of another workspace through that workspace's issuer, for this one", async () => {
    // `otherIdp` is trusted by Carol's workspace; Boss is no member there.
    const carol = await personalWorkspaceAdmin(env.stack.issuer, 'carol@other.example');
    await carol.session.api('PATCH', `/api/v1/workspaces/${carol.workspaceId}/policy`, {
      enterprise_idp_issuer: otherIdp.url,
    });
    const { status, body } = await present(await idJag(boss, {}, otherIdp));
    expect(status).toBe(400);
    expect(body.error_description).toMatch(/not a member/);
  });

  it('refuses a JWT whose typ is not oauth-id-jag+jwt', async () => {
    await expectRefused(await idJag(boss, { typ: 'JWT' }), /typ must be oauth-id-jag\+jwt/);
  });

  it("refuses an ID-JAG whose signature is not the issuer's", async () => {
    await expectRefused(await idJag(boss, { foreignKey: true }), /signature/);
  });

  it('applies the scope ceiling: only what is asked and allowed, nothing left is a refusal', async () => {
    expect((await setPolicy({ scope_ceiling: ['enclaves:read'] })).status).toBe(200);
    try {
      const narrowed = await present(await idJag(boss), { scope: 'enclaves:read enclaves:write' });
      expect(narrowed.body.scope).toBe('enclaves:read');
      const none = await present(await idJag(boss), { scope: 'enclaves:write' });
      expect(none.status).toBe(400);
      expect(none.body.error_description).toBe('Requested scopes are not allowed');
    } finally {
      await setPolicy({
        scope_ceiling: ['enclaves:read', 'enclaves:write', 'enclaves:destroy', 'audit:read'],
      });
    }
  });

  it('refuses while MCP is off for the workspace', async () => {
    await setPolicy({ mcp_enabled: false });
    try {
      await expectRefused(await idJag(boss), /MCP integration is disabled/);
    } finally {
      await setPolicy({ mcp_enabled: true });
    }
  });

  it("lists its app as an enterprise grant; under unknown_clients ask a new app waits for an admin's approval, and a blocked one is refused", async () => {
    const apps = async () =>
      (
        (await (await admin.api('GET', `/api/v1/workspaces/${workspaceId}/clients`)).json()) as {
          clients: Array<{ client_id: string; status: string; identified_by: string; users: unknown[] }>;
        }
      ).clients;
    expect((await apps()).find((a) => a.client_id === client.clientId)).toMatchObject({
      identified_by: 'enterprise_grant',
      status: 'approved',
    });
    const waiting = await registerJwtBearerClient('Waiting client');
    await setPolicy({ unknown_clients: 'ask' });
    try {
      await expectRefused(
        await idJag(boss, {}, idp, waiting),
        /An admin of this workspace must approve this app first/,
        waiting,
      );
      expect((await apps()).find((a) => a.client_id === waiting.clientId)?.status).toBe('pending');
      const decide = (status: string) =>
        admin.api('PATCH', `/api/v1/workspaces/${workspaceId}/clients/${waiting.clientId}`, { status });
      expect((await decide('approved')).status).toBe(200);
      expect((await present(await idJag(boss, {}, idp, waiting), {}, waiting)).status).toBe(200);
      expect((await decide('blocked')).status).toBe(200);
      await expectRefused(await idJag(boss, {}, idp, waiting), /OAuth client_id is not allowed/, waiting);
    } finally {
      await setPolicy({ unknown_clients: 'allow' });
    }
  });

  it('stops granting at once when the admin removes the trusted issuer', async () => {
    await setPolicy({ enterprise_idp_issuer: null });
    try {
      await expectRefused(await idJag(boss), /not trusted by any workspace/);
    } finally {
      await setPolicy({ enterprise_idp_issuer: idp.url });
    }
    expect((await present(await idJag(boss))).status).toBe(200);
  });

  it('takes a key the IdP rotated to at once (an unknown kid has its keys fetched again)', async () => {
    expect((await present(await idJag(boss))).status).toBe(200);
    await idp.rotateKey();
    expect((await present(await idJag(boss))).status).toBe(200);
  });

  it('adds a new user as a member at first connection only when just-in-time membership is on', async () => {
    const newcomer = { sub: 'okta-newcomer', email: 'newcomer@acme.example' };
    await expectRefused(await idJag(newcomer), /not a member/);
    await setPolicy({ enterprise_jit_membership: true });
    try {
      const { status, body } = await present(await idJag(newcomer));
      expect(status).toBe(200);
      expect(decodeJwt(body.access_token!).payload).toMatchObject({
        email: newcomer.email,
        'enclavia/workspace': workspaceId,
      });
      const { members } = (await (
        await admin.api('GET', `/api/v1/workspaces/${workspaceId}/members`)
      ).json()) as {
        members: Array<{ email: string; role: string }>;
      };
      expect(members).toContainEqual(expect.objectContaining({ email: newcomer.email, role: 'member' }));
    } finally {
      await setPolicy({ enterprise_jit_membership: false });
    }
  });

  it("refuses emails outside the workspace's domain when it names one", async () => {
    await setPolicy({ enterprise_email_domain: 'corp.example' });
    try {
      await expectRefused(await idJag(boss), /only corp\.example accounts/);
    } finally {
      await setPolicy({ enterprise_email_domain: null });
    }
  });

  it('audits each refusal in the trusting workspace, with the rule that failed', async () => {
    await expectRefused(await idJag(boss, { claims: { aud: 'https://elsewhere.example' } }), /aud/);
    const { events } = (await (await admin.api('GET', `/api/v1/workspaces/${workspaceId}/audit`)).json()) as {
      events: Array<{ action: string; after: Record<string, unknown> }>;
    };
    expect(events.find((e) => e.action === 'grant.enterprise_refused')?.after).toMatchObject({
      rule: 'audience',
    });
  });
});

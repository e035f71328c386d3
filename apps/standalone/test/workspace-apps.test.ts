import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { CookieJar, openPage } from './support/consent.js';
import {
  authorizationCodeFlow,
  authorizationRequest,
  decodeJwt,
  type TokenResponse,
  tokenRequest,
} from './support/flow.js';
import { callToolOverHttp, mcpRequestOverHttp } from './support/mcp-call.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { type ApiSession, signInToDashboard } from './support/web-session.js';

// Apps of the workspace (issue 22): the inventory, `unknown_clients`, per-app limits and blocking,
// over the real flows a member's app goes through and the admin API.
const env = useStack();
const REDIRECT = 'http://127.0.0.1:7012/callback';
const PENDING = 'An admin of this workspace must approve this app first';
const CLIENT_REFUSED = 'OAuth client_id is not allowed';

// biome-ignore lint/suspicious/noExplicitAny: test responses.
const json = async (response: Response | Promise<Response>) => (await response).json() as Promise<any>;

/** An admin's workspace (their personal one) with `memberEmail` added as a member. */
async function team(adminEmail: string, memberEmail?: string) {
  const session = await signInToDashboard(env.stack.issuer, adminEmail);
  const { workspaces } = await json(session.api('GET', '/api/v1/workspaces'));
  const workspace: { id: string; name: string } = workspaces[0];
  if (memberEmail) {
    const invited = await session.api('POST', `/api/v1/workspaces/${workspace.id}/members`, {
      email: memberEmail,
      role: 'member',
    });
    expect([201, 202]).toContain(invited.status);
  }
  const base = `/api/v1/workspaces/${workspace.id}`;
  return {
    session,
    workspace,
    async setPolicy(change: Record<string, unknown>) {
      const response = await session.api('PATCH', `${base}/policy`, change);
      expect(response.status).toBe(200);
    },
    async apps(): Promise<Array<Record<string, unknown> & { client_id: string; status: string }>> {
      const response = await session.api('GET', `${base}/clients`);
      expect(response.status).toBe(200);
      return (await json(response)).clients;
    },
    decide: (clientId: string, change: Record<string, unknown>, options?: { csrf?: false }) =>
      session.api('PATCH', `${base}/clients/${encodeURIComponent(clientId)}`, change, options),
  };
}

const newClient = async (name: string) =>
  (await registerClient(env.stack.issuer, REDIRECT, { client_name: name })).client_id;

/** Connects `clientId` as `email` in `workspace`; the token answer, or the refusal the page showed. */
async function connect(clientId: string, email: string, workspace?: string, scope?: string) {
  try {
    const response = await authorizationCodeFlow(
      env.stack.issuer,
      { clientId },
      {
        email,
        redirectUri: REDIRECT,
        ...(workspace ? { workspace } : {}),
        ...(scope ? { scope } : {}),
      },
    );
    expect(response.status).toBe(200);
    return { tokens: (await json(response)) as TokenResponse };
  } catch (error) {
    return { refused: String((error as Error).message) };
  }
}

function refresh(clientId: string, tokens: TokenResponse) {
  return tokenRequest(
    env.stack.issuer,
    { clientId },
    { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
  );
}

/** Calls `mcp_whoami` until the MCP server answers `status`; fails a second after the change. */
async function untilMcpAnswers(token: string, status: number): Promise<Response> {
  const start = performance.now();
  for (;;) {
    const response = await callToolOverHttp(env.stack.mcpUrl, token, 'mcp_whoami');
    if (response.status === status) return response;
    if (performance.now() - start > 1000)
      throw new Error(`the MCP server still answers ${response.status}, not ${status}, a second after`);
  }
}

async function auditActions(session: ApiSession, workspaceId: string, prefix: string): Promise<string[]> {
  const { events } = await json(
    session.api('GET', `/api/v1/workspaces/${workspaceId}/audit?action=${prefix}`),
  );
  return events.map((e: { action: string }) => e.action);
}

describe('unknown_clients: ask', () => {
  it('a new app waits for an admin: no code, listed as pending and audited; once approved, the retry connects without a new request', async () => {
    const admin = await team('ask-admin@example.com', 'ask-member@example.com');
    await admin.setPolicy({ unknown_clients: 'ask' });
    const clientId = await newClient('Asking App');

    const first = await connect(clientId, 'ask-member@example.com', admin.workspace.name);
    expect(first.refused).toContain('HTTP 403');
    expect(first.refused).toContain(PENDING);

    const [listed] = (await admin.apps()).filter((a) => a.client_id === clientId);
    expect(listed).toMatchObject({
      name: 'Asking App',
      status: 'pending',
      identified_by: 'registration',
      redirect_uris: [REDIRECT],
      requested_by: 'ask-member@example.com',
      users: [],
    });
    expect(await auditActions(admin.session, admin.workspace.id, 'client.')).toEqual(['client.requested']);

    // Asking again while it waits is the same request, not a new one.
    expect((await connect(clientId, 'ask-member@example.com', admin.workspace.name)).refused).toContain(
      PENDING,
    );
    expect(await auditActions(admin.session, admin.workspace.id, 'client.')).toEqual(['client.requested']);

    expect((await admin.decide(clientId, { status: 'approved' })).status).toBe(200);
    const retry = await connect(clientId, 'ask-member@example.com', admin.workspace.name);
    expect(retry.tokens?.access_token).toBeDefined();
    const whoami = await callToolOverHttp(env.stack.mcpUrl, retry.tokens!.access_token, 'mcp_whoami');
    expect(whoami.status).toBe(200);
    expect(await auditActions(admin.session, admin.workspace.id, 'client.')).toEqual([
      'client.approved',
      'client.requested',
    ]);
    const [approved] = (await admin.apps()).filter((a) => a.client_id === clientId);
    expect(approved).toMatchObject({
      status: 'approved',
      users: [expect.objectContaining({ email: 'ask-member@example.com', connections: 1 })],
    });

    // The member's own workspace lets everything in: the same app connects there at once.
    expect((await connect(clientId, 'ask-member@example.com')).tokens).toBeDefined();
  });

  it('a request still waiting when the workspace stops asking is let in, and stays approved if it asks again', async () => {
    const admin = await team('ask-then-allow@example.com', 'ask-then-allow-member@example.com');
    await admin.setPolicy({ unknown_clients: 'ask' });
    const clientId = await newClient('Waited');
    const member = 'ask-then-allow-member@example.com';
    expect((await connect(clientId, member, admin.workspace.name)).refused).toContain(PENDING);

    await admin.setPolicy({ unknown_clients: 'allow' });
    expect((await admin.apps()).find((a) => a.client_id === clientId)?.status).toBe('approved');
    expect((await connect(clientId, member, admin.workspace.name)).tokens).toBeDefined();
    await admin.setPolicy({ unknown_clients: 'ask' });
    expect((await admin.apps()).find((a) => a.client_id === clientId)?.status).toBe('approved');
    expect((await connect(clientId, member, admin.workspace.name)).tokens).toBeDefined();
  });

  it("an admin's own Approve approves a new app", async () => {
    const admin = await team('ask-self@example.com');
    await admin.setPolicy({ unknown_clients: 'ask' });
    const clientId = await newClient('Admin Chosen');
    expect((await connect(clientId, 'ask-self@example.com')).tokens).toBeDefined();
    const [listed] = (await admin.apps()).filter((a) => a.client_id === clientId);
    expect(listed?.status).toBe('approved');
    expect(await auditActions(admin.session, admin.workspace.id, 'client.')).toEqual(['client.approved']);
  });
});

describe('block mode and the allowed client IDs agree', () => {
  it('both refuse an app not let in, with the same words, and list it as blocked; approving (or listing) it lets it in', async () => {
    const blocking = await team('block-mode@example.com');
    await blocking.setPolicy({ unknown_clients: 'block' });
    const listing = await team('allowlist-mode@example.com');
    const clientId = await newClient('Stranger');
    await listing.setPolicy({ allowed_client_ids: ['some-other-client'] });

    // Approve is off on the page, so opening it is what lists the app, as blocked.
    const jar = new CookieJar();
    await signInToDashboard(env.stack.issuer, 'block-mode@example.com', jar);
    const { url } = authorizationRequest(env.stack.issuer, { clientId }, { redirectUri: REDIRECT });
    const consent = await openPage(jar, url);
    expect(consent.url.pathname).toMatch(/^\/interaction\//);
    const page = await consent.response.text();
    expect(page).toContain(`${CLIENT_REFUSED}: ${clientId}`);
    expect(page).toContain('is blocked in');
    expect(page).toMatch(/<button class="primary" type="submit" name="decision" value="approve" disabled/);
    expect((await blocking.apps()).find((a) => a.client_id === clientId)?.status).toBe('blocked');

    const byMode = await connect(clientId, 'block-mode@example.com');
    const byList = await connect(clientId, 'allowlist-mode@example.com');
    expect(byMode.refused).toContain(`${CLIENT_REFUSED}: ${clientId}`);
    expect(byList.refused).toContain(`${CLIENT_REFUSED}: ${clientId}`);
    for (const admin of [blocking, listing]) {
      const [listed] = (await admin.apps()).filter((a) => a.client_id === clientId);
      expect(listed?.status).toBe('blocked');
    }

    // An admin approves it in block mode; the allowlist decides for itself, so it says where.
    expect((await blocking.decide(clientId, { status: 'approved' })).status).toBe(200);
    expect((await connect(clientId, 'block-mode@example.com')).tokens).toBeDefined();
    const conflict = await listing.decide(clientId, { status: 'approved' });
    expect(conflict.status).toBe(409);
    expect((await json(conflict)).message).toContain('Allowed OAuth client IDs');
    await listing.setPolicy({ allowed_client_ids: ['some-other-client', clientId] });
    expect((await connect(clientId, 'allowlist-mode@example.com')).tokens).toBeDefined();
    const [listed] = (await listing.apps()).filter((a) => a.client_id === clientId);
    expect(listed?.status).toBe('approved');
  });
});

describe('per-app limits and blocking reach live connections', () => {
  it("an app's own ceiling caps new tokens, narrows a live connection within a second, and binds refresh", async () => {
    const admin = await team('app-ceiling@example.com');
    const clientId = await newClient('Narrowed');
    const live = (await connect(clientId, 'app-ceiling@example.com')).tokens!;
    expect(live.scope?.split(' ')).toContain('enclaves:write');

    const above = await admin.decide(clientId, { scope_ceiling: ['enclaves:read', 'audit:read'] });
    expect(above.status).toBe(200); // audit:read is within the workspace's ceiling (all scopes)
    await admin.setPolicy({ scope_ceiling: ['enclaves:read', 'enclaves:write'] });
    const wider = await admin.decide(clientId, { scope_ceiling: ['enclaves:read', 'enclaves:destroy'] });
    expect(wider.status).toBe(400);
    expect((await json(wider)).message).toContain("enclaves:destroy is above the workspace's scope ceiling");
    expect((await admin.decide(clientId, { scope_ceiling: ['enclaves:read'] })).status).toBe(200);

    // The live connection: write is gone from tools/list and refused, within a second.
    const start = performance.now();
    for (;;) {
      const { result } = await json(mcpRequestOverHttp(env.stack.mcpUrl, live.access_token));
      const names = (result.tools as Array<{ name: string }>).map((t) => t.name);
      if (!names.includes('enclave_create')) break;
      if (performance.now() - start > 1000) throw new Error('tools/list still offers enclave_create');
    }
    const create = await callToolOverHttp(env.stack.mcpUrl, live.access_token, 'enclave_create', {
      image: 'docker.io/library/nginx:1.27',
    });
    expect(create.status).toBe(403);
    expect(create.headers.get('www-authenticate')).toContain('insufficient_scope');

    const refreshed = await refresh(clientId, live);
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(((await json(refreshed)) as TokenResponse).access_token).payload.scope).toBe(
      'enclaves:read',
    );
    const fresh = (await connect(clientId, 'app-ceiling@example.com')).tokens!;
    expect(fresh.scope?.split(' ').filter((s) => s.startsWith('enclaves:'))).toEqual(['enclaves:read']);

    // Another app of the workspace keeps the workspace's ceiling.
    const other = (await connect(await newClient('Unlimited'), 'app-ceiling@example.com')).tokens!;
    expect(other.scope?.split(' ')).toContain('enclaves:write');

    // Its own access token lifetime, never above the workspace's.
    expect((await admin.decide(clientId, { access_token_ttl: 120 })).status).toBe(200);
    const short = (await connect(clientId, 'app-ceiling@example.com')).tokens!;
    expect(short.expires_in).toBeLessThanOrEqual(120);
  });

  it('blocking an approved app revokes its connections: the MCP server refuses its token within a second, refresh fails, new consents are refused', async () => {
    const admin = await team('app-block@example.com', 'app-block-member@example.com');
    const clientId = await newClient('Soon Blocked');
    const mine = (await connect(clientId, 'app-block@example.com')).tokens!;
    const theirs = (await connect(clientId, 'app-block-member@example.com', admin.workspace.name)).tokens!;
    // The member's personal workspace is another workspace: blocking here leaves it alone.
    const elsewhere = (await connect(clientId, 'app-block-member@example.com')).tokens!;
    expect((await callToolOverHttp(env.stack.mcpUrl, mine.access_token, 'mcp_whoami')).status).toBe(200);

    const blocked = await admin.decide(clientId, { status: 'blocked' });
    expect(blocked.status).toBe(200);
    expect((await json(blocked)).effects).toEqual({ revoked_connections: 2 });

    await untilMcpAnswers(mine.access_token, 401);
    await untilMcpAnswers(theirs.access_token, 401);
    expect((await callToolOverHttp(env.stack.mcpUrl, elsewhere.access_token, 'mcp_whoami')).status).toBe(200);
    for (const tokens of [mine, theirs]) {
      const answer = await refresh(clientId, tokens);
      expect(answer.status).toBe(400);
      expect((await json(answer)).error).toBe('invalid_grant');
    }
    const again = await connect(clientId, 'app-block@example.com');
    expect(again.refused).toContain(`${CLIENT_REFUSED}: ${clientId}`);
    const [listed] = (await admin.apps()).filter((a) => a.client_id === clientId);
    expect(listed).toMatchObject({ status: 'blocked', users: [] });
  });
});

describe('/api/v1/workspaces/:id/clients', () => {
  it('refuses bad input with what is wrong, another workspace as not found, and a change without CSRF proof', async () => {
    const admin = await team('apps-api@example.com', 'apps-api-member@example.com');
    const stranger = await team('apps-api-stranger@example.com');
    const clientId = await newClient('Checked');
    expect((await connect(clientId, 'apps-api@example.com')).tokens).toBeDefined();

    const cases: Array<[unknown, string]> = [
      [{ status: 'pending' }, 'cannot be put back to pending'],
      [{ status: 'maybe' }, 'status is "approved" or "blocked"'],
      [{ scope_ceiling: [] }, 'cannot be empty'],
      [{ scope_ceiling: ['enclaves:everything'] }, 'unknown scope "enclaves:everything"'],
      [{ access_token_ttl: 10 }, 'at least 60 seconds'],
      [{ access_token_ttl: 10 ** 9 }, 'at most'],
      [{ name: 'renamed' }, 'name'],
      ['approved', 'expected object'],
    ];
    for (const [body, message] of cases) {
      const response = await admin.decide(clientId, body as Record<string, unknown>);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json(response)).message).toContain(message);
    }

    const unknown = await admin.decide('never-seen-client', { status: 'approved' });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).message).toContain('No app with client ID never-seen-client');

    const otherWorkspace = `/api/v1/workspaces/${stranger.workspace.id}/clients`;
    expect((await admin.session.api('GET', otherWorkspace)).status).toBe(404);
    expect(
      (await admin.session.api('PATCH', `${otherWorkspace}/${clientId}`, { status: 'blocked' })).status,
    ).toBe(404);
    expect((await admin.session.api('GET', '/api/v1/workspaces/not-a-uuid/clients')).status).toBe(404);

    // A member is not an admin: the workspace does not exist for them here.
    const member = await signInToDashboard(env.stack.issuer, 'apps-api-member@example.com');
    expect((await member.api('GET', `/api/v1/workspaces/${admin.workspace.id}/clients`)).status).toBe(404);

    const noCsrf = await admin.decide(clientId, { status: 'blocked' }, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect((await admin.apps()).find((a) => a.client_id === clientId)?.status).toBe('approved');
  });

  it('a client ID metadata document used by two people is one app with two users; a registration that never asked is not listed', async () => {
    const admin = await team('apps-cimd@example.com', 'apps-cimd-member@example.com');
    const cli = `${env.stack.issuer}/clients/enclavia-cli`;
    await newClient('Never Asked');
    // The CLI's document allows loopback redirects on any port.
    const loopback = 'http://127.0.0.1:7013/callback';
    for (const email of ['apps-cimd@example.com', 'apps-cimd-member@example.com']) {
      const response = await authorizationCodeFlow(
        env.stack.issuer,
        { clientId: cli },
        { email, redirectUri: loopback, workspace: admin.workspace.name },
      );
      expect(response.status).toBe(200);
    }
    const apps = await admin.apps();
    expect(apps.map((a) => a.name)).toEqual(['Enclavia CLI']);
    expect(apps[0]).toMatchObject({ client_id: cli, identified_by: 'metadata_document', status: 'approved' });
    expect((apps[0]!.users as Array<{ email: string }>).map((u) => u.email).sort()).toEqual([
      'apps-cimd-member@example.com',
      'apps-cimd@example.com',
    ]);
  });
});

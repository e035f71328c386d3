import { performance } from 'node:perf_hooks';
import { disableUser } from '@enclavia/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationCode,
  authorizationCodeFlow,
  type TokenResponse,
  tokenRequest,
} from './support/flow.js';
import { callToolOverHttp, mcpRequestOverHttp } from './support/mcp-call.js';
import { type McpProcess, startMcpProcess } from './support/mcp-process.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { type ApiSession, signInToDashboard } from './support/web-session.js';

// Every control an admin or the authorization server has, against connections that exist: on
// PostgreSQL with a second MCP server process beside the in-process one, as replicas run.
// The reuse grace off, so a reused refresh token is theft at once (refresh-reuse.test.ts has it on).
const env = useStack({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });
let second: McpProcess | undefined;
/** Every MCP server of the deployment. */
let mcpUrls: string[];
const REDIRECT = 'http://127.0.0.1:7011/callback';
const DISABLED = 'MCP integration is disabled for this workspace';

beforeAll(async () => {
  mcpUrls = [env.stack.mcpUrl];
  if (env.database.kind === 'postgres') {
    second = await startMcpProcess({
      env: env.database.childEnv,
      issuer: env.stack.issuer,
      resource: env.stack.mcpUrl,
    });
    mcpUrls.push(second.url);
  }
});
afterAll(() => second?.stop());

const json = async (response: Response | Promise<Response>) =>
  // biome-ignore lint/suspicious/noExplicitAny: test responses.
  (await response).json() as Promise<any>;

interface Connection {
  clientId: string;
  tokens: TokenResponse;
}

/** A person signed in to the dashboard, administering their personal workspace. */
async function admin(email: string) {
  const session = await signInToDashboard(env.stack.issuer, email);
  const { workspaces } = await json(session.api('GET', '/api/v1/workspaces'));
  const workspaceId: string = workspaces[0].id;
  const setPolicy = async (change: Record<string, unknown>) => {
    const response = await session.api('PATCH', `/api/v1/workspaces/${workspaceId}/policy`, change);
    expect(response.status).toBe(200);
    return json(response);
  };
  return { session, workspaceId, setPolicy };
}

/** A client registered and approved by `email`, as an MCP client does it. */
async function connect(
  email: string,
  options: { scope?: string; redirectUri?: string; workspace?: string } = {},
): Promise<Connection> {
  const redirectUri = options.redirectUri ?? REDIRECT;
  const { client_id: clientId } = await registerClient(env.stack.issuer, redirectUri);
  const response = await authorizationCodeFlow(
    env.stack.issuer,
    { clientId },
    { email, redirectUri, ...options },
  );
  expect(response.status).toBe(200);
  return { clientId, tokens: (await response.json()) as TokenResponse };
}

function refresh(connection: Connection, refreshToken = connection.tokens.refresh_token!) {
  return tokenRequest(
    env.stack.issuer,
    { clientId: connection.clientId },
    { grant_type: 'refresh_token', refresh_token: refreshToken },
  );
}

/**
 * Calls `mcp_whoami` with `token` at every MCP server until each answers `status`; fails if one
 * still answers otherwise a second after the change. Returns the last answer of each.
 */
async function untilEveryServer(token: string, status: number): Promise<Response[]> {
  const start = performance.now();
  const answers: Response[] = [];
  for (const url of mcpUrls) {
    for (;;) {
      const response = await callToolOverHttp(url, token, 'mcp_whoami');
      if (response.status === status) {
        answers.push(response);
        break;
      }
      if (performance.now() - start > 1000) {
        throw new Error(`${url} still answers ${response.status}, not ${status}, a second after the change`);
      }
    }
  }
  return answers;
}

/** The tool names `token` sees at each MCP server, sorted. */
function toolsAtEveryServer(token: string): Promise<string[][]> {
  return Promise.all(
    mcpUrls.map(async (url) => {
      const { result } = await json(mcpRequestOverHttp(url, token, 'tools/list'));
      return (result.tools as Array<{ name: string }>).map((t) => t.name).sort();
    }),
  );
}

/** The tool names `token` sees at every MCP server; they must agree. */
async function toolNames(token: string): Promise<string[]> {
  const seen = await toolsAtEveryServer(token);
  for (const names of seen) expect(names).toEqual(seen[0]);
  return seen[0]!;
}

/** Waits until every MCP server's `tools/list` for `token` satisfies `done`; fails after a second. */
async function untilEveryServerLists(token: string, done: (names: string[]) => boolean): Promise<void> {
  const start = performance.now();
  while (!(await toolsAtEveryServer(token)).every(done)) {
    if (performance.now() - start > 1000) throw new Error('tools/list did not change within a second');
  }
}

async function lastRevocation(session: ApiSession, workspaceId: string) {
  const { events } = await json(
    session.api('GET', `/api/v1/workspaces/${workspaceId}/audit?action=grant.revoked`),
  );
  return events.find((e: { action: string }) => e.action === 'grant.revoked');
}

describe('a policy change reaches the connections that exist within a second', () => {
  it('MCP integration off refuses the workspace’s access tokens, personal access tokens, refreshes and new tokens; on again, they work as before', async () => {
    const ada = await admin('live-off@example.com');
    const app = await connect('live-off@example.com');
    const pat = await json(
      ada.session.api('POST', '/api/v1/tokens', {
        name: 'script',
        workspace_id: ada.workspaceId,
        scopes: ['enclaves:read'],
        expires_in_days: 7,
      }),
    );
    await untilEveryServer(app.tokens.access_token, 200);
    await untilEveryServer(pat.token, 200);

    await ada.setPolicy({ mcp_enabled: false });
    for (const bearer of [app.tokens.access_token, pat.token]) {
      for (const refused of await untilEveryServer(bearer, 401)) {
        expect(refused.headers.get('www-authenticate')).toContain(`error_description="${DISABLED}"`);
        expect(await refused.json()).toEqual({ error: 'invalid_token', error_description: DISABLED });
      }
    }
    const refreshed = await refresh(app);
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toEqual({ error: 'invalid_grant', error_description: DISABLED });
    const made = await ada.session.api('POST', '/api/v1/tokens', {
      name: 'another',
      workspace_id: ada.workspaceId,
      scopes: ['enclaves:read'],
      expires_in_days: 7,
    });
    expect(made.status).toBe(409);
    expect((await json(made)).message).toContain(DISABLED);

    // A switch, not a revocation: nothing has to reconnect.
    await ada.setPolicy({ mcp_enabled: true });
    await untilEveryServer(app.tokens.access_token, 200);
    await untilEveryServer(pat.token, 200);
    const again = await refresh(app);
    expect(again.status).toBe(200);
    await untilEveryServer(((await again.json()) as TokenResponse).access_token, 200);
  });

  it('a lower ceiling narrows tools/list, calls and refreshes at once; raising it gives back what was approved, never more', async () => {
    const bea = await admin('live-ceiling@example.com');
    const full = await connect('live-ceiling@example.com');
    const readOnly = await connect('live-ceiling@example.com', { scope: 'enclaves:read' });
    expect(await toolNames(full.tokens.access_token)).toContain('enclave_create');

    await bea.setPolicy({ scope_ceiling: ['enclaves:read'] });
    await untilEveryServerLists(full.tokens.access_token, (names) =>
      names.every((n) => !/create|stop|destroy/.test(n)),
    );
    expect(await toolNames(full.tokens.access_token)).toEqual([
      'enclave_list',
      'enclave_logs',
      'enclave_status',
      'mcp_whoami',
    ]);
    for (const url of mcpUrls) {
      const call = await callToolOverHttp(url, full.tokens.access_token, 'enclave_create', {
        image: 'nginx:1',
      });
      expect(call.status).toBe(403);
      expect(call.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    }
    const refreshed = (await (await refresh(full)).json()) as TokenResponse;
    expect(refreshed.scope).toBe('enclaves:read');

    await bea.setPolicy({ scope_ceiling: ['enclaves:read', 'enclaves:write', 'enclaves:destroy'] });
    await untilEveryServerLists(full.tokens.access_token, (names) => names.includes('enclave_destroy'));
    // The refreshed token carries the scopes of its refresh token's grant; the ceiling decides again.
    expect((await json(refresh(full, refreshed.refresh_token))).scope).toBe(
      'enclaves:read enclaves:write enclaves:destroy',
    );
    expect(await toolNames(readOnly.tokens.access_token)).toEqual([
      'enclave_list',
      'enclave_logs',
      'enclave_status',
      'mcp_whoami',
    ]);
    expect((await json(refresh(readOnly))).scope).toBe('enclaves:read');
  });

  it('taking a client ID off the allowlist revokes its connections and keeps the others', async () => {
    const cat = await admin('live-client@example.com');
    const kept = await connect('live-client@example.com');
    const dropped = await connect('live-client@example.com');

    const { effects } = await cat.setPolicy({ allowed_client_ids: [kept.clientId] });
    expect(effects).toEqual({ revoked_apps: 1, revoked_tokens: 0 });
    await untilEveryServer(dropped.tokens.access_token, 401);
    expect((await json(refresh(dropped))).error).toBe('invalid_grant');
    await untilEveryServer(kept.tokens.access_token, 200);
    expect((await refresh(kept)).status).toBe(200);
    expect(await lastRevocation(cat.session, cat.workspaceId)).toMatchObject({
      actor: 'live-client@example.com',
      clientId: dropped.clientId,
      after: { source: 'policy', detail: 'client ID no longer allowed' },
    });
  });

  it('taking a redirect URI off the allowlist revokes the connections that used it', async () => {
    const dee = await admin('live-redirect@example.com');
    const claude = 'https://claude.ai/api/mcp/auth_callback';
    const local = await connect('live-redirect@example.com');
    const hosted = await connect('live-redirect@example.com', { redirectUri: claude });

    const { effects } = await dee.setPolicy({ allowed_redirect_uris: [claude] });
    expect(effects.revoked_apps).toBe(1);
    await untilEveryServer(local.tokens.access_token, 401);
    expect((await json(refresh(local))).error).toBe('invalid_grant');
    await untilEveryServer(hosted.tokens.access_token, 200);
    expect(await lastRevocation(dee.session, dee.workspaceId)).toMatchObject({
      clientId: local.clientId,
      after: { source: 'policy', detail: 'redirect URI no longer allowed' },
    });
  });
});

describe('every revocation reaches every MCP server within a second, and is in the audit log', () => {
  /** Connects a client, revokes it the given way, and checks what its user and admins would see. */
  async function connectedApps(session: ApiSession): Promise<string[]> {
    const { grants } = await json(session.api('GET', '/api/v1/grants'));
    return grants.map((g: { clientId: string }) => g.clientId);
  }

  async function revokedBy(
    email: string,
    revoke: (connection: Connection, who: Awaited<ReturnType<typeof admin>>) => Promise<void>,
    source: string,
  ) {
    const who = await admin(email);
    const connection = await connect(email);
    await untilEveryServer(connection.tokens.access_token, 200);
    await revoke(connection, who);
    await untilEveryServer(connection.tokens.access_token, 401);
    expect((await json(refresh(connection))).error).toBe('invalid_grant');
    expect(await connectedApps(who.session)).not.toContain(connection.clientId);
    expect(await lastRevocation(who.session, who.workspaceId)).toMatchObject({
      clientId: connection.clientId,
      after: { source },
    });
  }

  it('the app revoking its own refresh token (RFC 7009)', async () => {
    await revokedBy(
      'src-client@example.com',
      async ({ clientId, tokens }) => {
        const response = await fetch(`${env.stack.issuer}/revoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            token: tokens.refresh_token!,
            token_type_hint: 'refresh_token',
            client_id: clientId,
          }),
        });
        expect(response.status).toBe(200);
      },
      'client',
    );
  });

  it('a used refresh token presented again: someone else holds a copy, so the connection ends', async () => {
    const who = await admin('src-reuse@example.com');
    const connection = await connect('src-reuse@example.com');
    const thief = (await (await refresh(connection)).json()) as TokenResponse;
    await untilEveryServer(thief.access_token, 200);
    expect((await json(refresh(connection))).error).toBe('invalid_grant');
    // The access token the first use issued dies too, and so does its refresh token.
    await untilEveryServer(thief.access_token, 401);
    expect((await json(refresh(connection, thief.refresh_token))).error).toBe('invalid_grant');
    expect(await connectedApps(who.session)).not.toContain(connection.clientId);
    expect(await lastRevocation(who.session, who.workspaceId)).toMatchObject({
      clientId: connection.clientId,
      after: { source: 'refresh_token_reuse' },
    });
  });

  it('a reused refresh token is answered invalid_grant every time, never a server error', async () => {
    // oidc-provider deletes the grant's rows model by model at once; on PostgreSQL those run on
    // separate connections and could deadlock into a 500 unless serialized per grant (lockGrants).
    const { client_id: clientId } = await registerClient(env.stack.issuer, REDIRECT);
    for (let round = 0; round < 30; round++) {
      const response = await authorizationCodeFlow(
        env.stack.issuer,
        { clientId },
        { email: 'src-reuse-rounds@example.com', redirectUri: REDIRECT },
      );
      const connection: Connection = { clientId, tokens: (await response.json()) as TokenResponse };
      expect((await refresh(connection)).status).toBe(200);
      const replay = await refresh(connection);
      expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('an authorization code redeemed twice (RFC 9700 §4.5)', async () => {
    const who = await admin('src-code@example.com');
    const { client_id: clientId } = await registerClient(env.stack.issuer, REDIRECT);
    const { code, redeem } = await authorizationCode(
      env.stack.issuer,
      { clientId },
      { email: 'src-code@example.com', redirectUri: REDIRECT },
    );
    const first = (await (await redeem(code)).json()) as TokenResponse;
    await untilEveryServer(first.access_token, 200);
    expect((await json(redeem(code))).error).toBe('invalid_grant');
    await untilEveryServer(first.access_token, 401);
    expect((await json(refresh({ clientId, tokens: first }))).error).toBe('invalid_grant');
    expect(await connectedApps(who.session)).not.toContain(clientId);
    expect(await lastRevocation(who.session, who.workspaceId)).toMatchObject({
      clientId,
      after: { source: 'code_replay' },
    });
  });

  it('its user, in the dashboard or the API', async () => {
    await revokedBy(
      'src-user@example.com',
      async ({ clientId }, { session }) => {
        const { grants } = await json(session.api('GET', '/api/v1/grants'));
        const grant = grants.find((g: { clientId: string }) => g.clientId === clientId);
        expect((await session.api('DELETE', `/api/v1/grants/${grant.id}`)).status).toBe(204);
      },
      'user',
    );
  });

  it('an admin removing the member who connected it', async () => {
    const owner = await admin('src-owner@example.com');
    const { workspaces } = await json(owner.session.api('GET', '/api/v1/workspaces'));
    await owner.session.api('POST', `/api/v1/workspaces/${owner.workspaceId}/members`, {
      email: 'src-member@example.com',
      role: 'member',
    });
    const member = await signInToDashboard(env.stack.issuer, 'src-member@example.com');
    const connection = await connect('src-member@example.com', { workspace: workspaces[0].name });
    await untilEveryServer(connection.tokens.access_token, 200);
    const removed = await owner.session.api(
      'DELETE',
      `/api/v1/workspaces/${owner.workspaceId}/members/${member.userId}`,
    );
    expect(removed.status).toBe(204);
    await untilEveryServer(connection.tokens.access_token, 401);
    expect((await json(refresh(connection))).error).toBe('invalid_grant');
    expect(await lastRevocation(owner.session, owner.workspaceId)).toMatchObject({
      actor: 'src-owner@example.com',
      subject: 'src-member@example.com',
      clientId: connection.clientId,
      after: { source: 'member_removed' },
    });
  });

  it('an operator disabling its user', async () => {
    const who = await admin('src-disabled@example.com');
    const connection = await connect('src-disabled@example.com');
    await untilEveryServer(connection.tokens.access_token, 200);
    await disableUser(env.database.db, { email: 'src-disabled@example.com', accessTokenTtl: 900 });
    await untilEveryServer(connection.tokens.access_token, 401);
    expect((await json(refresh(connection))).error).toBe('invalid_grant');
    // The user's own session is gone; the audit log stays for the workspace's other admins.
    expect((await who.session.api('GET', '/api/v1/grants')).status).toBe(401);
  });
});

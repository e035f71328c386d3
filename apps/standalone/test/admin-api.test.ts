import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from './support/stack.js';
import { type ApiSession, signInToDashboard } from './support/web-session.js';

const env = useStack();
let alice: ApiSession;
let bob: ApiSession;
let aliceWs: string;
let bobWs: string;

async function personalWorkspace(session: ApiSession): Promise<string> {
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string; role: string }>;
  };
  return workspaces[0]!.id;
}

beforeAll(async () => {
  alice = await signInToDashboard(env.stack.issuer, 'alice@example.com');
  bob = await signInToDashboard(env.stack.issuer, 'bob@example.com');
  aliceWs = await personalWorkspace(alice);
  bobWs = await personalWorkspace(bob);
});

// biome-ignore lint/suspicious/noExplicitAny: test assertions read whatever the API answered.
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();
const body = async (r: Response) => (await r.json()) as { error: string; message: string };

describe('the admin API', () => {
  it('needs a signed-in session', async () => {
    const response = await fetch(`${env.stack.issuer}/api/v1/workspaces`);
    expect(response.status).toBe(401);
    expect(await body(response)).toMatchObject({ error: 'unauthorized' });
  });

  it('starts a workspace with the contract defaults, and changes and audits the policy', async () => {
    const initial = await json(alice.api('GET', `/api/v1/workspaces/${aliceWs}/policy`));
    expect(initial.policy).toEqual({
      mcp_enabled: true,
      allowed_redirect_uris: [
        'https://claude.ai/api/mcp/auth_callback',
        'https://claude.com/api/mcp/auth_callback',
        'http://localhost/callback',
        'http://localhost/oauth/callback',
      ],
      allowed_client_ids: [],
      scope_ceiling: ['enclaves:read', 'enclaves:write', 'enclaves:destroy', 'audit:read'],
      personal_access_tokens_enabled: true,
      access_token_ttl: null,
      refresh_token_ttl: null,
      refresh_tokens_enabled: true,
      enterprise_idp_issuer: null,
      enterprise_jit_membership: false,
      enterprise_email_domain: null,
      unknown_clients: 'allow',
    });
    const changed = await alice.api('PATCH', `/api/v1/workspaces/${aliceWs}/policy`, {
      scope_ceiling: ['enclaves:read'],
    });
    expect(changed.status).toBe(200);
    expect((await json(changed)).policy.scope_ceiling).toEqual(['enclaves:read']);
    const { events } = await json(alice.api('GET', `/api/v1/workspaces/${aliceWs}/audit`));
    // Only what changed, in the API's names.
    expect(events[0]).toMatchObject({
      actor: 'alice@example.com',
      action: 'policy.updated',
      before: { scope_ceiling: ['enclaves:read', 'enclaves:write', 'enclaves:destroy', 'audit:read'] },
      after: { scope_ceiling: ['enclaves:read'] },
    });
    expect(Object.keys(events[0].after)).toEqual(['scope_ceiling']);
  });

  it("takes an app's own scheme as an allowed redirect URI, exactly as written", async () => {
    const cursor = 'cursor://anysphere.cursor-mcp/oauth/callback';
    const changed = await alice.api('PATCH', `/api/v1/workspaces/${aliceWs}/policy`, {
      allowed_redirect_uris: [cursor, 'https://claude.ai/api/mcp/auth_callback'],
    });
    expect(changed.status).toBe(200);
    expect((await json(changed)).policy.allowed_redirect_uris).toEqual([
      cursor,
      'https://claude.ai/api/mcp/auth_callback',
    ]);
  });

  describe('refuses bad input with a message that says what is wrong', () => {
    it.each([
      [{ allowed_redirect_uris: ['not a uri'] }, '"not a uri" is not a valid URI'],
      [{ allowed_redirect_uris: ['http://evil.example/cb'] }, 'http is only for localhost'],
      [{ allowed_redirect_uris: ['javascript:alert(1)'] }, 'the javascript: scheme cannot be a redirect URI'],
      [{ allowed_redirect_uris: ['data:text/html,x'] }, 'the data: scheme cannot be a redirect URI'],
      [{ allowed_redirect_uris: ['https://app.example/cb#x'] }, 'must not have a fragment'],
      [{ allowed_client_ids: ['has space'] }, 'contains whitespace'],
      [{ allowed_client_ids: ['http://insecure.example/client.json'] }, 'must be https'],
      [{ scope_ceiling: [] }, 'the scope ceiling cannot be empty'],
      [{ scope_ceiling: ['enclaves:fly'] }, 'unknown scope "enclaves:fly"'],
      [{ mcp_enabled: 'yes' }, 'mcp_enabled'],
      [{ access_token_ttl: 30 }, 'access_token_ttl must be at least 60 seconds'],
      [{ access_token_ttl: 7200 }, "access_token_ttl can be at most 900 seconds, the server's own lifetime"],
      [{ refresh_token_ttl: 'a day' }, 'refresh_token_ttl must be a number of seconds'],
      [{ colour: 'blue' }, 'colour'],
    ])('PATCH policy %j', async (input, message) => {
      const response = await alice.api('PATCH', `/api/v1/workspaces/${aliceWs}/policy`, input);
      expect(response.status).toBe(400);
      const error = await body(response);
      expect(error.error).toBe('invalid_request');
      expect(error.message).toContain(message);
    });

    it.each([
      [{ email: 'not-an-email' }, 'enter a valid email address'],
      [{ email: 'x@example.com', role: 'owner' }, 'role must be "admin" or "member"'],
    ])('POST members %j', async (input, message) => {
      const response = await alice.api('POST', `/api/v1/workspaces/${aliceWs}/members`, input);
      expect(response.status).toBe(400);
      expect((await body(response)).message).toContain(message);
    });

    it('PATCH a member with a bad role, or a member that does not exist', async () => {
      const bad = await alice.api('PATCH', `/api/v1/workspaces/${aliceWs}/members/${alice.userId}`, {
        role: 'owner',
      });
      expect(bad.status).toBe(400);
      const missing = await alice.api('PATCH', `/api/v1/workspaces/${aliceWs}/members/${bob.userId}`, {
        role: 'admin',
      });
      expect(missing.status).toBe(404);
      const malformed = await alice.api('DELETE', `/api/v1/workspaces/${aliceWs}/members/not-a-uuid`);
      expect(malformed.status).toBe(404);
    });

    it('DELETE an invitation that does not exist', async () => {
      const response = await alice.api(
        'DELETE',
        `/api/v1/workspaces/${aliceWs}/invitations/nobody@example.com`,
      );
      expect(response.status).toBe(404);
    });

    it('a workspace left without an admin', async () => {
      const response = await alice.api('PATCH', `/api/v1/workspaces/${aliceWs}/members/${alice.userId}`, {
        role: 'member',
      });
      expect(response.status).toBe(409);
      expect((await body(response)).message).toBe('A workspace must keep at least one admin.');
    });
  });

  const routes: Array<[string, string, unknown?]> = [
    ['GET', 'policy'],
    ['PATCH', 'policy', { mcp_enabled: false }],
    ['GET', 'members'],
    ['POST', 'members', { email: 'eve@example.com' }],
    ['PATCH', 'members/USER', { role: 'member' }],
    ['DELETE', 'members/USER'],
    ['DELETE', 'invitations/eve@example.com'],
    ['GET', 'audit'],
  ];
  const path = (ws: string, route: string, user: string) =>
    `/api/v1/workspaces/${ws}/${route.replace('USER', user)}`;

  it.each(routes)(
    'answers %s %s of another workspace with 404, and changes nothing',
    async (method, route, input) => {
      const response = await alice.api(method, path(bobWs, route, bob.userId), input);
      expect(response.status).toBe(404);
      const policy = await json(bob.api('GET', `/api/v1/workspaces/${bobWs}/policy`));
      expect(policy.policy.mcp_enabled).toBe(true);
    },
  );

  it.each(routes.filter(([m]) => m !== 'GET'))(
    'refuses %s %s without CSRF proof',
    async (method, route, input) => {
      for (const csrf of [false, 'forged-token'] as const) {
        const response = await alice.api(method, path(aliceWs, route, alice.userId), input, { csrf });
        expect(response.status).toBe(403);
        expect((await body(response)).error).toBe('csrf_failed');
      }
    },
  );

  it('invites by email: the membership starts at first sign-in, as the role given', async () => {
    const invited = await alice.api('POST', `/api/v1/workspaces/${aliceWs}/members`, {
      email: 'Carol@Example.com',
    });
    expect(invited.status).toBe(202);
    const carol = await signInToDashboard(env.stack.issuer, 'carol@example.com');
    const { workspaces } = await json(carol.api('GET', '/api/v1/workspaces'));
    expect(workspaces).toContainEqual(expect.objectContaining({ id: aliceWs, role: 'member' }));
    // A member is not an admin: the workspace does not exist for her admin API.
    expect((await carol.api('GET', `/api/v1/workspaces/${aliceWs}/policy`)).status).toBe(404);

    const members = await json(alice.api('GET', `/api/v1/workspaces/${aliceWs}/members`));
    expect(members.members.map((m: { email: string }) => m.email).sort()).toEqual([
      'alice@example.com',
      'carol@example.com',
    ]);
    const promoted = await alice.api('PATCH', `/api/v1/workspaces/${aliceWs}/members/${carol.userId}`, {
      role: 'admin',
    });
    expect(promoted.status).toBe(200);
    expect((await carol.api('GET', `/api/v1/workspaces/${aliceWs}/policy`)).status).toBe(200);
    const { events } = await json(alice.api('GET', `/api/v1/workspaces/${aliceWs}/audit`));
    expect(events.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['member.invited', 'member.joined', 'member.role_changed']),
    );
  });
});

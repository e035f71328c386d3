import { beforeAll, expect, it } from 'vitest';
import { browserFetch, CookieJar } from './support/consent.js';
import { authorizationCodeFlow } from './support/flow.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { type ApiSession, signInToDashboard } from './support/web-session.js';

// The Apps section of /admin/workspaces/:id as forms over HTTP: CSRF, other people's workspaces,
// an app's limits refused with what was typed kept, and the policy's "Unknown apps" select.
const ctx = useStack();
const ADMIN = 'carol@example.com';
const REDIRECT = 'http://127.0.0.1:7021/callback';
const jar = new CookieJar();
let session: ApiSession;
let workspaceId: string;
let clientId: string;

beforeAll(async () => {
  session = await signInToDashboard(ctx.stack.issuer, ADMIN, jar);
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  workspaceId = workspaces[0]!.id;
  // The admin connects an app: on `allow` it is listed as approved.
  ({ client_id: clientId } = await registerClient(ctx.stack.issuer, REDIRECT, {
    client_name: 'Limits probe',
  }));
  const token = await authorizationCodeFlow(
    ctx.stack.issuer,
    { clientId },
    { redirectUri: REDIRECT, email: ADMIN },
  );
  expect(token.status).toBe(200);
});

const settingsPath = () => `/admin/workspaces/${workspaceId}`;

async function open(path = settingsPath()): Promise<{ status: number; page: string; csrf: string }> {
  const response = await browserFetch(jar, new URL(path, ctx.stack.issuer));
  const page = await response.text();
  return { status: response.status, page, csrf: page.match(/name="csrf" value="([^"]+)"/)?.[1] ?? '' };
}

/** Submits a form of the admin pages as the browser would; `csrf: false` leaves the token out. */
async function submit(path: string, fields: Array<[string, string]>, { csrf = true } = {}) {
  const body = new URLSearchParams(fields);
  if (csrf) body.set('csrf', (await open()).csrf);
  const response = await browserFetch(jar, new URL(path, ctx.stack.issuer), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: response.status, location: response.headers.get('location'), page: await response.text() };
}

const listed = async () => {
  const { clients } = (await (
    await session.api('GET', `/api/v1/workspaces/${workspaceId}/clients`)
  ).json()) as {
    clients: Array<{
      client_id: string;
      status: string;
      scope_ceiling: string[] | null;
      access_token_ttl: number | null;
    }>;
  };
  return clients.find((c) => c.client_id === clientId)!;
};

/** The checkbox `value` of the Limits form on `page`, and whether it is ticked. */
const limitsTick = (page: string, value: string) => {
  const form =
    page.match(/<form method="post" action="[^"]+\/apps\/limits#[^"]*"[^>]*>([\s\S]*?)<\/form>/)?.[1] ?? '';
  const box = form.match(
    new RegExp(`<input type="checkbox" name="scope_ceiling" value="${value}"( checked)?>`),
  );
  return box ? (box[1] ? 'ticked' : 'unticked') : 'absent';
};

it('the approved app is listed with what identifies it, and a Limits form', async () => {
  const { page } = await open();
  expect(page).toContain('<h2 id="apps">Apps</h2>');
  expect(page).toContain('Limits probe');
  expect(page).toContain(`<code>${clientId}</code>`);
  expect(page).toContain('Dynamic registration');
  expect(page).toContain(`${ADMIN}: 1 connection`);
  expect(page).toContain('Save limits');
  expect(limitsTick(page, 'enclaves:write')).toBe('ticked');
});

it('a form without its CSRF token is refused and changes nothing', async () => {
  const blocked = await submit(
    `${settingsPath()}/apps/block`,
    [
      ['client_id', clientId],
      ['confirm', 'yes'],
    ],
    {
      csrf: false,
    },
  );
  expect(blocked.status).toBe(403);
  expect(blocked.page).toContain('CSRF check failed');
  expect((await listed()).status).toBe('approved');
});

it("another workspace's id, or an app never seen, is not found", async () => {
  const other = await signInToDashboard(ctx.stack.issuer, 'dave@example.com');
  const { workspaces } = (await (await other.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  for (const action of ['approve', 'block', 'limits']) {
    const response = await submit(`/admin/workspaces/${workspaces[0]!.id}/apps/${action}`, [
      ['client_id', clientId],
      ['confirm', 'yes'],
    ]);
    expect(response.status).toBe(404);
  }
  const unknown = await submit(`${settingsPath()}/apps/block`, [['client_id', 'no-such-client']]);
  expect(unknown.status).toBe(404);
  expect((await listed()).status).toBe('approved');
});

it('limits above the workspace ceiling are refused at their form, the ticks and lifetimes kept', async () => {
  const lowered = await session.api('PATCH', `/api/v1/workspaces/${workspaceId}/policy`, {
    scope_ceiling: ['enclaves:read', 'enclaves:write'],
  });
  expect(lowered.status).toBe(200);
  const refused = await submit(`${settingsPath()}/apps/limits`, [
    ['client_id', clientId],
    ['scope_ceiling', 'enclaves:read'],
    ['scope_ceiling', 'enclaves:destroy'],
    ['access_token_ttl', '600'],
    ['refresh_token_ttl', ''],
  ]);
  expect(refused.status).toBe(400);
  expect(refused.page).toContain('The limits were not saved');
  expect(refused.page).toContain('enclaves:destroy is above the workspace&#39;s scope ceiling');
  expect(limitsTick(refused.page, 'enclaves:read')).toBe('ticked');
  expect(limitsTick(refused.page, 'enclaves:destroy')).toBe('ticked');
  expect(limitsTick(refused.page, 'enclaves:write')).toBe('unticked');
  expect(refused.page).toMatch(/<option value="600" selected>10 minutes<\/option>/);
  expect((await listed()).scope_ceiling).toBeNull();

  // Nothing ticked is refused too, and said in words.
  const empty = await submit(`${settingsPath()}/apps/limits`, [['client_id', clientId]]);
  expect(empty.status).toBe(400);
  expect(empty.page).toContain('The scope ceiling cannot be empty');
});

it('limits within the workspace are saved, and shown', async () => {
  const saved = await submit(`${settingsPath()}/apps/limits`, [
    ['client_id', clientId],
    ['scope_ceiling', 'enclaves:read'],
    ['access_token_ttl', '600'],
    ['refresh_token_ttl', ''],
  ]);
  expect(saved.status).toBe(303);
  expect(saved.location).toBe(`${settingsPath()}?done=app_limits#apps`);
  expect(await listed()).toMatchObject({ scope_ceiling: ['enclaves:read'], access_token_ttl: 600 });
  const { page } = await open(`${settingsPath()}?done=app_limits`);
  expect(page).toContain('Limits saved.');
  expect(limitsTick(page, 'enclaves:read')).toBe('ticked');
  expect(limitsTick(page, 'enclaves:write')).toBe('unticked');
  // The audit log says it in words; an empty limit is the workspace's.
  const audit = (await open(`${settingsPath()}/audit`)).page;
  expect(audit).toContain('App limits changed');
  expect(audit).toContain('Scope ceiling: the workspace&#39;s → enclaves:read');
  expect(audit).toContain('Access token lifetime: the workspace&#39;s → 600');

  // Every scope of the workspace ticked: the app follows the workspace's ceiling again.
  await submit(`${settingsPath()}/apps/limits`, [
    ['client_id', clientId],
    ['scope_ceiling', 'enclaves:read'],
    ['scope_ceiling', 'enclaves:write'],
    ['access_token_ttl', ''],
    ['refresh_token_ttl', ''],
  ]);
  expect(await listed()).toMatchObject({ scope_ceiling: null, access_token_ttl: null });
});

it('"Unknown apps" is saved with the policy and shown; a value it does not know is refused at the field', async () => {
  const policyForm = (unknown: string): Array<[string, string]> => [
    ['mcp_enabled', 'on'],
    ['allowed_redirect_uris', 'http://localhost/callback'],
    ['allowed_client_ids', ''],
    ['scope_ceiling', 'enclaves:read'],
    ['scope_ceiling', 'enclaves:write'],
    ['personal_access_tokens_enabled', 'on'],
    ['access_token_ttl', ''],
    ['refresh_token_ttl', ''],
    ['refresh_tokens_enabled', 'on'],
    ['unknown_clients', unknown],
  ];
  const saved = await submit(`${settingsPath()}/policy`, policyForm('block'));
  expect(saved.status).toBe(303);
  const { policy } = (await (
    await session.api('GET', `/api/v1/workspaces/${workspaceId}/policy`)
  ).json()) as {
    policy: { unknown_clients: string };
  };
  expect(policy.unknown_clients).toBe('block');
  const { page } = await open();
  expect(page).toMatch(/<label for="unknown_clients">Unknown apps<\/label>/);
  expect(page).toMatch(/<option value="block" selected>Block: only apps approved here<\/option>/);

  const refused = await submit(`${settingsPath()}/policy`, policyForm('maybe'));
  expect(refused.status).toBe(400);
  expect(refused.page).toContain(
    'Unknown_clients is &quot;allow&quot;, &quot;ask&quot; or &quot;block&quot;.',
  );
  expect(refused.page).toMatch(/id="unknown_clients-error"/);
  // Another field refused: the choice made here is kept.
  const kept = await submit(`${settingsPath()}/policy`, [
    ...policyForm('ask').filter(([k]) => k !== 'allowed_redirect_uris'),
    ['allowed_redirect_uris', 'not a uri'],
  ]);
  expect(kept.status).toBe(400);
  expect(kept.page).toMatch(/<option value="ask" selected>Ask: an admin approves each new app<\/option>/);
  // The rest of what was typed is kept: the one redirect URI.
  expect(refused.page).toMatch(
    /<textarea id="allowed_redirect_uris"[^>]*>http:\/\/localhost\/callback<\/textarea>/,
  );
});

it('Approve an app the allowed client IDs leave out is refused on the page, saying where to add it', async () => {
  const policy = `/api/v1/workspaces/${workspaceId}/policy`;
  expect((await session.api('PATCH', policy, { allowed_client_ids: ['another-client'] })).status).toBe(200);
  const { page } = await open();
  expect(page).toMatch(/<strong>Blocked<\/strong>/);
  const refused = await submit(`${settingsPath()}/apps/approve`, [['client_id', clientId]]);
  expect(refused.status).toBe(400);
  expect(refused.page).toMatch(/role="alert">This workspace allows only the client IDs on its list/);
  expect(refused.page).toContain('add it there to approve it');
  expect((await listed()).status).toBe('blocked');
  await session.api('PATCH', policy, { allowed_client_ids: [] });
});

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from './support/consent.js';
import { authorizationRequest } from './support/flow.js';
import { registerClient } from './support/register.js';
import { type Route, routesOf } from './support/routes.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

/**
 * Generated malformed input to every route of both services, signed in and not: whatever arrives,
 * the answer is never a 5xx and both services keep answering. Every route gets its share of runs.
 * Bounded and reproducible: a fixed seed (FUZZ_SEED to try another) and a fixed number of runs per
 * route (FUZZ_RUNS).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 25);
const EMAIL = 'fuzz@example.com';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

const context = useStack({ env: { INSTANCE_ADMINS: EMAIL } });

/** oidc-provider's routes, which Fastify's route table does not hold (they are handed over in a hook). */
const PROVIDER_ROUTES: Route[] = [
  { method: 'GET', url: '/authorize' },
  { method: 'POST', url: '/authorize' },
  { method: 'POST', url: '/token' },
  { method: 'POST', url: '/register' },
  { method: 'OPTIONS', url: '/register' },
  { method: 'GET', url: '/register/:id' },
  { method: 'POST', url: '/revoke' },
  { method: 'GET', url: '/jwks' },
  { method: 'GET', url: '/session/end' },
  { method: 'POST', url: '/session/end/confirm' },
  { method: 'GET', url: '/session/end/success' },
  { method: 'GET', url: '/.well-known/openid-configuration' },
  { method: 'GET', url: '/.well-known/oauth-authorization-server' },
];

/** The names our routes and oidc-provider read, so generated input reaches past "unknown field". */
const FIELDS = [
  ...['state', 'return_to', 'email', 'decision', 'scope', 'workspace', 'name', 'workspace_id', 'scopes'],
  ...['expires_in_days', 'mcp_enabled', 'allowed_redirect_uris', 'allowed_client_ids', 'scope_ceiling'],
  ...['access_token_ttl', 'refresh_token_ttl', 'refresh_tokens_enabled', 'personal_access_tokens_enabled'],
  ...['role', 'client_id', 'redirect_uri', 'response_type', 'code_challenge', 'code_challenge_method'],
  ...['grant_type', 'code', 'code_verifier', 'refresh_token', 'token', 'token_type_hint', 'client_name'],
  ...['redirect_uris', 'application_type', 'token_endpoint_auth_method', 'grant_types', 'jwks_uri'],
  ...['login_hint', 'ui_locales', 'dpop_jkt', 'resource', 'prompt', 'since', 'before', 'limit', 'action'],
  ...['member', 'client', 'done', 'revoked', 'tokens', 'id_token_hint', 'post_logout_redirect_uri'],
  ...['logout', 'xsrf', 'error', 'jsonrpc', 'method', 'params', 'id', '__proto__', 'constructor'],
];

const NASTY = [
  '\u0000',
  'a\u0000b',
  '\r\n',
  '/\r\nSet-Cookie: x=y',
  '\t',
  '/\t/evil.example',
  '\u007f',
  '\u2028',
  '\uD800',
  '%00',
  '%',
  '%zz',
  '..',
  '../../etc/passwd',
  '//evil.example',
  '\\\\evil.example',
  '',
  ' ',
  'null',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  '[]',
  '{}',
  '00000000-0000-0000-0000-000000000000',
  'javascript:alert(1)',
  'http://127.0.0.1:9/callback',
  'https://example.com/cimd.json',
  'enclaves:read',
  'enclaves:write openid offline_access',
  'approve',
  'admin',
  'x'.repeat(5000),
];

/** Any text with one C0 control or DEL somewhere in it, NUL (what PostgreSQL refuses) as often as all others. */
const withControl = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.oneof(fc.constant(0), fc.constantFrom(...[...Array(32).keys(), 127])),
    fc.string({ maxLength: 8 }),
  )
  .map(([before, code, after]) => `${before}${String.fromCharCode(code)}${after}`);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: withControl },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string() },
);
const field = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: text });
const jsonValue = fc.oneof(
  { weight: 4, arbitrary: text },
  fc.array(text, { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(field, text, { maxKeys: 3 }),
);

/** Percent-encodes every UTF-8 byte, so any string (a lone surrogate too) travels as it is. */
function encode(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

const pairs = fc.array(fc.tuple(field, text), { maxLength: 6 });
const query = fc.oneof(
  pairs.map((p) => p.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')),
  fc.constantFrom('%', '%E0%A4%A', 'a=%FF%FE', '&&==&', 'a[b]=1&a[c][d]=2', 'x'.repeat(3000)),
);

type Body = { type?: string; body: string };
const body: fc.Arbitrary<Body | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .dictionary(field, jsonValue, { maxKeys: 6 })
    .map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
  fc.jsonValue().map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
  pairs.map((p) => ({
    type: 'application/x-www-form-urlencoded',
    body: p.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'),
  })),
  fc.record({
    type: fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/octet-stream',
    ),
    body: fc.oneof(fc.string(), fc.constantFrom('{', '{"a":', '[]', 'null', '%', '--x\r\n', '\u0000')),
  }),
);

/** JSON-RPC that reaches the MCP tools, with malformed parts. */
const TOOLS = [
  'mcp_whoami',
  'enclave_list',
  'enclave_status',
  'enclave_logs',
  'enclave_stop',
  'audit_log_list',
];
const mcpBody: fc.Arbitrary<Body> = fc
  .record({
    jsonrpc: fc.oneof({ weight: 4, arbitrary: fc.constant('2.0') }, jsonValue),
    id: fc.oneof({ weight: 3, arbitrary: fc.integer() }, text, fc.constant(null)),
    method: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('tools/call', 'tools/list', 'initialize', 'ping') },
      text,
    ),
    params: fc.oneof(
      fc.record({
        name: fc.oneof(fc.constantFrom(...TOOLS), text),
        arguments: fc.oneof(fc.constant({}), fc.dictionary(field, jsonValue, { maxKeys: 3 })),
      }),
      jsonValue,
    ),
  })
  .map((v) => ({ type: 'application/json', body: JSON.stringify(v) }));

/** A well-formed `tools/call` whose arguments alone are generated: what reaches the tools' own code. */
const toolCall: fc.Arbitrary<Body> = fc
  .record({
    name: fc.constantFrom(...TOOLS),
    arguments: fc.oneof(
      { weight: 2, arbitrary: fc.constant({}) },
      fc.dictionary(fc.constantFrom('id', 'since', 'limit', 'action', 'member', 'client'), jsonValue, {
        maxKeys: 2,
      }),
    ),
  })
  .map((params) => ({
    type: 'application/json',
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params }),
  }));

interface Credentials {
  jar: CookieJar;
  csrf: string;
  workspaceId: string;
  interactionUid: string;
  pat: string;
}
let signedIn: Credentials;

beforeAll(async () => {
  const { issuer } = context.stack;
  const jar = new CookieJar();
  const api = await signInToDashboard(issuer, EMAIL, jar);
  const session = (await (await api.api('GET', '/api/v1/session')).json()) as { csrf_token: string };
  const { workspaces } = (await (await api.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const workspaceId = workspaces[0]!.id;
  const created = await api.api('POST', '/api/v1/tokens', {
    name: 'fuzz',
    workspace_id: workspaceId,
    scopes: ['enclaves:read', 'enclaves:write'],
    expires_in_days: 7,
  });
  const { token } = (await created.json()) as { token: string };
  // An open interaction in this browser, so /interaction/:uid routes get past "no such sign-in".
  const client = await registerClient(issuer, REDIRECT_URI);
  const { url } = authorizationRequest(issuer, { clientId: client.client_id }, { redirectUri: REDIRECT_URI });
  const started = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
  jar.store(url, started.headers.getSetCookie());
  const interactionUid = new URL(started.headers.get('location')!, issuer).pathname.split('/')[2]!;
  signedIn = { jar, csrf: session.csrf_token, workspaceId, interactionUid, pat: token };
});

/** A value for a `:param` of a route: a real one (to reach deeper code) or a generated one. */
const param = fc.oneof(fc.constant<'real'>('real'), text, withControl);

function fillParams(url: string, values: Array<'real' | string>, real: Record<string, string>): string {
  let i = 0;
  return url
    .split('/')
    .map((segment) => {
      if (segment === '*') return encode(String(values[i++ % values.length] ?? 'x'));
      if (!segment.startsWith(':')) return segment;
      const value = values[i++ % Math.max(values.length, 1)] ?? 'real';
      return value === 'real' ? (real[segment.slice(1)] ?? 'x') : encode(value);
    })
    .join('/');
}

interface Attempt {
  route: Route;
  params: Array<'real' | string>;
  query: string;
  body: Body | undefined;
  auth: 'none' | 'session' | 'bearer' | 'garbage bearer';
  accept: string;
}

/** Sends one attempt; the status. */
async function send(base: string, attempt: Attempt): Promise<number> {
  const real = {
    id: signedIn.workspaceId,
    uid: signedIn.interactionUid,
    userId: 'x',
    email: 'nobody@example.com',
    grantId: 'x',
    tokenId: 'x',
  };
  const path = fillParams(attempt.route.url, attempt.params, real);
  const url = new URL(`${base}${path}${attempt.query ? `?${attempt.query}` : ''}`);
  const headers: Record<string, string> = { accept: attempt.accept };
  let payload = attempt.body;
  if (attempt.auth === 'session' && attempt.route.url !== '/logout') {
    headers.cookie = signedIn.jar.header(url);
    headers['x-csrf-token'] = signedIn.csrf;
    headers.origin = new URL(base).origin;
    if (payload?.type === 'application/x-www-form-urlencoded') {
      payload = { ...payload, body: `csrf=${encodeURIComponent(signedIn.csrf)}&${payload.body}` };
    }
  }
  if (attempt.auth === 'bearer') headers.authorization = `Bearer ${signedIn.pat}`;
  if (attempt.auth === 'garbage bearer') headers.authorization = 'Bearer enclavia_pat_x';
  const withBody = payload !== undefined && attempt.route.method !== 'GET';
  if (withBody && payload!.type) headers['content-type'] = payload!.type;
  const response = await fetch(url, {
    method: attempt.route.method,
    headers,
    redirect: 'manual',
    ...(withBody ? { body: payload!.body } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

function attempts(
  route: Route,
  bodies: fc.Arbitrary<Body | undefined>,
  auths: ReadonlyArray<Attempt['auth']>,
): fc.Arbitrary<Attempt> {
  return fc.record({
    route: fc.constant(route),
    params: fc.array(param, { minLength: 1, maxLength: 3 }),
    query: fc.oneof(fc.constant(''), query),
    body: bodies,
    auth: fc.constantFrom(...auths),
    accept: fc.constantFrom(
      'text/html',
      'application/json',
      '*/*',
      'application/json, text/event-stream',
      'application/json, text/event-stream',
    ),
  });
}

/**
 * Runs every route's property; the routes that answered a signed-in attempt with a 2xx or 3xx,
 * which shows the generated input got past authentication into the handlers.
 */
async function expectNo5xx(
  base: string,
  routes: Route[],
  bodies: fc.Arbitrary<Body | undefined>,
  auths: ReadonlyArray<Attempt['auth']>,
  runs = RUNS_PER_ROUTE,
): Promise<Set<string>> {
  const reached = new Set<string>();
  for (const route of routes) {
    await fc.assert(
      fc.asyncProperty(attempts(route, bodies, auths), async (attempt) => {
        const status = await send(base, attempt);
        expect(status, `${route.method} ${route.url}`).toBeLessThan(500);
        if (status < 400 && attempt.auth !== 'none') reached.add(`${route.method} ${route.url}`);
      }),
      { seed: SEED, numRuns: runs, endOnFailure: true },
    );
  }
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  return reached;
}

describe('malformed input to every route', () => {
  it('the auth server and oidc-provider never answer 5xx', async () => {
    const routes = [
      ...routesOf(context.stack.apps.auth),
      ...PROVIDER_ROUTES,
      { method: 'GET', url: '/no/such/:x' },
    ];
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining([
        'POST /dashboard/tokens',
        'DELETE /api/v1/grants/:grantId',
        'GET /interaction/:uid',
      ]),
    );
    const reached = await expectNo5xx(context.stack.issuer, routes, body, [
      'session',
      'session',
      'none',
      'bearer',
    ]);
    expect([...reached]).toEqual(
      expect.arrayContaining(['GET /dashboard', 'GET /admin/workspaces/:id', 'GET /interaction/:uid']),
    );
  });

  it('the MCP server never answers 5xx', async () => {
    const base = new URL(context.stack.mcpUrl).origin;
    const routes = [...routesOf(context.stack.apps.mcp), { method: 'POST', url: '/no/such/:x' }];
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['POST /mcp']));
    // Few routes, one of which is the whole MCP protocol: four times the runs.
    const reached = await expectNo5xx(
      base,
      routes,
      fc.oneof(body, mcpBody, toolCall),
      ['bearer', 'bearer', 'none', 'garbage bearer'],
      RUNS_PER_ROUTE * 4,
    );
    expect([...reached]).toContain('POST /mcp');
  });
});

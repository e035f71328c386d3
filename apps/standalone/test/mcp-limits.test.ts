import { randomBytes } from 'node:crypto';
import { PERSONAL_ACCESS_TOKEN_PREFIX } from '@enclavia/contract';
import { hashSecret, personalAccessTokens } from '@enclavia/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { callToolOverHttp } from './support/mcp-call.js';
import { useStack } from './support/stack.js';
import { type ApiSession, signInToDashboard } from './support/web-session.js';

const PAT_NEGATIVE_CACHE_SECONDS = 3;
const CREATE_LIMIT = 3;
const CREATE_WINDOW = 3;
const env = useStack({
  env: {
    PAT_NEGATIVE_CACHE_SECONDS: String(PAT_NEGATIVE_CACHE_SECONDS),
    ENCLAVE_CREATE_LIMIT: String(CREATE_LIMIT),
    ENCLAVE_CREATE_WINDOW: String(CREATE_WINDOW),
  },
});
let owner: ApiSession;
let workspaceId: string;

beforeAll(async () => {
  owner = await signInToDashboard(env.stack.issuer, 'limits-owner@example.com');
  const { workspaces } = (await (await owner.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  workspaceId = workspaces[0]!.id;
});

const whoami = (token: string) => callToolOverHttp(env.stack.mcpUrl, token, 'mcp_whoami');

/** A personal access token that may create enclaves, for `email` in their own workspace. */
async function writerToken(email: string): Promise<string> {
  const session = await signInToDashboard(env.stack.issuer, email);
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const created = await session.api('POST', '/api/v1/tokens', {
    name: 'limits',
    workspace_id: workspaces[0]!.id,
    scopes: ['enclaves:read', 'enclaves:write'],
    expires_in_days: 7,
  });
  return ((await created.json()) as { token: string }).token;
}

const create = (token: string, tag: string) =>
  callToolOverHttp(env.stack.mcpUrl, token, 'enclave_create', { image: `ghcr.io/acme/limits:${tag}` });

describe('a guessed personal access token', () => {
  it('is refused again from memory, without asking the database, until the negative cache ends', async () => {
    const guess = `${PERSONAL_ACCESS_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    expect((await whoami(guess)).status).toBe(401);

    // The database now holds this very token; only a remembered refusal can still refuse it.
    await env.database.db.insert(personalAccessTokens).values({
      userId: owner.userId,
      workspaceId,
      name: 'planted',
      prefix: guess.slice(0, PERSONAL_ACCESS_TOKEN_PREFIX.length + 6),
      tokenHash: hashSecret(guess),
      scope: 'enclaves:read',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const refused = await whoami(guess);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_token' });

    await expect
      .poll(async () => (await whoami(guess)).status, {
        timeout: (PAT_NEGATIVE_CACHE_SECONDS + 5) * 1000,
        interval: 250,
      })
      .toBe(200);
  });
});

describe('enclave_create over HTTP', () => {
  it('is limited per user and workspace: a burst gets 429 with Retry-After and why, then it recovers', async () => {
    const ada = await writerToken('limit-ada@example.com');
    // Another person at the same address, as in one office: a budget of their own.
    const bo = await writerToken('limit-bo@example.com');
    for (let i = 0; i < CREATE_LIMIT; i++) expect((await create(ada, `ada-${i}`)).status).toBe(200);

    const refused = await create(ada, 'ada-over');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(CREATE_WINDOW);
    const body = (await refused.json()) as { error: { message: string } };
    expect(body.error.message).toBe(
      `Too many enclave_create calls: at most ${CREATE_LIMIT} per ${CREATE_WINDOW} s for one user in one workspace. Retry in ${retryAfter} s.`,
    );

    expect((await callToolOverHttp(env.stack.mcpUrl, ada, 'enclave_list')).status).toBe(200);
    expect((await create(bo, 'bo-0')).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const again = await create(ada, 'ada-after');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { result: { isError?: boolean } }).result.isError).toBeUndefined();
  });
});

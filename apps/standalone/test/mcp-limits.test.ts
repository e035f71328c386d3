import { randomBytes } from 'node:crypto';
import { PERSONAL_ACCESS_TOKEN_PREFIX } from '@enclavia/contract';
import { hashSecret, personalAccessTokens } from '@enclavia/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { callToolOverHttp } from './support/mcp-call.js';
import { useStack } from './support/stack.js';
import { type ApiSession, signInToDashboard } from './support/web-session.js';

const PAT_NEGATIVE_CACHE_SECONDS = 3;
const env = useStack({
  env: { PAT_NEGATIVE_CACHE_SECONDS: String(PAT_NEGATIVE_CACHE_SECONDS) },
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

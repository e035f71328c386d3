import { disableUser } from '@enclavia/auth';
import { expect, it } from 'vitest';
import { runDisableUser } from './support/operator-cli.js';
import { useStack } from './support/stack.js';
import { expectCutOff, grantAccess } from './support/user-access.js';

const env = useStack();

it('disabling a user revokes their apps and tokens at once, and refuses their sign-in', async () => {
  const access = await grantAccess(env.stack.issuer, env.stack.mcpUrl, 'gone@example.com');
  expect(await disableUser(env.database.db, { email: 'gone@example.com', accessTokenTtl: 900 })).toEqual({
    grants: 1,
    tokens: 1,
  });
  await expectCutOff(env.stack.issuer, env.stack.mcpUrl, access);
});

// On PGlite the test database is in memory, out of another process's reach; the embedded case is
// embedded-database-held.test.ts.
it.skipIf(!process.env.DATABASE_URL)(
  'pnpm disable-user, a process of its own on PostgreSQL, cuts the user off within a second',
  async () => {
    const access = await grantAccess(env.stack.issuer, env.stack.mcpUrl, 'far-gone@example.com');
    const run = await runDisableUser('far-gone@example.com', {
      ...env.database.childEnv,
      AUTH_PUBLIC_URL: env.stack.issuer,
      MCP_PUBLIC_URL: env.stack.mcpUrl,
    });
    expect(run).toEqual({
      code: 0,
      stdout: 'Disabled far-gone@example.com: revoked 1 connected app(s) and 1 personal access token(s).\n',
      stderr: '',
    });
    await expectCutOff(env.stack.issuer, env.stack.mcpUrl, access);
  },
);

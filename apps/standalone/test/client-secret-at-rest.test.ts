import { and, eq, oidcModels, sealStoredClientSecrets } from '@enclavia/db';
import { expect, it } from 'vitest';
import { authorizationCodeFlow, type FlowClient, tokenRequest } from './support/flow.js';
import { registerClient } from './support/register.js';
import { startStack, useStack } from './support/stack.js';

const env = useStack();
const redirectUri = 'http://127.0.0.1:7017/callback';

it("stores a registered client's secret encrypted, and the client still authenticates with it, after a restart too", async () => {
  const registered = await registerClient(env.stack.issuer, redirectUri, {
    token_endpoint_auth_method: 'client_secret_basic',
  });
  const secret = registered.client_secret!;
  expect(secret).toBeTruthy();

  const rows = await env.database.db
    .select({ payload: oidcModels.payload })
    .from(oidcModels)
    .where(eq(oidcModels.model, 'Client'));
  expect(rows).toHaveLength(1);
  expect(JSON.stringify(rows[0]!.payload)).not.toContain(secret);
  expect(rows[0]!.payload).not.toHaveProperty('client_secret');

  // The server restarts on the same database: the key comes from the database, not the process.
  await env.stack.close();
  env.stack = await startStack(env.database);
  const client: FlowClient = {
    clientId: registered.client_id,
    clientSecret: secret,
    auth: 'client_secret_basic',
  };
  const flow = await authorizationCodeFlow(env.stack.issuer, client, {
    redirectUri,
    email: 'secret@example.com',
  });
  expect(flow.status).toBe(200);

  const wrong = await tokenRequest(
    env.stack.issuer,
    { ...client, clientSecret: `${secret}x` },
    { grant_type: 'refresh_token', refresh_token: 'x' },
  );
  expect(wrong.status).toBe(401);
});

it('seals the plaintext secret of a client registered before secrets were encrypted, which keeps working', async () => {
  const registered = await registerClient(env.stack.issuer, redirectUri, {
    token_endpoint_auth_method: 'client_secret_basic',
  });
  const secret = registered.client_secret!;
  const client: FlowClient = {
    clientId: registered.client_id,
    clientSecret: secret,
    auth: 'client_secret_basic',
  };
  const clientRow = async () => {
    const rows = await env.database.db
      .select({ id: oidcModels.id, payload: oidcModels.payload })
      .from(oidcModels)
      .where(eq(oidcModels.model, 'Client'));
    return rows.find((r) => r.payload.client_id === registered.client_id)!;
  };
  // The row as an older release left it: the secret in plaintext.
  const row = await clientRow();
  const { client_secret_encrypted: _sealed, ...older } = row.payload;
  await env.database.db
    .update(oidcModels)
    .set({ payload: { ...older, client_secret: secret } })
    .where(and(eq(oidcModels.model, 'Client'), eq(oidcModels.id, row.id)));

  expect(await sealStoredClientSecrets(env.database.db)).toBe(1);
  expect(JSON.stringify((await clientRow()).payload)).not.toContain(secret);
  expect(await sealStoredClientSecrets(env.database.db)).toBe(0);

  await env.stack.close();
  env.stack = await startStack(env.database);
  // Authenticated (the refresh token is what is wrong), so the sealed secret is the client's.
  const refresh = { grant_type: 'refresh_token', refresh_token: 'x' };
  expect((await tokenRequest(env.stack.issuer, client, refresh)).status).toBe(400);
  expect((await tokenRequest(env.stack.issuer, { ...client, clientSecret: 'wrong' }, refresh)).status).toBe(
    401,
  );
});

import { eq, oidcModels } from '@enclavia/db';
import { expect, it } from 'vitest';
import { CookieJar, completeAuthorization, openPage } from './support/consent.js';
import {
  authorizationCodeFlow,
  authorizationRequest,
  type FlowClient,
  type TokenResponse,
  tokenRequest,
} from './support/flow.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';

const env = useStack();
const redirectUri = 'http://127.0.0.1:7016/callback';

it("keeps no copy of a signed-in browser's session cookie in the database", async () => {
  const email = 'at-rest@example.com';
  const jar = new CookieJar();
  const { client_id } = await registerClient(env.stack.issuer, redirectUri);
  const client: FlowClient = { clientId: client_id };
  const first = await authorizationCodeFlow(env.stack.issuer, client, { redirectUri, email, jar });
  expect(first.status).toBe(200);
  const cookie = jar.get('_session');
  expect(cookie).toBeTruthy();

  // A second authorization in the signed-in browser: its interaction belongs to that session.
  const { url, verifier } = authorizationRequest(env.stack.issuer, client, { redirectUri });
  const consent = await openPage(jar, url);
  expect(await consent.response.text()).toContain(`as <strong>${email}</strong>`);
  const interactions = await env.database.db
    .select({ payload: oidcModels.payload })
    .from(oidcModels)
    .where(eq(oidcModels.model, 'Interaction'));
  expect(interactions.map((i) => i.payload.session)).toContainEqual(
    expect.objectContaining({ uid: expect.any(String), accountId: expect.any(String) }),
  );
  const rows = await env.database.db.select({ payload: oidcModels.payload }).from(oidcModels);
  expect(rows.filter((row) => JSON.stringify(row.payload).includes(cookie!))).toEqual([]);

  // The authorization completes without it.
  const callback = await completeAuthorization(consent.url.href, { email, redirectUri, jar });
  const exchange = await tokenRequest(env.stack.issuer, client, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code')!,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });
  expect(exchange.status).toBe(200);
  expect(((await exchange.json()) as TokenResponse).access_token).toEqual(expect.any(String));
});

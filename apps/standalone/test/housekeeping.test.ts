import { endExpiredGrants, sweepExpiredRows } from '@enclavia/auth';
import { CLAIMS } from '@enclavia/contract';
import {
  and,
  auditEvents,
  eq,
  grants,
  hashSecret,
  isNull,
  lte,
  oidcModels,
  revokedGrants,
  sql,
  webSessions,
} from '@enclavia/db';
import { expect, it } from 'vitest';
import { CookieJar, openPage } from './support/consent.js';
import {
  authorizationCodeFlow,
  authorizationRequest,
  decodeJwt,
  type FlowClient,
  type TokenResponse,
  tokenRequest,
} from './support/flow.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { signInToDashboard } from './support/web-session.js';

const env = useStack();
const redirectUri = 'http://127.0.0.1:7015/callback';
const past = sql`now() - interval '1 second'`;
const HOUR = 3600_000;

/** A connected app that has refreshed once: a used code, a used refresh token and a live one. */
async function connect(email: string) {
  const { client_id } = await registerClient(env.stack.issuer, redirectUri);
  const client: FlowClient = { clientId: client_id };
  const exchange = await authorizationCodeFlow(env.stack.issuer, client, { redirectUri, email });
  const first = (await exchange.json()) as TokenResponse;
  const tokens = await refresh(client, first.refresh_token!);
  const { sub, [CLAIMS.grant]: grantId } = decodeJwt(tokens.access_token).payload;
  return { client, tokens, userId: sub as string, grantId: grantId as string };
}

async function refresh(client: FlowClient, refreshToken: string): Promise<TokenResponse> {
  const response = await tokenRequest(env.stack.issuer, client, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenResponse;
}

/** Every row of the three tables, as `table:key`, and whether it has expired. */
async function rows() {
  const { db } = env.database;
  const expired = sql<boolean>`coalesce(expires_at <= now(), false)`;
  const all = [
    ...(await db.select({ key: sql<string>`model || ':' || id`, expired }).from(oidcModels)),
    ...(await db.select({ key: sql<string>`'web:' || id`, expired }).from(webSessions)),
    ...(await db.select({ key: sql<string>`'revoked:' || grant_id`, expired }).from(revokedGrants)),
  ];
  return {
    expired: all.filter((r) => r.expired).map((r) => r.key),
    live: all.filter((r) => !r.expired).map((r) => r.key),
  };
}

it('deletes expired rows of every kind, keeps the rest, and the product works on', async () => {
  const { db } = env.database;
  const gone = await connect('gone@example.com');
  const kept = await connect('kept@example.com');
  const abandoned = await openPage(
    new CookieJar(),
    authorizationRequest(env.stack.issuer, gone.client, { redirectUri }).url,
  );
  const abandonedUid = abandoned.url.pathname.split('/').pop()!;
  const keptDashboard = await signInToDashboard(env.stack.issuer, 'kept@example.com');
  const goneDashboard = await signInToDashboard(env.stack.issuer, 'gone@example.com');
  await db.insert(revokedGrants).values([
    { grantId: 'revoked-long-ago', reason: 'test', expiresAt: new Date(Date.now() - HOUR) },
    { grantId: 'revoked-lately', reason: 'test', expiresAt: new Date(Date.now() + HOUR) },
  ]);

  // Everything of the first app, its sign-in session, an abandoned sign-in and a dashboard session
  // reach their expiry.
  for (const rowsToExpire of [
    eq(oidcModels.grantId, gone.grantId),
    and(eq(oidcModels.model, 'Grant'), eq(oidcModels.id, hashSecret(gone.grantId))),
    and(eq(oidcModels.model, 'Session'), sql`${oidcModels.payload}->>'accountId' = ${gone.userId}`),
    and(eq(oidcModels.model, 'Interaction'), eq(oidcModels.id, hashSecret(abandonedUid))),
  ]) {
    await db.update(oidcModels).set({ expiresAt: past }).where(rowsToExpire);
  }
  await db.update(webSessions).set({ expiresAt: past }).where(eq(webSessions.userId, goneDashboard.userId));

  const before = await rows();
  const kinds = (keys: string[]) => [...new Set(keys.map((k) => k.split(':')[0]))].sort();
  expect(kinds(before.expired)).toEqual(
    ['AuthorizationCode', 'Grant', 'Interaction', 'RefreshToken', 'Session', 'revoked', 'web'].sort(),
  );
  expect(kinds(before.live)).toEqual(
    ['AuthorizationCode', 'Client', 'Grant', 'RefreshToken', 'Session', 'revoked', 'web'].sort(),
  );
  expect(await db.select().from(oidcModels).where(isNull(oidcModels.expiresAt))).not.toHaveLength(0);

  // Batches of two: a backlog larger than one batch is cleared in one sweep.
  const removed = await sweepExpiredRows(db, { batchSize: 2 });
  expect(removed).toEqual({
    oidcModels: before.expired.filter((k) => !/^(web|revoked):/.test(k)).length,
    // Signing in to connect also starts a dashboard session (one sign-in): the user's every one.
    webSessions: before.expired.filter((k) => k.startsWith('web:')).length,
    revokedGrants: 1,
  });
  expect(removed.webSessions).toBeGreaterThanOrEqual(1);
  expect(removed.oidcModels).toBeGreaterThan(2);

  const after = await rows();
  expect(after.expired).toEqual([]);
  expect(after.live.sort()).toEqual(before.live.sort());
  expect(await db.select().from(oidcModels).where(lte(oidcModels.expiresAt, sql`now()`))).toEqual([]);

  // The app and the dashboard session that had not expired work as before.
  const refreshed = await refresh(kept.client, kept.tokens.refresh_token!);
  expect((await callToolOverHttp(env.stack.mcpUrl, refreshed.access_token, 'mcp_whoami')).status).toBe(200);
  expect((await keptDashboard.api('GET', '/api/v1/session')).status).toBe(200);
});

it('finds nothing to do on a second sweep', async () => {
  expect(await sweepExpiredRows(env.database.db)).toEqual({
    oidcModels: 0,
    webSessions: 0,
    revokedGrants: 0,
  });
});

it('ends a connected app whose consent expired: it leaves the list, its tokens stop, the log says why', async () => {
  const { db } = env.database;
  const old = await connect('expired-consent@example.com');
  const live = await connect('live-consent@example.com');
  await db
    .update(oidcModels)
    .set({ expiresAt: past })
    .where(and(eq(oidcModels.model, 'Grant'), eq(oidcModels.grantId, old.grantId)));

  expect(await endExpiredGrants(db, { accessTokenTtl: 900 })).toBe(1);
  expect(await db.select().from(grants).where(eq(grants.id, old.grantId))).toEqual([]);
  expect(await db.select().from(grants).where(eq(grants.id, live.grantId))).toHaveLength(1);
  await expect
    .poll(
      async () => (await callToolOverHttp(env.stack.mcpUrl, old.tokens.access_token, 'mcp_whoami')).status,
      {
        timeout: 1000,
        interval: 20,
      },
    )
    .toBe(401);
  const [entry] = await db
    .select({ after: auditEvents.after })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'grant.revoked'), eq(auditEvents.subjectUserId, old.userId)));
  expect(entry?.after).toEqual({ source: 'expired' });
  expect(await endExpiredGrants(db, { accessTokenTtl: 900 })).toBe(0);
});

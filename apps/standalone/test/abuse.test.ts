import { reapUnusedClients } from '@enclavia/auth';
import { eq, oidcModels, sql } from '@enclavia/db';
import { describe, expect, it } from 'vitest';
import { authorizationCodeFlow, tokenRequest } from './support/flow.js';
import { registerClient } from './support/register.js';
import { useStack } from './support/stack.js';
import { personalWorkspaceAdmin } from './support/web-session.js';

const env = useStack();

describe('client registration abuse', () => {
  it('reaps registered clients that never obtained a grant nor asked a workspace, after their age, and keeps the others', async () => {
    const redirectUri = 'http://127.0.0.1:7003/callback';
    const abandoned = await registerClient(env.stack.issuer, redirectUri);
    const used = await registerClient(env.stack.issuer, redirectUri);
    const young = await registerClient(env.stack.issuer, redirectUri);
    const waiting = await registerClient(env.stack.issuer, redirectUri);
    await authorizationCodeFlow(
      env.stack.issuer,
      { clientId: used.client_id },
      { redirectUri, email: 'used@example.com' },
    );
    // Refused where it asked, so listed among that workspace's apps, where an admin may still approve it.
    const admin = await personalWorkspaceAdmin(env.stack.issuer, 'blocks-new-apps@example.com');
    await admin.session.api('PATCH', `/api/v1/workspaces/${admin.workspaceId}/policy`, {
      unknown_clients: 'block',
    });
    await expect(
      authorizationCodeFlow(
        env.stack.issuer,
        { clientId: waiting.client_id },
        { redirectUri, email: 'blocks-new-apps@example.com' },
      ),
    ).rejects.toThrow('OAuth client_id is not allowed');
    await env.database.db
      .update(oidcModels)
      .set({ createdAt: sql`now() - interval '2 days'` })
      .where(
        sql`${oidcModels.model} = 'Client' and ${oidcModels.payload}->>'client_id' <> ${young.client_id}`,
      );

    expect(await reapUnusedClients(env.database.db, new Date(Date.now() - 86_400_000))).toBe(1);

    const refreshAs = (clientId: string) =>
      tokenRequest(
        env.stack.issuer,
        { clientId },
        { grant_type: 'refresh_token', refresh_token: 'not-a-token' },
      );
    expect((await refreshAs(abandoned.client_id)).status).toBe(401);
    // Known clients get past client authentication to the (bad) refresh token.
    expect(await (await refreshAs(used.client_id)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await (await refreshAs(young.client_id)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await (await refreshAs(waiting.client_id)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await env.database.db.$count(oidcModels, eq(oidcModels.model, 'Client'))).toBe(3);
  });

  it('rate limits registration per client address with 429 and Retry-After', async () => {
    const limit = env.stack.config.auth.registrationLimit.max;
    const statuses: number[] = [];
    let response: Response | undefined;
    for (let i = 0; i <= limit && response?.status !== 429; i++) {
      response = await fetch(`${env.stack.issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['http://localhost/cb'], token_endpoint_auth_method: 'none' }),
      });
      statuses.push(response.status);
    }
    expect(response!.status).toBe(429);
    expect(Number(response!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response!.json()).toMatchObject({ error: 'too_many_requests' });
    // This file registered 4 clients before: the window allowed exactly `limit` in all.
    expect(statuses.filter((s) => s === 201)).toHaveLength(limit - 4);
  });
});

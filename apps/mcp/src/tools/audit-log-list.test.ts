import { and, eq, memberships, recordAudit } from '@enclavia/db';
import { expect, it } from 'vitest';
import { call, useTools } from '../../test/tool-harness.js';

const tools = useTools();
const AUDIT = ['enclaves:read', 'audit:read'];

it('lists the workspace’s audit log for its admins, newest first, filtered and paged', async () => {
  const admin = await tools.person('auditor@example.com');
  const member = await tools.person('member-of-audit@example.com', { of: admin, role: 'member' });
  const stranger = await tools.person('elsewhere@example.com');
  const db = tools.database.db;
  const entry = (action: string, extra: Record<string, unknown> = {}) =>
    recordAudit(db, { workspaceId: admin.workspaceId, actorUserId: admin.userId, action, ...extra });
  await entry('policy.updated', { before: { mcp_enabled: true }, after: { mcp_enabled: false } });
  await entry('grant.approved', {
    subjectUserId: member.userId,
    clientId: 'client-a',
    target: 'A (client-a)',
  });
  await entry('grant.revoked', {
    subjectUserId: member.userId,
    clientId: 'client-b',
    after: { source: 'policy' },
  });
  await recordAudit(db, {
    workspaceId: stranger.workspaceId,
    actorUserId: stranger.userId,
    action: 'grant.approved',
  });

  const client = await admin.client(AUDIT);
  const all = (await call(client, 'audit_log_list')).data;
  expect(all.entries.map((e: { action: string }) => e.action)).toEqual([
    'grant.revoked',
    'grant.approved',
    'policy.updated',
  ]);
  expect(all.entries[0]).toMatchObject({
    actor: 'auditor@example.com',
    member: 'member-of-audit@example.com',
    client_id: 'client-b',
    after: { source: 'policy' },
  });
  expect(all.next_before).toBeNull();

  const connections = (await call(client, 'audit_log_list', { action: 'grant.' })).data.entries;
  expect(connections.map((e: { client_id: string }) => e.client_id)).toEqual(['client-b', 'client-a']);
  const ofMember = (await call(client, 'audit_log_list', { member: 'Member-Of-Audit@example.com' })).data;
  expect(ofMember.entries).toHaveLength(2);
  const ofClient = (await call(client, 'audit_log_list', { client: 'client-a' })).data;
  expect(ofClient.entries.map((e: { action: string }) => e.action)).toEqual(['grant.approved']);
  const future = (await call(client, 'audit_log_list', { since: '2999-01-01T00:00:00Z' })).data;
  expect(future.entries).toEqual([]);

  const first = (await call(client, 'audit_log_list', { limit: 2 })).data;
  expect(first.entries).toHaveLength(2);
  const rest = (await call(client, 'audit_log_list', { limit: 2, before: first.next_before })).data;
  expect(rest.entries.map((e: { action: string }) => e.action)).toEqual(['policy.updated']);
  expect(rest.next_before).toBeNull();
});

it('refuses members who are not admins, and an admin who was demoted since the token was issued', async () => {
  const admin = await tools.person('demoted@example.com');
  const member = await tools.person('just-a-member@example.com', { of: admin, role: 'member' });
  const refused = await call(await member.client(AUDIT), 'audit_log_list');
  expect(refused.isError).toBe(true);
  expect(refused.text).toContain('only for admins of this workspace');

  const client = await admin.client(AUDIT);
  expect((await call(client, 'audit_log_list')).isError).toBe(false);
  await tools.database.db
    .update(memberships)
    .set({ role: 'member' })
    .where(and(eq(memberships.userId, admin.userId), eq(memberships.workspaceId, admin.workspaceId)));
  expect((await call(client, 'audit_log_list')).text).toContain('only for admins of this workspace');
});

it('is listed only for a token with audit:read, and says how to fix a bad filter', async () => {
  const admin = await tools.person('lister@example.com');
  const without = await admin.client(['enclaves:read']);
  expect((await without.listTools()).tools.map((t) => t.name)).not.toContain('audit_log_list');
  const client = await admin.client(AUDIT);
  expect((await client.listTools()).tools.map((t) => t.name)).toContain('audit_log_list');
  const bad = await call(client, 'audit_log_list', { since: 'last week' });
  expect(bad.isError).toBe(true);
  expect(bad.text).toContain('since must be an ISO 8601 time');
});

import { and, type Database, eq, listAudit, memberships } from '@enclavia/db';
import { z } from 'zod';
import { defineTool, structured, toolError } from './define-tool.js';

export const auditLogList = defineTool({
  name: 'audit_log_list',
  title: 'Audit log',
  description:
    "Lists the connected workspace's audit log, newest first: who connected, was refused or revoked which app, policy and member changes, tokens made and revoked. Filter by `action` (e.g. `grant.approved`, or `grant.` for every connection event), `member` (an email: what they did or what happened to them), `client` (an OAuth client ID), `since` (ISO 8601 time); page with `before` (the `next_before` of the last page). For workspace admins only.",
  scope: 'audit:read',
  inputSchema: {
    action: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[a-z_.]+$/, 'an action is lowercase words and dots, e.g. grant.revoked or grant.')
      .optional()
      .describe('An action, or every action under a prefix ending in a dot'),
    member: z.email('member must be an email address').max(254).optional().describe('A member, by email'),
    client: z.string().min(1).max(512).optional().describe('An OAuth client ID'),
    since: z.iso
      .datetime({ offset: true, error: 'since must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z' })
      .optional()
      .describe('Only entries at or after this time'),
    before: z.number().int().positive().optional().describe('Only entries older than this id: the next page'),
    limit: z.number().int().min(1).max(200).default(50).describe('At most this many entries (1-200)'),
  },
  outputSchema: {
    entries: z.array(
      z.object({
        id: z.number(),
        at: z.string(),
        action: z.string(),
        actor: z.string().nullable().describe('Who did it, by email; null for the server itself'),
        actor_client_id: z.string().nullable().describe('The OAuth client it was done through'),
        target: z.string().nullable(),
        member: z.string().nullable().describe('The member it is about, by email'),
        client_id: z.string().nullable().describe('The OAuth client it is about'),
        before: z.unknown(),
        after: z.unknown(),
      }),
    ),
    next_before: z.number().nullable().describe('Pass as `before` for older entries; null at the end'),
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler({ action, member, client, since, before, limit }, { db, auth }) {
    const { workspaceId, userId } = auth.extra;
    if (!(await isAdmin(db, userId, workspaceId))) {
      return toolError(
        'audit_log_list is only for admins of this workspace, and this account is not one now.',
        'Ask an admin of the workspace to look, or connect with an account that administers it.',
      );
    }
    const rows = await listAudit(db, workspaceId, {
      ...(action ? { action } : {}),
      ...(member ? { member: member.toLowerCase() } : {}),
      ...(client ? { client } : {}),
      ...(since ? { since: new Date(since) } : {}),
      ...(before ? { before } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return structured({
      entries: page.map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        action: e.action,
        actor: e.actor,
        actor_client_id: e.actorClientId,
        target: e.target,
        member: e.subject,
        client_id: e.clientId,
        before: e.before,
        after: e.after,
      })),
      next_before: rows.length > limit ? page[page.length - 1]!.id : null,
    });
  },
});

/** Checked at every call: a token outlives its user's role, and only admins read the log. */
async function isAdmin(db: Database, userId: string, workspaceId: string): Promise<boolean> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)));
  return row?.role === 'admin';
}

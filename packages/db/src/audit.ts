import { desc, eq } from 'drizzle-orm';
import type { Database } from './client.js';
import { auditEvents, users } from './schema/index.js';

export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

export interface AuditEntry {
  workspaceId: string;
  actorUserId: string | null;
  actorClientId?: string | null;
  action: string;
  target?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Call inside the transaction that makes the change, so the log and the change agree. */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({
    workspaceId: entry.workspaceId,
    actorUserId: entry.actorUserId,
    actorClientId: entry.actorClientId ?? null,
    action: entry.action,
    target: entry.target ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export async function listAudit(db: Database, workspaceId: string, limit = 200) {
  return db
    .select({
      id: auditEvents.id,
      at: auditEvents.createdAt,
      actor: users.email,
      actorClientId: auditEvents.actorClientId,
      action: auditEvents.action,
      target: auditEvents.target,
      before: auditEvents.before,
      after: auditEvents.after,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(eq(auditEvents.workspaceId, workspaceId))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}

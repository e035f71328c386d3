import { and, desc, eq, gte, like, lt, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from './client.js';
import { auditEvents, users } from './schema/index.js';

export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

export interface AuditEntry {
  workspaceId: string;
  actorUserId: string | null;
  actorClientId?: string | null;
  action: string;
  target?: string | null;
  /** The member the entry is about, when it is about one. */
  subjectUserId?: string | null;
  /** The OAuth client the entry is about, when it is about one. */
  clientId?: string | null;
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
    subjectUserId: entry.subjectUserId ?? null,
    clientId: entry.clientId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export interface AuditFilter {
  /** An action (`grant.revoked`), or every action under a prefix ending in a dot (`grant.`). */
  action?: string;
  /** Entries this member made or that are about them, by email (lowercased). */
  member?: string;
  /** Entries about this OAuth client, or made through it. */
  client?: string;
  since?: Date;
  /** Entries older than this id: the next page. */
  before?: number;
  limit?: number;
}

const actor = alias(users, 'actor');
const subject = alias(users, 'subject');

/** A workspace's audit log, newest first, filtered. */
export async function listAudit(db: Database, workspaceId: string, filter: AuditFilter = {}) {
  const { action, member, client, since, before, limit = 200 } = filter;
  return db
    .select({
      id: auditEvents.id,
      at: auditEvents.createdAt,
      actor: actor.email,
      actorClientId: auditEvents.actorClientId,
      action: auditEvents.action,
      target: auditEvents.target,
      subject: subject.email,
      clientId: auditEvents.clientId,
      before: auditEvents.before,
      after: auditEvents.after,
    })
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorUserId))
    .leftJoin(subject, eq(subject.id, auditEvents.subjectUserId))
    .where(
      and(
        eq(auditEvents.workspaceId, workspaceId),
        action === undefined
          ? undefined
          : action.endsWith('.')
            ? like(auditEvents.action, `${escapeLike(action)}%`)
            : eq(auditEvents.action, action),
        member === undefined ? undefined : or(eq(actor.email, member), eq(subject.email, member)),
        client === undefined
          ? undefined
          : or(eq(auditEvents.clientId, client), eq(auditEvents.actorClientId, client)),
        since === undefined ? undefined : gte(auditEvents.createdAt, since),
        before === undefined ? undefined : lt(auditEvents.id, before),
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(Math.min(Math.max(limit, 1), 500));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

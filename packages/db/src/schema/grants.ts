import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users, workspaces } from './identity.js';

/**
 * What a consent bound an oidc-provider Grant to: one user, one workspace, one client. Tokens read
 * their workspace from here; the dashboard lists connected apps from here.
 */
export const grants = pgTable(
  'grants',
  {
    /** oidc-provider's grant id. */
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    scope: text('scope').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('grants_user_idx').on(t.userId), index('grants_workspace_idx').on(t.workspaceId)],
);

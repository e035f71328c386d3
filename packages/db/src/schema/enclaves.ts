import { bigint, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { workspaces } from './identity.js';

export const enclaveState = pgEnum('enclave_state', [
  'pending',
  'building',
  'running',
  'stopping',
  'stopped',
  'failed',
  'destroyed',
]);

export const enclaves = pgTable(
  'enclaves',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name'),
    image: text('image').notNull(),
    instanceType: text('instance_type').notNull(),
    containerPort: integer('container_port').notNull(),
    storageSizeBytes: bigint('storage_size_bytes', { mode: 'number' }).notNull(),
    state: enclaveState('state').notNull().default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('enclaves_workspace_idx').on(t.workspaceId, t.createdAt)],
);

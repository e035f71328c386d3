import {
  bigint,
  bigserial,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { users, workspaces } from './identity.js';

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
    /** The enclave image measurement (PCR0), known once the build finished. */
    measurement: text('measurement'),
    failureReason: text('failure_reason'),
    /** When the runtime driver should take the next step; null when nothing is scheduled. */
    nextStepAt: timestamp('next_step_at', { withTimezone: true }),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdByClientId: text('created_by_client_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('enclaves_workspace_idx').on(t.workspaceId, t.createdAt),
    index('enclaves_next_step_idx').on(t.nextStepAt),
  ],
);

export const enclaveLogStream = pgEnum('enclave_log_stream', ['build', 'runtime']);

/** Build and runtime log lines of each enclave, in order of `id`. */
export const enclaveLogs = pgTable(
  'enclave_logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    enclaveId: uuid('enclave_id')
      .notNull()
      .references(() => enclaves.id, { onDelete: 'cascade' }),
    stream: enclaveLogStream('stream').notNull(),
    line: text('line').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('enclave_logs_enclave_idx').on(t.enclaveId, t.stream, t.id)],
);

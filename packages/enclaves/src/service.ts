import {
  and,
  type Database,
  desc,
  type Executor,
  enclaveLogs,
  enclaves,
  eq,
  gt,
  inArray,
  recordAudit,
} from '@enclavia/db';
import { z } from 'zod';
import {
  DEFAULT_CONTAINER_PORT,
  DEFAULT_INSTANCE_TYPE,
  INSTANCE_TYPE_NAMES,
  INSTANCE_TYPES,
  type InstanceType,
  STORAGE_BYTES,
} from './catalog.js';
import { EnclaveError, enclaveNotFound } from './errors.js';
import { parseImageReference } from './image.js';
import { assertUnderQuota } from './quota.js';
import { canTransition, type EnclaveState } from './states.js';

export type Enclave = typeof enclaves.$inferSelect;
export type LogStream = 'build' | 'runtime';

/** Who acts: the signed-in user, and the OAuth client acting for them when there is one. */
export interface Actor {
  userId: string;
  clientId: string | null;
}

/** When the runtime should take its next step after a change a user made. */
export type Schedule = (state: 'pending' | 'stopping') => Date;

export interface CreateInput {
  image: string;
  instance_type?: string | undefined;
  container_port?: number | undefined;
  storage_size_bytes?: number | undefined;
  name?: string | undefined;
}

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const GiB = 1024 ** 3;

/** Checks every rule of a new enclave; the first broken one is the error, with how to fix it. */
export function validateCreate(input: CreateInput) {
  const image = parseImageReference(input.image);
  if (!image.ok) {
    throw new EnclaveError(
      'invalid_input',
      `Invalid image: ${image.error}.`,
      'Pass a full OCI reference such as "ghcr.io/acme/api:1.4.2".',
    );
  }
  const instanceType = input.instance_type ?? DEFAULT_INSTANCE_TYPE;
  if (!INSTANCE_TYPE_NAMES.includes(instanceType as InstanceType)) {
    throw new EnclaveError(
      'invalid_input',
      `Unknown instance_type "${instanceType}".`,
      `Use one of ${INSTANCE_TYPE_NAMES.join(', ')}, or leave it out for ${DEFAULT_INSTANCE_TYPE}.`,
    );
  }
  const port = input.container_port ?? DEFAULT_CONTAINER_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new EnclaveError(
      'invalid_input',
      `container_port ${port} is out of range.`,
      'Use a whole number from 1 to 65535.',
    );
  }
  const storage = input.storage_size_bytes ?? STORAGE_BYTES.default;
  if (!Number.isInteger(storage) || storage < STORAGE_BYTES.min || storage > STORAGE_BYTES.max) {
    throw new EnclaveError(
      'invalid_input',
      `storage_size_bytes ${storage} is out of bounds.`,
      `Use a whole number of bytes from ${STORAGE_BYTES.min} (1 GiB) to ${STORAGE_BYTES.max} (1 TiB); ${10 * GiB} is 10 GiB.`,
    );
  }
  if (input.name !== undefined && !NAME.test(input.name)) {
    throw new EnclaveError(
      'invalid_input',
      `Invalid name "${input.name}".`,
      'Use 1 to 63 lowercase letters, digits and "-", starting and ending with a letter or digit, or leave it out.',
    );
  }
  return {
    image: image.canonical,
    instanceType: instanceType as InstanceType,
    containerPort: port,
    storageSizeBytes: storage,
    name: input.name ?? null,
  };
}

/** A new enclave, if the input is valid and the workspace has fewer than `quota` not destroyed. */
export async function createEnclave(
  db: Database,
  {
    workspaceId,
    actor,
    input,
    schedule,
    quota,
  }: { workspaceId: string; actor: Actor; input: CreateInput; schedule: Schedule; quota: number },
): Promise<Enclave> {
  const valid = validateCreate(input);
  return db.transaction(async (tx) => {
    await assertUnderQuota(tx, workspaceId, quota);
    const [enclave] = await tx
      .insert(enclaves)
      .values({
        ...valid,
        workspaceId,
        state: 'pending',
        nextStepAt: schedule('pending'),
        createdByUserId: actor.userId,
        createdByClientId: actor.clientId,
      })
      .returning();
    await tx.insert(enclaveLogs).values({
      enclaveId: enclave!.id,
      stream: 'build',
      line: `Enclave requested: ${valid.image} on ${valid.instanceType} (${describeInstance(valid.instanceType)})`,
    });
    await audit(tx, enclave!, actor, 'enclave.created', null, { image: valid.image, state: 'pending' });
    return enclave!;
  });
}

/** An enclave of this workspace; any other id, including another workspace's, is "not found". */
export async function getEnclave(db: Executor, workspaceId: string, id: string): Promise<Enclave> {
  if (!z.uuid().safeParse(id).success) throw enclaveNotFound(id);
  const [enclave] = await db
    .select()
    .from(enclaves)
    .where(and(eq(enclaves.id, id), eq(enclaves.workspaceId, workspaceId)));
  if (!enclave) throw enclaveNotFound(id);
  return enclave;
}

export async function stopEnclave(
  db: Database,
  { workspaceId, id, actor, schedule }: { workspaceId: string; id: string; actor: Actor; schedule: Schedule },
): Promise<Enclave> {
  return db.transaction(async (tx) => {
    const enclave = await lockEnclave(tx, workspaceId, id);
    if (!canTransition(enclave.state, 'stopping')) throw illegal(enclave, 'stop');
    const [stopped] = await tx
      .update(enclaves)
      .set({ state: 'stopping', nextStepAt: schedule('stopping'), updatedAt: new Date() })
      .where(eq(enclaves.id, enclave.id))
      .returning();
    await tx.insert(enclaveLogs).values({ enclaveId: enclave.id, stream: 'runtime', line: 'Stop requested' });
    await audit(tx, enclave, actor, 'enclave.stopped', { state: enclave.state }, { state: 'stopping' });
    return stopped!;
  });
}

export async function destroyEnclave(
  db: Database,
  { workspaceId, id, actor }: { workspaceId: string; id: string; actor: Actor },
): Promise<Enclave> {
  return db.transaction(async (tx) => {
    const enclave = await lockEnclave(tx, workspaceId, id);
    if (!canTransition(enclave.state, 'destroyed')) throw illegal(enclave, 'destroy');
    const [destroyed] = await tx
      .update(enclaves)
      .set({ state: 'destroyed', nextStepAt: null, updatedAt: new Date() })
      .where(eq(enclaves.id, enclave.id))
      .returning();
    await tx.insert(enclaveLogs).values({
      enclaveId: enclave.id,
      stream: 'runtime',
      line: 'Enclave destroyed; its storage was wiped',
    });
    await audit(tx, enclave, actor, 'enclave.destroyed', { state: enclave.state }, { state: 'destroyed' });
    return destroyed!;
  });
}

export interface LogLine {
  stream: LogStream;
  line: string;
  at: Date;
}

/** Log lines in order; `tail` keeps the last n, `since` only newer ones. */
export async function readLogs(
  db: Database,
  {
    workspaceId,
    id,
    stream,
    tail,
    since,
  }: { workspaceId: string; id: string; stream: LogStream | 'both'; tail?: number; since?: Date },
): Promise<LogLine[]> {
  const enclave = await getEnclave(db, workspaceId, id);
  const streams: LogStream[] = stream === 'both' ? ['build', 'runtime'] : [stream];
  const rows = await db
    .select({ stream: enclaveLogs.stream, line: enclaveLogs.line, at: enclaveLogs.at })
    .from(enclaveLogs)
    .where(
      and(
        eq(enclaveLogs.enclaveId, enclave.id),
        inArray(enclaveLogs.stream, streams),
        since ? gt(enclaveLogs.at, since) : undefined,
      ),
    )
    .orderBy(desc(enclaveLogs.id))
    .limit(tail ?? 1000);
  return rows.reverse();
}

export function describeInstance(type: InstanceType): string {
  const { vcpus, memoryGiB } = INSTANCE_TYPES[type];
  return `${vcpus} vCPU, ${memoryGiB} GiB`;
}

async function lockEnclave(tx: Executor, workspaceId: string, id: string): Promise<Enclave> {
  if (!z.uuid().safeParse(id).success) throw enclaveNotFound(id);
  const [enclave] = await tx
    .select()
    .from(enclaves)
    .where(and(eq(enclaves.id, id), eq(enclaves.workspaceId, workspaceId)))
    .for('update');
  if (!enclave) throw enclaveNotFound(id);
  return enclave;
}

function illegal(enclave: Enclave, action: 'stop' | 'destroy'): EnclaveError {
  const hints: Record<EnclaveState, string> = {
    pending: '',
    building: '',
    running: '',
    stopping: 'It is stopping already; call enclave_status until it is "stopped".',
    stopped: 'It is stopped already. To remove it for good, call enclave_destroy.',
    failed: 'A failed enclave cannot be stopped; call enclave_destroy to remove it.',
    destroyed: 'It is destroyed; nothing more can be done with it. Create a new one with enclave_create.',
  };
  return new EnclaveError(
    'illegal_transition',
    `Enclave ${enclave.id} is ${enclave.state} and cannot be ${action === 'stop' ? 'stopped' : 'destroyed'}.`,
    hints[enclave.state],
  );
}

async function audit(
  tx: Executor,
  enclave: Enclave,
  actor: Actor,
  action: string,
  before: unknown,
  after: unknown,
) {
  await recordAudit(tx, {
    workspaceId: enclave.workspaceId,
    actorUserId: actor.userId,
    actorClientId: actor.clientId,
    action,
    target: enclave.name ? `${enclave.name} (${enclave.id})` : enclave.id,
    before,
    after,
  });
}

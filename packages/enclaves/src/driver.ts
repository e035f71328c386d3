import { createHash } from 'node:crypto';
import {
  and,
  type Database,
  type Executor,
  enclaveLogs,
  enclaves,
  eq,
  inArray,
  isNotNull,
  lte,
  sql,
} from '@enclavia/db';
import type { InstanceType } from './catalog.js';
import { describeInstance, type Enclave, type Schedule } from './service.js';

/**
 * Where enclaves run. The tools change what the user asked for (create, stop, destroy) in the
 * database; a driver does the rest of the lifecycle and writes the logs.
 */
export interface EnclaveDriver {
  /** When the driver will act after a user's change. */
  schedule: Schedule;
  /** Look for work now instead of at the next poll. */
  wake(): void;
  close(): Promise<void>;
}

export interface LocalDriverTimings {
  /** Pulling the image (pending → building). */
  pullMs: number;
  /** Building the enclave image and measuring it (building → running). */
  buildMs: number;
  /** Draining and stopping (stopping → stopped). */
  stopMs: number;
  /** How often to look for due work. */
  pollMs: number;
}

const BATCH = 20;

/**
 * The default driver: a local simulation whose every step is a database transaction. Due
 * enclaves are claimed with `FOR UPDATE SKIP LOCKED`, so any number of server processes on one
 * PostgreSQL move each enclave exactly once, and a restarted process carries on where the last
 * one stopped. An image whose reference contains "fail-build" fails its build, so failures can
 * be seen end to end.
 */
export function startLocalDriver(options: {
  db: Database;
  timings: LocalDriverTimings;
  onError?: (error: unknown) => void;
}): EnclaveDriver {
  const { db, timings, onError = () => {} } = options;
  const after = (ms: number) => new Date(Date.now() + ms);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const tick = async () => {
    // Keep going while there is due work: one batch per transaction, so locks stay short.
    while (!closed && (await takeSteps(db, timings)) > 0) {}
  };
  const runOnce = () => {
    if (closed || running) return;
    running = tick()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  };
  const loop = () => {
    runOnce();
    timer = setTimeout(loop, timings.pollMs);
    timer.unref();
  };
  loop();

  return {
    schedule: (state) => (state === 'pending' ? after(0) : after(timings.stopMs)),
    wake: () => {
      // A step that is due now is taken now; a later one at its time, within one poll.
      setTimeout(runOnce, 0).unref();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function takeSteps(db: Database, timings: LocalDriverTimings): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(enclaves)
      .where(
        and(
          inArray(enclaves.state, ['pending', 'building', 'stopping']),
          isNotNull(enclaves.nextStepAt),
          lte(enclaves.nextStepAt, sql`now()`),
        ),
      )
      .orderBy(enclaves.nextStepAt)
      .limit(BATCH)
      .for('update', { skipLocked: true });
    for (const enclave of due) await step(tx, enclave, timings);
    return due.length;
  });
}

async function step(tx: Executor, enclave: Enclave, timings: LocalDriverTimings): Promise<void> {
  const log = (stream: 'build' | 'runtime', lines: string[]) =>
    tx.insert(enclaveLogs).values(lines.map((line) => ({ enclaveId: enclave.id, stream, line })));
  const move = (values: Partial<Enclave>) =>
    tx
      .update(enclaves)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(enclaves.id, enclave.id));
  const imageDigest = `sha256:${createHash('sha256').update(enclave.image).digest('hex')}`;

  switch (enclave.state) {
    case 'pending': {
      await log('build', [
        `Pulling ${enclave.image}`,
        `Resolved ${enclave.image} to ${imageDigest}`,
        ...layers(imageDigest).map((layer, i) => `Layer ${i + 1}/3 ${layer}: pulled`),
        'Image pulled',
      ]);
      await move({ state: 'building', nextStepAt: new Date(Date.now() + timings.pullMs + timings.buildMs) });
      return;
    }
    case 'building': {
      if (enclave.image.includes('fail-build')) {
        const reason = 'enclave image build failed: the image has no entrypoint';
        await log('build', ['Building enclave image (EIF)', `Error: ${reason}`]);
        await move({ state: 'failed', failureReason: reason, nextStepAt: null });
        return;
      }
      const measurement = createHash('sha384').update(`${imageDigest}|${enclave.instanceType}`).digest('hex');
      await log('build', [
        `Building enclave image (EIF) from ${imageDigest}`,
        'Enclave image built',
        `Measurement PCR0: ${measurement}`,
      ]);
      await log('runtime', [
        `Enclave started on ${enclave.instanceType} (${describeInstance(enclave.instanceType as InstanceType)})`,
        `Container listening on port ${enclave.containerPort}`,
        'Health check passed',
      ]);
      await move({ state: 'running', measurement, nextStepAt: null });
      return;
    }
    case 'stopping': {
      await log('runtime', ['Draining connections', 'Enclave stopped']);
      await move({ state: 'stopped', nextStepAt: null });
      return;
    }
    default:
      return;
  }
}

function layers(digest: string): string[] {
  return [1, 2, 3].map((n) => createHash('sha256').update(`${digest}/${n}`).digest('hex').slice(0, 12));
}

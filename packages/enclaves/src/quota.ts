import { and, type Executor, enclaves, eq, sql } from '@enclavia/db';
import { EnclaveError } from './errors.js';

/**
 * Refuses a new enclave when the workspace already has `quota` that are not destroyed. The
 * workspace's creations are serialized until the transaction ends, so two at once cannot both
 * count `quota - 1` and both insert.
 */
export async function assertUnderQuota(tx: Executor, workspaceId: string, quota: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`enclave-quota:${workspaceId}`}, 0))`);
  const [row] = await tx
    .select({ live: sql<number>`count(*)::int` })
    .from(enclaves)
    .where(and(eq(enclaves.workspaceId, workspaceId), sql`${enclaves.state} <> 'destroyed'`));
  if (Number(row?.live ?? 0) >= quota) throw quotaReached(quota);
}

function quotaReached(quota: number): EnclaveError {
  return new EnclaveError(
    'quota_exceeded',
    `This workspace has reached its quota of ${quota} enclaves (destroyed ones do not count).`,
    'Destroy one it no longer needs with enclave_destroy (enclave_list shows them all), or ask the operator to raise ENCLAVE_QUOTA_PER_WORKSPACE.',
  );
}

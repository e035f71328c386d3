import { REVOCATION_CHANNEL } from '@enclavia/contract';
import { type Database, gt, type Listen, revokedGrants, sql } from '@enclavia/db';

export interface RevocationList {
  isRevoked(grantId: string): boolean;
  close(): Promise<void>;
}

/**
 * The revoked grants, in memory, so checking a token costs no database round trip. Revocations
 * arrive by NOTIFY within milliseconds; a periodic resync from the table makes sure a missed
 * notification cannot keep a revoked token alive, and drops entries whose tokens have expired.
 */
export async function startRevocationList(options: {
  db: Database;
  listen: Listen;
  resyncSeconds: number;
  onError?: (error: unknown) => void;
}): Promise<RevocationList> {
  const { db, listen, resyncSeconds, onError = () => {} } = options;
  let revoked = new Set<string>();
  // Ids pushed while a resync's query runs, which its snapshot may not contain yet.
  let pushed = new Set<string>();

  const resync = async () => {
    pushed = new Set();
    const rows = await db
      .select({ grantId: revokedGrants.grantId })
      .from(revokedGrants)
      .where(gt(revokedGrants.expiresAt, sql`now()`));
    revoked = new Set([...rows.map((r) => r.grantId), ...pushed]);
  };

  const unlisten = await listen(REVOCATION_CHANNEL, (grantId) => {
    revoked.add(grantId);
    pushed.add(grantId);
  });
  await resync();
  const timer = setInterval(() => resync().catch(onError), resyncSeconds * 1000);
  timer.unref();

  return {
    isRevoked: (grantId) => revoked.has(grantId),
    async close() {
      clearInterval(timer);
      await unlisten();
    },
  };
}

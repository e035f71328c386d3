import { REVOCATION_CHANNEL } from '@enclavia/contract';
import { type Database, gt, type Listen, revokedGrants, sql } from '@enclavia/db';
import { startLiveState } from './live-state.js';

export interface RevocationList {
  /** Whether a grant id (or personal access token key) was revoked before its tokens ran out. */
  isRevoked(key: string): boolean;
  close(): Promise<void>;
}

/**
 * The revoked grants and personal access tokens, in memory, so checking a token costs no database
 * round trip. Each entry lives until the last token it covers would have expired anyway.
 */
export async function startRevocationList(options: {
  db: Database;
  listen: Listen;
  resyncSeconds: number;
  onError?: (error: unknown) => void;
}): Promise<RevocationList> {
  const { db } = options;
  const live = await startLiveState<Set<string>, string>({
    ...options,
    channel: REVOCATION_CHANNEL,
    load: async () => {
      const rows = await db
        .select({ key: revokedGrants.grantId })
        .from(revokedGrants)
        .where(gt(revokedGrants.expiresAt, sql`now()`));
      return new Set(rows.map((r) => r.key));
    },
    parse: (key) => key || undefined,
    apply: (revoked, key) => revoked.add(key),
  });
  return { isRevoked: (key) => live.current().has(key), close: live.close };
}

import { parseRevocationPayload, REVOCATION_CHANNEL } from '@enclavia/contract';
import { type Database, gt, type Listen, revokedGrants, sql } from '@enclavia/db';
import { startLiveState } from './live-state.js';

export interface RevocationList {
  /** Whether a grant id (or personal access token key) was revoked before its tokens ran out. */
  isRevoked(key: string): boolean;
  /** How many revocations are held (metrics). */
  size(): number;
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
  /** Told, for each pushed revocation, how many milliseconds ago it was made (metrics). */
  onPushed?: (ageMs: number) => void;
}): Promise<RevocationList> {
  const { db, onPushed } = options;
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
    parse: (payload) => {
      const pushed = parseRevocationPayload(payload);
      if (pushed?.at !== undefined) onPushed?.(Date.now() - pushed.at);
      return pushed?.key;
    },
    apply: (revoked, key) => revoked.add(key),
  });
  return { isRevoked: (key) => live.current().has(key), size: () => live.current().size, close: live.close };
}

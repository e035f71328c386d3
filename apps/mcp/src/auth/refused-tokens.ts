/**
 * Hashes of bearer tokens recently refused as unknown, each remembered for `seconds`, at most
 * `maxEntries` at once (the oldest go first). A flood of distinct guesses only pushes out older
 * guesses: accepted tokens are cached elsewhere and never evicted by this.
 */
export function createRefusedTokens({ seconds, maxEntries }: { seconds: number; maxEntries: number }) {
  const refusedUntil = new Map<string, number>();
  return {
    has(hash: string, now = Date.now()): boolean {
      const until = refusedUntil.get(hash);
      if (until === undefined) return false;
      if (until > now) return true;
      refusedUntil.delete(hash);
      return false;
    },
    add(hash: string, now = Date.now()): void {
      if (seconds <= 0) return;
      refusedUntil.delete(hash);
      if (refusedUntil.size >= maxEntries) refusedUntil.delete(refusedUntil.keys().next().value!);
      refusedUntil.set(hash, now + seconds * 1000);
    },
  };
}

interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

interface Batch<K, V> {
  waiters: Map<K, Waiter<V>[]>;
  sent: boolean;
}

/**
 * One query for many callers. Calls made in the same turn of the event loop are collected and,
 * when the turn ends, answered together by a single `run` over their distinct keys; a key that
 * `run` leaves out is answered `undefined`. Under load many requests are in one turn, so a
 * statement's fixed cost (for the embedded database, most of its cost) is paid once for all of them.
 *
 * A call never joins a query that was already sent: every caller gets an answer read at or after
 * its call, exactly as if it had queried alone. Batching changes the cost, never the answer.
 */
export function batched<K, V>(
  run: (keys: K[]) => Promise<ReadonlyMap<K, V>>,
  { maxBatch = 256 }: { maxBatch?: number } = {},
): (key: K) => Promise<V | undefined> {
  let open: Batch<K, V> | undefined;

  const send = (batch: Batch<K, V>) => {
    if (batch.sent) return;
    batch.sent = true;
    if (open === batch) open = undefined;
    Promise.resolve()
      .then(() => run([...batch.waiters.keys()]))
      .then(
        (results) => {
          for (const [key, waiters] of batch.waiters) for (const w of waiters) w.resolve(results.get(key));
        },
        (error: unknown) => {
          for (const waiters of batch.waiters.values()) for (const w of waiters) w.reject(error);
        },
      );
  };

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      if (!open) {
        const batch: Batch<K, V> = { waiters: new Map(), sent: false };
        open = batch;
        // After the I/O callbacks of this turn: every request that arrived with this one is in.
        setImmediate(() => send(batch));
      }
      const batch = open;
      const waiters = batch.waiters.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else batch.waiters.set(key, [{ resolve, reject }]);
      if (batch.waiters.size >= maxBatch) send(batch);
    });
}

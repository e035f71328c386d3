import type { Listen } from '@enclavia/db';

export interface LiveStateOptions<S, P> {
  listen: Listen;
  /** The NOTIFY channel on which changes are pushed. */
  channel: string;
  /** Reads the whole state from the database. */
  load: () => Promise<S>;
  /** A pushed payload, checked; undefined drops it (a full reload will correct whatever it meant). */
  parse: (payload: string) => P | undefined;
  /** Applies one pushed change to a state. */
  apply: (state: S, change: P) => void;
  resyncSeconds: number;
  onError?: (error: unknown) => void;
}

export interface LiveState<S> {
  current(): S;
  /** Reloads now; the periodic reload does the same. */
  resync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * In-memory state that follows a table: changes are pushed by NOTIFY and applied within
 * milliseconds, and a full reload every `resyncSeconds` makes sure a missed notification cannot
 * leave the state wrong for long. A change pushed while a reload runs may be missing from the
 * reload's snapshot, so it is applied again on top of it; NOTIFY delivers in commit order, so
 * applying a change twice, or after an older snapshot, lands on the newest state.
 */
export async function startLiveState<S, P>(options: LiveStateOptions<S, P>): Promise<LiveState<S>> {
  const { listen, channel, load, parse, apply, resyncSeconds, onError = () => {} } = options;
  let state: S | undefined;
  let pushedDuringReload: P[] | undefined;
  let reloading: Promise<void> | undefined;

  const reload = async () => {
    const pushed: P[] = [];
    pushedDuringReload = pushed;
    try {
      const next = await load();
      for (const change of pushed) apply(next, change);
      state = next;
    } finally {
      if (pushedDuringReload === pushed) pushedDuringReload = undefined;
    }
  };
  // One reload at a time: a slow one is not overtaken by the next tick's.
  const resync = () => {
    reloading ??= reload().finally(() => {
      reloading = undefined;
    });
    return reloading;
  };

  const unlisten = await listen(channel, (payload) => {
    const change = parse(payload);
    if (change === undefined) return;
    if (state !== undefined) apply(state, change);
    pushedDuringReload?.push(change);
  });
  try {
    await resync();
  } catch (error) {
    await unlisten();
    throw error;
  }
  const timer = setInterval(() => resync().catch(onError), resyncSeconds * 1000);
  timer.unref();
  return {
    current: () => state!,
    resync,
    async close() {
      clearInterval(timer);
      await unlisten();
    },
  };
}

import type { Database } from '@enclavia/db';
import { type EnclaveDriver, startLocalDriver } from '@enclavia/enclaves';
import type { McpConfig } from './config.js';

/**
 * The configured runtime driver. With `none` this process only records what users ask for, and
 * another process's driver (sharing the PostgreSQL database) carries it out.
 */
export function startDriver(
  config: McpConfig,
  db: Database,
  onError: (error: unknown) => void,
): EnclaveDriver {
  if (config.enclaveDriver === 'local')
    return startLocalDriver({ db, timings: config.enclaveTimings, onError });
  const { stopMs } = config.enclaveTimings;
  return {
    schedule: (state) => new Date(Date.now() + (state === 'pending' ? 0 : stopMs)),
    wake: () => {},
    close: async () => {},
  };
}

import { resolve } from 'node:path';
import { DatabaseInUseError, openDatabase, runInHolder } from '@enclavia/db';
import type { AuthConfig } from '../config.js';
import { operatorCommands } from '../operator-commands.js';

export type Outcome = { ok: true; result: unknown } | { ok: false; error: string };

/**
 * Runs an operator command where it takes effect at once. On the embedded database that is the
 * process holding it (through its socket), or this one when none does; a holder that does not
 * offer the command is a `DatabaseInUseError`. On PostgreSQL this process opens the database
 * itself: NOTIFY carries the command's revocations to every running process.
 */
export async function runOperatorCommand(
  config: AuthConfig,
  command: string,
  args: unknown,
  purpose: string,
): Promise<Outcome> {
  if ('dataDir' in config.database) {
    const answer = await runInHolder(config.database.dataDir, command, args);
    if (answer.status === 'done') return { ok: true, result: answer.result };
    if (answer.status === 'failed') return { ok: false, error: answer.error };
    if (answer.status === 'refused') {
      throw new DatabaseInUseError(resolve(config.database.dataDir), answer.holder);
    }
  }
  const database = await openDatabase({ ...config.database, purpose });
  try {
    const run = operatorCommands({ config, db: database.db })[command];
    if (!run) throw new Error(`no operator command "${command}"`);
    return { ok: true, result: await run(args) };
  } finally {
    await database.close();
  }
}

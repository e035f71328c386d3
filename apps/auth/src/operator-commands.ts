import type { ControlCommand, Database, DatabaseHandle } from '@enclavia/db';
import { z } from 'zod';
import type { AuthConfig } from './config.js';
import { disableUser } from './disable-user.js';

/** `disable-user`: what it takes and answers, for both ends of the data directory's socket. */
export const disableUserCommand = {
  name: 'disable-user',
  args: z.strictObject({ email: z.string().trim().min(1).max(320) }),
  /** Null when no user has the email. */
  result: z.object({ grants: z.number().int().min(0), tokens: z.number().int().min(0) }).nullable(),
};

/**
 * The operator commands by name: what a process holding the embedded database runs for `pnpm
 * disable-user` and the like, and what those commands run themselves when nothing holds it.
 */
export function operatorCommands({
  config,
  db,
}: {
  config: AuthConfig;
  db: Database;
}): Record<string, ControlCommand> {
  return {
    [disableUserCommand.name]: async (args) => {
      const { email } = parseArgs(disableUserCommand.args, args);
      return (await disableUser(db, { email, accessTokenTtl: config.ttl.accessToken })) ?? null;
    },
  };
}

/**
 * Offers the operator commands through the embedded database's socket, so they run in this
 * process and their revocations reach its MCP server at once. Nothing to do on PostgreSQL, where
 * the commands open the database themselves and NOTIFY reaches every process.
 */
export function offerOperatorCommands(
  database: Pick<DatabaseHandle, 'db' | 'control'>,
  config: AuthConfig,
): void {
  for (const [name, run] of Object.entries(operatorCommands({ config, db: database.db }))) {
    database.control?.handle(name, run);
  }
}

function parseArgs<T>(schema: z.ZodType<T>, args: unknown): T {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  throw new Error(
    parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '),
  );
}

import {
  databaseConfig,
  databaseEnv,
  exitOnStartupError,
  parseEnv,
  printVersionIfAsked,
  VERSION,
} from '@enclavia/config';
import { openDatabase } from '@enclavia/db';
import { z } from 'zod';

/**
 * Applies the committed migrations to the database and exits: the step a deployment runs once
 * before rolling out new servers (a Kubernetes Job, the compose `migrate` service). The servers
 * apply them too when they open the database; running it first means no server starts on a
 * schema it does not know.
 */
async function main() {
  if (printVersionIfAsked()) return;
  const database = await openDatabase(databaseConfig(parseEnv(z.object(databaseEnv), process.env)));
  await database.close();
  console.log(`Enclavia ${VERSION}: database migrated.`);
}

main().catch(exitOnStartupError);

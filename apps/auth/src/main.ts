import { closeOnSignal, exitOnStartupError, listenOrExplain, printVersionIfAsked } from '@enclavia/config';
import { openDatabase } from '@enclavia/db';
import { buildAuthApp } from './app.js';
import { authListener, loadAuthConfig, startupWarnings } from './config.js';
import { offerOperatorCommands } from './operator-commands.js';

/** The authorization server as a process of its own (see apps/standalone for both in one). */
async function main() {
  if (printVersionIfAsked()) return;
  const config = loadAuthConfig();
  const database = await openDatabase({ ...config.database, purpose: 'pnpm --filter @enclavia/auth start' });
  offerOperatorCommands(database, config);
  const app = await buildAuthApp({
    config,
    db: database.db,
    listen: database.listen,
    logging: config.logging,
  });
  closeOnSignal(async () => {
    await app.close();
    await database.close();
  });
  for (const warning of startupWarnings(config)) app.log.warn(warning);
  await listenOrExplain(app, authListener(config));
}

main().catch(exitOnStartupError);

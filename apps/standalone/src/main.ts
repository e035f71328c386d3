import { offerOperatorCommands, startupWarnings } from '@enclavia/auth';
import { closeOnSignal, exitOnStartupError, printVersionIfAsked, VERSION } from '@enclavia/config';
import { openDatabase } from '@enclavia/db';
import { loadStandaloneConfig } from './config.js';
import { startServices } from './start.js';

async function main() {
  if (printVersionIfAsked()) return;
  const config = loadStandaloneConfig();
  // Before any port is bound: a second `pnpm start` on the same data directory stops here.
  const database = await openDatabase({ ...config.auth.database, purpose: 'pnpm start' });
  offerOperatorCommands(database, config.auth);
  const services = await startServices(config, database).catch(async (error) => {
    await database.close();
    throw error;
  });
  closeOnSignal(async () => {
    await services.close();
    await database.close();
  });

  for (const warning of startupWarnings(config.auth)) console.warn(warning);
  const where =
    'url' in config.auth.database ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.auth.database.dataDir}`;
  console.log(`Enclavia ${VERSION} is running.

  MCP server URL (paste it into your MCP client):  ${config.mcp.resource}
  Authorization server:                             ${config.auth.issuer}
  Database:                                         ${where}

Press Ctrl-C to stop.`);
}

main().catch(exitOnStartupError);

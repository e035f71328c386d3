import { ConfigError, closeOnSignal, exitOnStartupError } from '@enclavia/config';
import { openDatabase } from '@enclavia/db';
import { buildMcpApp } from './app.js';
import { loadMcpConfig } from './config.js';

/** The MCP server as a process of its own (see apps/standalone for both in one). */
async function main() {
  const config = loadMcpConfig();
  if (!('url' in config.database)) {
    throw new ConfigError([
      'DATABASE_URL: the MCP server on its own needs PostgreSQL, because the embedded database cannot be shared between processes. Run `pnpm start` to run both services in one process instead.',
    ]);
  }
  const database = await openDatabase(config.database);
  const app = await buildMcpApp({
    config,
    db: database.db,
    listen: database.listen,
    logger: { level: 'info' },
  });
  closeOnSignal(async () => {
    await app.close();
    await database.close();
  });
  await app.listen({ host: config.host, port: config.port });
  app.log.info(`MCP server at ${config.resource}`);
}

main().catch(exitOnStartupError);

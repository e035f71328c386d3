import { parseArgs } from 'node:util';
import {
  ConfigError,
  closeOnSignal,
  exitOnStartupError,
  listenOrExplain,
  printVersionIfAsked,
} from '@enclavia/config';
import { openDatabase } from '@enclavia/db';
import { buildMcpApp } from './app.js';
import { loadMcpConfig, type McpConfig, mcpListener } from './config.js';
import { runStdio, StdioStartError } from './stdio.js';

/**
 * `enclavia-mcp-server [--transport http|stdio] [--version]`: the MCP server as a process of its own (see
 * apps/standalone for both services in one).
 */
async function main() {
  if (printVersionIfAsked()) return;
  const { values } = parseArgs({ options: { transport: { type: 'string', default: 'http' } } });
  const config = loadMcpConfig();
  if (values.transport === 'stdio') return startStdio(config);
  if (values.transport !== 'http') {
    throw new ConfigError([
      `--transport "${values.transport}" is not known: use --transport http or --transport stdio`,
    ]);
  }
  return startHttp(config);
}

async function startHttp(config: McpConfig) {
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
    logging: config.logging,
  });
  closeOnSignal(async () => {
    await app.close();
    await database.close();
  });
  await listenOrExplain(app, mcpListener(config));
  app.log.info(`MCP server at ${config.resource}`);
}

async function startStdio(config: McpConfig) {
  try {
    const running = await runStdio(config);
    closeOnSignal(running.close);
    // The host closing our stdin ends the session.
    process.stdin.on('end', () => void running.close().then(() => process.exit(0)));
  } catch (error) {
    if (!(error instanceof StdioStartError)) throw error;
    // One line on stderr, nothing on stdout: the host sees why before any protocol traffic.
    process.stderr.write(`enclavia-mcp-server: ${error.message}\n`);
    process.exit(error.exitCode);
  }
}

main().catch(exitOnStartupError);

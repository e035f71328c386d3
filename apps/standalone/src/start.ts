import { type AuthAppDeps, buildAuthApp } from '@enclavia/auth';
import type { DatabaseHandle } from '@enclavia/db';
import { buildMcpApp } from '@enclavia/mcp';
import type { StandaloneConfig } from './config.js';

export interface RunningServices {
  /** The two Fastify apps, listening; tests read their route tables. */
  apps: { auth: Awaited<ReturnType<typeof buildAuthApp>>; mcp: Awaited<ReturnType<typeof buildMcpApp>> };
  close(): Promise<void>;
}

/** Both services in this process on one database handle (PGlite allows only one). */
export async function startServices(
  config: StandaloneConfig,
  database: Pick<DatabaseHandle, 'db' | 'listen'>,
  overrides: Pick<AuthAppDeps, 'fetch'> = {},
): Promise<RunningServices> {
  const logger = { level: config.logLevel };
  const auth = await buildAuthApp({
    config: config.auth,
    db: database.db,
    listen: database.listen,
    logger,
    ...overrides,
  });
  const mcp = await buildMcpApp({ config: config.mcp, db: database.db, listen: database.listen, logger });
  try {
    await auth.listen({ host: config.auth.host, port: config.auth.port });
    await mcp.listen({ host: config.mcp.host, port: config.mcp.port });
  } catch (error) {
    await Promise.allSettled([auth.close(), mcp.close()]);
    throw error;
  }
  return {
    apps: { auth, mcp },
    async close() {
      await mcp.close();
      await auth.close();
    },
  };
}

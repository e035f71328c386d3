import { type AuthAppDeps, authListener, buildAuthApp } from '@enclavia/auth';
import { listenOrExplain } from '@enclavia/config';
import type { DatabaseHandle } from '@enclavia/db';
import { buildMcpApp, mcpListener } from '@enclavia/mcp';
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
  const auth = await buildAuthApp({
    config: config.auth,
    db: database.db,
    listen: database.listen,
    logging: config.auth.logging,
    ...overrides,
  });
  const mcp = await buildMcpApp({
    config: config.mcp,
    db: database.db,
    listen: database.listen,
    logging: config.mcp.logging,
  });
  try {
    await listenOrExplain(auth, authListener(config.auth));
    await listenOrExplain(mcp, mcpListener(config.mcp));
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

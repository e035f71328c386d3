import {
  assertProductionSafe,
  booleanFlag,
  type DatabaseConfig,
  databaseConfig,
  databaseEnv,
  type Env,
  httpsRule,
  nodeEnv,
  parseEnv,
  port,
  publicUrl,
  seconds,
} from '@enclavia/config';
import { canonicalResource } from '@enclavia/contract';
import { z } from 'zod';

const schema = z.object({
  ...databaseEnv,
  NODE_ENV: nodeEnv,
  /** The canonical resource URL, exactly as clients are told to use it. */
  MCP_PUBLIC_URL: publicUrl.default('http://localhost:4001/mcp'),
  /** The authorization server's issuer. */
  AUTH_PUBLIC_URL: publicUrl.default('http://localhost:4000'),
  /** Where this server fetches the issuer's keys, when it reaches the auth server by another address. */
  AUTH_JWKS_URL: publicUrl.optional(),
  MCP_HOST: z.string().default('127.0.0.1'),
  MCP_PORT: port.default(4001),
  MCP_TRUST_PROXY: booleanFlag.default(false),
  /** How often the in-memory list of revoked grants is reloaded in full, besides NOTIFY. */
  REVOCATION_RESYNC_SECONDS: seconds.default(30),
  /** Browser origins allowed to call the MCP endpoint, comma-separated; MCP Inspector's by default. */
  MCP_ALLOWED_ORIGINS: z
    .string()
    .default('http://localhost:6274,http://127.0.0.1:6274')
    .transform((list) =>
      list
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url().transform((u) => new URL(u).origin))),
});

export interface McpConfig {
  nodeEnv: 'development' | 'test' | 'production';
  database: DatabaseConfig;
  resource: string;
  issuer: string;
  jwksUrl: string;
  host: string;
  port: number;
  trustProxy: boolean;
  allowedOrigins: string[];
  revocationResyncSeconds: number;
}

export function loadMcpConfig(env: Env = process.env): McpConfig {
  const e = parseEnv(schema, env);
  const config: McpConfig = {
    nodeEnv: e.NODE_ENV,
    database: databaseConfig(e),
    resource: canonicalResource(e.MCP_PUBLIC_URL),
    issuer: e.AUTH_PUBLIC_URL,
    jwksUrl: e.AUTH_JWKS_URL ?? `${e.AUTH_PUBLIC_URL}/jwks`,
    host: e.MCP_HOST,
    port: e.MCP_PORT,
    trustProxy: e.MCP_TRUST_PROXY,
    allowedOrigins: e.MCP_ALLOWED_ORIGINS,
    revocationResyncSeconds: e.REVOCATION_RESYNC_SECONDS,
  };
  assertProductionSafe(config.nodeEnv, [
    httpsRule('MCP_PUBLIC_URL', config.resource),
    httpsRule('AUTH_PUBLIC_URL', config.issuer),
  ]);
  return config;
}

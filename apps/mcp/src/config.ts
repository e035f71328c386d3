import {
  assertProductionSafe,
  type DatabaseConfig,
  databaseConfig,
  databaseEnv,
  type Env,
  httpsRule,
  type ListenSettings,
  type LoggingConfig,
  loggingConfig,
  loggingEnv,
  type MetricsConfig,
  metricsToken,
  nodeEnv,
  parseEnv,
  port,
  publicUrl,
  publicUrls,
  seconds,
  servicePorts,
  type TrustProxy,
  trustProxySetting,
} from '@enclavia/config';
import { canonicalResource } from '@enclavia/contract';
import type { LocalDriverTimings } from '@enclavia/enclaves';
import { z } from 'zod';
import type { EnclaveCreateLimit } from './limits/enclave-create-limit.js';

const milliseconds = z.coerce.number().int().min(0);

const schema = z.object({
  ...databaseEnv,
  ...loggingEnv,
  NODE_ENV: nodeEnv,
  /** The canonical resource URL, exactly as clients are told to use it. */
  MCP_PUBLIC_URL: publicUrl.optional(),
  /** The authorization server's issuer. */
  AUTH_PUBLIC_URL: publicUrl.optional(),
  /** Where this server fetches the issuer's keys, when it reaches the auth server by another address. */
  AUTH_JWKS_URL: publicUrl.optional(),
  MCP_HOST: z.string().default('127.0.0.1'),
  /** A listener of its own for Prometheus' `/metrics`, on MCP_HOST; unset: none. */
  MCP_METRICS_PORT: port.optional(),
  METRICS_TOKEN: metricsToken,
  ...servicePorts,
  MCP_TRUST_PROXY: trustProxySetting('MCP_TRUST_PROXY'),
  /** How often the in-memory list of revoked grants is reloaded in full, besides NOTIFY. */
  REVOCATION_RESYNC_SECONDS: seconds.default(30),
  /**
   * How long a personal access token the database refused is refused again without a query;
   * `0` asks every time. Short, so memory stays small; at most 300.
   */
  PAT_NEGATIVE_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** `local` simulates enclaves in this process; `none` leaves them to another process's driver. */
  ENCLAVE_DRIVER: z.enum(['local', 'none']).default('local'),
  /** Enclaves that are not destroyed one workspace may have; enclave_create refuses more. */
  ENCLAVE_QUOTA_PER_WORKSPACE: z.coerce.number().int().positive().default(25),
  /** `enclave_create` calls one user may make in one workspace per window (seconds); more is HTTP 429. */
  ENCLAVE_CREATE_LIMIT: z.coerce.number().int().positive().default(10),
  ENCLAVE_CREATE_WINDOW: seconds.default(60),
  /** The local driver's phase timings, in milliseconds. */
  ENCLAVE_PULL_MS: milliseconds.default(2000),
  ENCLAVE_BUILD_MS: milliseconds.default(5000),
  ENCLAVE_STOP_MS: milliseconds.default(2000),
  ENCLAVE_POLL_MS: milliseconds.default(500),
  /** The bearer token of `enclavia-mcp-server --transport stdio`: an access token or personal access token. */
  ENCLAVIA_TOKEN: z.string().optional(),
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
  /**
   * Host names, besides the public URL's and loopback, that requests to `/mcp` may name (Host or a
   * trusted proxy's X-Forwarded-Host), comma-separated: e.g. the name a proxy uses when it does not
   * pass the client's Host on. Any other name gets 403 (DNS rebinding).
   */
  MCP_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+$/, 'a host name, without scheme or port'))),
});

export interface McpConfig {
  nodeEnv: 'development' | 'test' | 'production';
  logging: LoggingConfig;
  metrics: MetricsConfig;
  database: DatabaseConfig;
  resource: string;
  issuer: string;
  jwksUrl: string;
  host: string;
  port: number;
  trustProxy: TrustProxy;
  allowedOrigins: string[];
  /** Host names `/mcp` answers to: the public URL's and MCP_ALLOWED_HOSTS (loopback always). */
  allowedHosts: string[];
  revocationResyncSeconds: number;
  patNegativeCacheSeconds: number;
  enclaveDriver: 'local' | 'none';
  enclaveQuota: number;
  enclaveCreateLimit: EnclaveCreateLimit;
  enclaveTimings: LocalDriverTimings;
  /** Only for stdio. */
  stdioToken: string | undefined;
}

export function loadMcpConfig(env: Env = process.env): McpConfig {
  const e = parseEnv(schema, env);
  const urls = publicUrls(e);
  const config: McpConfig = {
    nodeEnv: e.NODE_ENV,
    logging: loggingConfig(e, e.NODE_ENV),
    metrics: {
      ...(e.MCP_METRICS_PORT !== undefined ? { port: e.MCP_METRICS_PORT } : {}),
      ...(e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : {}),
    },
    database: databaseConfig(e),
    resource: canonicalResource(urls.mcp),
    issuer: urls.issuer,
    jwksUrl: e.AUTH_JWKS_URL ?? `${urls.issuer}/jwks`,
    host: e.MCP_HOST,
    port: e.MCP_PORT,
    trustProxy: e.MCP_TRUST_PROXY,
    allowedOrigins: e.MCP_ALLOWED_ORIGINS,
    allowedHosts: [new URL(canonicalResource(urls.mcp)).hostname, ...e.MCP_ALLOWED_HOSTS],
    revocationResyncSeconds: e.REVOCATION_RESYNC_SECONDS,
    patNegativeCacheSeconds: e.PAT_NEGATIVE_CACHE_SECONDS,
    enclaveDriver: e.ENCLAVE_DRIVER,
    enclaveQuota: e.ENCLAVE_QUOTA_PER_WORKSPACE,
    enclaveCreateLimit: { max: e.ENCLAVE_CREATE_LIMIT, windowSeconds: e.ENCLAVE_CREATE_WINDOW },
    stdioToken: e.ENCLAVIA_TOKEN,
    enclaveTimings: {
      pullMs: e.ENCLAVE_PULL_MS,
      buildMs: e.ENCLAVE_BUILD_MS,
      stopMs: e.ENCLAVE_STOP_MS,
      pollMs: e.ENCLAVE_POLL_MS,
    },
  };
  assertProductionSafe(config.nodeEnv, [
    httpsRule('MCP_PUBLIC_URL', config.resource),
    httpsRule('AUTH_PUBLIC_URL', config.issuer),
  ]);
  return config;
}

/** Where the MCP server listens, and the settings that say so. */
export function mcpListener(config: McpConfig): ListenSettings {
  return { host: config.host, port: config.port, hostSetting: 'MCP_HOST', portSetting: 'MCP_PORT' };
}

import { fileURLToPath } from 'node:url';

export * from './input-guard.js';
export { closeOnSignal, exitOnStartupError } from './lifecycle.js';
export { explainListenError, ListenError, type ListenSettings, listenOrExplain } from './listen.js';
export { fastifyLogging, type LoggingConfig, loggingConfig, loggingEnv, prettyLine } from './logging.js';
export {
  countRequests,
  createServiceMetrics,
  type MetricsConfig,
  metricsToken,
  type ServiceMetrics,
  serveMetrics,
} from './metrics.js';
export * from './request-log.js';
export { printVersionIfAsked, USER_AGENT, VERSION } from './version.js';

import { z } from 'zod';

/** Thrown with every problem of the environment at once, so one start tells the operator everything. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // One problem is one line, what an operator reads first; several are listed below each other.
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** Parses `env` with `schema`; blank values count as unset. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
}

/** Refuses in production what is only safe on a laptop. Each rule returns a problem or nothing. */
export function assertProductionSafe(nodeEnv: string, rules: Array<() => string | undefined>): void {
  if (nodeEnv !== 'production') return;
  const problems = rules.map((rule) => rule()).filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new ConfigError(problems);
}

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

export { booleanFlag } from './flags.js';

export const port = z.coerce.number().int().min(0).max(65535);

/** Both services' ports: each service advertises the other's URL, so both read both. */
export const servicePorts = {
  AUTH_PORT: port.default(4000),
  MCP_PORT: port.default(4001),
};

/**
 * The public URLs, by default on localhost at the ports: setting only `AUTH_PORT`/`MCP_PORT`
 * moves every advertised URL (metadata, challenges, the banner) with the listener.
 */
export function publicUrls(e: {
  AUTH_PUBLIC_URL?: string | undefined;
  MCP_PUBLIC_URL?: string | undefined;
  AUTH_PORT: number;
  MCP_PORT: number;
}): { issuer: string; mcp: string } {
  return {
    issuer: e.AUTH_PUBLIC_URL ?? `http://localhost:${e.AUTH_PORT}`,
    mcp: e.MCP_PUBLIC_URL ?? `http://localhost:${e.MCP_PORT}/mcp`,
  };
}

/** Durations in seconds. */
export const seconds = z.coerce.number().int().positive();

/** An absolute http(s) URL without query or fragment, returned without a trailing slash. */
export const publicUrl = z
  .url({ protocol: /^https?$/ })
  .refine((u) => !new URL(u).search && !new URL(u).hash, 'must not have a query or fragment')
  .transform((u) => u.replace(/\/+$/, ''));

export const databaseUrl = z.url({ protocol: /^postgres(ql)?$/ });

export function isHttps(url: string): boolean {
  return new URL(url).protocol === 'https:';
}

/** The embedded database's default home: `.data/` at the repository root. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../.data/pglite', import.meta.url));

/** Settings every app with a database shares: PostgreSQL when `DATABASE_URL` is set, else PGlite. */
export const databaseEnv = {
  DATABASE_URL: databaseUrl.optional(),
  DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
};

export type DatabaseConfig = { url: string } | { dataDir: string };

export function databaseConfig(e: { DATABASE_URL?: string | undefined; DATA_DIR: string }): DatabaseConfig {
  return e.DATABASE_URL ? { url: e.DATABASE_URL } : { dataDir: e.DATA_DIR };
}

/** A production rule: the public URL in `variable` must be https. */
export function httpsRule(variable: string, url: string): () => string | undefined {
  return () => (isHttps(url) ? undefined : `${variable} must be https in production`);
}

/**
 * Whom to believe about the client's address: `false` (nobody: the socket's peer is the client),
 * a hop count (the client is that many proxies back from this server) or the proxies' own
 * addresses and CIDR ranges. Never "everybody": the left-most `X-Forwarded-For` entry is whatever
 * the client wrote, so trusting it lets anyone pick the address rate limits are keyed by.
 */
export type TrustProxy = false | number | string[];

const IP_OR_CIDR = /^(?:[0-9.]+|[0-9a-fA-F:.]+)(?:\/\d{1,3})?$/;

export function trustProxySetting(variable: string) {
  return z
    .string()
    .transform((raw, ctx): TrustProxy => {
      const value = raw.trim().toLowerCase();
      if (['false', 'no', '0'].includes(value)) return false;
      if (['true', 'yes'].includes(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `${variable}=${value} would let any client choose its own address with X-Forwarded-For; set the number of proxies in front of this server (usually 1) or their addresses (e.g. 10.0.0.0/8)`,
        });
        return z.NEVER;
      }
      if (/^\d+$/.test(value)) {
        const hops = Number(value);
        if (hops > 10) {
          ctx.addIssue({
            code: 'custom',
            message: `${variable}: ${hops} proxies in a row is not a deployment; at most 10`,
          });
          return z.NEVER;
        }
        return hops;
      }
      const addresses = raw
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      const bad = addresses.filter((a) => !IP_OR_CIDR.test(a));
      if (bad.length > 0 || addresses.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${variable} is a number of proxies or a comma-separated list of proxy addresses/CIDRs; "${bad.join(', ') || raw}" is neither`,
        });
        return z.NEVER;
      }
      return addresses;
    })
    .default(false);
}

/** The setting as Fastify's `trustProxy` option: a hop count becomes "the nearest n hops". */
export function fastifyTrustProxy(
  trust: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}

import { type AuthConfig, loadAuthConfig } from '@enclavia/auth';
import { type Env, parseEnv } from '@enclavia/config';
import { loadMcpConfig, type McpConfig } from '@enclavia/mcp';
import { z } from 'zod';

const schema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

export interface StandaloneConfig {
  auth: AuthConfig;
  mcp: McpConfig;
  logLevel: string;
}

/** Both services' settings from one environment, so they agree on the issuer and the resource. */
export function loadStandaloneConfig(env: Env = process.env): StandaloneConfig {
  return { auth: loadAuthConfig(env), mcp: loadMcpConfig(env), logLevel: parseEnv(schema, env).LOG_LEVEL };
}

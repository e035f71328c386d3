import { type AuthConfig, loadAuthConfig } from '@enclavia/auth';
import type { Env } from '@enclavia/config';
import { loadMcpConfig, type McpConfig } from '@enclavia/mcp';

export interface StandaloneConfig {
  auth: AuthConfig;
  mcp: McpConfig;
}

/** Both services' settings from one environment, so they agree on the issuer and the resource. */
export function loadStandaloneConfig(env: Env = process.env): StandaloneConfig {
  return { auth: loadAuthConfig(env), mcp: loadMcpConfig(env) };
}

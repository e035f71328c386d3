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
  type TrustProxy,
  trustProxySetting,
} from '@enclavia/config';
import { canonicalResource } from '@enclavia/contract';
import { z } from 'zod';

const DAY = 86_400;

/** How many of something a limit allows per window. */
const perWindow = z.coerce.number().int().positive();

/** Comma-separated email addresses, lowercased as accounts store them. */
const emailList = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.email('not an email address')));

const schema = z
  .object({
    ...databaseEnv,
    NODE_ENV: nodeEnv,
    /** The issuer: an origin with no path, exactly as clients reach it. */
    AUTH_PUBLIC_URL: publicUrl
      .default('http://localhost:4000')
      .refine((u) => new URL(u).pathname === '/', 'the issuer must be an origin without a path'),
    /** The canonical MCP resource URL tokens are issued for. */
    MCP_PUBLIC_URL: publicUrl.default('http://localhost:4001/mcp'),
    AUTH_HOST: z.string().default('127.0.0.1'),
    AUTH_PORT: port.default(4000),
    /** Trust X-Forwarded-* from a TLS-terminating proxy in front. */
    AUTH_TRUST_PROXY: trustProxySetting('AUTH_TRUST_PROXY'),
    /** The development login (type an email, continue): on outside production unless turned off. */
    AUTH_DEV_LOGIN: booleanFlag.optional(),
    ACCESS_TOKEN_TTL: seconds.default(15 * 60),
    /**
     * A used refresh token is accepted again for this long after its first use (copies of one
     * client refreshing at once); after it, a reuse is theft and revokes the grant. 0: off.
     */
    REFRESH_REUSE_GRACE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(300, 'REFRESH_REUSE_GRACE_SECONDS is at most 300: a longer window gives a stolen token that long')
      .default(30),
    REFRESH_TOKEN_TTL: seconds.default(30 * DAY),
    GRANT_TTL: seconds.default(180 * DAY),
    AUTHORIZATION_CODE_TTL: seconds.default(60),
    SESSION_TTL: seconds.default(14 * DAY),
    INTERACTION_TTL: seconds.default(60 * 60),
    /** Bounds on how long a fetched client ID metadata document is cached, whatever it says. */
    CIMD_CACHE_MIN: seconds.default(60),
    CIMD_CACHE_MAX: seconds.default(DAY),
    /** How long a metadata document that could not be used is answered from memory, not fetched again. */
    CIMD_FAILURE_CACHE_SECONDS: seconds.default(60),
    /** How often the in-memory workspace policies are reloaded in full, besides NOTIFY. */
    REVOCATION_RESYNC_SECONDS: seconds.default(30),
    /** Client registrations allowed per client address per window. Claude's backend shares addresses. */
    REGISTER_RATE_LIMIT: perWindow.default(30),
    REGISTER_RATE_WINDOW: seconds.default(60),
    /** Failed token requests (400/401) per client address per window; then every one is refused until it ends. */
    TOKEN_FAILURE_LIMIT: perWindow.default(100),
    TOKEN_FAILURE_WINDOW: seconds.default(60),
    /** Failed sign-ins (4xx of the dev login and GitHub/Google callbacks) per client address per window. */
    SIGN_IN_FAILURE_LIMIT: perWindow.default(30),
    SIGN_IN_FAILURE_WINDOW: seconds.default(60),
    /** Personal access tokens a user may create per window, from the dashboard and the API together. */
    PAT_CREATE_LIMIT: perWindow.default(10),
    PAT_CREATE_WINDOW: seconds.default(60),
    /** Registered clients that never obtained a grant are removed after this age... */
    CLIENT_REAP_AFTER: seconds.default(DAY),
    /** ...checked this often. */
    CLIENT_REAP_INTERVAL: seconds.default(60 * 60),
    /** How often expired codes, tokens, sessions, interactions and revocations are deleted. */
    HOUSEKEEPING_INTERVAL: seconds.default(10 * 60),
    /** "Continue with GitHub": an OAuth app's credentials; callback `$AUTH_PUBLIC_URL/login/github/callback`. */
    GITHUB_CLIENT_ID: z.string().optional(),
    GITHUB_CLIENT_SECRET: z.string().optional(),
    /** "Continue with Google": an OAuth client's credentials; callback `$AUTH_PUBLIC_URL/login/google/callback`. */
    GOOGLE_CLIENT_ID: z.string().optional(),
    GOOGLE_CLIENT_SECRET: z.string().optional(),
    /** Who may disable any user at /admin/users and POST /api/v1/users/disable; nobody by default. */
    INSTANCE_ADMINS: emailList.default([]),
  })
  .refine((e) => !e.GITHUB_CLIENT_ID === !e.GITHUB_CLIENT_SECRET, {
    message: 'set both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, or neither',
    path: ['GITHUB_CLIENT_SECRET'],
  })
  .refine((e) => !e.GOOGLE_CLIENT_ID === !e.GOOGLE_CLIENT_SECRET, {
    message: 'set both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, or neither',
    path: ['GOOGLE_CLIENT_SECRET'],
  });

export interface OAuthAppCredentials {
  clientId: string;
  clientSecret: string;
}

/** At most `max` per `windowSeconds`. */
export interface Limit {
  max: number;
  windowSeconds: number;
}

export interface AuthConfig {
  nodeEnv: 'development' | 'test' | 'production';
  database: DatabaseConfig;
  issuer: string;
  mcpResource: string;
  host: string;
  port: number;
  trustProxy: TrustProxy;
  devLogin: boolean;
  github?: OAuthAppCredentials;
  google?: OAuthAppCredentials;
  cimdCache: { min: number; max: number; failureSeconds: number };
  registrationLimit: Limit;
  tokenFailureLimit: Limit;
  tokenCreationLimit: Limit;
  signInFailureLimit: Limit;
  housekeeping: { intervalSeconds: number };
  clientReaping: { afterSeconds: number; intervalSeconds: number };
  liveStateResyncSeconds: number;
  refreshReuseGraceSeconds: number;
  /** Emails of the instance admins, lowercased. */
  instanceAdmins: string[];
  ttl: {
    accessToken: number;
    refreshToken: number;
    grant: number;
    authorizationCode: number;
    session: number;
    interaction: number;
  };
}

export function loadAuthConfig(env: Env = process.env): AuthConfig {
  const e = parseEnv(schema, env);
  const config: AuthConfig = {
    nodeEnv: e.NODE_ENV,
    database: databaseConfig(e),
    issuer: e.AUTH_PUBLIC_URL,
    mcpResource: canonicalResource(e.MCP_PUBLIC_URL),
    host: e.AUTH_HOST,
    port: e.AUTH_PORT,
    trustProxy: e.AUTH_TRUST_PROXY,
    devLogin: e.AUTH_DEV_LOGIN ?? e.NODE_ENV !== 'production',
    ...(e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET
      ? { github: { clientId: e.GITHUB_CLIENT_ID, clientSecret: e.GITHUB_CLIENT_SECRET } }
      : {}),
    ...(e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET
      ? { google: { clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET } }
      : {}),
    cimdCache: { min: e.CIMD_CACHE_MIN, max: e.CIMD_CACHE_MAX, failureSeconds: e.CIMD_FAILURE_CACHE_SECONDS },
    registrationLimit: { max: e.REGISTER_RATE_LIMIT, windowSeconds: e.REGISTER_RATE_WINDOW },
    tokenFailureLimit: { max: e.TOKEN_FAILURE_LIMIT, windowSeconds: e.TOKEN_FAILURE_WINDOW },
    tokenCreationLimit: { max: e.PAT_CREATE_LIMIT, windowSeconds: e.PAT_CREATE_WINDOW },
    signInFailureLimit: { max: e.SIGN_IN_FAILURE_LIMIT, windowSeconds: e.SIGN_IN_FAILURE_WINDOW },
    housekeeping: { intervalSeconds: e.HOUSEKEEPING_INTERVAL },
    clientReaping: { afterSeconds: e.CLIENT_REAP_AFTER, intervalSeconds: e.CLIENT_REAP_INTERVAL },
    liveStateResyncSeconds: e.REVOCATION_RESYNC_SECONDS,
    refreshReuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
    instanceAdmins: e.INSTANCE_ADMINS,
    ttl: {
      accessToken: e.ACCESS_TOKEN_TTL,
      refreshToken: e.REFRESH_TOKEN_TTL,
      grant: e.GRANT_TTL,
      authorizationCode: e.AUTHORIZATION_CODE_TTL,
      session: e.SESSION_TTL,
      interaction: e.INTERACTION_TTL,
    },
  };
  assertProductionSafe(config.nodeEnv, [
    httpsRule('AUTH_PUBLIC_URL', config.issuer),
    httpsRule('MCP_PUBLIC_URL', config.mcpResource),
  ]);
  return config;
}

/** What an operator must hear about at start even though it is allowed. */
export function startupWarnings(config: AuthConfig): string[] {
  const warnings: string[] = [];
  if (config.nodeEnv === 'production' && config.devLogin) {
    warnings.push(
      'WARNING: the development login is ENABLED in production (AUTH_DEV_LOGIN). Anyone can sign in as any email address.',
    );
  }
  if (!config.devLogin && !config.github && !config.google) {
    warnings.push(
      'WARNING: no way to sign in is configured: set GITHUB_CLIENT_ID/SECRET or GOOGLE_CLIENT_ID/SECRET.',
    );
  }
  return warnings;
}

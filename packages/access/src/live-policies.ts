import { POLICY_CHANNEL, SCOPES } from '@enclavia/contract';
import {
  type Database,
  type Executor,
  isNotNull,
  type Listen,
  notify,
  or,
  workspaceClients,
  workspacePolicies,
} from '@enclavia/db';
import { z } from 'zod';
import { startLiveState } from './live-state.js';
import {
  type AppLimits,
  DEFAULT_LIVE_POLICY,
  type LivePolicy,
  livePart,
  policyFromRow,
  withAppLimits,
} from './workspace-policy.js';

export interface LivePolicies {
  /**
   * The policy as it binds live connections now: the workspace's (the default for a workspace never
   * changed), narrowed by the app's own limits when a client is named.
   */
  get(workspaceId: string, clientId?: string): Readonly<LivePolicy>;
  close(): Promise<void>;
}

const ttl = z.number().int().positive().nullable();
const scopes = z.array(z.enum(SCOPES));
const policyAnnouncement = z.object({
  workspace_id: z.uuid(),
  policy: z.object({
    mcpEnabled: z.boolean(),
    scopeCeiling: scopes,
    personalAccessTokensEnabled: z.boolean(),
    accessTokenTtl: ttl,
    refreshTokenTtl: ttl,
    refreshTokensEnabled: z.boolean(),
  }),
});
const appAnnouncement = z.object({
  workspace_id: z.uuid(),
  client_id: z.string().min(1),
  /** Null: the app has no limits of its own (any more). */
  limits: z.object({ scopeCeiling: scopes.nullable(), accessTokenTtl: ttl, refreshTokenTtl: ttl }).nullable(),
});
const announcement = z.union([policyAnnouncement, appAnnouncement]);
type Announcement = z.output<typeof announcement>;

interface State {
  workspaces: Map<string, LivePolicy>;
  /** Keyed by `appKey`; only apps with limits of their own. */
  apps: Map<string, AppLimits>;
}

const appKey = (workspaceId: string, clientId: string) => `${workspaceId} ${clientId}`;

/**
 * Tells every server, when the surrounding transaction commits, what a workspace's policy now is:
 * call it in the transaction that changes the policy.
 */
export async function announcePolicy(db: Executor, workspaceId: string, policy: LivePolicy): Promise<void> {
  const payload: Announcement = { workspace_id: workspaceId, policy: livePart(policy) };
  await notify(db, POLICY_CHANNEL, JSON.stringify(payload));
}

/** The same for one app's own limits in a workspace (null: it has none). */
export async function announceAppLimits(
  db: Executor,
  workspaceId: string,
  clientId: string,
  limits: AppLimits | null,
): Promise<void> {
  const payload: Announcement = { workspace_id: workspaceId, client_id: clientId, limits };
  await notify(db, POLICY_CHANNEL, JSON.stringify(payload));
}

/** An app row's limits, or undefined when it has none of its own. */
export function appLimitsOf(row: {
  scopeCeiling: string[] | null;
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
}): AppLimits | undefined {
  if (row.scopeCeiling === null && row.accessTokenTtl === null && row.refreshTokenTtl === null)
    return undefined;
  return {
    scopeCeiling: row.scopeCeiling && SCOPES.filter((s) => row.scopeCeiling!.includes(s)),
    accessTokenTtl: row.accessTokenTtl,
    refreshTokenTtl: row.refreshTokenTtl,
  };
}

/**
 * Every workspace's live policy and every app's own limits, in memory, so applying them to a
 * request costs no database round trip: a change reaches every server within milliseconds of its
 * commit.
 */
export async function startLivePolicies(options: {
  db: Database;
  listen: Listen;
  resyncSeconds: number;
  onError?: (error: unknown) => void;
}): Promise<LivePolicies> {
  const { db } = options;
  const live = await startLiveState<State, Announcement>({
    ...options,
    channel: POLICY_CHANNEL,
    load: async () => {
      const [policies, apps] = await Promise.all([
        db.select().from(workspacePolicies),
        db
          .select()
          .from(workspaceClients)
          .where(
            or(
              isNotNull(workspaceClients.scopeCeiling),
              isNotNull(workspaceClients.accessTokenTtl),
              isNotNull(workspaceClients.refreshTokenTtl),
            ),
          ),
      ]);
      return {
        workspaces: new Map(policies.map((row) => [row.workspaceId, livePart(policyFromRow(row))])),
        apps: new Map(apps.map((row) => [appKey(row.workspaceId, row.clientId), appLimitsOf(row)!])),
      };
    },
    parse: (payload) => {
      try {
        return announcement.parse(JSON.parse(payload));
      } catch {
        return undefined;
      }
    },
    apply: (state, change) => {
      if ('policy' in change) {
        state.workspaces.set(change.workspace_id, change.policy);
        return;
      }
      const key = appKey(change.workspace_id, change.client_id);
      if (change.limits) state.apps.set(key, change.limits);
      else state.apps.delete(key);
    },
  });
  return {
    get: (workspaceId, clientId) => {
      const { workspaces, apps } = live.current();
      const policy = workspaces.get(workspaceId) ?? DEFAULT_LIVE_POLICY;
      if (clientId === undefined || apps.size === 0) return policy;
      return withAppLimits(policy, apps.get(appKey(workspaceId, clientId)));
    },
    close: live.close,
  };
}

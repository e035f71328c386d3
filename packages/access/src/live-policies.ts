import { POLICY_CHANNEL, SCOPES } from '@enclavia/contract';
import { type Database, type Executor, type Listen, notify, workspacePolicies } from '@enclavia/db';
import { z } from 'zod';
import { startLiveState } from './live-state.js';
import { DEFAULT_LIVE_POLICY, type LivePolicy, livePart, policyFromRow } from './workspace-policy.js';

export interface LivePolicies {
  /** The workspace's policy as it binds live connections now; the default for a workspace never changed. */
  get(workspaceId: string): Readonly<LivePolicy>;
  close(): Promise<void>;
}

const ttl = z.number().int().positive().nullable();
const announcement = z.object({
  workspace_id: z.uuid(),
  policy: z.object({
    mcpEnabled: z.boolean(),
    scopeCeiling: z.array(z.enum(SCOPES)),
    personalAccessTokensEnabled: z.boolean(),
    accessTokenTtl: ttl,
    refreshTokenTtl: ttl,
    refreshTokensEnabled: z.boolean(),
  }),
});
type Announcement = z.output<typeof announcement>;

/**
 * Tells every server, when the surrounding transaction commits, what a workspace's policy now is:
 * call it in the transaction that changes the policy.
 */
export async function announcePolicy(db: Executor, workspaceId: string, policy: LivePolicy): Promise<void> {
  const payload: Announcement = { workspace_id: workspaceId, policy: livePart(policy) };
  await notify(db, POLICY_CHANNEL, JSON.stringify(payload));
}

/**
 * Every workspace's live policy, in memory, so applying it to a request costs no database round
 * trip: a change reaches every server within milliseconds of its commit.
 */
export async function startLivePolicies(options: {
  db: Database;
  listen: Listen;
  resyncSeconds: number;
  onError?: (error: unknown) => void;
}): Promise<LivePolicies> {
  const { db } = options;
  const live = await startLiveState<Map<string, LivePolicy>, Announcement>({
    ...options,
    channel: POLICY_CHANNEL,
    load: async () => {
      const rows = await db.select().from(workspacePolicies);
      return new Map(rows.map((row) => [row.workspaceId, livePart(policyFromRow(row))]));
    },
    parse: (payload) => {
      try {
        return announcement.parse(JSON.parse(payload));
      } catch {
        return undefined;
      }
    },
    apply: (policies, { workspace_id, policy }) => policies.set(workspace_id, policy),
  });
  return {
    get: (workspaceId) => live.current().get(workspaceId) ?? DEFAULT_LIVE_POLICY,
    close: live.close,
  };
}

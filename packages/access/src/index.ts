export { createFailureLimiter, type FailureLimiter } from './failure-limit.js';
export {
  announceAppLimits,
  announcePolicy,
  appLimitsOf,
  type LivePolicies,
  startLivePolicies,
} from './live-policies.js';
export { type LiveState, startLiveState } from './live-state.js';
export { createRateLimiter, type RateLimiter, type RateLimitVerdict } from './rate-limit.js';
export { type RevocationList, startRevocationList } from './revocation-list.js';
export {
  type AppLimits,
  DEFAULT_LIVE_POLICY,
  DEFAULT_POLICY,
  effectiveScopes,
  type LivePolicy,
  livePart,
  policyFromRow,
  policyTrustingIssuer,
  readPolicy,
  UNKNOWN_CLIENTS,
  type UnknownClients,
  type WorkspacePolicy,
  withAppLimits,
} from './workspace-policy.js';

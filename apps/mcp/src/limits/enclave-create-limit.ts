import { createRateLimiter, type RateLimitVerdict } from '@enclavia/access';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { VerifiedAuth } from '../auth/verify-access-token.js';
import { toolError } from '../tools/define-tool.js';

export const RATE_LIMITED_TOOL = 'enclave_create';

export interface EnclaveCreateLimit {
  max: number;
  windowSeconds: number;
}

/**
 * `enclave_create` calls per user and workspace, not per address: the caller is authenticated,
 * and an office behind one address must not share one budget. Each server process counts its own.
 */
export function createEnclaveCreateLimiter(limit: EnclaveCreateLimit) {
  const take = createRateLimiter(limit);
  return (auth: VerifiedAuth): RateLimitVerdict => take(`${auth.extra.userId}:${auth.extra.workspaceId}`);
}

/** What a caller over the limit is told, with when to retry. */
export function tooManyEnclaveCreates(limit: EnclaveCreateLimit, retryAfter: number) {
  return {
    message: `Too many enclave_create calls: at most ${limit.max} per ${limit.windowSeconds} s for one user in one workspace.`,
    hint: `Retry in ${retryAfter} s.`,
  };
}

/**
 * For stdio, which has no HTTP status to answer with: a call over the limit is a tool error
 * saying when to retry; other tools pass.
 */
export function limitToolCalls(limit: EnclaveCreateLimit, auth: VerifiedAuth) {
  const take = createEnclaveCreateLimiter(limit);
  return (tool: string): CallToolResult | undefined => {
    if (tool !== RATE_LIMITED_TOOL) return undefined;
    const verdict = take(auth);
    if (verdict.allowed) return undefined;
    const { message, hint } = tooManyEnclaveCreates(limit, verdict.retryAfter);
    return toolError(message, hint);
  };
}

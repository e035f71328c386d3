import { PERSONAL_ACCESS_TOKEN_PREFIX } from '@enclavia/contract';
import type { VerifiedAuth } from './verify-access-token.js';

/** One verifier for both kinds of bearer token the MCP server accepts. */
export function eitherToken(verifiers: {
  accessToken: (token: string) => Promise<VerifiedAuth>;
  personalAccessToken: (token: string) => Promise<VerifiedAuth>;
}) {
  return (token: string) =>
    token.startsWith(PERSONAL_ACCESS_TOKEN_PREFIX)
      ? verifiers.personalAccessToken(token)
      : verifiers.accessToken(token);
}

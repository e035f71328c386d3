import { DEFAULT_SCOPES } from '@enclavia/contract';

export interface Challenge {
  resourceMetadata: string;
  scope?: readonly string[];
  error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request';
  description?: string;
}

/** RFC 6750 §3 `WWW-Authenticate` value; with no credentials presented, no `error` (RFC 6750 §3.1). */
export function bearerChallenge({
  resourceMetadata,
  scope = DEFAULT_SCOPES,
  error,
  description,
}: Challenge): string {
  const params: Array<[string, string]> = [];
  if (error) params.push(['error', error]);
  if (description) params.push(['error_description', description]);
  params.push(['resource_metadata', resourceMetadata], ['scope', scope.join(' ')]);
  return `Bearer ${params.map(([k, v]) => `${k}="${v.replace(/["\\]/g, '')}"`).join(', ')}`;
}

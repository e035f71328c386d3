import type { Credential } from './credential.js';
import { CliError } from './errors.js';
import { RemoteRefusal, Unreachable } from './remote-errors.js';

/**
 * One sentence for why a call to the deployment failed and what to do about it, e.g.
 * `ENCLAVIA_TOKEN was refused by http://…/mcp (401 invalid_token: …): create a new personal access token…`.
 */
export function describeFailure(error: unknown, credential: Credential, url: string): string {
  if (error instanceof RemoteRefusal) {
    const said = [error.error, error.description].filter(Boolean).join(': ');
    const what = `${credential.label} was refused by ${url} (${error.status}${said ? ` ${said}` : ''})`;
    if (error.status === 403 && error.error === 'insufficient_scope') {
      return `${what}: it lacks the scope for this; ${credential.advice}, with that scope`;
    }
    return `${what}: ${credential.advice}`;
  }
  if (error instanceof Unreachable) {
    return `${error.message}: check the URL (--url or ENCLAVIA_URL) and that the deployment is up`;
  }
  if (error instanceof CliError) return error.message;
  return `the call to ${url} failed: ${error instanceof Error ? error.message : String(error)}`;
}

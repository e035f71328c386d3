import { CliError } from './errors.js';

/**
 * Where the bearer token comes from, and how to get a new one when the deployment refuses it: the
 * wording every refusal ends with.
 */
export interface Credential {
  /** How the user calls it, e.g. "ENCLAVIA_TOKEN". */
  label: string;
  /** What to do when the deployment refuses it. */
  advice: string;
  /** The access token to send now. */
  accessToken(): Promise<string>;
  /** Called once after a 401: a credential that can renew itself does and answers true. */
  renew(): Promise<boolean>;
}

/** A token pinned in ENCLAVIA_TOKEN: a personal access token or an access token; it cannot renew. */
export function pinnedToken(token: string): Credential {
  return {
    label: 'ENCLAVIA_TOKEN',
    advice: 'create a new personal access token in the dashboard and set it as ENCLAVIA_TOKEN',
    accessToken: async () => token,
    renew: async () => false,
  };
}

export function noCredential(url: string): never {
  throw new CliError(
    `not signed in to ${url}: run \`enclavia auth login\`, or set ENCLAVIA_TOKEN to a personal access token (create one in the dashboard)`,
  );
}

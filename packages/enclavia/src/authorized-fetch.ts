import type { Credential } from './credential.js';
import { bearerChallenge, networkReason, RemoteRefusal, Unreachable } from './remote-errors.js';

/**
 * `fetch` to the deployment with the credential's bearer token. A 401 lets the credential renew
 * itself once (a stored login refreshes); a refusal that remains, or a 403, is a RemoteRefusal
 * naming what the deployment said, and a failure to connect is Unreachable, so every caller can
 * tell the user what to do.
 */
export function authorizedFetch(credential: Credential): typeof fetch {
  const send = async (input: string | URL | Request, init: RequestInit | undefined) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${await credential.accessToken()}`);
    try {
      return await fetch(input, { ...init, headers });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new Unreachable(urlOf(input), networkReason(error));
    }
  };
  return async (input, init) => {
    let response = await send(input, init);
    if (response.status === 401 && (await credential.renew())) response = await send(input, init);
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      const { error, description } = bearerChallenge(response.headers.get('www-authenticate'));
      throw new RemoteRefusal(response.status, error, description);
    }
    return response;
  };
}

function urlOf(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

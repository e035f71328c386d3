import { CookieJar } from './consent.js';

export interface ApiSession {
  /** Calls /api/v1 as this signed-in browser; `csrf: false` leaves the CSRF header out. */
  api(method: string, path: string, body?: unknown, options?: { csrf?: false | string }): Promise<Response>;
  userId: string;
}

/**
 * Signs in to the dashboard with the development login, over HTTP, as a browser would: a fresh one,
 * or the one holding `jar`.
 */
export async function signInToDashboard(
  issuer: string,
  email: string,
  jar = new CookieJar(),
): Promise<ApiSession> {
  const loginUrl = new URL('/login?return_to=/admin', issuer);
  const page = await fetch(loginUrl);
  jar.store(loginUrl, page.headers.getSetCookie());
  const csrf = (await page.text()).match(/name="csrf" value="([^"]+)"/)![1]!;
  const post = new URL('/login/dev', issuer);
  const signedIn = await fetch(post, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(post), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, email, return_to: '/admin' }),
  });
  if (signedIn.status !== 303) throw new Error(`dashboard sign-in failed: ${signedIn.status}`);
  jar.store(post, signedIn.headers.getSetCookie());

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const url = new URL(path, issuer);
    return fetch(url, {
      method,
      headers: {
        cookie: jar.header(url),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  };
  const session = (await (await call('GET', '/api/v1/session')).json()) as {
    user: { id: string };
    csrf_token: string;
  };
  return {
    userId: session.user.id,
    api: (method, path, body, options = {}) =>
      call(
        method,
        path,
        body,
        options.csrf === false ? {} : { 'x-csrf-token': options.csrf ?? session.csrf_token },
      ),
  };
}

/** `email` signed in as the admin of their personal workspace, and that workspace's policy API. */
export async function personalWorkspaceAdmin(issuer: string, email: string) {
  const session = await signInToDashboard(issuer, email);
  const { workspaces } = (await (await session.api('GET', '/api/v1/workspaces')).json()) as {
    workspaces: Array<{ id: string }>;
  };
  const policyPath = `/api/v1/workspaces/${workspaces[0]!.id}/policy`;
  return {
    session,
    workspaceId: workspaces[0]!.id,
    /** Adds `uris` to the workspace's allowed redirect URIs, as its admin would; the API's answer. */
    async allowRedirectUris(uris: string[]): Promise<Response> {
      const { policy } = (await (await session.api('GET', policyPath)).json()) as {
        policy: { allowed_redirect_uris: string[] };
      };
      return session.api('PATCH', policyPath, {
        allowed_redirect_uris: [...policy.allowed_redirect_uris, ...uris],
      });
    },
  };
}

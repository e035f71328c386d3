/**
 * Plays the browser for login and consent, over plain HTTP: follows redirects with a cookie jar and
 * submits the HTML forms the pages render, exactly as a person would, until the authorization
 * server redirects to the client's `redirect_uri`.
 */
export interface ConsentOptions {
  email: string;
  redirectUri: string;
  decision?: 'approve' | 'deny';
  /** Untick these scopes on the consent page. */
  untick?: string[];
  /** Tick these scopes, offered unticked (`audit:read`). */
  tick?: string[];
  /** The workspace to approve for, by name; the first one offered otherwise. */
  workspace?: string;
  /** The browser's cookies, to share them with other steps; a fresh browser when not given. */
  jar?: CookieJar;
}

export async function completeAuthorization(authorizeUrl: string, options: ConsentOptions): Promise<URL> {
  const jar = options.jar ?? new CookieJar();
  let request: { url: string; init?: RequestInit } = { url: authorizeUrl };
  for (let hop = 0; hop < 20; hop++) {
    const url = new URL(request.url);
    if (request.url.startsWith(options.redirectUri)) return url;
    const response = await browserFetch(jar, url, request.init);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      request = { url: new URL(location, url).href };
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) {
      // The alert's text, tags stripped: a policy refusal (or a wait for an admin's approval) is a
      // block whose first line is the error.
      const alert = page
        .match(/role="(?:alert|status)">([\s\S]*?)<\/(?:p|div)>/)?.[1]
        ?.replace(/<[^>]+>/g, '')
        .trim();
      throw new Error(`HTTP ${response.status} at ${url.pathname}: ${alert ?? page.slice(0, 500)}`);
    }
    request = submitForm(url, page, options);
  }
  throw new Error('too many hops');
}

/** One request as the browser sends it: the jar's cookies, redirects not followed, cookies stored. */
export async function browserFetch(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Response> {
  if (!['127.0.0.1', 'localhost'].includes(url.hostname))
    throw new Error(`refusing to leave loopback: ${url}`);
  const response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header(url) },
  });
  jar.store(url, response.headers.getSetCookie());
  return response;
}

/** Opens `url` in the browser, following redirects; the page it lands on, and where. */
export async function openPage(jar: CookieJar, url: URL): Promise<{ url: URL; response: Response }> {
  for (let hop = 0; hop < 20; hop++) {
    const response = await browserFetch(jar, url);
    const location = response.headers.get('location');
    if (!(response.status >= 300 && response.status < 400 && location)) return { url, response };
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}

function submitForm(pageUrl: URL, page: string, options: ConsentOptions): { url: string; init: RequestInit } {
  // The development login or the consent form; not the "Continue with GitHub/Google" ones.
  const form = [...page.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)].find(
    ([, , f]) => /name="(email|decision)"/.test(f!),
  );
  if (!form) throw new Error(`no form on ${pageUrl.pathname}: ${page.slice(0, 500)}`);
  const [, action, fields] = form as unknown as [string, string, string];
  const body = new URLSearchParams();
  for (const [, name, value] of fields.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    body.append(name!, decode(value!));
  }
  if (/name="email"/.test(fields)) {
    body.append('email', options.email);
  } else {
    for (const [, scope, checked] of fields.matchAll(
      /<input type="checkbox" name="scope" value="([^"]+)"( checked)?>/g,
    )) {
      // The page leaves enclaves:destroy unticked for an app not granted it before; these tests
      // approve it as they always have unless they untick it.
      const preTicked = checked || scope === 'enclaves:destroy';
      const ticked = preTicked ? !options.untick?.includes(scope!) : options.tick?.includes(scope!);
      if (ticked) body.append('scope', scope!);
    }
    const select = fields.match(/<select id="workspace" name="workspace">([\s\S]*?)<\/select>/)?.[1];
    if (select) {
      const choices = [...select.matchAll(/<option value="([^"]+)">([^<]*)<\/option>/g)];
      const choice = options.workspace
        ? choices.find(
            ([, , name]) =>
              // An option may carry what the policy says there: "Team (needs an admin to approve this app)".
              decode(name!) === options.workspace || decode(name!).startsWith(`${options.workspace} (`),
          )
        : choices[0];
      if (!choice) throw new Error(`no workspace "${options.workspace}" offered`);
      body.append('workspace', choice[1]!);
    }
    body.append('decision', options.decision ?? 'approve');
  }
  return {
    url: new URL(decode(action), pageUrl).href,
    init: { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  };
}

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Just enough of RFC 6265 for loopback: name, value and path. */
export class CookieJar {
  private cookies = new Map<string, { value: string; path: string }>();

  store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const path =
        attributes
          .map((a) => a.trim())
          .find((a) => a.toLowerCase().startsWith('path='))
          ?.slice(5) ?? '/';
      const expired = attributes.some((a) => /expires=thu, 01 jan 1970/i.test(a.trim())) || value === '';
      const key = `${path} ${name}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
      void url;
    }
  }

  /** The value of the cookie `name` (of any path). */
  get(name: string): string | undefined {
    return [...this.cookies].find(([key]) => key.split(' ')[1] === name)?.[1].value;
  }

  header(url: URL): string {
    return [...this.cookies.entries()]
      .filter(
        ([, c]) =>
          url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
      )
      .map(([key, c]) => `${key.split(' ')[1]}=${c.value}`)
      .join('; ');
  }
}

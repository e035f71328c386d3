import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/**
 * GitHub and Google as arctic and a browser meet them, on one loopback server: the same paths,
 * parameters and answers (authorize page, token endpoint, GitHub's user APIs, Google's ID token
 * and JWKS). Each provider can be told to be down or to answer garbage.
 */
export type Mode = 'ok' | 'down' | 'garbage';

export interface FakeAccount {
  id: string;
  email: string;
  verified: boolean;
}

interface Pending {
  provider: 'github' | 'google';
  account: FakeAccount;
  clientId: string;
  challenge?: string;
}

export class FakeIdentityProviders {
  github: { account: FakeAccount; mode: Mode } = { account: account('gh'), mode: 'ok' };
  google: { account: FakeAccount; mode: Mode } = { account: account('go'), mode: 'ok' };
  /** Every token request the fakes answered, to prove what the server sent. */
  readonly tokenRequests: Array<Record<string, string>> = [];
  private readonly codes = new Map<string, Pending>();
  private readonly accessTokens = new Map<string, FakeAccount>();
  private server?: Server;
  private key?: { privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK };
  url = '';

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    this.key = {
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid: 'fake-google', alg: 'ES256', use: 'sig' },
    };
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, 'http://fake');
    const body = req.method === 'POST' ? new URLSearchParams(await read(req)) : new URLSearchParams();
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /login/oauth/authorize':
        return this.authorizePage(res, 'github', url);
      case 'GET /o/oauth2/v2/auth':
        return this.authorizePage(res, 'google', url);
      case 'GET /decide':
        return this.decide(res, url);
      case 'POST /login/oauth/access_token':
        return this.githubToken(req, res, body);
      case 'POST /token':
        return this.googleToken(res, body);
      case 'GET /user':
        return this.githubApi(req, res, (a) => ({
          id: Number(a.id.replace(/\D/g, '')) || 1,
          login: a.email.split('@')[0],
        }));
      case 'GET /user/emails':
        return this.githubApi(req, res, (a) => [
          { email: `noreply-${a.id}@users.noreply.github.com`, primary: false, verified: true },
          { email: a.email, primary: true, verified: a.verified },
        ]);
      case 'GET /oauth2/v3/certs':
        return json(res, 200, { keys: [this.key!.jwk] });
      default:
        return json(res, 404, { message: 'Not Found' });
    }
  }

  /** The provider's own page: a person chooses Authorize or Cancel. */
  private authorizePage(res: ServerResponse, provider: 'github' | 'google', url: URL) {
    const state = url.searchParams.get('state') ?? '';
    const redirect = url.searchParams.get('redirect_uri') ?? '';
    const decide = (decision: string) => {
      const to = new URLSearchParams({
        decision,
        provider,
        state,
        redirect,
        client_id: url.searchParams.get('client_id') ?? '',
      });
      const challenge = url.searchParams.get('code_challenge');
      if (challenge) to.set('challenge', challenge);
      return `/decide?${to}`;
    };
    const name = provider === 'github' ? 'GitHub' : 'Google';
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>${name}</title><h1>Sign in to ${name}</h1>
<p>as ${this[provider].account.email}</p>
<a id="authorize" href="${decide('allow')}">Authorize</a> <a id="cancel" href="${decide('deny')}">Cancel</a>`);
  }

  private decide(res: ServerResponse, url: URL) {
    const p = url.searchParams;
    const back = new URL(p.get('redirect')!);
    back.searchParams.set('state', p.get('state')!);
    if (p.get('decision') === 'allow') {
      const provider = p.get('provider') as 'github' | 'google';
      const code = randomBytes(10).toString('hex');
      this.codes.set(code, {
        provider,
        account: { ...this[provider].account },
        clientId: p.get('client_id')!,
        ...(p.get('challenge') ? { challenge: p.get('challenge')! } : {}),
      });
      back.searchParams.set('code', code);
    } else {
      back.searchParams.set('error', 'access_denied');
    }
    res.writeHead(302, { location: back.href });
    res.end();
  }

  private githubToken(req: IncomingMessage, res: ServerResponse, body: URLSearchParams) {
    this.tokenRequests.push({
      provider: 'github',
      authorization: req.headers.authorization ?? '',
      ...Object.fromEntries(body),
    });
    if (this.github.mode === 'down') return json(res, 503, { message: 'Service Unavailable' });
    if (this.github.mode === 'garbage') return text(res, 200, '<html>unicorn</html>');
    const pending = this.takeCode(body.get('code'), 'github');
    // GitHub answers a bad code with 200 and an error body.
    if (!pending)
      return json(res, 200, {
        error: 'bad_verification_code',
        error_description: 'The code is incorrect or expired.',
      });
    const token = `gho_${randomBytes(12).toString('hex')}`;
    this.accessTokens.set(token, pending.account);
    return json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
  }

  private async googleToken(res: ServerResponse, body: URLSearchParams) {
    this.tokenRequests.push({ provider: 'google', ...Object.fromEntries(body) });
    if (this.google.mode === 'down') return json(res, 503, { error: 'unavailable' });
    if (this.google.mode === 'garbage') return text(res, 200, 'not json');
    const pending = this.takeCode(body.get('code'), 'google');
    if (!pending) return json(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
    const verifier = body.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge) {
      return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
    }
    const idToken = await new SignJWT({
      email: pending.account.email,
      email_verified: pending.account.verified,
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'fake-google', typ: 'JWT' })
      .setIssuer('https://accounts.google.com')
      .setAudience(pending.clientId)
      .setSubject(pending.account.id)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.key!.privateKey);
    return json(res, 200, {
      access_token: `ya29.${randomUUID()}`,
      expires_in: 3599,
      token_type: 'Bearer',
      id_token: idToken,
    });
  }

  private githubApi(req: IncomingMessage, res: ServerResponse, answer: (a: FakeAccount) => unknown) {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const found = this.accessTokens.get(token);
    if (!found) return json(res, 401, { message: 'Bad credentials' });
    return json(res, 200, answer(found));
  }

  private takeCode(code: string | null, provider: 'github' | 'google'): Pending | undefined {
    const pending = code ? this.codes.get(code) : undefined;
    if (!pending || pending.provider !== provider) return undefined;
    this.codes.delete(code!);
    return pending;
  }
}

function account(prefix: string): FakeAccount {
  return {
    id: `${prefix}-${randomBytes(4).toString('hex')}`,
    email: `${prefix}@example.com`,
    verified: true,
  };
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => resolve(data));
  });
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function text(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end(body);
}

/** The hosts arctic and our upstream code call, all answered by the fake. */
export const UPSTREAM_HOSTS = [
  'github.com',
  'api.github.com',
  'accounts.google.com',
  'oauth2.googleapis.com',
  'www.googleapis.com',
];

/**
 * Routes this process's outgoing requests for the upstream hosts to the fake, through Node's own
 * fetch dispatcher; everything else goes out unchanged. Returns the function that undoes it.
 */
export async function routeUpstreamHostsTo(fakeUrl: string): Promise<() => void> {
  // Node creates fetch's dispatcher on first use.
  await fetch(fakeUrl).catch(() => undefined);
  const symbol = Symbol.for('undici.globalDispatcher.1');
  const global = globalThis as unknown as Record<symbol, object>;
  const previous = global[symbol];
  if (!previous) throw new Error('fetch has no global dispatcher yet');
  type Dispatch = (opts: { origin?: string | URL; [k: string]: unknown }, handler: unknown) => boolean;
  const Agent = previous.constructor as new () => { dispatch: Dispatch };
  class RoutingAgent extends Agent {
    override dispatch: Dispatch = (opts, handler) => {
      const host = opts.origin ? new URL(String(opts.origin)).hostname : '';
      return super.dispatch(UPSTREAM_HOSTS.includes(host) ? { ...opts, origin: fakeUrl } : opts, handler);
    };
  }
  global[symbol] = new RoutingAgent();
  return () => {
    global[symbol] = previous;
  };
}

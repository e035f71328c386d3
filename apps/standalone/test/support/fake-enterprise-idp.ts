import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** Who the fake IdP says its signed-in user is. */
export interface EnterpriseUser {
  sub: string;
  email: string;
}

/** Changes to one ID-JAG, to make it break exactly one rule. */
export interface IdJagOverrides {
  claims?: Partial<Record<string, unknown>>;
  /** Claims left out. */
  without?: string[];
  typ?: string;
  /** Signs with a key the IdP never published (under its published `kid`). */
  foreignKey?: boolean;
}

/**
 * A company's identity provider (Okta, Entra) on loopback, as enterprise-managed authorization
 * meets it: an OpenID configuration, a JWKS with a key it generated, and RFC 8693 token exchange at
 * its token endpoint, which turns an ID token (here: any string naming a user it knows) into an
 * ID-JAG for the audience and resource asked. It can also sign ID-JAGs directly, optionally broken.
 */
export class FakeEnterpriseIdp {
  url = '';
  /** The ID tokens it would accept as `subject_token`, and whom each stands for. */
  readonly idTokens = new Map<string, EnterpriseUser>();
  /** What it put in the ID-JAGs it issued by token exchange, last first. */
  readonly issued: JWTPayload[] = [];
  /**
   * The client id each of its clients has at the MCP authorization server, as an admin maps it in
   * Okta or Entra: what the ID-JAG's `client_id` says. Unmapped: the same id.
   */
  readonly resourceClientIds = new Map<string, string>();
  /** The scopes the IdP's policy lets the client have; undefined: whatever was asked. */
  allowedScopes?: string[];
  private server?: Server;
  private key?: PrivateKey;
  private foreign?: PrivateKey;
  private kid = `kid-${randomUUID()}`;
  private jwks: unknown;

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.key = privateKey;
    this.foreign = (await generateKeyPair('RS256')).privateKey;
    this.jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: this.kid, alg: 'RS256', use: 'sig' }] };
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  /** A new signing key under a new `kid`, the only one published from now on. */
  async rotateKey(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.key = privateKey;
    this.kid = `kid-${randomUUID()}`;
    this.jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** An ID token for `user`, as the client would hold after signing in to the IdP. */
  signIn(user: EnterpriseUser): string {
    const token = `idtoken-${randomUUID()}`;
    this.idTokens.set(token, user);
    return token;
  }

  /** An ID-JAG for `user`, as the token exchange would issue it, with `overrides` applied. */
  async idJag(
    user: EnterpriseUser,
    {
      audience,
      resource,
      clientId,
      scope,
    }: { audience: string; resource: string; clientId: string; scope?: string },
    overrides: IdJagOverrides = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.url,
      sub: user.sub,
      email: user.email,
      aud: audience,
      resource,
      client_id: clientId,
      jti: randomUUID(),
      iat: now,
      exp: now + 300,
      ...(scope ? { scope } : {}),
      ...overrides.claims,
    };
    for (const name of overrides.without ?? []) delete claims[name];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: overrides.typ ?? 'oauth-id-jag+jwt' })
      .sign(overrides.foreignKey ? this.foreign! : this.key!);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? '/', this.url).pathname;
    // The OpenID configuration, also at RFC 8414's address, which the MCP client's helper tries first.
    if (
      req.method === 'GET' &&
      (path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server')
    ) {
      return send(200, {
        issuer: this.url,
        authorization_endpoint: `${this.url}/authorize`,
        token_endpoint: `${this.url}/token`,
        jwks_uri: `${this.url}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        grant_types_supported: ['authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      });
    }
    if (req.method === 'GET' && path === '/jwks') return send(200, this.jwks);
    if (req.method === 'POST' && path === '/token') return this.tokenExchange(await formOf(req), send);
    send(404, { error: 'not_found' });
  }

  private async tokenExchange(form: URLSearchParams, send: (status: number, body: unknown) => void) {
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange')
      return send(400, { error: 'unsupported_grant_type' });
    if (form.get('requested_token_type') !== 'urn:ietf:params:oauth:token-type:id-jag')
      return send(400, { error: 'invalid_request', error_description: 'requested_token_type' });
    const user = this.idTokens.get(form.get('subject_token') ?? '');
    if (!user || form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:id_token')
      return send(400, { error: 'invalid_grant', error_description: 'unknown subject token' });
    const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const scope = (this.allowedScopes ? asked.filter((s) => this.allowedScopes!.includes(s)) : asked).join(
      ' ',
    );
    const jag = await this.idJag(user, {
      audience: form.get('audience') ?? '',
      resource: form.get('resource') ?? '',
      clientId: this.resourceClientIds.get(form.get('client_id') ?? '') ?? form.get('client_id') ?? '',
      ...(scope ? { scope } : {}),
    });
    const [, payload] = jag.split('.');
    this.issued.unshift(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as JWTPayload);
    send(200, {
      issued_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
      access_token: jag,
      token_type: 'N_A',
      ...(scope ? { scope } : {}),
      expires_in: 300,
    });
  }
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

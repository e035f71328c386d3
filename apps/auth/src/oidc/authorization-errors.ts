import { type Database, eq, grants } from '@enclavia/db';
import type { Configuration, KoaContextWithOIDC, Provider } from 'oidc-provider';
import { errorPage } from '../web/page.js';

interface AuthorizationError {
  error?: string;
  error_description?: string;
}

/** Requests whose error oidc-provider rendered as our page (`renderError`). */
const rendered = new WeakSet<object>();
/** Requests to the authorization endpoint that oidc-provider answered with an error. */
const authorizationErrors = new WeakMap<object, AuthorizationError>();

type Rendered = Parameters<NonNullable<Configuration['renderError']>>[1];

/** oidc-provider's `renderError`: every error it does not send to a client is this page. */
export async function renderErrorPage(ctx: KoaContextWithOIDC, out: Rendered): Promise<void> {
  rendered.add(ctx);
  const page = errorPage(
    'This connection cannot continue',
    `${out.error}: ${out.error_description ?? 'the request was rejected'}`,
    'Go back to the app you were connecting and try again. If it keeps failing, remove the connector and add it again.',
  );
  ctx.set(page.headers);
  ctx.body = page.body;
}

/**
 * Registration is open, so anyone can register `https://evil.example/cb`; oidc-provider would send
 * an authorization error there without the user doing anything (`prompt=none` → `login_required`,
 * a bad PKCE method), making us a redirector (RFC 9700 §4.11.2). Until a user has approved the
 * client once (a row in `grants`), such an error is our page instead. Errors after the user acted
 * (Deny, on the consent page) are the client's to receive.
 */
export function showAuthorizationErrorsUntilGranted(provider: Provider, db: Database): void {
  provider.on('authorization.error', (ctx: KoaContextWithOIDC, error: AuthorizationError) => {
    if (ctx.oidc?.route === 'authorization') authorizationErrors.set(ctx, error);
  });
  provider.use(async function pageUnlessGranted(ctx: KoaContextWithOIDC, next: () => Promise<void>) {
    await next();
    const error = authorizationErrors.get(ctx);
    if (!error || rendered.has(ctx)) return;
    const clientId = ctx.oidc?.client?.clientId;
    if (clientId && (await hasApprovedGrant(db, clientId))) return;
    ctx.remove('location');
    ctx.status = 400;
    await renderErrorPage(ctx, {
      error: error.error ?? 'invalid_request',
      ...(error.error_description ? { error_description: error.error_description } : {}),
    });
  });
}

async function hasApprovedGrant(db: Database, clientId: string): Promise<boolean> {
  const [row] = await db.select({ id: grants.id }).from(grants).where(eq(grants.clientId, clientId)).limit(1);
  return row !== undefined;
}

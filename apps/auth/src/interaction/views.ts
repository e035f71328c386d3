import { SCOPE_DESCRIPTIONS, type Scope } from '@enclavia/contract';
import type { WorkspaceChoice } from '../accounts.js';
import { redirectKind } from '../oidc/redirect-uris.js';
import { type Html, html } from '../web/html.js';
import { errorPage, type RenderedPage, renderPage } from '../web/page.js';
import { type SignInOption, signInPage } from '../web/sign-in.js';

export interface ClientView {
  name: string;
  id: string;
}

export interface LoginView {
  uid: string;
  csrf: string;
  client: ClientView;
  devLogin: boolean;
  upstream: SignInOption[];
  upstreamOrigins: string[];
  error?: string;
  email?: string;
}

export function loginPage(p: LoginView): RenderedPage {
  return signInPage({
    title: 'Sign in to Enclavia',
    subtitle: html`<p class="muted">to connect <strong>${p.client.name}</strong></p>`,
    csrf: p.csrf,
    devLogin: p.devLogin,
    devAction: `/interaction/${p.uid}/login`,
    upstream: p.upstream,
    upstreamOrigins: p.upstreamOrigins,
    hidden: { uid: p.uid },
    ...(p.error ? { error: p.error } : {}),
    ...(p.email ? { email: p.email } : {}),
  });
}

/** One permission as consent offers it: ticked or not, or not offered at all and why. */
export interface ScopeOffer {
  scope: Scope;
  ticked: boolean;
  /** Set when the workspace's policy does not allow it: shown disabled and unticked, with this reason. */
  notAllowed?: string;
}

export interface ConsentView {
  uid: string;
  csrf: string;
  client: ClientView;
  /** The name comes from a client ID metadata document we know, not chosen by the app itself. */
  clientVerified: boolean;
  email: string;
  redirectUri: URL;
  scopes: ScopeOffer[];
  workspaces: Array<WorkspaceChoice & { refused?: string; awaiting?: boolean }>;
  /** The policy will refuse this connection whatever is ticked: said before Approve, which is off. */
  refusal?: Html;
  /** The app waits for an admin's approval: said before Approve, which sends the request. */
  notice?: Html;
  error?: string | Html;
}

/** Where approving sends the browser: how the page names it, and what CSP `form-action` must allow. */
export interface ReturnTarget {
  sentence: Html;
  warning?: Html;
  formAction: string;
}

export function returnTarget(redirectUri: URL): ReturnTarget {
  const host = redirectUri.host;
  switch (redirectKind(redirectUri)) {
    case 'loopback':
      return {
        sentence: html`You will be sent back to <strong>${host}</strong>.`,
        warning: html`This app runs on your own computer (${host}). Approve only if you just started it yourself.`,
        formAction: redirectUri.origin,
      };
    case 'app': {
      const scheme = redirectUri.protocol;
      return {
        sentence: html`You will be sent back to the app on this device that opens <strong>${scheme}</strong> links.`,
        warning: html`This app runs on your own computer, where any app can claim ${scheme} links. Approve only if you just started it yourself.`,
        // Chromium follows a redirect to an app's scheme after a form post only when `form-action`
        // names the scheme itself: a host source never matches a non-web URL.
        formAction: scheme,
      };
    }
    default:
      return {
        sentence: html`You will be sent back to <strong>${host}</strong>.`,
        formAction: redirectUri.origin,
      };
  }
}

export function consentPage(p: ConsentView): RenderedPage {
  const [only] = p.workspaces;
  const workspace =
    p.workspaces.length > 1
      ? html`<label for="workspace">Workspace</label>
<select id="workspace" name="workspace">${p.workspaces.map((w) => html`<option value="${w.id}">${w.name}${w.refused ? ` (not allowed: ${w.refused})` : w.awaiting ? ' (needs an admin to approve this app)' : ''}</option>`)}</select>`
      : html`<p>Workspace: <strong>${only?.name}</strong></p><input type="hidden" name="workspace" value="${only?.id}">`;
  const target = returnTarget(p.redirectUri);
  const name = p.clientVerified
    ? html`<strong>${p.client.name}</strong>`
    : html`<strong>${p.client.name}</strong> <span class="muted">(name chosen by the app, unverified)</span>`;
  const approvable = !p.refusal && p.scopes.some((s) => !s.notAllowed);
  return renderPage({
    title: 'Approve access',
    // The answer to this form redirects to the client, which CSP `form-action` must allow.
    formTargets: [target.formAction],
    content: html`<h1>Connect ${p.client.name}?</h1>
<p>${name} wants to manage enclaves as <strong>${p.email}</strong>.</p>
<form method="post" action="/interaction/${p.uid}/switch"><input type="hidden" name="csrf" value="${p.csrf}"><span class="muted">Not you?</span> <button type="submit">Use another account</button></form>
<p class="muted">Client ID <code>${p.client.id}</code></p>
<p>${target.sentence}</p>
${target.warning ? html`<p class="warning" role="note">${target.warning}</p>` : ''}
${p.refusal ?? ''}
${p.notice ?? ''}
${typeof p.error === 'string' ? html`<p class="error" role="alert">${p.error}</p>` : (p.error ?? '')}
<form method="post" action="/interaction/${p.uid}/consent">
  <input type="hidden" name="csrf" value="${p.csrf}">
  <fieldset><legend>It will be able to</legend>
  ${p.scopes.map((s) =>
    s.notAllowed
      ? html`<label><input type="checkbox" name="scope" value="${s.scope}" disabled aria-describedby="why-${s.scope.replace(':', '-')}"> ${SCOPE_DESCRIPTIONS[s.scope]} <code>${s.scope}</code> <span class="muted" id="why-${s.scope.replace(':', '-')}">${s.notAllowed}</span></label>`
      : html`<label><input type="checkbox" name="scope" value="${s.scope}"${s.ticked ? html` checked` : ''}> ${SCOPE_DESCRIPTIONS[s.scope]} <code>${s.scope}</code></label>`,
  )}
  </fieldset>
  ${workspace}
  <div class="actions">
    <button class="primary" type="submit" name="decision" value="approve"${approvable ? '' : html` disabled aria-describedby="approve-off"`}>Approve</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </div>
  ${approvable ? '' : html`<p class="muted" id="approve-off">Approve is off: this workspace's policy does not allow this connection (see above).</p>`}
</form>`,
  });
}

/**
 * Deny, where the workspace does not allow answering the app (MCP off, its redirect URI or client
 * ID not allowed): the user is told, and nothing goes back to the app.
 */
export function deniedPage(refusal: { error: string; value?: string }, details?: Html): RenderedPage {
  if (!details)
    return errorPage(
      'Access denied',
      refusal.value ? `${refusal.error}: ${refusal.value}` : refusal.error,
      'Nothing was sent back to the app, since this workspace does not allow it. You can close this page; an admin of the workspace can change what it allows.',
    );
  return renderPage({
    title: 'Access denied',
    content: html`<h1>Access denied</h1>
${details}
<p class="muted">Nothing was sent back to the app, since this workspace does not allow it. You can close this page.</p>`,
  });
}

/** Approve, where the workspace asks its admins to approve a new app first: nothing goes to the app. */
export function awaitingApprovalPage(client: ClientView, notice: Html): RenderedPage {
  return renderPage({
    title: 'Waiting for approval',
    content: html`<h1>${client.name} needs an admin's approval</h1>
${notice}
<p class="muted">Nothing was sent back to the app yet, so it will wait or time out. You can close this page.</p>`,
  });
}

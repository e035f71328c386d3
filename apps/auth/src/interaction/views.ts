import { AUDIT_SCOPE, SCOPE_DESCRIPTIONS, type Scope } from '@enclavia/contract';
import type { WorkspaceChoice } from '../accounts.js';
import { html } from '../web/html.js';
import { type RenderedPage, renderPage } from '../web/page.js';
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
  });
}

export interface ConsentView {
  uid: string;
  csrf: string;
  client: ClientView;
  email: string;
  redirectUri: URL;
  scopes: Scope[];
  workspaces: WorkspaceChoice[];
  error?: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname);
}

export function consentPage(p: ConsentView): RenderedPage {
  const [only] = p.workspaces;
  const workspace =
    p.workspaces.length > 1
      ? html`<label for="workspace">Workspace</label>
<select id="workspace" name="workspace">${p.workspaces.map((w) => html`<option value="${w.id}">${w.name}</option>`)}</select>`
      : html`<p>Workspace: <strong>${only?.name}</strong></p><input type="hidden" name="workspace" value="${only?.id}">`;
  const host = p.redirectUri.host;
  return renderPage({
    title: 'Approve access',
    // The answer to this form redirects to the client, which CSP `form-action` must allow.
    formTargets: [p.redirectUri.origin],
    content: html`<h1>Connect ${p.client.name}?</h1>
<p><strong>${p.client.name}</strong> wants to manage enclaves as <strong>${p.email}</strong>.</p>
<p class="muted">Client ID <code>${p.client.id}</code></p>
<p>You will be sent back to <strong>${host}</strong>.</p>
${
  isLoopback(p.redirectUri)
    ? html`<p class="warning" role="note">This app runs on your own computer (${host}). Approve only if you just started it yourself.</p>`
    : ''
}
${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
<form method="post" action="/interaction/${p.uid}/consent">
  <input type="hidden" name="csrf" value="${p.csrf}">
  <fieldset><legend>It will be able to</legend>
  ${p.scopes.map(
    (s) =>
      // Reading the audit log is never approved by default: it is offered unticked.
      html`<label><input type="checkbox" name="scope" value="${s}"${s === AUDIT_SCOPE ? '' : html` checked`}> ${SCOPE_DESCRIPTIONS[s]} <code>${s}</code></label>`,
  )}
  </fieldset>
  ${workspace}
  <div class="actions">
    <button class="primary" type="submit" name="decision" value="approve">Approve</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </div>
</form>`,
  });
}

import { SCOPE_DESCRIPTIONS, SCOPES } from '@enclavia/contract';
import { type Html, html } from '../web/html.js';
import { type RenderedPage, renderPage } from '../web/page.js';

export interface AppRow {
  id: string;
  clientId: string;
  clientName: string | null;
  workspace: string;
  user: string;
  scope: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  via: string;
}

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  workspace: string;
  scope: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
}

export interface DashboardView {
  email: string;
  csrf: string;
  apps: AppRow[];
  /** For each workspace the user administers: every app connected to it. */
  administered: Array<{ id: string; name: string; apps: AppRow[] }>;
  tokens: TokenRow[];
  workspaces: Array<{ id: string; name: string }>;
  expiryDays: readonly number[];
  notice?: string;
  error?: string;
  /** A token just created: shown this once. */
  newToken?: string;
}

const when = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : 'never');

function appsTable(apps: AppRow[], csrf: Html, withUser: boolean): Html {
  if (apps.length === 0) return html`<p class="muted">None.</p>`;
  return html`<table>
<thead><tr><th>Client</th>${withUser ? html`<th>User</th>` : ''}<th>Workspace</th><th>Scopes</th><th>Created</th><th>Last used</th><th></th></tr></thead>
<tbody>${apps.map(
    (
      a,
    ) => html`<tr><td>${a.clientName ?? a.clientId}${a.via === 'enterprise_idp' ? html` <span class="muted">(through your company's identity provider)</span>` : ''}<br><code class="muted">${a.clientId}</code></td>${withUser ? html`<td>${a.user}</td>` : ''}<td>${a.workspace}</td><td>${a.scope}</td><td>${when(a.createdAt)}</td><td>${when(a.lastUsedAt)}</td>
<td><form method="post" action="/dashboard/apps/${a.id}/revoke">${csrf}<button type="submit" aria-label="Revoke ${a.clientName ?? a.clientId}">Revoke</button></form></td></tr>`,
  )}</tbody></table>`;
}

export function dashboardPage(p: DashboardView): RenderedPage {
  const csrf = html`<input type="hidden" name="csrf" value="${p.csrf}">`;
  const tokens =
    p.tokens.length === 0
      ? html`<p class="muted">None.</p>`
      : html`<table>
<thead><tr><th>Name</th><th>Token</th><th>Workspace</th><th>Scopes</th><th>Created</th><th>Expires</th><th>Last used</th><th></th></tr></thead>
<tbody>${p.tokens.map(
          (
            t,
          ) => html`<tr><td>${t.name}</td><td><code>${t.prefix}…</code></td><td>${t.workspace}</td><td>${t.scope}</td><td>${when(t.createdAt)}</td><td>${when(t.expiresAt)}</td><td>${when(t.lastUsedAt)}</td>
<td><form method="post" action="/dashboard/tokens/${t.id}/revoke">${csrf}<button type="submit" aria-label="Revoke token ${t.name}">Revoke</button></form></td></tr>`,
        )}</tbody></table>`;
  return renderPage({
    title: 'Dashboard',
    content: html`<p class="muted">Signed in as ${p.email}
<form class="inline" method="post" action="/logout">${csrf}<button type="submit">Sign out</button></form></p>
${p.administered.length > 0 ? html`<nav>${p.administered.map((w) => html`${w.name}: <a href="/admin/workspaces/${w.id}">Workspace settings</a> · <a href="/admin/workspaces/${w.id}/audit">Audit log</a> `)}</nav>` : ''}
<h1>Dashboard</h1>
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
${p.newToken ? html`<div class="notice" role="status"><p>Your new personal access token. Copy it now: it will not be shown again.</p><p><code id="new-token">${p.newToken}</code></p></div>` : ''}
<h2>Connected apps</h2>
${appsTable(p.apps, csrf, false)}
${p.administered.map((w) => html`<h2>Connected apps in ${w.name}</h2>${appsTable(w.apps, csrf, true)}`)}
<h2>Personal access tokens</h2>
${tokens}
<h3>Create a token</h3>
<form method="post" action="/dashboard/tokens">
  ${csrf}
  <label for="token_name">Token name</label>
  <input id="token_name" name="name" type="text" required maxlength="100">
  <label for="token_workspace">Workspace</label>
  <select id="token_workspace" name="workspace_id">${p.workspaces.map((w) => html`<option value="${w.id}">${w.name}</option>`)}</select>
  <fieldset><legend>Scopes</legend>
  ${SCOPES.map((s) => html`<label><input type="checkbox" name="scopes" value="${s}"${s === 'enclaves:read' ? html` checked` : ''}> ${SCOPE_DESCRIPTIONS[s]} <code>${s}</code></label>`)}
  </fieldset>
  <label for="token_expiry">Expires in</label>
  <select id="token_expiry" name="expires_in_days">${p.expiryDays.map((d) => html`<option value="${d}"${d === 30 ? html` selected` : ''}>${d} days</option>`)}</select>
  <div class="actions"><button class="primary" type="submit">Create token</button></div>
</form>`,
  });
}

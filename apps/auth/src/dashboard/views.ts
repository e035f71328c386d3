import { SCOPE_DESCRIPTIONS, SCOPES } from '@enclavia/contract';
import { type Html, html } from '../web/html.js';
import { type RenderedPage, renderPage } from '../web/page.js';
import { type Column, stackedTable } from '../web/table.js';

export interface AppRow {
  id: string;
  clientId: string;
  clientName: string | null;
  workspace: string;
  user: string;
  scope: string;
  createdAt: Date;
  lastUsedAt: Date | null;
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
  const columns: Column<AppRow>[] = [
    {
      label: 'Client',
      cell: (a) => html`${a.clientName ?? a.clientId}<br><code class="muted">${a.clientId}</code>`,
    },
    ...(withUser ? [{ label: 'User', cell: (a: AppRow) => a.user }] : []),
    { label: 'Workspace', cell: (a) => a.workspace },
    { label: 'Scopes', cell: (a) => a.scope },
    { label: 'Created', cell: (a) => when(a.createdAt) },
    { label: 'Last used', cell: (a) => when(a.lastUsedAt) },
    {
      label: 'Action',
      hidden: true,
      cell: (a) =>
        html`<form method="post" action="/dashboard/apps/${a.id}/revoke">${csrf}<button type="submit" aria-label="Revoke ${a.clientName ?? a.clientId}">Revoke</button></form>`,
    },
  ];
  return stackedTable(columns, apps);
}

function tokensTable(tokens: TokenRow[], csrf: Html): Html {
  if (tokens.length === 0) return html`<p class="muted">None.</p>`;
  return stackedTable<TokenRow>(
    [
      { label: 'Name', cell: (t) => t.name },
      { label: 'Token', cell: (t) => html`<code>${t.prefix}…</code>` },
      { label: 'Workspace', cell: (t) => t.workspace },
      { label: 'Scopes', cell: (t) => t.scope },
      { label: 'Created', cell: (t) => when(t.createdAt) },
      { label: 'Expires', cell: (t) => when(t.expiresAt) },
      { label: 'Last used', cell: (t) => when(t.lastUsedAt) },
      {
        label: 'Action',
        hidden: true,
        cell: (t) =>
          html`<form method="post" action="/dashboard/tokens/${t.id}/revoke">${csrf}<button type="submit" aria-label="Revoke token ${t.name}">Revoke</button></form>`,
      },
    ],
    tokens,
  );
}

export function dashboardPage(p: DashboardView): RenderedPage {
  const csrf = html`<input type="hidden" name="csrf" value="${p.csrf}">`;
  const tokens = tokensTable(p.tokens, csrf);
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

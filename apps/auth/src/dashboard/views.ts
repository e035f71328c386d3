import { SCOPE_DESCRIPTIONS, SCOPES } from '@enclavia/contract';
import { scopesInWords, when } from '../web/format.js';
import { type Html, html } from '../web/html.js';
import { type RenderedPage, renderPage } from '../web/page.js';
import { adminLinks, siteHeader } from '../web/site-header.js';
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

/** The token form as the user last submitted it, and what was wrong with each field. */
export interface TokenFormState {
  name: string;
  workspaceId?: string;
  scopes: string[];
  expiresInDays?: number;
  errors: Partial<Record<'name' | 'workspace_id' | 'scopes' | 'expires_in_days' | 'form', string>>;
}

export interface DashboardView {
  email: string;
  csrf: string;
  mcpUrl: string;
  issuer: string;
  /** One list: the user's own apps and, for admins, every app of their workspaces. */
  apps: AppRow[];
  /** For admins: whose apps the list shows (undefined: everyone's), and whom it can show. */
  memberFilter?: { members: string[]; selected?: string };
  administered: Array<{ id: string; name: string }>;
  tokens: TokenRow[];
  workspaces: Array<{ id: string; name: string }>;
  expiryDays: readonly number[];
  notice?: string;
  error?: string;
  tokenForm?: TokenFormState;
  /** A token just created: shown this once. */
  newToken?: { value: string; name: string };
}

const appName = (a: AppRow) => a.clientName ?? a.clientId;

function appsTable(p: DashboardView, csrf: Html): Html {
  if (p.apps.length === 0)
    return html`<p class="muted">No app is connected${p.memberFilter?.selected ? html` for ${p.memberFilter.selected}` : ''}. To connect one, add the MCP server URL <code>${p.mcpUrl}</code> in your AI assistant (<a href="/">how to connect</a>); it will ask you to sign in and approve.</p>`;
  const columns: Column<AppRow>[] = [
    {
      label: 'Client',
      cell: (a) =>
        html`${appName(a)}${a.via === 'enterprise_idp' ? html` <span class="muted">(through your company's identity provider)</span>` : ''}<br><code class="muted">${a.clientId}</code>`,
    },
    ...(p.memberFilter ? [{ label: 'User', cell: (a: AppRow) => a.user }] : []),
    { label: 'Workspace', cell: (a) => a.workspace },
    { label: 'Scopes', cell: (a) => scopesInWords(a.scope) },
    { label: 'Created', cell: (a) => when(a.createdAt) },
    { label: 'Last used', cell: (a) => when(a.lastUsedAt) },
    {
      label: 'Action',
      hidden: true,
      cell: (a) =>
        html`<form method="post" action="/dashboard/apps/${a.id}/revoke">${csrf}<button type="submit" aria-label="Revoke ${appName(a)}${p.memberFilter ? ` of ${a.user}` : ''}">Revoke</button></form>`,
    },
  ];
  return stackedTable(columns, p.apps);
}

function memberFilterForm(filter: NonNullable<DashboardView['memberFilter']>): Html {
  return html`<form method="get" action="/dashboard" class="filter">
<label for="member">Show the apps of</label>
<select id="member" name="member"><option value="">Everyone in your workspaces</option>${filter.members.map(
    (m) => html`<option value="${m}"${m === filter.selected ? html` selected` : ''}>${m}</option>`,
  )}</select>
<div class="actions"><button type="submit">Show</button></div>
</form>`;
}

function tokensTable(tokens: TokenRow[], csrf: Html): Html {
  if (tokens.length === 0)
    return html`<p class="muted">No personal access token. Create one below for a client that cannot sign in by itself (Claude Desktop through <code>mcp-remote</code>, scripts).</p>`;
  return stackedTable<TokenRow>(
    [
      { label: 'Name', cell: (t) => t.name },
      { label: 'Token', cell: (t) => html`<code>${t.prefix}…</code>` },
      { label: 'Workspace', cell: (t) => t.workspace },
      { label: 'Scopes', cell: (t) => scopesInWords(t.scope) },
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

/** The new token, once, with what to paste where. */
function newTokenBox(token: NonNullable<DashboardView['newToken']>, mcpUrl: string): Html {
  // mcp-remote expands the variable from `env` itself: the token stays out of the argument list.
  const header = ['Authorization:Bearer ', '$', '{ENCLAVIA_TOKEN}'].join('');
  const desktop = JSON.stringify(
    {
      mcpServers: {
        enclavia: {
          command: 'npx',
          args: ['-y', 'mcp-remote', mcpUrl, '--header', header],
          env: { ENCLAVIA_TOKEN: token.value },
        },
      },
    },
    null,
    2,
  );
  return html`<section class="notice" role="status" aria-labelledby="new-token-title">
<h2 id="new-token-title">Your new token “${token.name}”</h2>
<p>Copy it now: it will not be shown again.</p>
<label for="new-token">Personal access token</label>
<input id="new-token" type="text" readonly value="${token.value}">
<h3>Claude Desktop (<code>claude_desktop_config.json</code>)</h3>
<pre><code>${desktop}</code></pre>
<h3>Any stdio client, with <code>mcp-remote</code></h3>
<pre><code>ENCLAVIA_TOKEN=${token.value} npx -y mcp-remote ${mcpUrl} --header "Authorization:Bearer \${ENCLAVIA_TOKEN}"</code></pre>
</section>`;
}

const fieldError = (id: string, message: string | undefined) =>
  message ? html`<p class="field-error" id="${id}-error">${message}</p>` : '';
const invalid = (id: string, message: string | undefined) =>
  message ? html` aria-invalid="true" aria-describedby="${id}-error"` : '';

function tokenForm(p: DashboardView, csrf: Html): Html {
  const f: TokenFormState = p.tokenForm ?? { name: '', scopes: ['enclaves:read'], errors: {} };
  const e = f.errors;
  return html`<form method="post" action="/dashboard/tokens" novalidate>
  ${csrf}
  ${e.form ? html`<p class="error" role="alert">${e.form}</p>` : ''}
  <label for="token_name">Token name</label>
  <input id="token_name" name="name" type="text" required maxlength="100" value="${f.name}"${invalid('token_name', e.name)}>
  ${fieldError('token_name', e.name)}
  <label for="token_workspace">Workspace</label>
  <select id="token_workspace" name="workspace_id"${invalid('token_workspace', e.workspace_id)}>${p.workspaces.map(
    (w) => html`<option value="${w.id}"${w.id === f.workspaceId ? html` selected` : ''}>${w.name}</option>`,
  )}</select>
  ${fieldError('token_workspace', e.workspace_id)}
  <fieldset${invalid('token_scopes', e.scopes)}><legend>Scopes</legend>
  ${SCOPES.map((s) => html`<label><input type="checkbox" name="scopes" value="${s}"${f.scopes.includes(s) ? html` checked` : ''}> ${SCOPE_DESCRIPTIONS[s]} <code>${s}</code></label>`)}
  ${fieldError('token_scopes', e.scopes)}
  </fieldset>
  <label for="token_expiry">Expires in</label>
  <select id="token_expiry" name="expires_in_days"${invalid('token_expiry', e.expires_in_days)}>${p.expiryDays.map((d) => html`<option value="${d}"${d === (f.expiresInDays ?? 30) ? html` selected` : ''}>${d} days</option>`)}</select>
  ${fieldError('token_expiry', e.expires_in_days)}
  <div class="actions"><button class="primary" type="submit">Create token</button></div>
</form>`;
}

export function dashboardPage(p: DashboardView): RenderedPage {
  const csrf = html`<input type="hidden" name="csrf" value="${p.csrf}">`;
  const admin = adminLinks(p.administered);
  return renderPage({
    title: 'Dashboard',
    wide: true,
    content: html`${siteHeader({ email: p.email, csrf: p.csrf, current: '/dashboard', ...(admin ? { admin } : {}) })}
<h1>Dashboard</h1>
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
${p.newToken ? newTokenBox(p.newToken, p.mcpUrl) : ''}
<p class="muted">MCP server URL: <code>${p.mcpUrl}</code> · <a href="/">How to connect</a></p>
<h2>Connected apps</h2>
${p.memberFilter ? memberFilterForm(p.memberFilter) : ''}
${appsTable(p, csrf)}
<h2>Personal access tokens</h2>
${tokensTable(p.tokens, csrf)}
<h3 id="create-token">Create a token</h3>
${tokenForm(p, csrf)}`,
  });
}

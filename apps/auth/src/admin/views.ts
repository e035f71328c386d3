import { SCOPE_DESCRIPTIONS, SCOPES } from '@enclavia/contract';
import { when } from '../web/format.js';
import { type Html, html } from '../web/html.js';
import { errorPage, type RenderedPage, renderPage } from '../web/page.js';
import { adminLinks, siteHeader } from '../web/site-header.js';
import { stackedTable } from '../web/table.js';
import type { ListedApp } from '../workspace-apps/index.js';
import type { WorkspacePolicy } from '../workspaces/index.js';
import { ACTION_WORDS, changeInWords } from './audit-words.js';

interface Workspace {
  id: string;
  name: string;
}

/** An admin page: the site's header (who is signed in, the way out, navigation), the workspace's links if any, the title. */
export function shell(p: {
  title: string;
  email: string;
  csrf: string;
  workspace?: Workspace;
  body: Html;
  /** The path of this page, marked in the navigation. */
  current?: string;
  /** Where the header's admin links lead, where no workspace is shown (one workspace: straight to it). */
  administered?: Workspace[];
}): RenderedPage {
  const admin = p.workspace
    ? { settings: `/admin/workspaces/${p.workspace.id}`, audit: `/admin/workspaces/${p.workspace.id}/audit` }
    : (adminLinks(p.administered ?? []) ?? { settings: '/admin', audit: '/admin' });
  const nav = p.workspace
    ? html`<p class="muted">${p.workspace.name} · <a href="/admin">All workspaces</a></p>`
    : '';
  return renderPage({
    title: p.title,
    wide: true,
    content: html`${siteHeader({ email: p.email, csrf: p.csrf, admin, current: p.current ?? '' })}
${nav}
<h1>${p.title}</h1>
${p.body}`,
  });
}

/** What an admin page answers where there is nothing for this user: the same for every reason. */
export function notFoundPage(): RenderedPage {
  return errorPage('Not found', 'There is nothing here.', undefined, {
    href: '/admin',
    label: 'Your workspaces',
  });
}

export function adminHomePage(p: {
  email: string;
  csrf: string;
  workspaces: Workspace[];
  instanceAdmin: boolean;
}): RenderedPage {
  const list =
    p.workspaces.length === 0
      ? html`<p>You are not an admin of any workspace.</p>`
      : html`<ul>${p.workspaces.map(
          (w) =>
            html`<li><strong>${w.name}</strong>: <a href="/admin/workspaces/${w.id}">Workspace settings</a> · <a href="/admin/workspaces/${w.id}/audit">Audit log</a></li>`,
        )}</ul>`;
  const instance = p.instanceAdmin
    ? html`<nav><a href="/admin/users">Users</a> <span class="muted">(instance admin: disable an account)</span></nav>`
    : '';
  return shell({
    title: 'Workspaces you administer',
    email: p.email,
    csrf: p.csrf,
    administered: p.workspaces,
    body: html`${instance}${list}`,
  });
}

export interface SettingsView {
  email: string;
  csrf: string;
  workspace: Workspace;
  policy: WorkspacePolicy;
  /** How many apps are connected to the workspace now: what a policy change reaches. */
  connectedApps: number;
  serverLifetimes: { accessToken: number; refreshToken: number };
  members: Array<{ userId: string; email: string; role: string }>;
  invitations: Array<{ email: string; role: string }>;
  notice?: string;
  error?: string;
  /** The policy shown holds values filled in from a refused connection, not saved yet. */
  draftNotice?: boolean;
  /** The policy as typed was refused: the messages of each field, shown under it. */
  policyErrors?: Record<string, string[]>;
  /** Save turned tokens off: ask once more, naming what it revokes, before saving. */
  confirmTokensOff?: boolean;
  /** The invitation as typed, refused: shown back with the message under the field. */
  invite?: { email: string; role: 'admin' | 'member'; error: string };
  /** The workspace's apps, pending first. */
  apps: ListedApp[];
  /** What an action on an app did, shown under Apps (where the page opens after it). */
  appsNotice?: string;
  /** An app's limits as typed, refused: shown back at that app's form with the message. */
  appLimits?: TypedAppLimits;
}

/** An app's Limits form as the admin submitted it, and why it was not saved. */
export interface TypedAppLimits {
  clientId: string;
  scopes: string[];
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
  error: string;
}

/** The messages about one field of the policy form, under it, tied to it for screen readers. */
function fieldErrors(p: SettingsView, field: string): Html | '' {
  const list = p.policyErrors?.[field];
  if (!list?.length) return '';
  return html`<div class="field-error" id="${field}-error">${list.map((m) => html`<p>${m}</p>`)}</div>`;
}
const describedBy = (p: SettingsView, field: string) =>
  p.policyErrors?.[field]?.length ? html` aria-invalid="true" aria-describedby="${field}-error"` : '';

interface MemberRow {
  userId: string;
  email: string;
  role: string;
  invited: boolean;
}

export function settingsPage(p: SettingsView): RenderedPage {
  const csrf = html`<input type="hidden" name="csrf" value="${p.csrf}">`;
  const base = `/admin/workspaces/${p.workspace.id}`;
  const roleSelect = (current: string, email: string) =>
    html`<select name="role" aria-label="Role of ${email}">${['member', 'admin'].map(
      (r) => html`<option value="${r}"${r === current ? html` selected` : ''}>${r}</option>`,
    )}</select>`;
  const body = html`${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
<h2>MCP policy</h2>
${p.policyErrors ? html`<p class="error" role="alert">The policy was not saved: ${Object.values(p.policyErrors).flat().length} problem(s), each shown under its field. Everything you typed is still here.</p>` : ''}
${p.draftNotice ? html`<p class="warning" role="status">Filled in from a refused connection and <strong>not saved yet</strong>: check the policy below and press <strong>Save policy</strong>.</p>` : ''}
<form method="post" action="${base}/policy">
  ${csrf}
  <label><input type="checkbox" name="mcp_enabled" value="on"${p.policy.mcpEnabled ? html` checked` : ''}> MCP integration enabled</label>
  <label for="allowed_redirect_uris">Allowed redirect URIs</label>
  <textarea id="allowed_redirect_uris" name="allowed_redirect_uris" rows="5"${describedBy(p, 'allowed_redirect_uris')}>${p.policy.allowedRedirectUris.join('\n')}</textarea>
  ${fieldErrors(p, 'allowed_redirect_uris')}
  <p class="muted">One per line: https, http on loopback, or an app's own scheme (<code>cursor://anysphere.cursor-mcp/oauth/callback</code>). A loopback entry (localhost, 127.0.0.1, [::1]) matches any port; every other entry matches exactly.</p>
  <label for="allowed_client_ids">Allowed OAuth client IDs</label>
  <textarea id="allowed_client_ids" name="allowed_client_ids" rows="3"${describedBy(p, 'allowed_client_ids')}>${p.policy.allowedClientIds.join('\n')}</textarea>
  ${fieldErrors(p, 'allowed_client_ids')}
  <p class="muted">One per line; empty allows any client. Registered client IDs or client ID metadata document URLs.</p>
  <label for="unknown_clients">Unknown apps</label>
  <select id="unknown_clients" name="unknown_clients" aria-describedby="unknown_clients-help${p.policyErrors?.unknown_clients?.length ? ' unknown_clients-error' : ''}"${p.policyErrors?.unknown_clients?.length ? html` aria-invalid="true"` : ''}>${UNKNOWN_CLIENT_CHOICES.map(
    ([value, words]) =>
      html`<option value="${value}"${value === p.policy.unknownClients ? html` selected` : ''}>${words}</option>`,
  )}</select>
  ${fieldErrors(p, 'unknown_clients')}
  <p class="muted" id="unknown_clients-help">What happens when an app not listed under <a href="#apps">Apps</a> asks to connect. A list of allowed client IDs above blocks every app not on it, whatever this says.</p>
  <fieldset${describedBy(p, 'scope_ceiling')}><legend>Scope ceiling</legend>
  ${SCOPES.map(
    (s) =>
      html`<label><input type="checkbox" name="scope_ceiling" value="${s}"${p.policy.scopeCeiling.includes(s) ? html` checked` : ''}> ${SCOPE_DESCRIPTIONS[s]} <code>${s}</code></label>`,
  )}
  ${fieldErrors(p, 'scope_ceiling')}
  </fieldset>
  <label><input type="checkbox" name="personal_access_tokens_enabled" value="on"${p.policy.personalAccessTokensEnabled ? html` checked` : ''}> Personal access tokens enabled</label>
  <p class="muted">Turning them off revokes every personal access token of this workspace.</p>
  <label for="access_token_ttl">Access token lifetime</label>
  ${lifetimeSelect({ name: 'access_token_ttl', current: p.policy.accessTokenTtl, max: p.serverLifetimes.accessToken, presets: ACCESS_TOKEN_PRESETS })}
  <label><input type="checkbox" name="refresh_tokens_enabled" value="on"${p.policy.refreshTokensEnabled ? html` checked` : ''}> Refresh tokens enabled</label>
  <label for="refresh_token_ttl">Refresh token lifetime</label>
  ${lifetimeSelect({ name: 'refresh_token_ttl', current: p.policy.refreshTokenTtl, max: p.serverLifetimes.refreshToken, presets: REFRESH_TOKEN_PRESETS })}
  <p class="muted">Lifetimes apply to tokens issued after you save. With refresh tokens off, apps sign in again when their access token expires; refresh tokens already issued run until they expire.</p>
  <label for="enterprise_idp_issuer">Enterprise identity provider (issuer URL)</label>
  <input id="enterprise_idp_issuer" name="enterprise_idp_issuer" type="url" value="${p.policy.enterpriseIdpIssuer ?? ''}" placeholder="https://example.okta.com">
  <label><input type="checkbox" name="enterprise_jit_membership" value="on"${p.policy.enterpriseJitMembership ? html` checked` : ''}> Add people it vouches for as members on first connection</label>
  <label for="enterprise_email_domain">Only emails of this domain (optional)</label>
  <input id="enterprise_email_domain" name="enterprise_email_domain" value="${p.policy.enterpriseEmailDomain ?? ''}" placeholder="example.com">
  <p class="muted">Members can then connect apps through your company's identity provider without a consent page (see docs/enterprise.md); this policy still applies. Clearing the issuer stops new connections through it at once.</p>
  ${fieldErrors(p, 'access_token_ttl')}${fieldErrors(p, 'refresh_token_ttl')}${fieldErrors(p, 'form')}
  ${
    p.confirmTokensOff
      ? html`<div class="confirm" role="alert"><p><strong>Turn personal access tokens off?</strong> Saving revokes every personal access token of ${p.workspace.name}: clients using them are refused within a second, and turning tokens on again does not bring them back.</p>
  <div class="actions"><button class="primary" type="submit" name="confirm_tokens_off" value="yes">Yes, turn tokens off and save</button> <a href="/admin/workspaces/${p.workspace.id}">Cancel</a></div></div>`
      : html`<div class="actions"><button class="primary" type="submit" aria-describedby="policy-effects">Save policy</button></div>`
  }
  <p class="muted" id="policy-effects">Saving applies at once to what is already connected (${p.connectedApps} app${p.connectedApps === 1 ? '' : 's'} now, and personal access tokens): with MCP integration off they stop working until you turn it on again; a lower scope ceiling narrows what they may do, and raising it gives back only what each person approved; a client ID or redirect URI taken off its list revokes the apps that use it.</p>
</form>
${appsSection(p, csrf)}
<h2>Members</h2>
${stackedTable<MemberRow>(
  [
    {
      label: 'Email',
      cell: (r) => (r.invited ? html`${r.email} <span class="muted">(invited)</span>` : r.email),
    },
    {
      label: 'Role',
      cell: (r) =>
        r.invited
          ? r.role
          : html`<form method="post" action="${base}/members/${r.userId}/role">${csrf}${roleSelect(r.role, r.email)} <button type="submit">Change role</button></form>`,
    },
    {
      label: 'Action',
      hidden: true,
      cell: (r) =>
        r.invited
          ? html`<form method="post" action="${base}/invitations/cancel">${csrf}<input type="hidden" name="email" value="${r.email}"><button type="submit">Cancel invitation for ${r.email}</button></form>`
          : html`<form method="post" action="${base}/members/${r.userId}/remove">${csrf}<button type="submit">Remove ${r.email}</button></form>`,
    },
  ],
  [
    ...p.members.map((m) => ({ ...m, invited: false })),
    ...p.invitations.map((i) => ({ ...i, userId: '', invited: true })),
  ],
)}
<h2>Invite a member</h2>
<form method="post" action="${base}/members">
  ${csrf}
  <label for="invite_email">Email address</label>
  <input id="invite_email" name="email" type="email" required value="${p.invite?.email ?? ''}"${p.invite ? html` aria-invalid="true" aria-describedby="invite_email-error"` : ''}>
  ${p.invite ? html`<p class="field-error" id="invite_email-error" role="alert">${p.invite.error}</p>` : ''}
  <label for="invite_role">Role</label>
  <select id="invite_role" name="role"><option value="member">member</option><option value="admin"${p.invite?.role === 'admin' ? html` selected` : ''}>admin</option></select>
  <div class="actions"><button class="primary" type="submit">Invite</button></div>
</form>`;
  return shell({
    title: 'Workspace settings',
    email: p.email,
    csrf: p.csrf,
    workspace: p.workspace,
    body,
    current: base,
  });
}

const MINUTE = 60;
const DAY = 86_400;
const ACCESS_TOKEN_PRESETS = [5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, 60 * MINUTE];
const REFRESH_TOKEN_PRESETS = [DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY];

function duration(seconds: number): string {
  if (seconds % DAY === 0) return `${seconds / DAY} day${seconds === DAY ? '' : 's'}`;
  if (seconds % MINUTE === 0) return `${seconds / MINUTE} minute${seconds === MINUTE ? '' : 's'}`;
  return `${seconds} seconds`;
}

/**
 * The lifetime above this one (the server's, or the workspace's for an app), or a shorter one: a
 * workspace can never lengthen the server's, nor an app the workspace's.
 */
function lifetimeSelect(p: {
  name: string;
  id?: string;
  current: number | null;
  max: number;
  presets: number[];
  /** Whose lifetime the empty choice stands for. */
  inherited?: string;
}) {
  const choices = [
    ...new Set([...p.presets.filter((s) => s < p.max), ...(p.current ? [p.current] : [])]),
  ].sort((a, b) => a - b);
  return html`<select id="${p.id ?? p.name}" name="${p.name}"><option value=""${p.current === null ? html` selected` : ''}>${p.inherited ?? 'Server default'} (${duration(p.max)})</option>${choices.map(
    (s) => html`<option value="${s}"${s === p.current ? html` selected` : ''}>${duration(s)}</option>`,
  )}</select>`;
}

const UNKNOWN_CLIENT_CHOICES = [
  ['allow', 'Allow: list them as approved'],
  ['ask', 'Ask: an admin approves each new app'],
  ['block', 'Block: only apps approved here'],
] as const;

const IDENTIFIED_BY: Record<string, string> = {
  registration: 'Dynamic registration',
  metadata_document: 'Client ID metadata document',
  enterprise_grant: 'Enterprise grant',
};

const STATUS_WORDS: Record<string, string> = {
  pending: 'Pending: waiting for an admin',
  approved: 'Approved',
  blocked: 'Blocked',
};

/**
 * Every app that asked to connect to the workspace, pending first: what it is, who uses it, how it
 * stands, and the admin's decisions (Approve, Block, and an approved app's own limits). The client
 * ID travels in each form's body.
 */
function appsSection(p: SettingsView, csrf: Html): Html {
  const base = `/admin/workspaces/${p.workspace.id}`;
  const pending = p.apps.filter((a) => a.standing === 'pending').length;
  const intro =
    p.apps.length === 0
      ? html`<p class="muted">No app has asked to connect to this workspace yet.</p>`
      : html`<p class="muted">${p.apps.length} app${p.apps.length === 1 ? '' : 's'} asked to connect${pending ? html`; <strong>${pending} waiting for approval</strong>` : ''}. An approved app may have its own scope ceiling and token lifetimes, never wider than the workspace's.</p>`;
  return html`<h2 id="apps">Apps</h2>
${p.appsNotice ? html`<p class="notice" role="status">${p.appsNotice}</p>` : ''}
${intro}
${p.apps.map((app, i) => appEntry(p, app, i, base, csrf))}`;
}

function appEntry(p: SettingsView, app: ListedApp, index: number, base: string, csrf: Html): Html {
  const heading = `app-${index}`;
  const clientId = html`<input type="hidden" name="client_id" value="${app.clientId}">`;
  const connections = app.users.reduce((n, u) => n + u.connections, 0);
  const users =
    app.users.length === 0
      ? html`<span class="muted">nobody is connected with it</span>`
      : html`<ul class="scopes">${app.users.map(
          (u) => html`<li>${u.email}: ${u.connections} connection${u.connections === 1 ? '' : 's'}</li>`,
        )}</ul>`;
  const decide = html`<div class="actions">${
    app.standing !== 'approved'
      ? html`<form method="post" action="${base}/apps/approve">${csrf}${clientId}<button class="primary" type="submit" aria-describedby="${heading}">Approve</button></form>`
      : ''
  }${
    app.standing !== 'blocked'
      ? html`<form method="post" action="${base}/apps/block">${csrf}${clientId}<button class="danger" type="submit" aria-describedby="${heading}">Block</button></form>`
      : ''
  }</div>`;
  return html`<section aria-labelledby="${heading}">
<h3 id="${heading}">${app.clientName}</h3>
<dl>
<dt>Status</dt><dd><strong>${STATUS_WORDS[app.standing] ?? app.standing}</strong>${app.standing === 'pending' && app.requestedByEmail ? html`, requested by ${app.requestedByEmail}` : ''}</dd>
<dt>Client ID</dt><dd><code>${app.clientId}</code></dd>
<dt>Identified by</dt><dd>${IDENTIFIED_BY[app.identifiedBy] ?? app.identifiedBy}</dd>
<dt>Redirect URIs</dt><dd>${app.redirectUris.length ? html`<ul class="scopes">${app.redirectUris.map((u) => html`<li><code>${u}</code></li>`)}</ul>` : html`<span class="muted">none (no browser)</span>`}</dd>
<dt>First seen</dt><dd>${when(app.firstSeenAt)}</dd>
<dt>Last seen</dt><dd>${when(app.lastSeenAt)}</dd>
<dt>Used by</dt><dd>${users}</dd>
</dl>
${app.standing === 'approved' ? limitsForm(p, app, index, base, csrf, clientId) : ''}
${app.standing === 'blocked' || connections === 0 ? '' : html`<p class="muted">Blocking revokes its ${connections} connection${connections === 1 ? '' : 's'} in this workspace.</p>`}
${decide}
</section>`;
}

/** An approved app's own limits: narrower than the workspace's, or the workspace's own (nothing chosen). */
function limitsForm(
  p: SettingsView,
  app: ListedApp,
  index: number,
  base: string,
  csrf: Html,
  clientId: Html,
): Html {
  const typed = p.appLimits?.clientId === app.clientId ? p.appLimits : undefined;
  const ticked = typed?.scopes ?? app.scopeCeiling ?? p.policy.scopeCeiling;
  // Shown back as typed even where the workspace no longer offers a scope: nothing typed is lost.
  const offered = SCOPES.filter((s) => p.policy.scopeCeiling.includes(s) || typed?.scopes.includes(s));
  const error = `app-${index}-limits-error`;
  const invalid = typed ? html` aria-invalid="true" aria-describedby="${error}"` : '';
  const workspaceAccess = p.policy.accessTokenTtl ?? p.serverLifetimes.accessToken;
  const workspaceRefresh = p.policy.refreshTokenTtl ?? p.serverLifetimes.refreshToken;
  const ticks = offered.map(
    (s) =>
      html`<label><input type="checkbox" name="scope_ceiling" value="${s}"${ticked.includes(s) ? html` checked` : ''}> ${SCOPE_DESCRIPTIONS[s]} <code>${s}</code></label>`,
  );
  // Folded away until wanted (open when it holds a refusal); the fragment brings the answer back here.
  return html`<details${typed ? html` open` : ''}><summary>Limits: ${app.scopeCeiling || app.accessTokenTtl || app.refreshTokenTtl ? 'its own' : "the workspace's"}</summary>
<form method="post" action="${base}/apps/limits#app-${index}-limits" id="app-${index}-limits">
  ${csrf}${clientId}
  <fieldset${invalid}><legend>Scope ceiling of ${app.clientName}</legend>
  ${ticks}
  </fieldset>
  <p class="muted">Everything the workspace allows ticked: the app follows the workspace's ceiling.</p>
  <label for="app-${index}-access_token_ttl">How long ${app.clientName}'s access tokens last</label>
  ${lifetimeSelect({ name: 'access_token_ttl', id: `app-${index}-access_token_ttl`, current: typed ? typed.accessTokenTtl : app.accessTokenTtl, max: workspaceAccess, presets: ACCESS_TOKEN_PRESETS, inherited: "The workspace's" })}
  <label for="app-${index}-refresh_token_ttl">How long ${app.clientName}'s refresh tokens last</label>
  ${lifetimeSelect({ name: 'refresh_token_ttl', id: `app-${index}-refresh_token_ttl`, current: typed ? typed.refreshTokenTtl : app.refreshTokenTtl, max: workspaceRefresh, presets: REFRESH_TOKEN_PRESETS, inherited: "The workspace's" })}
  ${typed ? html`<p class="field-error" id="${error}" role="alert">The limits were not saved: ${typed.error}</p>` : ''}
  <div class="actions"><button type="submit" aria-describedby="app-${index}">Save limits</button></div>
</form></details>`;
}

interface AuditEvent {
  id: number;
  at: Date;
  actor: string | null;
  actorClientId: string | null;
  action: string;
  target: string | null;
  subject?: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditView {
  email: string;
  csrf: string;
  workspace: Workspace;
  events: AuditEvent[];
  /** The filter as chosen, and whom it can name. */
  filter: { action?: string; member?: string };
  members: string[];
  /** The id to continue from for the next (older) page, when there is one. */
  nextBefore?: number;
  /** Whether this is a later page: offer the way back to the newest. */
  paged: boolean;
}

export function auditPage(p: AuditView): RenderedPage {
  const base = `/admin/workspaces/${p.workspace.id}/audit`;
  const query = (extra: Record<string, string | number>) => {
    const q = new URLSearchParams();
    if (p.filter.action) q.set('action', p.filter.action);
    if (p.filter.member) q.set('member', p.filter.member);
    for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
    return `${base}?${q}`;
  };
  const filters = html`<form method="get" action="${base}" class="filter">
<label for="audit_action">What</label>
<select id="audit_action" name="action"><option value="">Everything</option>${Object.entries(
    ACTION_WORDS,
  ).map(
    ([a, words]) =>
      html`<option value="${a}"${a === p.filter.action ? html` selected` : ''}>${words}</option>`,
  )}</select>
<label for="audit_member">Who (made it or is its subject)</label>
<select id="audit_member" name="member"><option value="">Anyone</option>${p.members.map(
    (m) => html`<option value="${m}"${m === p.filter.member ? html` selected` : ''}>${m}</option>`,
  )}</select>
<div class="actions"><button type="submit">Show</button>${p.filter.action || p.filter.member ? html` <a href="${base}">Clear the filter</a>` : ''}</div>
</form>`;
  const table =
    p.events.length === 0
      ? html`<p class="muted">Nothing ${p.filter.action || p.filter.member ? 'matches this filter' : 'has happened in this workspace yet'}.</p>`
      : stackedTable<AuditEvent>(
          [
            { label: 'When', cell: (e) => when(e.at) },
            {
              label: 'Who',
              cell: (e) =>
                html`${e.actor ?? 'Enclavia'}${e.actorClientId ? html` <span class="muted">via ${e.actorClientId}</span>` : ''}`,
            },
            {
              label: 'What',
              cell: (e) => html`${ACTION_WORDS[e.action] ?? e.action} <code class="muted">${e.action}</code>`,
            },
            { label: 'About', cell: (e) => e.target ?? e.subject ?? '' },
            {
              label: 'Change',
              cell: (e) => {
                const lines = changeInWords(e.before, e.after, e.action);
                return lines.length
                  ? html`<ul class="scopes">${lines.map((l) => html`<li>${l}</li>`)}</ul>`
                  : '';
              },
            },
          ],
          p.events,
          'Audit log entries, newest first',
        );
  const paging = html`<nav aria-label="Pages of the log"><ul>${p.paged ? html`<li><a href="${query({})}">Newest entries</a></li>` : ''}${
    p.nextBefore !== undefined
      ? html`<li><a href="${query({ before: p.nextBefore })}">Older entries</a></li>`
      : ''
  }</ul></nav>`;
  return shell({
    title: 'Audit log',
    email: p.email,
    csrf: p.csrf,
    workspace: p.workspace,
    body: html`${filters}${table}${paging}`,
    current: base,
  });
}

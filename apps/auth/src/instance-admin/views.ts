import { shell } from '../admin/views.js';
import { html } from '../web/html.js';
import type { RenderedPage } from '../web/page.js';

export interface DisabledNotice {
  disabled: string;
  grants: number;
  tokens: number;
}

const back = html`<nav><a href="/admin/users">Users</a> · <a href="/admin">All workspaces</a></nav>`;

export function usersPage(p: {
  email: string;
  csrf: string;
  notice?: DisabledNotice;
  error?: string;
}): RenderedPage {
  const body = html`${back}
${
  p.notice
    ? html`<p class="notice" role="status">Disabled ${p.notice.disabled}: revoked ${p.notice.grants} connected app(s) and ${p.notice.tokens} personal access token(s).</p>`
    : ''
}
${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
<h2>Disable a user</h2>
<p>A disabled user cannot sign in, and loses every connected app and personal access token, in every workspace.</p>
<form method="get" action="/admin/users/confirm">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" required>
  <div class="actions"><button class="primary" type="submit">Disable user</button></div>
</form>`;
  return shell({ title: 'Users', email: p.email, csrf: p.csrf, body });
}

export function confirmDisablePage(p: { email: string; csrf: string; account: string }): RenderedPage {
  const body = html`${back}
<p>Disabling <strong>${p.account}</strong>:</p>
<ul>
  <li>refuses their sign-in from now on ("This account is disabled.");</li>
  <li>ends their browser sessions;</li>
  <li>revokes every connected app and personal access token they hold, in every workspace: the MCP server refuses them within a second.</li>
</ul>
<p class="muted">Each of their workspaces' audit logs records that you did it. Enclavia has no way to undo it.</p>
<div class="actions">
  <form method="post" action="/admin/users/disable"><input type="hidden" name="csrf" value="${p.csrf}"><input type="hidden" name="email" value="${p.account}"><button class="primary" type="submit">Disable ${p.account}</button></form>
  <form method="get" action="/admin/users"><button type="submit">Cancel</button></form>
</div>`;
  return shell({ title: `Disable ${p.account}?`, email: p.email, csrf: p.csrf, body });
}

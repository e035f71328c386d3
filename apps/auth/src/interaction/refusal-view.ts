import { POLICY_ERRORS } from '@enclavia/contract';
import { type Html, html } from '../web/html.js';
import type { ConsentRefusal } from '../workspaces/policy.js';

/** Whose policy refused, and whether the person reading may change it. */
export interface RefusalContext {
  workspace: { id: string; name: string };
  admins: string[];
  isAdmin: boolean;
}

/**
 * A policy refusal a person can act on: the contract's exact text (clients and tests rely on it),
 * the refused value, whose rule it is, what to do, and for an admin a link to the setting with the
 * value filled in (saved only when they press Save).
 */
export function refusalDetails(refusal: ConsentRefusal, ctx: RefusalContext): Html {
  const ws = html`<strong>${ctx.workspace.name}</strong>`;
  const value = refusal.value ? html`<code>${refusal.value}</code>` : '';
  const base = `/admin/workspaces/${ctx.workspace.id}`;
  const { explain, setting, ...where } = ((): {
    explain: Html;
    setting: string;
    prefill?: string;
    link?: string;
  } => {
    switch (refusal.error) {
      case POLICY_ERRORS.disabled:
        return {
          explain: html`The admins of ${ws} have turned MCP integration off, so no app can connect to it.`,
          setting: 'MCP integration enabled',
          prefill: 'enable_mcp=on',
        };
      case POLICY_ERRORS.redirectUri:
        return {
          explain: html`This app wants to return to ${value}, which the admins of ${ws} have not allowed.`,
          setting: 'Allowed redirect URIs',
          prefill: `add_redirect_uri=${encodeURIComponent(refusal.value ?? '')}`,
        };
      case POLICY_ERRORS.clientId:
        if (refusal.blocked)
          return {
            explain: html`This app (client ID ${value}) is blocked in ${ws}.`,
            setting: 'Apps',
            link: `${base}#apps`,
          };
        return {
          explain: html`This app (client ID ${value}) is not among the apps the admins of ${ws} allow.`,
          setting: 'Allowed OAuth client IDs',
          prefill: `add_client_id=${encodeURIComponent(refusal.value ?? '')}`,
        };
      case POLICY_ERRORS.approval:
        return {
          explain: html`An admin of ${ws} must approve this app before it can connect there.`,
          setting: 'Apps',
          link: `${base}#apps`,
        };
      default:
        return {
          explain: html`Everything this app asked for (${value}) is above what ${ws} allows (its scope ceiling).`,
          setting: 'Scope ceiling',
          prefill: `add_scopes=${encodeURIComponent(refusal.value ?? '')}`,
        };
    }
  })();
  const todo = !ctx.isAdmin
    ? html`Ask an admin of the workspace${ctx.admins.length ? html` (${ctx.admins.join(', ')})` : ''} to change <strong>${setting}</strong> under Workspace settings, then connect again.`
    : where.link
      ? html`You are an admin of this workspace: <a href="${where.link}">open its Apps</a>, decide there, then connect again.`
      : html`You are an admin of this workspace: <a href="${base}?${where.prefill}">open Workspace settings with it filled in</a>, check it and press <strong>Save policy</strong>, then connect again.`;
  return html`<div class="error" role="alert">
<p><code>${refusal.value ? `${refusal.error}: ${refusal.value}` : refusal.error}</code></p>
<p>${explain}</p>
<p>${todo}</p>
</div>`;
}

/**
 * `unknown_clients: ask`: the app waits for an admin of the workspace. Said on the consent page
 * before Approve (which sends the request) and on the page Approve leads to (request sent).
 */
export function approvalNotice(ctx: RefusalContext & { sent: boolean }): Html {
  const ws = html`<strong>${ctx.workspace.name}</strong>`;
  const admins = ctx.admins.length ? html` (${ctx.admins.join(', ')})` : '';
  return html`<div class="warning" role="status">
<p><code>${POLICY_ERRORS.approval}</code></p>
<p>${ws} asks its admins to approve each new app, and this one is not approved yet.</p>
<p>${
    ctx.sent
      ? html`Your request has been sent to the admins of the workspace${admins}. Once one of them approves the app, connect again from the app: it will go through without a new request.`
      : html`Press <strong>Approve</strong> to send the admins of the workspace${admins} a request; once one of them approves the app, connect again from the app.`
  }</p>
</div>`;
}

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
  const { explain, setting, prefill } = (() => {
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
        return {
          explain: html`This app (client ID ${value}) is not among the apps the admins of ${ws} allow.`,
          setting: 'Allowed OAuth client IDs',
          prefill: `add_client_id=${encodeURIComponent(refusal.value ?? '')}`,
        };
      default:
        return {
          explain: html`Everything this app asked for (${value}) is above what ${ws} allows (its scope ceiling).`,
          setting: 'Scope ceiling',
          prefill: `add_scopes=${encodeURIComponent(refusal.value ?? '')}`,
        };
    }
  })();
  const todo = ctx.isAdmin
    ? html`You are an admin of this workspace: <a href="${base}?${prefill}">open Workspace settings with it filled in</a>, check it and press <strong>Save policy</strong>, then connect again.`
    : html`Ask an admin of the workspace${ctx.admins.length ? html` (${ctx.admins.join(', ')})` : ''} to change <strong>${setting}</strong> under Workspace settings, then connect again.`;
  return html`<div class="error" role="alert">
<p><code>${refusal.value ? `${refusal.error}: ${refusal.value}` : refusal.error}</code></p>
<p>${explain}</p>
<p>${todo}</p>
</div>`;
}

import { type Html, html } from './html.js';

export interface HeaderView {
  email: string;
  csrf: string;
  /** For a workspace admin: where "Workspace settings" and "Audit log" lead (one workspace, or the list). */
  admin?: { settings: string; audit: string };
  /** The path of the page shown, marked in the navigation. */
  current: string;
}

/** Every signed-in page's top: the product, where to go, who is signed in and a way out. */
export function siteHeader(p: HeaderView): Html {
  const links = [
    { href: '/dashboard', label: 'Dashboard' },
    ...(p.admin
      ? [
          { href: p.admin.settings, label: 'Workspace settings' },
          { href: p.admin.audit, label: 'Audit log' },
        ]
      : []),
  ];
  return html`<header class="top">
<span class="brand">Enclavia</span>
<nav aria-label="Main"><ul>${links.map(
    (l) =>
      html`<li><a href="${l.href}"${l.href === p.current ? html` aria-current="page"` : ''}>${l.label}</a></li>`,
  )}</ul></nav>
<span class="muted">Signed in as ${p.email}
<form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${p.csrf}"><button type="submit">Sign out</button></form></span>
</header>`;
}

/** Where the header's admin links lead for the workspaces a user administers. */
export function adminLinks(workspaces: Array<{ id: string }>): HeaderView['admin'] {
  if (workspaces.length === 0) return undefined;
  if (workspaces.length > 1) return { settings: '/admin', audit: '/admin' };
  const base = `/admin/workspaces/${workspaces[0]!.id}`;
  return { settings: base, audit: `${base}/audit` };
}

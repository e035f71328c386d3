import { html } from '../web/html.js';
import { type RenderedPage, renderPage } from '../web/page.js';

/** `/`: what a newcomer who opened the printed address needs: the URL to paste and where to paste it. */
export function homePage(p: { mcpUrl: string }): RenderedPage {
  return renderPage({
    title: 'Enclavia is running',
    wide: true,
    content: html`<h1>Enclavia is running</h1>
<p>Add Enclavia to your AI assistant with this MCP server URL:</p>
<label for="mcp-url">MCP server URL</label>
<input id="mcp-url" type="text" readonly value="${p.mcpUrl}" aria-describedby="mcp-url-hint">
<p class="muted" id="mcp-url-hint">Select it and copy it (Ctrl+C or ⌘C).</p>
<h2>Claude (claude.ai and Claude Desktop)</h2>
<p>Settings → Connectors → <strong>Add custom connector</strong>, paste the URL, save, then <strong>Connect</strong>. Sign in here and press <strong>Approve</strong>. Claude's servers connect from the internet, so this needs the public https URL of a deployed Enclavia, not localhost.</p>
<h2>Claude Code</h2>
<pre><code>claude mcp add --transport http enclavia ${p.mcpUrl}</code></pre>
<p>Then type <code>/mcp</code> in Claude Code, choose <strong>enclavia</strong> and <strong>Authenticate</strong>.</p>
<h2>Claude Desktop with a token</h2>
<p>Where connectors cannot reach this server (localhost), create a personal access token on the <a href="/dashboard">dashboard</a>: it shows a ready-to-paste <code>claude_desktop_config.json</code> entry that runs <code>mcp-remote</code>.</p>
<h2>After connecting</h2>
<p>The <a href="/dashboard">dashboard</a> lists your connected apps and personal access tokens; workspace admins find <a href="/admin">workspace settings and the audit log</a> there too.</p>`,
  });
}

/** Any path we do not serve, opened in a browser: where to go instead. */
export function notFoundHtmlPage(p: { mcpUrl: string; path: string }): RenderedPage {
  return renderPage({
    title: 'Page not found',
    content: html`<h1>Page not found</h1>
<p>There is no page at <code>${p.path}</code> on this server.</p>
<p>To connect an AI assistant, use the MCP server URL <code>${p.mcpUrl}</code>.</p>
<ul>
  <li><a href="/">How to connect</a></li>
  <li><a href="/dashboard">Dashboard</a></li>
</ul>`,
  });
}

import { createServer } from 'node:http';

/** A client's own loopback redirect target, as Claude Code or mcp-remote run one. */
export async function startCallbackServer(): Promise<{ redirectUri: string; close(): void }> {
  const server = createServer((_req, res) => res.end('Connected. You can close this window.'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { redirectUri: `http://127.0.0.1:${port}/callback`, close: () => server.close() };
}

import { createServer, request, type Server } from 'node:http';

/**
 * A loopback HTTP proxy that adds `Authorization: Bearer <token>` to every request and forwards it,
 * Host and Origin untouched, to `target`: for test suites that cannot authenticate (the MCP
 * conformance suite has no auth option). Answers, SSE included, stream back as they come.
 */
export async function startTokenProxy(port: number, target: URL, token: string): Promise<Server> {
  const proxy = createServer((incoming, outgoing) => {
    const headers = {
      ...incoming.headers,
      authorization: incoming.headers.authorization ?? `Bearer ${token}`,
    };
    const upstream = request(
      { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    outgoing.on('close', () => upstream.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  return proxy;
}

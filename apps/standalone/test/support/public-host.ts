import { createServer, type Server } from 'node:https';
import type { LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import { freePort } from './stack.js';
import { selfSignedCertificate } from './tls.js';

/** What the host answers at a path: a JSON body, with headers (`cache-control: max-age=300` unless given). */
export interface Page {
  body?: unknown;
  headers?: Record<string, string>;
  /** 200 unless given, e.g. a redirect with a `location` header. */
  status?: number;
  /** How long the answer takes. */
  delayMs?: number;
}

/**
 * An https host the auth server reaches as if it were on the internet (a client's metadata
 * documents and keys): a loopback server with a self-signed certificate for `name`, reached through
 * a test-only DNS answer in `fetch`. Every other URL goes through `fetch` untouched, with
 * oidc-provider's SSRF-guarded dispatcher, so a loopback or private address is refused as in
 * production.
 */
export class PublicTestHost {
  /** Requests received, by path. */
  readonly hits = new Map<string, number>();
  private readonly pages = new Map<string, () => Page>();
  private readonly tls: { key: string; cert: string };
  private readonly servers: Server[] = [];
  port = 0;

  constructor(readonly name: string) {
    this.tls = selfSignedCertificate(name);
  }

  url(path: string): string {
    return `https://${this.name}:${this.port}${path}`;
  }

  /** Serves `page()` as JSON at `path`, evaluated at each request. */
  publish(path: string, page: () => Page): void {
    this.pages.set(path, page);
  }

  hitsAt(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  /** Listens on loopback, and on `alsoOn` (other local addresses) at the same port. */
  async start(alsoOn: string[] = []): Promise<void> {
    this.port = await freePort();
    for (const address of ['127.0.0.1', ...alsoOn]) {
      const server = createServer(this.tls, (req, res) => {
        this.hits.set(req.url!, this.hitsAt(req.url!) + 1);
        const page = this.pages.get(req.url!)?.();
        if (!page) return res.writeHead(404).end();
        setTimeout(() => {
          res.writeHead(page.status ?? 200, {
            'content-type': 'application/json',
            'cache-control': 'max-age=300',
            ...page.headers,
          });
          res.end(page.body === undefined ? '' : JSON.stringify(page.body));
        }, page.delayMs ?? 0);
      });
      await new Promise<void>((resolve) => server.listen(this.port, address, resolve));
      this.servers.push(server);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }

  /** The auth server's outbound fetch: `name` resolves to loopback and its certificate is trusted. */
  readonly fetch = (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (new URL(url instanceof Request ? url.url : url).hostname !== this.name) return fetch(url, init);
    const lookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
      options.all
        ? callback(null, [{ address: '127.0.0.1', family: 4 }])
        : callback(null, '127.0.0.1', 4)) as unknown as LookupFunction;
    // Node's own undici Agent, the one fetch is built on.
    const Agent = (globalThis as Record<symbol, { constructor: new (o: unknown) => unknown }>)[
      Symbol.for('undici.globalDispatcher.1')
    ]!.constructor;
    return fetch(url, {
      ...init,
      dispatcher: new Agent({ connect: { ca: this.tls.cert, lookup } }),
    } as RequestInit);
  };
}

/**
 * This machine's addresses in private ranges (10/8, 172.16/12, 192.168/16, fc00::/7), where a test
 * server can listen to show that the auth server never fetches from them; none on some machines.
 */
export function privateAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .map((i) => i?.address ?? '')
    .filter((a) => /^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.|f[cd][0-9a-f]{2}:)/i.test(a));
}

/** `address` as the host part of a URL. */
export function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Runs `fn` with TLS certificates unchecked in this process, the auth server's included, so that a
 * local test server is reachable and only the auth server's address guard can keep a fetch from it.
 */
export async function withUncheckedCertificates<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
  }
}

import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError } from './errors.js';

/** How long `auth login` waits for the browser to come back. */
const WAIT_MS = 5 * 60_000;

export interface LoopbackCallback {
  /** `http://127.0.0.1:<port>/callback`, the redirect URI of this sign-in. */
  redirectUri: string;
  /** The authorization code, once the browser returns with this `state`. */
  code(state: string): Promise<{ code: string; iss: string | undefined }>;
  close(): void;
}

/**
 * A one-shot HTTP server on 127.0.0.1 at a free port (RFC 8252 §7.3), receiving the authorization
 * response. Only `/callback` with the expected `state` counts; the browser gets a short plain page.
 */
export async function listenForCallback(): Promise<LoopbackCallback> {
  let settle: { resolve(v: { code: string; iss: string | undefined }): void; reject(e: Error): void };
  let expectedState: string | undefined;
  const result = new Promise<{ code: string; iss: string | undefined }>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => undefined);

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') return page(response, 404, 'Not found.');
    const params = url.searchParams;
    if (expectedState === undefined || params.get('state') !== expectedState) {
      return page(
        response,
        400,
        'This sign-in link is not the one enclavia is waiting for. Run `enclavia auth login` again.',
      );
    }
    const error = params.get('error');
    if (error) {
      const description = params.get('error_description');
      page(response, 400, `Sign-in did not complete: ${description ?? error}. You can close this tab.`);
      return settle.reject(
        new CliError(`sign-in did not complete: ${error}${description ? `: ${description}` : ''}`),
      );
    }
    const code = params.get('code');
    if (!code)
      return page(response, 400, 'The sign-in answer carries no code. Run `enclavia auth login` again.');
    page(response, 200, 'Signed in to Enclavia. You can close this tab and return to the terminal.');
    settle.resolve({ code, iss: params.get('iss') ?? undefined });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  let timer: NodeJS.Timeout | undefined;

  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    code(state) {
      expectedState = state;
      timer = setTimeout(
        () =>
          settle.reject(
            new CliError('no answer from the browser within 5 minutes: run `enclavia auth login` again'),
          ),
        WAIT_MS,
      );
      return result;
    },
    close() {
      clearTimeout(timer);
      server.closeAllConnections();
      server.close();
    },
  };
}

function page(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'close',
  });
  response.end(`${text}\n`);
}

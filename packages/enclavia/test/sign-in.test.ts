import { mkdtempSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../../../apps/standalone/test/support/browser.js';
import { callToolOverHttp } from '../../../apps/standalone/test/support/mcp-call.js';
import { freePort, type Stack, startStack } from '../../../apps/standalone/test/support/stack.js';
import { createTestDatabase, type TestDatabase } from '../../db/src/testing.js';
import { loginCredential } from '../src/login-credential.js';
import { signIn } from '../src/login-flow.js';
import { LoginStore, type StoredLogin } from '../src/login-store.js';

let database: TestDatabase;
let stack: Stack;
let proxy: Server;
let signedIn: StoredLogin;

/**
 * The authorization server behind a proxy that leaves `client_id_metadata_document_supported` out
 * of its metadata, as a deployment without client ID metadata documents would answer.
 */
function withoutMetadataDocuments(authPort: number): Server {
  return createServer((incoming, outgoing) => {
    const isMetadata = incoming.url?.startsWith('/.well-known/') ?? false;
    const headers = { ...incoming.headers };
    if (isMetadata) delete headers['accept-encoding'];
    const forwarded = request(
      { host: '127.0.0.1', port: authPort, method: incoming.method, path: incoming.url, headers },
      (answer) => {
        if (!isMetadata || answer.statusCode !== 200) {
          outgoing.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(outgoing);
          return;
        }
        let body = '';
        answer.on('data', (chunk) => {
          body += chunk;
        });
        answer.on('end', () => {
          const { client_id_metadata_document_supported: _left, ...metadata } = JSON.parse(body);
          const { 'content-length': _length, ...rest } = answer.headers;
          outgoing.writeHead(200, rest);
          outgoing.end(JSON.stringify(metadata));
        });
      },
    );
    incoming.pipe(forwarded);
  });
}

beforeAll(async () => {
  const ports = { auth: await freePort(), mcp: await freePort() };
  const proxyPort = await freePort();
  proxy = withoutMetadataDocuments(ports.auth);
  await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
  database = await createTestDatabase();
  stack = await startStack(database, {
    ports,
    env: { AUTH_PUBLIC_URL: `http://127.0.0.1:${proxyPort}` },
  });
});
afterAll(async () => {
  await stack?.close();
  await database?.close();
  proxy?.closeAllConnections();
  proxy?.close();
});

it('auth login registers the CLI (RFC 7591) when the deployment offers no client ID metadata documents', async () => {
  const browser = await launchBrowser();
  let approved: Promise<void> | undefined;
  try {
    const login = await signIn(stack.mcpUrl, {
      async showAuthorizationUrl(url) {
        approved = (async () => {
          const page = await browser.context.newPage();
          await page.goto(url);
          await page.getByLabel('Email').fill('registered@example.com');
          await page.getByRole('button', { name: 'Continue' }).click();
          await page.getByRole('button', { name: 'Approve' }).waitFor();
          expect(await page.locator('main').innerText()).toContain('Enclavia CLI');
          await page.getByRole('button', { name: 'Approve' }).click();
          await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
        })();
      },
    });
    await approved;
    signedIn = login;
    expect(login.clientId).not.toMatch(/^https?:/);
    const whoami = await callToolOverHttp(stack.mcpUrl, login.accessToken, 'mcp_whoami');
    expect(await whoami.json()).toMatchObject({
      result: { structuredContent: { user: { email: 'registered@example.com' }, client_id: login.clientId } },
    });
  } finally {
    await browser.close();
  }
});

it('a process holding an older copy of the login takes the one another process rotated, rather than refresh it again', async () => {
  const store = new LoginStore(mkdtempSync(join(tmpdir(), 'enclavia-login-')));
  store.save(signedIn);
  const expired = { ...signedIn, expiresAt: 0 };
  // Two processes that read the same login, e.g. the stdio server under Claude Desktop and a command.
  const longRunning = loginCredential(store, expired);
  const command = loginCredential(store, expired);

  const rotatedByCommand = await command.accessToken();
  expect(store.read()!.refreshToken).not.toBe(signedIn.refreshToken);
  // Presenting the used refresh token again would be taken for theft: it takes the saved one.
  expect(await longRunning.accessToken()).toBe(rotatedByCommand);
  const whoami = await callToolOverHttp(stack.mcpUrl, rotatedByCommand, 'mcp_whoami');
  expect(whoami.status).toBe(200);
});

import { createEmptyPostgresDatabase } from '@enclavia/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { readCompose, runService, type ServiceProcess, substitute } from './support/compose.js';
import { connect } from './support/connection.js';
import { callToolOverHttp } from './support/mcp-call.js';
import { freePort } from './support/stack.js';

// Compose's own network names and ports, and what they become on this machine without Docker.
const COMPOSE_DATABASE = 'postgres://enclavia:enclavia@postgres:5432/enclavia';
const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const compose = readCompose();
const { postgres, migrate, auth, mcp } = compose.services as Required<typeof compose.services>;
const running: ServiceProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
  for (const cleanup of cleanups) await cleanup();
});

describe('docker-compose.yml', () => {
  it('is shaped for running it: one image, healthchecks, restarts, start order, no development login by default', () => {
    expect(migrate?.build).toBe('.');
    for (const service of [auth, mcp]) {
      expect(service?.image).toBe(migrate?.image);
      expect(service?.restart).toBe('unless-stopped');
      expect(service?.healthcheck?.test.join(' ')).toContain('/healthz');
      expect(service?.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
      expect(service?.environment?.DATABASE_URL).toBe(COMPOSE_DATABASE);
    }
    expect(postgres?.healthcheck?.test).toContain('pg_isready');
    expect(mcp?.depends_on?.auth).toEqual({ condition: 'service_healthy' });
    expect(substitute(auth!.environment!.AUTH_DEV_LOGIN!, {})).toBe('false');
  });

  it('replays the compose topology without Docker: migrate, then auth and mcp as processes, and a client connects', async () => {
    const database = await createEmptyPostgresDatabase(POSTGRES);
    cleanups.push(database.drop);
    const ports = { auth: await freePort(), mcp: await freePort() };
    // The trial switch the file documents, so the test can sign in with the development login.
    const variables = { ENCLAVIA_DEV_LOGIN: 'true' };
    const onThisMachine = (environment: Record<string, string> = {}) =>
      Object.fromEntries(
        Object.entries(environment).map(([name, value]) => [
          name,
          substitute(value, variables)
            .replace(COMPOSE_DATABASE, database.url)
            .replace(/(localhost|auth):4000/, `127.0.0.1:${ports.auth}`)
            .replace('localhost:4001', `127.0.0.1:${ports.mcp}`)
            .replace('0.0.0.0', '127.0.0.1')
            .replace(/^4000$/, String(ports.auth))
            .replace(/^4001$/, String(ports.mcp)),
        ]),
      );

    const migration = runService(migrate!, onThisMachine(migrate!.environment));
    expect(await migration.exited, migration.output()).toBe(0);

    const services = [auth!, mcp!].map((service) => runService(service, onThisMachine(service.environment)));
    running.push(...services);
    const issuer = `http://127.0.0.1:${ports.auth}`;
    const mcpUrl = `http://127.0.0.1:${ports.mcp}/mcp`;
    for (const [url, service] of [
      [`${issuer}/healthz`, services[0]!],
      [`http://127.0.0.1:${ports.mcp}/healthz`, services[1]!],
    ] as const) {
      await untilHealthy(url, service);
    }

    const connection = await connect(issuer, mcpUrl, 'compose@example.com');
    const answer = await callToolOverHttp(mcpUrl, connection.tokens.access_token, 'mcp_whoami');
    expect(await answer.json()).toMatchObject({
      result: { structuredContent: { user: { email: 'compose@example.com' } } },
    });
  });
});

async function untilHealthy(url: string, service: ServiceProcess) {
  const deadline = Date.now() + 60_000;
  let exit: number | null | undefined;
  void service.exited.then((code) => {
    exit = code;
  });
  for (;;) {
    if (exit !== undefined) throw new Error(`exited (${exit}):\n${service.output()}`);
    if (Date.now() > deadline) throw new Error(`not healthy within 60 s:\n${service.output()}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

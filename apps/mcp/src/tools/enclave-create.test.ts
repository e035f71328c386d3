import { describe, expect, it } from 'vitest';
import { call, useTools } from '../../test/tool-harness.js';

const tools = useTools();

describe('enclave_create', () => {
  it('creates a pending enclave with the defaults, which then builds and runs', async () => {
    const ada = await tools.person('ada@example.com');
    const client = await ada.client();
    const created = await call(client, 'enclave_create', { image: 'ghcr.io/acme/api:1.4.2', name: 'api' });
    expect(created.isError).toBe(false);
    expect(created.data.enclave).toMatchObject({
      name: 'api',
      image: 'ghcr.io/acme/api:1.4.2',
      instance_type: 'enclave.small',
      container_port: 8080,
      storage_size_bytes: 10 * 1024 ** 3,
      state: 'pending',
    });
    await expect
      .poll(
        async () =>
          (await call(client, 'enclave_status', { id: created.data.enclave.id })).data.enclave.state,
      )
      .toBe('running');
  });

  it.each([
    [{ image: 'nginx:latest' }, 'names no registry', 'full OCI reference'],
    [{ image: 'ghcr.io/acme/api', instance_type: 'enclave.huge' }, 'Unknown instance_type', 'enclave.small'],
    [
      { image: 'ghcr.io/acme/api', container_port: 70000 },
      'container_port 70000 is out of range',
      '1 to 65535',
    ],
    [{ image: 'ghcr.io/acme/api', storage_size_bytes: 100 }, 'out of bounds', '1 GiB'],
    [{ image: 'ghcr.io/acme/api', name: 'My App' }, 'Invalid name', 'lowercase'],
  ])('refuses %j, saying what is wrong and how to fix it', async (input, what, how) => {
    const client = await (await tools.person(`bad-${Math.random()}@example.com`)).client();
    const result = await call(client, 'enclave_create', input);
    expect(result.isError).toBe(true);
    expect(result.text).toContain(what);
    expect(result.text).toContain(how);
  });

  it("refuses an enclave past the workspace's quota, naming it and how to make room", async () => {
    const cy = await tools.person('cy@example.com');
    const client = await cy.client(undefined, { enclaveQuota: 2 });
    const first = await call(client, 'enclave_create', { image: 'ghcr.io/acme/one:1' });
    await call(client, 'enclave_create', { image: 'ghcr.io/acme/two:1' });

    const refused = await call(client, 'enclave_create', { image: 'ghcr.io/acme/three:1' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('quota of 2 enclaves');
    expect(refused.text).toContain('enclave_destroy');
    expect(refused.text).toContain('ENCLAVE_QUOTA_PER_WORKSPACE');

    await call(client, 'enclave_destroy', { id: first.data.enclave.id });
    expect((await call(client, 'enclave_create', { image: 'ghcr.io/acme/three:1' })).isError).toBe(false);
  });

  it('is in the audit log with the acting user and client', async () => {
    const bo = await tools.person('bo@example.com');
    await call(await bo.client(), 'enclave_create', { image: 'ghcr.io/acme/audited:1' });
    const { listAudit } = await import('@enclavia/db');
    const [event] = await listAudit(tools.database.db, bo.workspaceId);
    expect(event).toMatchObject({
      action: 'enclave.created',
      actor: 'bo@example.com',
      actorClientId: 'client-of-bo@example.com',
    });
  });
});

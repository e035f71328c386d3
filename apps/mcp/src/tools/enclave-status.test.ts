import { expect, it } from 'vitest';
import { call, useTools } from '../../test/tool-harness.js';

const tools = useTools();

it("shows an enclave in full, and another workspace's as not found", async () => {
  const owner = await (await tools.person('owner@example.com')).client();
  const other = await (await tools.person('other@example.com')).client();
  const { data } = await call(owner, 'enclave_create', { image: 'ghcr.io/acme/api:1' });
  const status = await call(owner, 'enclave_status', { id: data.enclave.id });
  expect(status.data.enclave).toMatchObject({ id: data.enclave.id, image: 'ghcr.io/acme/api:1' });

  for (const id of [data.enclave.id, 'nonsense']) {
    const result = await call(other, 'enclave_status', { id });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(`Enclave ${id} was not found.`);
    expect(result.text).toContain('Call enclave_list');
  }
});

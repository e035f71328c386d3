import { expect, it } from 'vitest';
import { call, useTools } from '../../test/tool-harness.js';

const tools = useTools();

it('destroys an enclave for good, once, and only in its own workspace', async () => {
  const client = await (await tools.person('destroyer@example.com')).client();
  const stranger = await (await tools.person('stranger2@example.com')).client();
  const { id } = (await call(client, 'enclave_create', { image: 'ghcr.io/acme/api:1' })).data.enclave;

  expect((await call(stranger, 'enclave_destroy', { id })).text).toContain('was not found');
  expect((await call(client, 'enclave_status', { id })).data.enclave.state).not.toBe('destroyed');
  expect((await call(client, 'enclave_destroy', { id })).data.enclave.state).toBe('destroyed');
  const again = await call(client, 'enclave_destroy', { id });
  expect(again.isError).toBe(true);
  expect(again.text).toContain('is destroyed and cannot be destroyed');
});

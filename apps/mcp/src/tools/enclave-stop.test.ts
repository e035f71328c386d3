import { expect, it } from 'vitest';
import { call, useTools } from '../../test/tool-harness.js';

const tools = useTools();

it('stops an enclave, and refuses to stop it twice or to stop another workspace’s', async () => {
  const client = await (await tools.person('stopper@example.com')).client();
  const stranger = await (await tools.person('stranger@example.com')).client();
  const { id } = (await call(client, 'enclave_create', { image: 'ghcr.io/acme/api:1' })).data.enclave;
  await expect
    .poll(async () => (await call(client, 'enclave_status', { id })).data.enclave.state)
    .toBe('running');

  expect((await call(stranger, 'enclave_stop', { id })).text).toContain('was not found');
  expect((await call(client, 'enclave_stop', { id })).data.enclave.state).toBe('stopping');
  await expect
    .poll(async () => (await call(client, 'enclave_status', { id })).data.enclave.state)
    .toBe('stopped');
  const again = await call(client, 'enclave_stop', { id });
  expect(again.isError).toBe(true);
  expect(again.text).toContain('is stopped and cannot be stopped');
  expect(again.text).toContain('enclave_destroy');
});

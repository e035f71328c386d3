import { expect, it } from 'vitest';
import { call, useTools } from '../../test/tool-harness.js';

const tools = useTools();

it('lists only the workspace’s enclaves, newest first, filtered by state', async () => {
  const mine = await (await tools.person('lister@example.com')).client();
  const theirs = await (await tools.person('neighbour@example.com')).client();
  const a = (await call(mine, 'enclave_create', { image: 'ghcr.io/acme/a:1', name: 'a' })).data.enclave;
  await call(mine, 'enclave_create', { image: 'ghcr.io/acme/b:1', name: 'b' });
  await call(theirs, 'enclave_create', { image: 'ghcr.io/acme/c:1', name: 'c' });
  await call(mine, 'enclave_destroy', { id: a.id });

  expect((await call(mine, 'enclave_list')).data.enclaves.map((e: { name: string }) => e.name)).toEqual([
    'b',
    'a',
  ]);
  const destroyed = await call(mine, 'enclave_list', { state: 'destroyed' });
  expect(destroyed.data.enclaves.map((e: { name: string }) => e.name)).toEqual(['a']);
  expect((await call(theirs, 'enclave_list')).data.enclaves.map((e: { name: string }) => e.name)).toEqual([
    'c',
  ]);
});

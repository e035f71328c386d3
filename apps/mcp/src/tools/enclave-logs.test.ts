import { describe, expect, it } from 'vitest';
import { call, useTools } from '../../test/tool-harness.js';

const tools = useTools();

describe('enclave_logs', () => {
  it('reads the build log, the runtime log, or both, with tail', async () => {
    const client = await (await tools.person('logs@example.com')).client();
    const { id } = (await call(client, 'enclave_create', { image: 'ghcr.io/acme/api:1' })).data.enclave;
    await expect
      .poll(async () => (await call(client, 'enclave_status', { id })).data.enclave.state)
      .toBe('running');

    const build = (await call(client, 'enclave_logs', { id, stream: 'build' })).data.lines;
    expect(build.every((l: { stream: string }) => l.stream === 'build')).toBe(true);
    expect(build.map((l: { line: string }) => l.line)).toContain('Pulling ghcr.io/acme/api:1');
    const runtime = (await call(client, 'enclave_logs', { id, stream: 'runtime' })).data.lines;
    expect(runtime.map((l: { line: string }) => l.line)).toContain('Container listening on port 8080');
    const both = (await call(client, 'enclave_logs', { id })).data.lines;
    expect(both).toHaveLength(build.length + runtime.length);
    expect((await call(client, 'enclave_logs', { id, tail: 2 })).data.lines).toEqual(both.slice(-2));
    const since = (
      await call(client, 'enclave_logs', { id, since: new Date(Date.now() + 60_000).toISOString() })
    ).data.lines;
    expect(since).toEqual([]);
  });

  it.each([
    [{ tail: 0 }, 'tail 0 is out of range', '1 to 1000'],
    [{ tail: 5000 }, 'tail 5000 is out of range', '1 to 1000'],
    [{ since: 'yesterday' }, 'since "yesterday" is not a time', 'ISO 8601'],
  ])('refuses %j', async (input, what, how) => {
    const client = await (await tools.person(`l-${Math.random()}@example.com`)).client();
    const { id } = (await call(client, 'enclave_create', { image: 'ghcr.io/acme/api:1' })).data.enclave;
    const result = await call(client, 'enclave_logs', { id, ...input });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(what);
    expect(result.text).toContain(how);
  });
});

import { describe, expect, it } from 'vitest';
import { useTools } from '../../test/tool-harness.js';

const tools = useTools();

describe('tools/list shows what the token’s scopes allow', () => {
  it.each([
    [[], ['mcp_whoami']],
    [['enclaves:read'], ['enclave_list', 'enclave_logs', 'enclave_status', 'mcp_whoami']],
    [['enclaves:write'], ['enclave_create', 'enclave_stop', 'mcp_whoami']],
    [['enclaves:destroy'], ['enclave_destroy', 'mcp_whoami']],
  ])('%j', async (scopes, names) => {
    const client = await (await tools.person(`s-${Math.random()}@example.com`)).client(scopes);
    const { tools: listed } = await client.listTools();
    expect(listed.map((t) => t.name).sort()).toEqual(names);
  });

  it('describes every tool for a model: input descriptions, an output schema and annotations', async () => {
    const client = await (await tools.person('schema@example.com')).client();
    const { tools: listed } = await client.listTools();
    expect(listed).toHaveLength(7);
    for (const tool of listed) {
      expect(tool.description!.length, tool.name).toBeGreaterThan(40);
      expect(tool.outputSchema, tool.name).toBeDefined();
      expect(tool.annotations?.readOnlyHint, tool.name).toBeTypeOf('boolean');
      for (const [name, property] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((property as { description?: string }).description, `${tool.name}.${name}`).toBeTruthy();
      }
    }
    const destroy = listed.find((t) => t.name === 'enclave_destroy')!;
    expect(destroy.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });
});

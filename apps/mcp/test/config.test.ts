import { describe, expect, it } from 'vitest';
import { loadMcpConfig } from '../src/config.js';

describe('MCP server configuration', () => {
  it('defaults to the laptop URLs with a canonical resource', () => {
    const config = loadMcpConfig({ MCP_PUBLIC_URL: 'http://LOCALHOST:4001/mcp/' });
    expect(config).toMatchObject({
      resource: 'http://localhost:4001/mcp',
      issuer: 'http://localhost:4000',
      jwksUrl: 'http://localhost:4000/jwks',
      port: 4001,
    });
  });

  it('refuses plain http in production', () => {
    expect(() => loadMcpConfig({ NODE_ENV: 'production' })).toThrow(
      /MCP_PUBLIC_URL must be https in production/,
    );
    expect(() =>
      loadMcpConfig({
        NODE_ENV: 'production',
        MCP_PUBLIC_URL: 'https://mcp.example.com/mcp',
        AUTH_PUBLIC_URL: 'https://example.com',
      }),
    ).not.toThrow();
  });

  it('has limits that never bother a person, and refuses nonsense for them', () => {
    expect(loadMcpConfig({})).toMatchObject({
      patNegativeCacheSeconds: 30,
      enclaveQuota: 25,
      enclaveCreateLimit: { max: 10, windowSeconds: 60 },
    });
    expect(() => loadMcpConfig({ ENCLAVE_CREATE_LIMIT: '0' })).toThrow(/ENCLAVE_CREATE_LIMIT/);
    expect(() => loadMcpConfig({ ENCLAVE_QUOTA_PER_WORKSPACE: '-1' })).toThrow(/ENCLAVE_QUOTA_PER_WORKSPACE/);
    expect(() => loadMcpConfig({ PAT_NEGATIVE_CACHE_SECONDS: '3600' })).toThrow(/PAT_NEGATIVE_CACHE_SECONDS/);
  });

  it("answers on /mcp to the public URL's host and MCP_ALLOWED_HOSTS, and refuses a URL there", () => {
    expect(
      loadMcpConfig({
        MCP_PUBLIC_URL: 'https://MCP.example.com/mcp',
        MCP_ALLOWED_HOSTS: 'mcp-internal, Proxy.local',
      }).allowedHosts,
    ).toEqual(['mcp.example.com', 'mcp-internal', 'proxy.local']);
    expect(loadMcpConfig({}).allowedHosts).toEqual(['localhost']);
    expect(() => loadMcpConfig({ MCP_ALLOWED_HOSTS: 'https://mcp.example.com' })).toThrow(
      /MCP_ALLOWED_HOSTS/,
    );
  });
});

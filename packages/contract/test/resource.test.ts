import { describe, expect, it } from 'vitest';
import { canonicalResource, protectedResourceMetadataUrl, resourceAliases } from '../src/index.js';

describe('canonical resource', () => {
  it('drops a trailing slash, query and fragment and lowercases scheme and host', () => {
    expect(canonicalResource('HTTP://LocalHost:4001/mcp/?x=1#f')).toBe('http://localhost:4001/mcp');
  });

  it('keeps a bare origin without a slash', () => {
    expect(canonicalResource('https://mcp.example.com/')).toBe('https://mcp.example.com');
  });

  it('knows the aliases clients send', () => {
    expect([...resourceAliases('https://h/mcp')]).toEqual([
      'https://h/mcp',
      'https://h/mcp/',
      'https://h',
      'https://h/',
    ]);
  });

  it('builds the path form of the protected resource metadata URL', () => {
    expect(protectedResourceMetadataUrl('https://h/mcp')).toBe(
      'https://h/.well-known/oauth-protected-resource/mcp',
    );
    expect(protectedResourceMetadataUrl('https://h')).toBe('https://h/.well-known/oauth-protected-resource');
  });
});

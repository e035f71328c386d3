import { describe, expect, it } from 'vitest';
import { servedAsModern } from '../src/routes/era.js';
import { decodeHeaderValue } from '../src/routes/modern-headers.js';

const meta = (version: unknown) => ({ 'io.modelcontextprotocol/protocolVersion': version });
const request = (method: string, params?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id: 1,
  method,
  params,
});

describe('which era serves a request (basic/versioning "Backward Compatibility": a dual-era server)', () => {
  it.each([
    ['server/discover, whatever it carries', request('server/discover'), undefined],
    ['a _meta naming 2026-07-28', request('tools/list', { _meta: meta('2026-07-28') }), '2026-07-28'],
    [
      'a _meta naming a revision nobody speaks',
      request('tools/list', { _meta: meta('1900-01-01') }),
      undefined,
    ],
    [
      'a _meta that disagrees with the header',
      request('tools/list', { _meta: meta('2025-11-25') }),
      '2026-07-28',
    ],
    [
      'initialize whose _meta names 2026-07-28',
      request('initialize', { _meta: meta('2026-07-28') }),
      undefined,
    ],
    ['only the header naming 2026-07-28', request('tools/list'), '2026-07-28'],
    ['only the header naming an unknown revision', request('tools/call', { name: 'x' }), '2027-03-30'],
    [
      'a batch holding a 2026-07-28 request',
      [request('tools/list', { _meta: meta('2026-07-28') })],
      undefined,
    ],
  ])('2026-07-28: %s', (_what, body, header) => {
    expect(servedAsModern(body, header)).toBe(true);
  });

  it.each([
    ['initialize', request('initialize', { protocolVersion: '2025-11-25' }), undefined],
    ['a plain tools/call', request('tools/call', { name: 'enclave_list' }), undefined],
    [
      'a tools/call after initialize, with its version header',
      request('tools/call', { name: 'x' }),
      '2025-11-25',
    ],
    [
      'a _meta naming a session revision, header agreeing',
      request('tools/list', { _meta: meta('2025-06-18') }),
      '2025-06-18',
    ],
    ['a plain batch', [request('tools/list'), request('tools/call', { name: 'x' })], undefined],
    ['a body that is no object', 'tools/list', undefined],
  ])('the SDK: %s', (_what, body, header) => {
    expect(servedAsModern(body, header)).toBe(false);
  });
});

describe('Mcp-Name values (transports "Value Encoding")', () => {
  it('reads a plain value as sent and decodes the =?base64?…?= form as UTF-8', () => {
    expect(decodeHeaderValue('enclave_list')).toBe('enclave_list');
    expect(decodeHeaderValue(`=?base64?${Buffer.from('Hello, 世界').toString('base64')}?=`)).toBe(
      'Hello, 世界',
    );
  });

  it('refuses Base64 that is broken or not UTF-8', () => {
    expect(decodeHeaderValue('=?base64?not*base64?=')).toBeUndefined();
    expect(decodeHeaderValue('=?base64?QUJD?')).toBe('=?base64?QUJD?');
    expect(decodeHeaderValue(`=?base64?${Buffer.from([0xff, 0xfe]).toString('base64')}?=`)).toBeUndefined();
  });
});

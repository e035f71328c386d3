import { describe, expect, it } from 'vitest';
import { fieldWithControlCharacter, pathWithControlCharacter } from '../src/index.js';

describe('fieldWithControlCharacter', () => {
  it('names the first field, key or array item holding a C0 control or DEL', () => {
    expect(fieldWithControlCharacter({ state: 'a\u0000' }, 'query')).toBe('query.state');
    expect(fieldWithControlCharacter({ uris: ['ok', 'x\ty'] }, 'body')).toBe('body.uris[1]');
    expect(fieldWithControlCharacter({ 'a\u007f': 'ok' }, 'body')).toBe('body (a field name)');
    expect(fieldWithControlCharacter({ name: 'café ✓', n: 3, ok: true, none: null }, 'body')).toBeUndefined();
  });

  it('lets CR LF through only in the fields named as lines', () => {
    const form = { lines: 'a\r\nb', return_to: '/\r\nx' };
    expect(fieldWithControlCharacter(form, 'body', { multiLineFields: ['lines'] })).toBe('body.return_to');
    expect(fieldWithControlCharacter({ lines: 'a\r\n\u0000' }, 'body', { multiLineFields: ['lines'] })).toBe(
      'body.lines',
    );
  });

  it('walks a body nested far deeper than the stack would allow', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(fieldWithControlCharacter(deep, 'body')).toMatch(/^body(\[0\])+$/);
  });
});

describe('pathWithControlCharacter', () => {
  it('finds a percent-encoded control in a path segment, not in the query', () => {
    expect(pathWithControlCharacter('/api/v1/grants/%00')).toBe('path segment 4');
    expect(pathWithControlCharacter('/a/%E2%9C%93?x=%00')).toBeUndefined();
    expect(pathWithControlCharacter('/a/%zz')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../src/session/web-session.js';

// The input guard refuses these at the edge; safeReturnTo must not depend on it.
describe('safeReturnTo on its own', () => {
  it.each([
    ['a tab between the slashes', '/\t/evil.example'],
    ['a newline between the slashes', '/\n/evil.example'],
    ['CR/LF', '/dashboard\r\nSet-Cookie: pwned=1'],
    ['a NUL', '/\u0000/evil.example'],
    ['DEL', '/\u007f/evil.example'],
  ])('%s falls back to the dashboard', (_name, value) => {
    expect(safeReturnTo(value)).toBe('/dashboard');
  });

  it('keeps a path of ours with its query', () => {
    expect(safeReturnTo('/admin?tab=policy')).toBe('/admin?tab=policy');
  });
});

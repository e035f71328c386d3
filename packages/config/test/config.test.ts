import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assertProductionSafe, ConfigError, parseEnv, port, publicUrl } from '../src/index.js';

const schema = z.object({ URL: publicUrl.default('http://localhost:4000'), PORT: port.default(4000) });

describe('parseEnv', () => {
  it('applies defaults and treats blank values as unset', () => {
    expect(parseEnv(schema, { PORT: ' ' })).toEqual({ URL: 'http://localhost:4000', PORT: 4000 });
  });

  it('normalises a trailing slash away', () => {
    expect(parseEnv(schema, { URL: 'https://auth.example.com/' }).URL).toBe('https://auth.example.com');
  });

  it('reports every bad setting at once, by name', () => {
    const error = (() => {
      try {
        parseEnv(schema, { URL: 'ftp://x', PORT: '70000' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(2);
    expect((error as ConfigError).message).toMatch(/URL: .*\n.*PORT: /);
  });
});

describe('assertProductionSafe', () => {
  it('only applies in production', () => {
    expect(() => assertProductionSafe('development', [() => 'unsafe'])).not.toThrow();
    expect(() => assertProductionSafe('production', [() => 'unsafe', () => undefined])).toThrow(/unsafe/);
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  assertProductionSafe,
  ConfigError,
  parseEnv,
  port,
  publicUrl,
  trustProxySetting,
} from '../src/index.js';

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

describe('trustProxySetting', () => {
  const trust = z.object({ TRUST: trustProxySetting('TRUST') });
  const read = (value?: string) => parseEnv(trust, value === undefined ? {} : { TRUST: value }).TRUST;

  it('believes nobody by default, or when told false', () => {
    expect(read()).toBe(false);
    expect(read('false')).toBe(false);
    expect(read('0')).toBe(false);
  });

  it('takes a hop count or proxy addresses', () => {
    expect(read('1')).toBe(1);
    expect(read('10.0.0.0/8, 192.168.1.7,::1')).toEqual(['10.0.0.0/8', '192.168.1.7', '::1']);
  });

  it('refuses "trust everything", naming what to set instead', () => {
    expect(() => read('true')).toThrow(
      /TRUST=true would let any client choose its own address.*number of proxies/,
    );
    expect(() => read('yes')).toThrow(ConfigError);
  });

  it('refuses what is neither a count nor addresses', () => {
    expect(() => read('proxy.internal')).toThrow(/"proxy.internal" is neither/);
    expect(() => read('99')).toThrow(/at most 10/);
  });
});

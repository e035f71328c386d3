import { expect, it } from 'vitest';
import { loggingConfig, prettyLine } from '../src/index.js';

it('logs JSON with request lines in production, readable lines without them elsewhere', () => {
  expect(loggingConfig({ LOG_LEVEL: 'info' }, 'production')).toEqual({
    level: 'info',
    requests: true,
    format: 'json',
  });
  expect(loggingConfig({ LOG_LEVEL: 'info' }, 'development')).toEqual({
    level: 'info',
    requests: false,
    format: 'pretty',
  });
  expect(loggingConfig({ LOG_LEVEL: 'warn', LOG_REQUESTS: true, LOG_FORMAT: 'json' }, 'development')).toEqual(
    {
      level: 'warn',
      requests: true,
      format: 'json',
    },
  );
});

it('turns a pino line into one readable line with its fields', () => {
  const line = JSON.stringify({
    level: 30,
    time: Date.UTC(2026, 11, 2, 12, 0, 1),
    pid: 1,
    hostname: 'h',
    service: 'mcp',
    event: 'token_refused',
    status: 401,
    msg: 'token refused',
  });
  expect(prettyLine(line)).toBe('12:00:01 INFO  mcp   token refused event=token_refused status=401\n');
});

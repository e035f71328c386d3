import { Writable } from 'node:stream';
import { type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import { z } from 'zod';
import { booleanFlag } from './flags.js';
import { fastifyLogger } from './request-log.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Logging settings every service reads. */
export const loggingEnv = {
  LOG_LEVEL: z.enum(LEVELS).default('info'),
  /** Fastify's two lines per request; off by default outside production, where a person reads the terminal. */
  LOG_REQUESTS: booleanFlag.optional(),
  /** `json` (one object a line, for a log pipeline) or `pretty` (for a terminal). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
};

export interface LoggingConfig {
  level: (typeof LEVELS)[number];
  requests: boolean;
  format: 'json' | 'pretty';
}

export function loggingConfig(
  e: {
    LOG_LEVEL: LoggingConfig['level'];
    LOG_REQUESTS?: boolean | undefined;
    LOG_FORMAT?: 'json' | 'pretty' | undefined;
  },
  nodeEnv: string,
): LoggingConfig {
  const production = nodeEnv === 'production';
  // Someone at debug or trace is debugging, and wants every request.
  const debugging = e.LOG_LEVEL === 'debug' || e.LOG_LEVEL === 'trace';
  return {
    level: e.LOG_LEVEL,
    requests: e.LOG_REQUESTS ?? (production || debugging),
    format: e.LOG_FORMAT ?? (production ? 'json' : 'pretty'),
  };
}

/**
 * Fastify's logger options for a service. Events worth an operator's attention (a refused token, a
 * refused connection, a revocation) are logged at `info` through the same logger, so turning the
 * per-request lines off (`LOG_REQUESTS=false`) keeps them.
 */
export function fastifyLogging(
  logging: LoggingConfig | undefined,
  service: string,
): Pick<FastifyServerOptions, 'logger' | 'logController'> {
  if (!logging) return { logger: false };
  return {
    logger: {
      // Request URLs and messages with their query values redacted (request-log.ts).
      ...fastifyLogger({ level: logging.level }),
      base: { service },
      ...(logging.format === 'pretty' ? { stream: prettyStream() } : {}),
    },
    ...(logging.requests ? {} : { logController: new WithoutRequestLines() }),
  };
}

/** Fastify's lines per request, minus the two of every request; a failed request is still logged. */
class WithoutRequestLines extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error) super.requestCompleted(error, request, reply, metadata);
  }
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'service', 'reqId']);

/** `12:00:01 INFO  auth  revocation source=user grantId=…`: pino's JSON, readable in a terminal. */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = new Date(Number(entry.time ?? Date.now())).toISOString().slice(11, 19);
  const level = (LEVEL_NAMES[Number(entry.level)] ?? 'LOG').padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${time} ${level} ${String(entry.service ?? '').padEnd(4)}  ${[entry.msg, ...fields].join(' ')}\n`;
}

function prettyStream(): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      process.stdout.write(prettyLine(chunk.toString().trimEnd()));
      done();
    },
  });
}

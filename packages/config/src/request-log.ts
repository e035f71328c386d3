import type { FastifyRequest } from 'fastify';

/** What an app's `logger` option may be: off, on, or on at a level. */
export type LoggerSetting = boolean | { level: string };

/**
 * A URL as logged: every query value replaced, the names kept. Values carry authorization codes,
 * `state`, login hints and upstream callbacks' codes, none of which belongs in a log.
 */
export function redactedUrl(url: string): string {
  const at = url.indexOf('?');
  if (at === -1) return url;
  return `${url.slice(0, at)}?${queryNames(url.slice(at + 1))}`;
}

function queryNames(query: string): string {
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=', 1)[0]}=…`)
    .join('&');
}

/** A log message with the query of every URL in it redacted, e.g. Fastify's "Route GET:/x?code=… not found". */
export function redactedMessage(message: string): string {
  return message.replace(/\?([^\s"'`]+)/g, (_match, query: string) => `?${queryNames(query)}`);
}

/** Fastify's own request fields, with the URL redacted; headers (cookies, authorization) never. */
function requestLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * The `logger` option of an app's Fastify: requests logged by `requestLog`, and the URLs in
 * messages (Fastify logs a 404's whole URL) redacted alike.
 */
export function fastifyLogger(setting: LoggerSetting) {
  if (setting === false) return false;
  return {
    ...(setting === true ? {} : setting),
    serializers: { req: requestLog },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...args: unknown[]) => void) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? redactedMessage(arg) : arg)),
        );
      },
    },
  };
}

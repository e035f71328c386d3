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
  const names = url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=', 1)[0]}=…`);
  return `${url.slice(0, at)}?${names.join('&')}`;
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

/** The `logger` option of an app's Fastify, with requests logged by `requestLog`. */
export function fastifyLogger(setting: LoggerSetting) {
  if (setting === false) return false;
  return { ...(setting === true ? {} : setting), serializers: { req: requestLog } };
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorPage, sendPage } from './page.js';

/** The status of an error Fastify raised for the client's request itself (415, 400, 413), if it is one. */
export function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * The last resort of a page route's error handler: what the client got wrong (an unsupported
 * content type, an unreadable body) is a 4xx page; anything else is our failure, logged, a 500.
 */
export function sendFailurePage(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  { logMessage, failed = 'The change could not be made.' }: { logMessage: string; failed?: string },
): FastifyReply {
  const status = clientErrorStatus(error);
  if (status !== undefined) {
    const page = errorPage(
      'Bad request',
      'The request could not be read.',
      'Go back and send the form from its page.',
    );
    return sendPage(reply, page, status);
  }
  request.log.error({ err: error }, logMessage);
  return sendPage(reply, errorPage('Something went wrong', failed, 'Try again in a moment.'), 500);
}

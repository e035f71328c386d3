import { refuseControlCharacters } from '@enclavia/config';
import type { FastifyInstance } from 'fastify';
import { errorPage, sendPage } from './page.js';

/** The admin policy form's textareas: one entry per line. */
const MULTI_LINE_FIELDS = ['allowed_redirect_uris', 'allowed_client_ids'];

/** The auth app's routes refuse control characters: as a page for a browser, as JSON for /api and clients. */
export function guardInput(app: FastifyInstance): void {
  refuseControlCharacters(app, {
    multiLineFields: MULTI_LINE_FIELDS,
    refuse: (request, reply, message) => {
      const browser = !request.url.startsWith('/api/') && request.headers.accept?.includes('text/html');
      if (!browser) return reply.status(400).send({ error: 'invalid_request', message });
      return sendPage(
        reply,
        errorPage('Bad request', message, 'Go back, correct what you entered, and try again.'),
        400,
      );
    },
  });
}

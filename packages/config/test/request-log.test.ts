import { describe, expect, it } from 'vitest';
import { redactedMessage, redactedUrl } from '../src/index.js';

describe('request log redaction', () => {
  it('keeps the path and the names of the query, never its values', () => {
    expect(redactedUrl('/authorize?state=s3cr3t&client_id=abc&state=again')).toBe(
      '/authorize?state=…&client_id=…&state=…',
    );
    expect(redactedUrl('/login/github/callback?code=xyz')).toBe('/login/github/callback?code=…');
    expect(redactedUrl('/healthz')).toBe('/healthz');
  });

  it('redacts the URLs inside a message, such as Fastify logs for a 404', () => {
    expect(redactedMessage('Route GET:/callback?code=abc&state=def not found')).toBe(
      'Route GET:/callback?code=…&state=… not found',
    );
    expect(redactedMessage('did you forget? no URL here')).toBe('did you forget? no URL here');
  });
});

import { describe, expect, it } from 'vitest';
import { bearerChallenge } from '../src/auth/challenge.js';

const resourceMetadata = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

describe('WWW-Authenticate challenges', () => {
  it('asks for the default scopes and names no error when no token was sent', () => {
    expect(bearerChallenge({ resourceMetadata })).toBe(
      `Bearer resource_metadata="${resourceMetadata}", scope="enclaves:read enclaves:write enclaves:destroy"`,
    );
  });

  it('carries the error first and cannot be broken out of by a quote in the description', () => {
    expect(
      bearerChallenge({
        resourceMetadata,
        scope: ['enclaves:read'],
        error: 'invalid_token',
        description: 'bad "x"',
      }),
    ).toBe(
      `Bearer error="invalid_token", error_description="bad x", resource_metadata="${resourceMetadata}", scope="enclaves:read"`,
    );
  });
});

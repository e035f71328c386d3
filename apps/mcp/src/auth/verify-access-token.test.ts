import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIENCE, createTokenSigner, ISSUER } from '../../test/token-signer.js';
import { createAccessTokenVerifier } from './verify-access-token.js';

const claims = {
  userId: 'user-1',
  email: 'ada@example.com',
  workspaceId: randomUUID(),
  grantId: 'grant-1',
  scope: 'enclaves:read',
};

async function setup() {
  const signer = await createTokenSigner();
  const clock = { ms: Date.now() };
  const revoked = new Set<string>();
  const verify = createAccessTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: { jwks: signer.jwks },
    isRevoked: (grantId) => revoked.has(grantId),
    now: () => clock.ms,
  });
  return { signer, clock, revoked, verify };
}

// A verified token is remembered; these are what must still be checked on every request.
describe('a token verified once', () => {
  it('is refused once it expires, though it was accepted before', async () => {
    const { signer, clock, verify } = await setup();
    const token = await signer.sign({ ...claims, expiresIn: 60 }, clock.ms);
    await expect(verify(token)).resolves.toMatchObject({ scopes: ['enclaves:read'] });

    clock.ms += 60_000 + 4_000; // within the 5 s clock tolerance
    await expect(verify(token)).resolves.toBeDefined();
    clock.ms += 1_000;
    await expect(verify(token)).rejects.toThrow('the access token expired');
  });

  it('is refused as soon as its grant is revoked', async () => {
    const { signer, revoked, verify } = await setup();
    const token = await signer.sign(claims);
    await verify(token);
    revoked.add('grant-1');
    await expect(verify(token)).rejects.toThrow('the access token was revoked');
  });

  it('does not vouch for a token that differs from it, such as one with a forged signature', async () => {
    const { signer, verify } = await setup();
    const token = await signer.sign(claims);
    await verify(token);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(64, 1).toString('base64url')}`;
    await expect(verify(forged)).rejects.toThrow('the access token signature is invalid');
  });

  it('is checked afresh when it was never verified: an expired one is refused on first sight', async () => {
    const { signer, clock, verify } = await setup();
    const token = await signer.sign({ ...claims, expiresIn: 10 }, clock.ms - 60_000);
    await expect(verify(token)).rejects.toThrow('the access token expired');
  });
});

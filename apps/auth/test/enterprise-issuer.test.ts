import { describe, expect, it } from 'vitest';
import { issuerProblem } from '../src/workspaces/policy.js';

describe('an enterprise issuer URL', () => {
  it.each([
    ['https://acme.okta.com', false, undefined],
    ['https://login.microsoftonline.com/tenant/v2.0', true, undefined],
    ['http://127.0.0.1:9400', false, undefined],
    ['http://localhost:9400', false, undefined],
    ['http://127.0.0.1:9400', true, 'must be https in production'],
    ['http://idp.example', false, 'must be https (or http on localhost'],
    ['https://idp.example/?tenant=1', false, 'not an issuer URL'],
    ['not a url', false, 'not an issuer URL'],
  ])('%s (production: %s)', (url, production, problem) => {
    const found = issuerProblem(url, { production });
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

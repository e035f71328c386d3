import { USER_AGENT } from '@enclavia/config';
import { GitHub } from 'arctic';
import { z } from 'zod';
import { exchange, getJson, tokenField } from './http.js';
import { UpstreamError, type UpstreamIdentityProvider } from './identity-provider.js';

const API = 'https://api.github.com';
const SCOPES = ['read:user', 'user:email'];
const API_HEADERS = {
  accept: 'application/vnd.github+json',
  'user-agent': USER_AGENT,
  'x-github-api-version': '2022-11-28',
};

const userSchema = z.object({ id: z.number().int() });
const emailsSchema = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/** GitHub OAuth apps: no PKCE, so the verifier is unused; the email is the primary verified one. */
export function githubProvider(options: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}): UpstreamIdentityProvider {
  const github = new GitHub(options.clientId, options.clientSecret, options.redirectUri);
  return {
    id: 'github',
    label: 'GitHub',
    authorizationUrl: (state) => github.createAuthorizationURL(state, SCOPES),
    async identify(code) {
      const tokens = await exchange('GitHub', () => github.validateAuthorizationCode(code));
      const accessToken = tokenField('GitHub', () => tokens.accessToken());
      const user = await getJson('GitHub', `${API}/user`, accessToken, userSchema, API_HEADERS);
      const emails = await getJson('GitHub', `${API}/user/emails`, accessToken, emailsSchema, API_HEADERS);
      const primary = emails.find((e) => e.primary && e.verified);
      if (!primary) {
        throw new UpstreamError(
          'unverified_email',
          'Your GitHub account has no verified primary email address.',
        );
      }
      return { provider: 'github', subject: String(user.id), email: primary.email };
    },
  };
}

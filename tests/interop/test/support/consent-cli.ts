// The "browser" a CLI opens: signs in and approves over HTTP, then delivers the redirect to the
// CLI's loopback callback, as a person's browser would.
import { completeAuthorization } from '@enclavia/standalone/testing';

const authorizeUrl = process.argv[2];
if (!authorizeUrl) throw new Error('usage: consent-cli <authorization URL>');
const redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri');
if (!redirectUri) throw new Error(`no redirect_uri in ${authorizeUrl}`);
const callback = await completeAuthorization(authorizeUrl, {
  email: process.env.ENCLAVIA_TEST_EMAIL ?? 'peer@example.com',
  redirectUri,
});
const response = await fetch(callback);
console.log(`delivered ${callback.origin}${callback.pathname}: ${response.status}`);

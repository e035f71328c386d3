export { completeAuthorization } from './consent.js';
export { authorizationCodeFlow, decodeJwt, tokenRequest } from './flow.js';
export { connectWithOAuth, HeadlessOAuthProvider } from './oauth-client.js';
export { registerClient } from './register.js';
export { freePort, type Stack, startStack, useStack } from './stack.js';
export { type ApiSession, signInToDashboard } from './web-session.js';

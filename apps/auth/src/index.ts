export { type AuthAppDeps, buildAuthApp } from './app.js';
export { type AuthConfig, loadAuthConfig, startupWarnings } from './config.js';

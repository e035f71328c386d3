export { type AuthAppDeps, buildAuthApp } from './app.js';
export { type AuthConfig, authListener, loadAuthConfig, startupWarnings } from './config.js';
export { type DisableUserInput, disableUser } from './disable-user.js';
export { endExpiredGrants } from './housekeeping/expired-grants.js';
export { sweepExpiredRows } from './housekeeping/expired-rows.js';
export { reapUnusedClients } from './oidc/client-reaper.js';
export { disableUserCommand, offerOperatorCommands, operatorCommands } from './operator-commands.js';

import { exitOnStartupError } from '@enclavia/config';
import { loadAuthConfig } from '../config.js';
import { disableUserCommand } from '../operator-commands.js';
import { runOperatorCommand } from './run-operator-command.js';

/**
 * `pnpm disable-user <email>`: an operator's switch for an account, on the configured database,
 * while the product runs or not.
 */
async function main() {
  const email = process.argv[2];
  if (!email) {
    console.error('usage: pnpm disable-user <email>');
    process.exit(2);
  }
  const config = loadAuthConfig();
  const outcome = await runOperatorCommand(config, disableUserCommand.name, { email }, 'pnpm disable-user');
  if (!outcome.ok) {
    console.error(outcome.error);
    process.exitCode = 1;
    return;
  }
  const result = disableUserCommand.result.parse(outcome.result);
  if (!result) {
    console.error(`No user with the email ${email}.`);
    process.exitCode = 1;
    return;
  }
  console.log(
    `Disabled ${email}: revoked ${result.grants} connected app(s) and ${result.tokens} personal access token(s).`,
  );
}

main().catch(exitOnStartupError);

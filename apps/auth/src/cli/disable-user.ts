import { exitOnStartupError } from '@enclavia/config';
import { openDatabase } from '@enclavia/db';
import { loadAuthConfig } from '../config.js';
import { disableUser } from '../disable-user.js';

/** `pnpm disable-user <email>`: an operator's switch for an account, on the configured database. */
async function main() {
  const email = process.argv[2];
  if (!email) {
    console.error('usage: pnpm disable-user <email>');
    process.exit(2);
  }
  const config = loadAuthConfig();
  const database = await openDatabase(config.database);
  try {
    const result = await disableUser(database.db, { email, accessTokenTtl: config.ttl.accessToken });
    if (!result) {
      console.error(`No user with the email ${email}.`);
      process.exitCode = 1;
      return;
    }
    console.log(
      `Disabled ${email}: revoked ${result.grants} connected app(s) and ${result.tokens} personal access token(s).`,
    );
  } finally {
    await database.close();
  }
}

main().catch(exitOnStartupError);

import { signIn } from '../lib/local/cognito-bootstrap.js';
import { localConfigPath, readLocalConfig } from '../lib/local/local-config.js';

/** `npm run token`: a Cognito access token for the local dev user, for `Authorization: Bearer …` on management routes. */
const config = await readLocalConfig('.roukey');
if (!config) {
  console.error(`No ${localConfigPath('.roukey')}: start RouKey with \`npm start\` first.`);
  process.exit(1);
}
console.log(await signIn(config));

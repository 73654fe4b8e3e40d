import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEDULED_JOB_MODULES, type ScheduledJobName } from '../lib/local/handler-modules.js';
import { readLocalConfig } from '../lib/local/local-config.js';
import { mailDir } from '../lib/local/mail-outbox.js';
import { setHandlerEnvironment } from '../lib/local/runtime.js';
import { readCdkJsonConfig } from '../lib/stack-config.js';

/** `npm run job <name>`: runs a scheduled job now, against the stack a running `npm start` serves. */
const DATA_DIR = resolve('.roukey');
const name = process.argv[2] ?? '';
if (!(name in SCHEDULED_JOB_MODULES)) {
  console.error(`Usage: npm run job <${Object.keys(SCHEDULED_JOB_MODULES).join('|')}>`);
  process.exit(2);
}
const config = await readLocalConfig(DATA_DIR);
if (!config) {
  console.error(`No ${join(DATA_DIR, 'local.json')}: start RouKey with \`npm start\` first.`);
  process.exit(1);
}
setHandlerEnvironment({
  tables: config.tables,
  dynamodbEndpoint: config.dynamodbEndpoint,
  keyFile: join(DATA_DIR, 'master.key'),
  cognitoEndpoint: config.cognitoEndpoint,
  s3Endpoint: config.s3Endpoint,
  mailDir: mailDir(DATA_DIR),
  userPoolId: config.userPoolId,
  userPoolClientId: config.userPoolClientId,
  stackConfig: readCdkJsonConfig(fileURLToPath(new URL('../cdk.json', import.meta.url))),
});
const { handler } = await SCHEDULED_JOB_MODULES[name as ScheduledJobName]();
console.log(JSON.stringify(await handler({ runDate: new Date().toISOString() })));

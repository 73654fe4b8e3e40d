import { SIGN_UP_CONSENT, signUpConsentAttributes } from '../support/sign-up-consent.js';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminListGroupsForUserCommand,
  ConfirmSignUpCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { ADMIN_GROUP } from '../../lambdas/auth/admin-group.js';
import { VERIFICATION_MESSAGE } from '../../lib/cognito-messages.js';
import { cognitoLocalClient, ensureCognitoSetup, type CognitoSetup } from '../../lib/local/cognito-bootstrap.js';
import { startCognitoLocal, type CognitoLocal } from '../../lib/local/cognito-local.js';
import { TRIGGER_MODULES } from '../../lib/local/handler-modules.js';
import { startLambdaInvokeApi, type LambdaInvokeApi } from '../../lib/local/lambda-invoke-api.js';
import { readMail } from '../../lib/local/mail-outbox.js';

let dir: string;
let lambda: LambdaInvokeApi;
let cognito: CognitoLocal;
let idp: CognitoIdentityProviderClient;
let setup: CognitoSetup;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roukey-triggers-'));
  // The pre-sign-up handler reads its policy from the environment on its first call, as in AWS.
  Object.assign(process.env, { ROUKEY_SIGN_UP: 'domains', ROUKEY_SIGN_UP_DOMAINS: 'example.com' });
  lambda = await startLambdaInvokeApi({ 'roukey-local-pre-sign-up': TRIGGER_MODULES['pre-sign-up'] });
  cognito = await startCognitoLocal({
    dataDir: join(dir, 'cognito'),
    mailDir: join(dir, 'mail'),
    quiet: true,
    triggers: { lambdaEndpoint: lambda.endpoint, functions: { PreSignUp: 'roukey-local-pre-sign-up' } },
  });
  idp = cognitoLocalClient(cognito.endpoint, 'us-east-1');
  setup = await ensureCognitoSetup(idp);
});

afterAll(async () => {
  idp.destroy();
  await cognito.stop();
  await lambda.stop();
  await rm(dir, { recursive: true, force: true });
});

const signUp = (email: string) =>
  idp.send(
    new SignUpCommand({
      ClientId: setup.userPoolClientId,
      Username: email,
      Password: 'A-passw0rd-for-test!',
      UserAttributes: [{ Name: 'email', Value: email }, ...SIGN_UP_CONSENT],
    }),
  );

describe('cognito-local calls the pre-sign-up trigger through the local Lambda Invoke API', () => {
  it('domains mode: an address at an allowed domain signs up, and its verification code is mailed as a file (0600)', async () => {
    await signUp('Ada@Example.com');
    const [mail, ...rest] = (await readMail(join(dir, 'mail'))).filter((m) => m.to === 'Ada@Example.com');
    expect(rest).toEqual([]);
    expect(mail!.subject).toBe(VERIFICATION_MESSAGE.subject);
    const code = /verification code is (\S+)\.$/.exec(mail!.body)?.[1];
    expect(code).toMatch(/^\d+$/);
    expect((await stat(mail!.file)).mode & 0o777).toBe(0o600);
    await expect(
      idp.send(new ConfirmSignUpCommand({ ClientId: setup.userPoolClientId, Username: 'Ada@Example.com', ConfirmationCode: code })),
    ).resolves.toBeDefined();
  });

  it('domains mode: another domain is refused with the trigger’s message, and nothing is mailed', async () => {
    const err = await signUp('eve@evil-example.com').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).toBe('UserLambdaValidationException');
    expect(err?.message).toContain('evil-example.com is not one of them');
    expect((await readMail(join(dir, 'mail'))).some((m) => m.to === 'eve@evil-example.com')).toBe(false);
  });

  it('the bootstrap makes the dev user an admin without a sign-up (no trigger to pass), idempotently', async () => {
    const again = await ensureCognitoSetup(idp, setup);
    expect(again).toEqual(setup);
    // cognito-local matches group members by the username it stores (the sub), not by the email alias.
    const groups = await idp.send(new AdminListGroupsForUserCommand({ UserPoolId: setup.userPoolId, Username: setup.devUserSub }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual([ADMIN_GROUP]);
  });
});

describe('local Lambda Invoke API', () => {
  const invoke = (name: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${lambda.endpoint}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body, headers });

  it('answers a handler’s result, and a thrown error as Lambda does (200, X-Amz-Function-Error: Unhandled)', async () => {
    const event = (triggerSource: string, email: string) =>
      JSON.stringify({ triggerSource, userPoolId: 'p', userName: 'u', request: { userAttributes: { email, ...signUpConsentAttributes() } }, response: {} });
    const ok = await invoke('roukey-local-pre-sign-up', event('PreSignUp_SignUp', 'bob@example.com'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-amz-function-error')).toBeNull();
    expect((await ok.json()).triggerSource).toBe('PreSignUp_SignUp');
    const refused = await invoke('roukey-local-pre-sign-up', event('PreSignUp_SignUp', 'bob@elsewhere.test'));
    expect(refused.status).toBe(200);
    expect(refused.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await refused.json()).toEqual({ errorType: 'Error', errorMessage: expect.stringContaining('approved email domains only') });
  });

  it('an unknown function, a bad payload, an async invocation or another operation get Lambda’s errors', async () => {
    const unknown = await invoke('nope', '{}');
    expect([unknown.status, unknown.headers.get('x-amzn-errortype')]).toEqual([404, 'ResourceNotFoundException']);
    const bad = await invoke('roukey-local-pre-sign-up', '{not json');
    expect([bad.status, bad.headers.get('x-amzn-errortype')]).toEqual([400, 'InvalidRequestContentException']);
    const async = await invoke('roukey-local-pre-sign-up', '{}', { 'x-amz-invocation-type': 'Event' });
    expect(async.status).toBe(400);
    const list = await fetch(`${lambda.endpoint}/2015-03-31/functions/`);
    expect(list.status).toBe(404);
    const huge = await invoke('roukey-local-pre-sign-up', 'x'.repeat(6 * 1024 * 1024 + 1));
    expect([huge.status, huge.headers.get('x-amzn-errortype')]).toEqual([413, 'RequestTooLargeException']);
  });
});

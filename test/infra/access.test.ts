import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ADMIN_GROUP } from '../../lambdas/auth/admin-group.js';
import { INVITATION_MESSAGE } from '../../lib/cognito-messages.js';
import { RouKeyStack } from '../../lib/roukey-stack.js';
import { readStackConfig } from '../../lib/stack-config.js';
import { resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;

const synth = (context: Record<string, unknown> = {}) => {
  const app = new App(resourcesOnly(context));
  const stack = new RouKeyStack(app, 'RouKey');
  return { app, stack, template: Template.fromStack(stack) };
};
const config = (context: Record<string, unknown>) => readStackConfig(new Stack(new App({ context }), 'S'));

const byDefault = synth();
const withAdmin = synth({ 'roukey:adminEmail': 'ops@example.com' });

function userPool(template: Template): Json {
  return Object.values(template.findResources('AWS::Cognito::UserPool'))[0]!.Properties;
}

describe('who gets in', () => {
  it('invite (the default): Cognito accepts admin-created users only, and the invitation email carries the temporary password', () => {
    expect(config({}).signUp).toBe('invite');
    expect(userPool(byDefault.template)).toMatchObject({
      AdminCreateUserConfig: {
        AllowAdminCreateUserOnly: true,
        InviteMessageTemplate: { EmailSubject: INVITATION_MESSAGE.subject, EmailMessage: INVITATION_MESSAGE.body },
      },
    });
    expect(INVITATION_MESSAGE.body).toMatch(/\{username\}.*\{####\}/);
  });

  it('domains and open allow self sign-up; the pre-sign-up trigger is attached in every mode and carries the policy', () => {
    const domains = synth({ 'roukey:signUp': 'domains', 'roukey:signUpDomains': 'example.com,Example.org' });
    const open = synth({ 'roukey:signUp': 'open' });
    for (const [{ template, stack }, mode, list] of [
      [byDefault, 'invite', ''],
      [domains, 'domains', 'example.com,example.org'],
      [open, 'open', ''],
    ] as const) {
      const pool = userPool(template);
      expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(mode === 'invite');
      const trigger = stack.getLogicalId(stack.auth.preSignUp.node.defaultChild as never);
      expect(pool.LambdaConfig).toEqual({ PreSignUp: { 'Fn::GetAtt': [trigger, 'Arn'] } });
      const fn = template.toJSON().Resources[trigger];
      expect(fn.Properties.Environment.Variables).toMatchObject({ ROUKEY_SIGN_UP: mode, ROUKEY_SIGN_UP_DOMAINS: list });
      // The trigger needs no table, key or Cognito access: only its own log group.
      const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes(stack.getLogicalId(stack.auth.preSignUp.role!.node.defaultChild as never)),
      );
      expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: Json) => s.Action))).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]);
    }
  });

  it('sign-up context is validated at synth: a domains mode without domains, domains without that mode, bad names', () => {
    expect(() => synth({ 'roukey:signUp': 'domains' })).toThrow(/roukey:signUpDomains: must list at least one domain/);
    expect(() => config({ 'roukey:signUp': 'open', 'roukey:signUpDomains': ['example.com'] })).toThrow(
      /roukey:signUpDomains: is only used when sign-up is limited to domains/,
    );
    expect(() => config({ 'roukey:signUp': 'anyone' })).toThrow(/roukey:signUp: must be one of: invite, domains, open/);
    expect(() => config({ 'roukey:signUp': 'domains', 'roukey:signUpDomains': ['example.com', 'not a domain'] })).toThrow(
      /roukey:signUpDomains\.1: must be a domain name/,
    );
    expect(() => config({ 'roukey:adminEmail': 'ops' })).toThrow(/roukey:adminEmail: must be an email address/);
    expect(config({ 'roukey:signUp': 'domains', 'roukey:signUpDomains': '["Example.COM"]' })).toMatchObject({
      signUp: 'domains',
      signUpDomains: ['example.com'],
    });
  });

  it('the admins group exists', () => {
    byDefault.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: ADMIN_GROUP });
  });
});

describe('first admin at deploy time', () => {
  const customResources = (template: Template) => Object.values(template.findResources('Custom::AWS'));
  const call = (resource: Json): Json =>
    JSON.parse((resource.Properties.Create['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'POOL')).join(''));

  it('is present only when roukey:adminEmail is set', () => {
    expect(customResources(byDefault.template)).toEqual([]);
    expect(customResources(withAdmin.template)).toHaveLength(2);
  });

  it('invites by email (an existing user is not an error), then adds the user to the admins group', () => {
    const [invite, group] = customResources(withAdmin.template).map(call);
    expect(invite).toMatchObject({
      action: 'adminCreateUser',
      parameters: { UserPoolId: 'POOL', Username: 'ops@example.com', DesiredDeliveryMediums: ['EMAIL'] },
      ignoreErrorCodesMatching: 'UsernameExistsException',
      physicalResourceId: { id: 'adminCreateUser:ops@example.com' },
    });
    expect(group).toMatchObject({ action: 'adminAddUserToGroup', parameters: { UserPoolId: 'POOL', Username: 'ops@example.com', GroupName: 'POOL' } });
    // The group call waits for the invitation.
    const resources = withAdmin.template.toJSON().Resources as Record<string, Json>;
    const groupId = Object.keys(resources).find((k) => resources[k]!.Type === 'Custom::AWS' && JSON.stringify(resources[k]).includes('adminAddUserToGroup'))!;
    const inviteId = Object.keys(resources).find((k) => resources[k]!.Type === 'Custom::AWS' && k !== groupId)!;
    expect(resources[groupId]!.DependsOn).toEqual(expect.arrayContaining([inviteId]));
  });

  it('its IAM is scoped to the user pool and its own log group; no managed policy', () => {
    const { stack, template } = withAdmin;
    const pool = { 'Fn::GetAtt': [stack.getLogicalId(stack.auth.userPool.node.defaultChild as never), 'Arn'] };
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[])
      .filter((s) => JSON.stringify(s.Action).includes('cognito-idp:'));
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual(
      expect.arrayContaining([
        ['cognito-idp:AdminCreateUser', pool],
        ['cognito-idp:AdminAddUserToGroup', pool],
      ]),
    );
    for (const s of statements) expect(s.Resource).not.toBe('*');
    // CDK's helper that uploads the dashboard's build has basic execution (acknowledged in lib/web.ts); RouKey's roles none.
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
    for (const [, role] of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: Match.anyValue() }, Runtime: 'nodejs24.x' });
  });

  it('cdk-nag finds nothing to acknowledge in it', () => {
    const report = new AwsSolutionsChecks(withAdmin.app, { verbose: true }).validateScope(withAdmin.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
  });
});

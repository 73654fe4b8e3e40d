import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolEmail,
  type UserPoolGroup,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CONSENT_ATTRIBUTES } from '../lambdas/accounts/policy.js';
import { ADMIN_GROUP } from '../lambdas/auth/admin-group.js';
import type { AdminMfaMode } from '../lambdas/auth/admin-mfa.js';
import { MANAGE_SCOPE_NAME, RESOURCE_SERVER_ID } from '../lambdas/auth/oauth-scopes.js';
import { signUpEnvironment, type SignUpPolicy } from '../lambdas/auth/sign-up-policy.js';
import { INVITATION_MESSAGE, TEMPORARY_PASSWORD_DAYS, VERIFICATION_MESSAGE } from './cognito-messages.js';
import { FirstAdmin } from './first-admin.js';
import { RouKeyFunction } from './function.js';
import { addSignInDomain, type SignInDomain } from './managed-login.js';
import { SESSION_TOKEN_VALIDITY } from './token-validity.js';

export interface AuthProps {
  /** Who may create a sign-in (`roukey:signUp`, `roukey:signUpDomains`). */
  readonly signUp: SignUpPolicy;
  /** Invited as the first admin at deploy time (`roukey:adminEmail`). */
  readonly adminEmail?: string;
  /** `roukey:adminMfa`: with `required`, a federated sign-in is never linked to an admin. */
  readonly adminMfa: AdminMfaMode;
  /** Where managed login is served (`roukey:authDomainPrefix`, or `roukey:authDomain` + certificate). */
  readonly domain?: SignInDomain;
  /** Google or GitHub sign-in is configured: the pre-sign-up trigger may then look up and link users. */
  readonly federation: boolean;
}

/**
 * Sign-in for the dashboard and the management API (P16): the user pool with email + password and optional TOTP,
 * its managed login domain, the management API's resource server and the CLI's app client (the dashboard's client,
 * Google and GitHub are added by lib/managed-login.ts and lib/federated-sign-in.ts). Threat protection (P8) runs in
 * full-function mode for password users. Who may sign up is the operator's choice: by invitation only (Cognito allows
 * admin-created users only), or self sign-up checked by the pre-sign-up trigger, which also links a federated first
 * sign-in to the existing user with the same verified address. Admins are the `admins` group.
 */
export class Auth extends Construct {
  readonly userPool: UserPool;
  /** The CLI's client (`npm run token`, scripts): password and SRP sign-in, no redirects. */
  readonly client: UserPoolClient;
  readonly adminGroup: UserPoolGroup;
  readonly preSignUp: RouKeyFunction;
  readonly domain: UserPoolDomain;
  /** The management API as a resource server: scope `roukey/manage`. */
  readonly resourceServer: UserPoolResourceServer;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.preSignUp = new RouKeyFunction(this, 'PreSignUp', {
      handler: 'pre-sign-up',
      environment: { ...signUpEnvironment(props.signUp), ROUKEY_ADMIN_MFA: props.adminMfa },
    });
    this.userPool = new UserPool(this, 'UserPool', {
      signInAliases: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: props.signUp.mode !== 'invite',
      lambdaTriggers: { preSignUp: this.preSignUp },
      userInvitation: { emailSubject: INVITATION_MESSAGE.subject, emailBody: INVITATION_MESSAGE.body },
      userVerification: { emailSubject: VERIFICATION_MESSAGE.subject, emailBody: VERIFICATION_MESSAGE.body },
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // The sign-up form's answers (P24, P25), checked by the pre-sign-up trigger; immutable, so they record the sign-up.
      customAttributes: {
        [CONSENT_ATTRIBUTES.over13]: new StringAttribute({ minLen: 4, maxLen: 5, mutable: false }),
        [CONSENT_ATTRIBUTES.policyVersion]: new StringAttribute({ minLen: 1, maxLen: 32, mutable: false }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(TEMPORARY_PASSWORD_DAYS),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      email: UserPoolEmail.withCognito(),
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional for everyone by product decision (P16: email+password, Google and GitHub sign-in, whose own MFA Cognito cannot see); TOTP is offered to every user, roukey:adminMfa=required makes the admin API refuse admins without it, and threat protection runs in ENFORCED mode to challenge risky sign-ins.',
    });
    if (props.federation) this.allowLinking();

    this.client = this.userPool.addClient('Client', {
      // A public client (CLI, scripts): a secret could not be kept secret there.
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      // No redirects: CDK's default would allow the implicit grant to https://example.com through managed login.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      ...SESSION_TOKEN_VALIDITY,
    });
    this.resourceServer = this.userPool.addResourceServer('ManagementApi', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: 'RouKey management API',
      scopes: [new ResourceServerScope({ scopeName: MANAGE_SCOPE_NAME, scopeDescription: 'Manage RouKey' })],
    });
    this.domain = addSignInDomain(this.userPool, props.domain);

    this.adminGroup = this.userPool.addGroup('Admins', {
      groupName: ADMIN_GROUP,
      description: 'RouKey administrators: invite people, set plans, limits and suspensions',
    });
    if (props.adminEmail) new FirstAdmin(this, 'FirstAdmin', { userPool: this.userPool, group: this.adminGroup, email: props.adminEmail });
  }

  /**
   * Lets the pre-sign-up trigger find users by email and link a federated sign-in to one. A policy of its own: the
   * pool refers to the trigger, so the trigger's default policy (which the function waits for) cannot name the pool.
   */
  private allowLinking(): void {
    const role = this.preSignUp.role;
    if (!role) throw new Error('The pre-sign-up trigger has no role');
    new Policy(this, 'PreSignUpLinking', {
      roles: [role],
      statements: [
        new PolicyStatement({
          actions: ['cognito-idp:ListUsers', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminLinkProviderForUser'],
          resources: [this.userPool.userPoolArn],
        }),
      ],
    });
  }
}

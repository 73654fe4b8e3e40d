import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolEmail,
  type UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ADMIN_GROUP } from '../lambdas/auth/admin-group.js';
import { signUpEnvironment, type SignUpPolicy } from '../lambdas/auth/sign-up-policy.js';
import { INVITATION_MESSAGE, TEMPORARY_PASSWORD_DAYS, VERIFICATION_MESSAGE } from './cognito-messages.js';
import { FirstAdmin } from './first-admin.js';
import { RouKeyFunction } from './function.js';

export interface AuthProps {
  /** Who may create a sign-in (`roukey:signUp`, `roukey:signUpDomains`). */
  readonly signUp: SignUpPolicy;
  /** Invited as the first admin at deploy time (`roukey:adminEmail`). */
  readonly adminEmail?: string;
}

/**
 * Sign-in for the dashboard and the management API (P16): email + password now; managed login, Google and GitHub
 * come in a later issue. Threat protection (P8) runs in full-function mode for password users. Who may sign up is
 * the operator's choice: by invitation only (Cognito allows admin-created users only), or self sign-up checked by
 * the pre-sign-up trigger (which also sees federated first sign-ins). Admins are the `admins` group.
 */
export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly adminGroup: UserPoolGroup;
  readonly preSignUp: RouKeyFunction;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.preSignUp = new RouKeyFunction(this, 'PreSignUp', { handler: 'pre-sign-up', environment: signUpEnvironment(props.signUp) });
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
        'MFA is optional by product decision (P16: email+password sign-in, social providers later); TOTP is offered to every user and threat protection runs in ENFORCED mode to challenge risky sign-ins.',
    });

    this.client = this.userPool.addClient('Client', {
      // A public client (browser dashboard, CLI): a secret could not be kept secret there.
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.adminGroup = this.userPool.addGroup('Admins', {
      groupName: ADMIN_GROUP,
      description: 'RouKey administrators: invite people, set plans, limits and suspensions',
    });
    if (props.adminEmail) new FirstAdmin(this, 'FirstAdmin', { userPool: this.userPool, group: this.adminGroup, email: props.adminEmail });
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import type { UserPool, UserPoolGroup } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId, type AwsSdkCall } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { RETENTION } from '../lambdas/store/retention.js';
import { retentionDays } from './log-retention.js';

export interface FirstAdminProps {
  readonly userPool: UserPool;
  readonly group: UserPoolGroup;
  readonly email: string;
}

/**
 * Invites `roukey:adminEmail` as the first admin while the stack deploys: AdminCreateUser (Cognito emails the
 * temporary password), then AdminAddUserToGroup. Idempotent across deploys: the calls run when the address is first
 * set or changed; an existing user is not an error and is still put in the group. Nothing happens on delete: the
 * admin's sign-in outlives a stack update that drops the context key.
 */
export class FirstAdmin extends Construct {
  constructor(scope: Construct, id: string, props: FirstAdminProps) {
    super(scope, id);
    const { userPool, group, email } = props;
    const logGroup = new LogGroup(this, 'Logs', { retention: retentionDays(RETENTION.errorLogDays), removalPolicy: RemovalPolicy.DESTROY });
    // Its own role, so the provider gets only its log group and these two calls on this pool (no managed policy).
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'RouKey first-admin invitation at deploy time',
    });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));

    /** One Cognito call on create and on update (a changed address), allowed exactly that action on this pool. */
    const cognitoCall = (id: string, action: string, parameters: Record<string, unknown>, extra: Partial<AwsSdkCall> = {}) => {
      const call: AwsSdkCall = {
        service: 'CognitoIdentityServiceProvider',
        action,
        parameters: { UserPoolId: userPool.userPoolId, Username: email, ...parameters },
        physicalResourceId: PhysicalResourceId.of(`${action}:${email}`),
        // The response describes the user; none of it is needed as resource data.
        outputPaths: [],
        ...extra,
      };
      const iamAction = `cognito-idp:${action.charAt(0).toUpperCase()}${action.slice(1)}`;
      return new AwsCustomResource(this, id, {
        onCreate: call,
        onUpdate: call,
        policy: AwsCustomResourcePolicy.fromStatements([new PolicyStatement({ actions: [iamAction], resources: [userPool.userPoolArn] })]),
        role,
        logGroup,
        installLatestAwsSdk: false,
      });
    };
    const created = cognitoCall(
      'Invite',
      'adminCreateUser',
      {
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      },
      { ignoreErrorCodesMatching: 'UsernameExistsException' },
    );
    const grouped = cognitoCall('AddToGroup', 'adminAddUserToGroup', { GroupName: group.groupName });
    grouped.node.addDependency(created, group);
  }
}

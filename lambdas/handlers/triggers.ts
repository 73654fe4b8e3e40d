/**
 * Lambda handlers that Cognito invokes as user pool triggers (not API Gateway routes): read by lib/auth.ts, which
 * attaches them to the user pool, and by the local runtime, which serves them to cognito-local through the Lambda
 * Invoke API.
 */
export const TRIGGERS = {
  'pre-sign-up': { cognitoTrigger: 'PreSignUp' },
} as const satisfies Record<string, { cognitoTrigger: string }>;

export type TriggerName = keyof typeof TRIGGERS;

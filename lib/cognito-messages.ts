/**
 * The emails Cognito sends for RouKey, in one place: lib/auth.ts gives them to the user pool, and the local runtime
 * writes the same text to `.roukey/mail/` (lib/local/mail-outbox.ts). Cognito fills `{username}` and `{####}`.
 */
export const TEMPORARY_PASSWORD_DAYS = 3;

export const INVITATION_MESSAGE = {
  subject: 'You are invited to RouKey',
  body: `You have been invited to RouKey. Sign in as {username} with the temporary password {####} within ${TEMPORARY_PASSWORD_DAYS} days; you will then choose your own password.`,
} as const;

export const VERIFICATION_MESSAGE = {
  subject: 'Your RouKey verification code',
  body: 'Your RouKey verification code is {####}.',
} as const;

/** A message's text with Cognito's placeholders filled, as the recipient reads it. */
export function renderMessage(template: string, values: { username: string; code: string }): string {
  return template.replaceAll('{username}', values.username).replaceAll('{####}', values.code);
}

import type { EmailKind } from '../profile/preferences.js';

/**
 * The emails RouKey sends of its own, in one place (Cognito's are in lib/cognito-messages.ts). Plain text, built from
 * closed lists and ids only: nothing a caller sent to a model, no key, no address other than the recipient's own.
 */
export const NOTICE_KINDS = ['billing', 'security', 'policy-change', 'product-update'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** What happened, per kind; each is one template below. */
export const BILLING_EVENTS = ['payment_failed', 'grace_ended', 'plan_changed'] as const;
export const SECURITY_EVENTS = ['signed_out_everywhere', 'email_changed'] as const;

export type Notice =
  | { readonly kind: 'billing'; readonly event: 'payment_failed'; readonly graceEndsAt: string }
  | { readonly kind: 'billing'; readonly event: 'grace_ended'; readonly plan: string }
  | { readonly kind: 'billing'; readonly event: 'plan_changed'; readonly from: string; readonly to: string }
  | { readonly kind: 'security'; readonly event: (typeof SECURITY_EVENTS)[number] }
  | { readonly kind: 'policy-change'; readonly policyVersion: string }
  /** Written by the operator: a headline and a short text, sent only to those who opted in (P21). */
  | { readonly kind: 'product-update'; readonly headline: string; readonly text: string };

/** The preference (lambdas/profile/preferences.ts `wantsEmail`) that decides whether a kind is sent. */
export const NOTICE_PREFERENCE = {
  billing: 'billing',
  security: 'security',
  'policy-change': 'policyChanges',
  'product-update': 'productUpdates',
} as const satisfies Record<NoticeKind, EmailKind>;

export interface RenderedNotice {
  readonly subject: string;
  readonly body: string;
}

const SIGNATURE = '— RouKey';

/** Why the recipient gets this kind, and how to stop it where they can. */
const FOOTER: Record<NoticeKind, string> = {
  billing: "You get billing notices for your RouKey account; you can turn them off in your profile's notification settings.",
  security: 'Security notices are always sent: they tell you about changes to how your account is reached.',
  'policy-change': 'Notices of privacy policy changes are always sent to every account.',
  'product-update': "You get product updates because you turned them on; you can turn them off in your profile's notification settings.",
};

/** The notice's subject and text as the recipient reads them. */
export function renderNotice(notice: Notice): RenderedNotice {
  const { subject, lines } = content(notice);
  return { subject, body: [...lines, '', FOOTER[notice.kind], '', SIGNATURE].join('\n') };
}

function content(notice: Notice): { subject: string; lines: string[] } {
  switch (notice.kind) {
    case 'billing':
      return billingContent(notice);
    case 'security':
      return securityContent(notice.event);
    case 'policy-change':
      return {
        subject: "RouKey's privacy policy changed",
        lines: [`RouKey's privacy policy has a new version (${notice.policyVersion}).`, 'You will be asked to read and accept it the next time you sign in.'],
      };
    case 'product-update':
      return { subject: `RouKey: ${notice.headline}`, lines: [notice.text] };
  }
}

function billingContent(notice: Extract<Notice, { kind: 'billing' }>): { subject: string; lines: string[] } {
  switch (notice.event) {
    case 'payment_failed':
      return {
        subject: 'RouKey: a payment failed',
        lines: [
          'A payment for your RouKey subscription failed.',
          `Your plan stays as it is until ${day(notice.graceEndsAt)}. Update your payment method under Billing before then to keep it.`,
        ],
      };
    case 'grace_ended':
      return {
        subject: 'RouKey: your plan has ended',
        lines: [`The payment for your RouKey subscription is still outstanding, so your account is now on the ${notice.plan} plan.`],
      };
    case 'plan_changed':
      return { subject: 'RouKey: your plan changed', lines: [`Your RouKey account moved from the ${notice.from} plan to the ${notice.to} plan.`] };
  }
}

function securityContent(event: (typeof SECURITY_EVENTS)[number]): { subject: string; lines: string[] } {
  switch (event) {
    case 'signed_out_everywhere':
      return {
        subject: 'RouKey: signed out on every device',
        lines: ['Your RouKey account was signed out on every device.', 'If you did not do this, sign in and change your password now.'],
      };
    case 'email_changed':
      return {
        subject: 'RouKey: your email address changed',
        lines: [
          'The email address of your RouKey account was changed; this is the last notice sent to this address.',
          'If you did not do this, contact an administrator of your RouKey deployment now.',
        ],
      };
  }
}

/** A date as people read it in a notice (the day, in UTC). */
function day(iso: string): string {
  return `${iso.slice(0, 10)} (UTC)`;
}

import { Link } from 'wouter-preact';
import { me } from './me.js';

/** Shown on every page while the person has not accepted the current privacy policy (P24, P25). */
export function PolicyNotice() {
  const view = me.value;
  if (!view || !(view.consentRequired || view.policyUpdate)) return null;
  return (
    <p class="notice" role="note">
      {view.consentRequired
        ? 'Before you can use RouKey, confirm that you are 13 or older and accept the privacy policy.'
        : `The privacy policy changed (version ${view.currentPolicyVersion}).`}{' '}
      <Link href="/privacy">Review it on the Privacy page</Link>
    </p>
  );
}

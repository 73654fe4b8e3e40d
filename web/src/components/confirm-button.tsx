import { useState } from 'preact/hooks';
import { useFocusSwap } from '../ui/use-focus-swap.js';

/**
 * A destructive action in two steps: the first press asks, a second press on "Yes, …" does it, and "Cancel" or
 * Escape steps back. Focus moves to the question's answer and back, so it works from the keyboard alone.
 */
export function ConfirmButton({
  label,
  subject,
  question,
  disabled = false,
  onConfirm,
}: {
  /** The verb on the button: "Delete", "Revoke". */
  label: string;
  /** What it acts on, for the accessible names: "provider key fake". */
  subject: string;
  /** What happens, asked before it does: "Applications using it stop working." */
  question: string;
  disabled?: boolean;
  onConfirm: () => void;
}) {
  const [armed, setArmed] = useState(false);
  const { opened: confirmRef, opener: startRef } = useFocusSwap<HTMLButtonElement, HTMLButtonElement>(armed);

  if (!armed)
    return (
      <button type="button" class="danger" ref={startRef} disabled={disabled} aria-label={`${label} ${subject}`} onClick={() => setArmed(true)}>
        {label}
      </button>
    );
  return (
    <fieldset
      class="confirm"
      aria-label={`Confirm: ${label.toLowerCase()} ${subject}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setArmed(false);
      }}
    >
      <span class="confirm-question">{question}</span>
      <button
        type="button"
        class="danger solid"
        ref={confirmRef}
        disabled={disabled}
        aria-label={`Yes, ${label.toLowerCase()} ${subject}`}
        onClick={() => {
          setArmed(false);
          onConfirm();
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" class="link" onClick={() => setArmed(false)}>
        Cancel
      </button>
    </fieldset>
  );
}

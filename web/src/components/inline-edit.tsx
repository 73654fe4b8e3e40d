import { useState } from 'preact/hooks';
import { useFocusSwap } from '../ui/use-focus-swap.js';

/**
 * A one-field change made in place (rename, rotate): a button opens a small form with the field focused; Save
 * sends it, Cancel or Escape closes it and focus returns to the button.
 */
export function InlineEdit({
  label,
  subject,
  field,
  type = 'text',
  initial = '',
  disabled = false,
  onSave,
}: {
  /** The verb on the button: "Rename", "Rotate". */
  label: string;
  /** What it acts on, for the accessible names: "API key my-app". */
  subject: string;
  /** The field's name: "New name", "New API key". */
  field: string;
  type?: 'text' | 'password';
  initial?: string;
  disabled?: boolean;
  /** Resolves true when the change was made (the form closes), false to keep it open (the page shows the error). */
  onSave: (value: string) => Promise<boolean>;
}) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(initial);
  const { opened: inputRef, opener: buttonRef } = useFocusSwap<HTMLInputElement, HTMLButtonElement>(open);

  if (!open)
    return (
      <button
        type="button"
        class="secondary"
        ref={buttonRef}
        disabled={disabled}
        aria-label={`${label} ${subject}`}
        onClick={() => {
          setValue(initial);
          setOpen(true);
        }}
      >
        {label}
      </button>
    );
  return (
    <form
      class="inline-edit"
      aria-label={`${label} ${subject}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(value.trim()).then((done) => done && setOpen(false));
      }}
    >
      <input
        ref={inputRef}
        type={type}
        required
        autocomplete="off"
        aria-label={`${field} for ${subject}`}
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit" disabled={disabled}>
        Save
        <span class="sr-only">
          {' '}
          {field.toLowerCase()} for {subject}
        </span>
      </button>
      <button type="button" class="link" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

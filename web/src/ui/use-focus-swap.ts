import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * Keyboard focus for a control that swaps itself for a small form or question: focus moves into it when it opens
 * and back to the control that opened it when it closes (not on the first render).
 */
export function useFocusSwap<Opened extends HTMLElement, Opener extends HTMLElement>(open: boolean): { opened: RefObject<Opened>; opener: RefObject<Opener> } {
  const opened = useRef<Opened>(null);
  const opener = useRef<Opener>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (open) opened.current?.focus();
    else if (wasOpen.current) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return { opened, opener };
}

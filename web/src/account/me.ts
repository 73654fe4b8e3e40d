import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { MeView } from '../../../lambdas/profile/profile-service.js';
import { api } from '../api.js';

export type { MeView };
export type Theme = MeView['preferences']['dashboard']['theme'];

/** The signed-in person's profile as last read or changed: the theme and the policy notice follow it. */
export const me = signal<MeView | null>(null);

const systemDark = window.matchMedia('(prefers-color-scheme: dark)');
/** The palette in force, for what draws its own colours (charts): they redraw when it changes. */
export const appliedTheme = signal<'light' | 'dark'>(systemDark.matches ? 'dark' : 'light');
let chosen: Theme = 'system';
// `system` follows the browser's preference as it changes, not only as it was at load.
systemDark.addEventListener('change', () => applyTheme(chosen));

/**
 * Sets `data-theme` on the document, the one switch the style sheet's palettes read: `light` or `dark` as the
 * profile pins it, or, for `system`, as the browser prefers.
 */
export function applyTheme(theme: Theme): void {
  chosen = theme;
  const dark = theme === 'dark' || (theme === 'system' && systemDark.matches);
  appliedTheme.value = dark ? 'dark' : 'light';
  document.documentElement.dataset.theme = appliedTheme.value;
}

/** Keeps the profile a page read or changed, and applies its theme. */
export function setMe(view: MeView): MeView {
  me.value = view;
  applyTheme(view.preferences.dashboard.theme);
  return view;
}

/** Reads the profile once per session, for its theme and policy notice; a failure leaves the defaults. */
export function useMe(signedIn: boolean): void {
  useEffect(() => {
    if (!signedIn) return;
    api<MeView>('GET', '/v1/me').then(setMe, () => undefined);
  }, [signedIn]);
}

import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { MeView } from '../../../lambdas/profile/profile-service.js';
import { api } from '../api.js';

export type { MeView };
export type Theme = MeView['preferences']['dashboard']['theme'];

/** The signed-in person's profile as last read or changed: the theme and the policy notice follow it. */
export const me = signal<MeView | null>(null);

/** `light` or `dark` pins the document's colours; `system` leaves them to the browser's preference. */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
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

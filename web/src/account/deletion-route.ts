/**
 * Where a deleted account's person follows the deletion: `/deleted/<deletionId>`, a page without a session (the
 * status route needs none and holds nothing personal). The id waits in sessionStorage while managed login's sign-out
 * sends the browser away and back to `/`.
 */
export const DELETED_PATH = '/deleted/';
const PENDING_KEY = 'roukey.deletion-id';

/** Remembers the deletion to show once this tab's session has ended. */
export function rememberDeletion(deletionId: string): void {
  sessionStorage.setItem(PENDING_KEY, deletionId);
}

/** The deletion this address, or this signed-out tab, is to show; null on every other page. */
export function deletionToShow(path: string, signedIn: boolean): string | null {
  if (path.startsWith(DELETED_PATH)) return decodeURIComponent(path.slice(DELETED_PATH.length)) || null;
  return signedIn ? null : sessionStorage.getItem(PENDING_KEY);
}

/** The address shows the deletion from now on; the tab no longer needs to remember it. */
export function forgetDeletion(): void {
  sessionStorage.removeItem(PENDING_KEY);
}

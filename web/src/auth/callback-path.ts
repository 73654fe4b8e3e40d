/** Where managed login sends people back to (lib/managed-login.ts registers `<dashboard>/auth/callback`). */
export const CALLBACK_PATH = '/auth/callback';
